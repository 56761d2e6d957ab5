#pragma once
// The window's analysis as pages arrive (issue 16): every page the window learns of (Open,
// drop, hot folder, scanner, camera, and those left unanalysed by an earlier run) goes to an
// app::ArrivalAnalysis served by one BackgroundTask per core, each with a persistent
// single-threaded docdesk-worker at background priority. Results are stored in the session
// with their proposed edits; the window hears of them on the UI thread, rate-limited.
// Stopping drops what is queued: those pages stay unanalysed in the session (crash-safe) and
// the next window or the plan analyses them.
#include "app/common/ArrivalAnalysis.h"
#include "app/gui/BackgroundTask.h"

#include <chrono>
#include <functional>
#include <memory>
#include <vector>
#include <wx/timer.h>

namespace docdesk::gui {

class ArrivalAnalyser {
  public:
    // False when DOCDESK_ANALYSE_ON_ARRIVAL is "0": pages are then analysed only when the plan
    // is made, as before issue 16 (arrival_bench measures both; a machine whose cores must
    // stay free while pages come in can turn it off).
    static bool enabled();
    // Starts the serving tasks for `session`, which must outlive this object.
    ArrivalAnalyser(wxWindow* window, journal::Session& session);
    // Stops the tasks (each finishes the page it is on) and waits for them.
    ~ArrivalAnalyser();
    ArrivalAnalyser(const ArrivalAnalyser&) = delete;
    ArrivalAnalyser& operator=(const ArrivalAnalyser&) = delete;

    // UI thread. Queues the pages that need analysis (see ArrivalAnalysis::add).
    void add(const std::vector<PageRecord>& pages, const rules::PageEditRules& edits);
    // Asks the tasks to stop without waiting (the window is closing).
    void requestStop();
    // For the plan, which waits for what is queued before analysing the rest itself.
    std::shared_ptr<app::ArrivalAnalysis> analysis() const { return analysis_; }

    // UI thread: the progress, at most four times a second ({0, 0} once nothing is left to do).
    std::function<void(size_t done, size_t total)> onProgress;
    // UI thread, at most every kRefreshInterval while results come in and once after the last:
    // the session's pages changed (analysis and proposed edits stored, pages cut apart).
    std::function<void()> onPagesChanged;

  private:
    void analysed();
    void reportProgress(bool force);

    std::shared_ptr<app::ArrivalAnalysis> analysis_;
    std::chrono::steady_clock::time_point lastProgress_;
    bool idleMarked_ = false;             // "analysis_idle" is in the latency log for this idle spell
    wxTimer refresh_;                     // one-shot: the grid reads the session again when it fires
    std::vector<BackgroundTask> servers_; // last: stopped and joined before the rest goes
};

} // namespace docdesk::gui
