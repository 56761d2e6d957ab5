#include "app/common/ArrivalAnalysis.h"

#include "app/common/PlanFiling.h"

#include <algorithm>
#include <thread>

namespace docdesk::app {

ArrivalAnalysis::ArrivalAnalysis(journal::Session& session, double pdfDpi)
    : session_(session), pdfDpi_(pdfDpi) {}

unsigned ArrivalAnalysis::defaultServers() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

namespace {

// Whether the page seems analysed, without parsing its analysis: add() runs on the window's
// thread, also for every page of a large session at start. A failed analysis is stored as
// {"error": ...} and is tried again; serve() reads the page again and checks exactly.
bool seemsAnalysed(const PageRecord& p) {
    return p.analysisJson && !p.analysisJson->empty() && !p.analysisJson->starts_with("{\"error\"");
}

} // namespace

void ArrivalAnalysis::add(std::span<const PageRecord> pages, const rules::PageEditRules& edits) {
    {
        const std::lock_guard lock(mutex_);
        if (open_.empty()) // a new run of arrivals: the progress counts from here
            progress_ = {};
        for (const auto& p : pages) {
            if (p.isPassThrough() || seemsAnalysed(p) || !known_.insert(p.id).second)
                continue;
            const std::uint64_t ticket = nextTicket_++;
            queue_.push_back({ticket, p, edits});
            open_.insert(ticket);
            ++progress_.total;
        }
    }
    changed_.notify_all();
}

std::vector<PageRecord> ArrivalAnalysis::analyseOne(const Item& item, AnalysisWorker& worker) {
    // Read again: the user may have deleted or edited the page since it was queued, or the
    // plan may have analysed it.
    const std::int64_t id = item.page.id;
    const auto before = session_.pagesWithIds(std::span(&id, 1));
    if (before.empty() || hasStoredAnalysis(before.front()))
        return {};
    const auto& p = before.front();
    auto outcome = worker.analyse(p.originalFile, p.mediaType, p.sourcePage, pdfDpi_);
    {
        const std::lock_guard lock(mutex_);
        ++requests_;
    }
    std::vector<std::string> failures;
    auto stored = storeAnalysisOutcome(session_, p, outcome, item.edits, failures);
    if (!failures.empty()) {
        const std::lock_guard lock(mutex_);
        errors_.insert(errors_.end(), failures.begin(), failures.end());
    }
    return stored;
}

void ArrivalAnalysis::finish(const Item& item) {
    {
        const std::lock_guard lock(mutex_);
        open_.erase(item.ticket);
        ++progress_.done;
    }
    changed_.notify_all();
}

WorkerLimits ArrivalAnalysis::serverLimits() {
    WorkerLimits limits;
    limits.threads = 1;
    return limits;
}

void ArrivalAnalysis::serve(std::stop_token stop, const AnalysedCallback& onAnalysed) {
    AnalysisWorker worker(serverLimits());
    serve(stop, worker, onAnalysed);
}

void ArrivalAnalysis::serve(std::stop_token stop, AnalysisWorker& worker,
                            const AnalysedCallback& onAnalysed) {
    {
        const std::lock_guard lock(mutex_);
        ++servers_;
    }
    // Waiters must not wait for a queue nobody serves any more.
    struct Leave {
        ArrivalAnalysis& self;
        ~Leave() {
            {
                const std::lock_guard lock(self.mutex_);
                --self.servers_;
                self.served_ = true;
            }
            self.changed_.notify_all();
        }
    } leave{*this};
    while (!stop.stop_requested()) {
        Item item;
        {
            std::unique_lock lock(mutex_);
            if (!changed_.wait(lock, stop, [this] { return !queue_.empty(); }))
                return;
            item = std::move(queue_.front());
            queue_.pop_front();
        }
        std::vector<PageRecord> stored;
        try {
            stored = analyseOne(item, worker);
        } catch (const std::exception& e) {
            // The session could not be read or written (disk full, removed): the page stays
            // without analysis, and the plan analyses it when asked.
            const std::lock_guard lock(mutex_);
            errors_.push_back(e.what());
        }
        finish(item);
        if (onAnalysed)
            onAnalysed(stored, progress());
    }
}

bool ArrivalAnalysis::waitForQueued(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    const std::uint64_t last = nextTicket_ - 1;
    const auto servingEnded = [this] { return served_ && servers_ == 0; };
    return changed_.wait(lock, stop,
                         [&] { return servingEnded() || open_.empty() || *open_.begin() > last; });
}

ArrivalAnalysis::Progress ArrivalAnalysis::progress() const {
    const std::lock_guard lock(mutex_);
    return progress_;
}

size_t ArrivalAnalysis::requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
}

std::vector<std::string> ArrivalAnalysis::errors() const {
    const std::lock_guard lock(mutex_);
    return errors_;
}

} // namespace docdesk::app
