#pragma once
// Analysis as pages arrive (issue 16): pages stored in the session by any source (files, drop,
// hot folder, scanner, camera) are queued here, and serving threads, each with a persistent
// single-threaded docdesk-worker of its own, analyse them in the background and store each
// result with the edits it proposes (storeAnalysisOutcome), as the plan would. The plan and
// filing then analyse only what is still missing, after waiting for what is already queued
// (waitForQueued), instead of analysing every page when the user asks for the plan.
// wx-free: the window runs serve() in BackgroundTasks, a CLI in plain threads.
#include "app/common/AnalysisWorker.h"
#include "core/journal/Session.h"
#include "core/rules/FilingRules.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::app {

class ArrivalAnalysis {
  public:
    // How far the pages queued since the queue was last empty have come.
    struct Progress {
        size_t done = 0;
        size_t total = 0;
    };
    // Runs on the serving thread after each page: the page's records afterwards (itself, the
    // pages it was cut into, or none when it was deleted or analysed elsewhere meanwhile) and
    // the progress with it counted.
    using AnalysedCallback = std::function<void(const std::vector<PageRecord>& stored, Progress progress)>;

    explicit ArrivalAnalysis(journal::Session& session, double pdfDpi = 300);
    ArrivalAnalysis(const ArrivalAnalysis&) = delete;
    ArrivalAnalysis& operator=(const ArrivalAnalysis&) = delete;

    // Any thread. Queues the image pages among `pages` that have no stored analysis and were
    // not queued before, to be analysed with their edits proposed under `edits`.
    void add(std::span<const PageRecord> pages, const rules::PageEditRules& edits);
    // Analyses queued pages with `worker` on the calling thread until `stop` is requested.
    // Each page is read again from the session first: one deleted meanwhile is skipped, and
    // the proposal is made on the edits the user made meanwhile (which stand). A failed
    // analysis is stored as {"error"} like the plan does; a session that cannot be written
    // costs the page (it stays unanalysed, the plan tries again).
    void serve(std::stop_token stop, AnalysisWorker& worker, const AnalysedCallback& onAnalysed = {});
    // The same with a persistent docdesk-worker of its own with serverLimits(), started on the
    // calling thread (so it inherits the thread's priority).
    void serve(std::stop_token stop, const AnalysedCallback& onAnalysed = {});
    // A serving worker's limits: one per core (defaultServers), each single-threaded.
    static WorkerLimits serverLimits();
    // Waits until every page queued before the call has been analysed, or until serving has
    // ended (the servers were stopped: the caller analyses the rest itself); false when
    // `stop` was requested first.
    bool waitForQueued(std::stop_token stop);
    Progress progress() const;
    // Worker requests made so far (what the tests count).
    size_t requests() const;
    // The analyses that failed, "FILE page N: reason" (the pages stay planned).
    std::vector<std::string> errors() const;
    // Serving threads for a pool of one single-threaded worker per core.
    static unsigned defaultServers();

  private:
    struct Item {
        std::uint64_t ticket = 0;
        PageRecord page;
        rules::PageEditRules edits;
    };
    std::vector<PageRecord> analyseOne(const Item& item, AnalysisWorker& worker);
    void finish(const Item& item);

    journal::Session& session_;
    const double pdfDpi_;
    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::deque<Item> queue_;
    std::set<std::uint64_t> open_; // tickets queued or being analysed
    std::set<std::int64_t> known_; // page ids queued once: each is analysed once here
    std::uint64_t nextTicket_ = 1;
    size_t servers_ = 0;
    bool served_ = false; // a server has stopped serving
    Progress progress_;
    size_t requests_ = 0;
    std::vector<std::string> errors_;
};

} // namespace docdesk::app
