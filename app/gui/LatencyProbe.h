#pragma once
// Measures how long the UI thread was unable to handle events: a timer that should fire every
// 20 ms notes how late each tick comes. The longest stall is what a user feels as a frozen
// window. Off unless DOCDESK_UI_LATENCY_LOG names a file; then every stall over 50 ms is
// appended there as it happens ("stall_ms N"), and "max_stall_ms N" when the window closes;
// "ready" is written on the event loop's first pass after start-up (startup_bench waits for it).
// The GUI tests use it to check the 100 ms budget during scanning and filing.
#include <chrono>
#include <cstdio>
#include <string>
#include <wx/timer.h>

namespace docdesk::gui {

class LatencyProbe : public wxTimer {
public:
    // Starts when the environment asks for it; otherwise does nothing.
    LatencyProbe();
    ~LatencyProbe() override;
    void Notify() override;

private:
    std::FILE* log_ = nullptr;
    std::chrono::steady_clock::time_point last_;
    std::chrono::milliseconds maxStall_{0};
};

} // namespace docdesk::gui
