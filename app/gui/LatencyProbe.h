#pragma once
// Measures how long the UI thread was unable to handle events: a timer that should fire every
// 20 ms notes how late each tick comes. The longest stall is what a user feels as a frozen
// window. Off unless DOCDESK_UI_LATENCY_LOG names a file; then every stall over 50 ms is
// appended there as it happens ("stall_ms N", followed by up to three "stall_in MS xCOUNT KIND"
// lines: the handlers and posted calls that took longest since the tick before, which names a
// stall made of many short pieces), and "max_stall_ms N" when the window closes;
// "ready" is written on the event loop's first pass after start-up (startup_bench waits for
// it), and stalls are counted from then on.
// The GUI tests use it to check the 100 ms budget during scanning and filing.
#include <chrono>
#include <cstdio>
#include <string>
#include <typeinfo>
#include <wx/event.h>
#include <wx/timer.h>

namespace docdesk::gui {

class LatencyProbe : public wxTimer {
  public:
    // Starts when the environment asks for it; otherwise does nothing.
    LatencyProbe();
    ~LatencyProbe() override;
    void Notify() override;

    // Called for every event handler the UI thread runs (DocdeskApp::CallEventHandler): with the
    // probe on, a handler that ran longer than 50 ms is logged as "slow_event_ms N EVENT HANDLER"
    // (e.g. "slow_event_ms 120 wxPaintEvent docdesk::gui::PlanView"), which names what froze
    // the window. Nested handlers are logged each, the outer one including the inner time.
    static void noteHandler(std::chrono::steady_clock::time_point started, const wxEvtHandler* handler,
                            const wxEvent& event);
    // The same for a call posted to the UI thread (WindowQueue::post, i.e. wxApp::CallAfter),
    // which wx runs without CallEventHandler (the probe observes WindowQueue's calls): "slow_call_ms N
    // LAMBDA", the lambda's type naming the function that posted it (e.g.
    // "docdesk::gui::MainFrame::importPaths(...)::{lambda()#2}").
    static void noteCall(std::chrono::steady_clock::time_point started, const std::type_info& call);
    // With the probe on, appends `event` as a line of its own ("plan_ready"): a moment a
    // benchmark waits for (arrival_bench times a drop to the plan being shown).
    static void mark(const char* event);

  private:
    std::FILE* log_ = nullptr;
    std::chrono::steady_clock::time_point last_;
    std::chrono::milliseconds maxStall_{0};
    bool ready_ = false; // the event loop has run once: start-up is over
};

} // namespace docdesk::gui
