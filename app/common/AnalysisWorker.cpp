#include "app/common/AnalysisWorker.h"

#include "core/common/Translate.h"
#include "platform/HelperProgram.h"
#include "platform/ProcessLimits.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace docdesk::app {
namespace {

constexpr unsigned kMaxParallelism = 8;

unsigned parallelismOf(const WorkerLimits& limits) {
    const unsigned wanted = limits.parallelism != 0 ? limits.parallelism : std::thread::hardware_concurrency();
    return std::clamp(wanted, 1u, kMaxParallelism);
}

// Outcomes of analyseMany() as the pool's threads deliver them, taken in order by the caller.
struct Deliveries {
    std::mutex lock;
    std::condition_variable arrived;
    std::vector<std::optional<AnalysisOutcome>> outcomes;
    size_t running = 0;   // threads still working
    bool abandon = false; // the caller gave up (onDone threw): take no more requests
};

// Hands the outcomes to `onDone` in request order as they arrive; returns when all are handed
// over or the threads ended without the next one (stopped).
void deliverInOrder(Deliveries& d, const std::function<void(size_t, AnalysisOutcome&)>& onDone) {
    for (size_t i = 0; i < d.outcomes.size(); ++i) {
        std::unique_lock guard(d.lock);
        d.arrived.wait(guard, [&] { return d.outcomes[i].has_value() || d.running == 0; });
        if (!d.outcomes[i])
            return;
        AnalysisOutcome outcome = std::move(*d.outcomes[i]);
        d.outcomes[i].reset();
        guard.unlock();
        onDone(i, outcome);
    }
}

WorkerRequest pageRequest(std::string op, const std::filesystem::path& file, const std::string& mediaType, int page,
                          double dpi) {
    WorkerRequest r;
    r.op = std::move(op);
    r.file = file.string();
    r.mediaType = mediaType;
    r.page = page;
    r.dpi = dpi;
    return r;
}

} // namespace

AnalysisWorker::AnalysisWorker(WorkerLimits limits, std::filesystem::path executable)
    : limits_(limits),
      executable_(executable.empty() ? platform::helperProgram("docdesk-worker") : std::move(executable)) {}

void AnalysisWorker::start() {
    platform::ChildOptions opts;
    opts.pipeStdin = true;
    opts.pipeStdout = true;
    // Tesseract: one thread per worker process. (A std::string, not a literal: GCC 12 reports a
    // bogus -Wrestrict for assigning a literal here.)
    opts.environment["OMP_THREAD_LIMIT"] = std::string("1");
    std::vector<std::string> command{executable_.string(), "--serve", "--memory-limit-mb",
                                     std::to_string(limits_.memoryMegabytes)};
    if (limits_.threads != 0)
        command.insert(command.end(), {"--threads", std::to_string(limits_.threads)});
    child_.emplace(command, opts);
}

AnalysisOutcome AnalysisWorker::request(const WorkerRequest& req) {
    if (child_ && !child_->running()) { // died while idle
        child_.reset();
        ++restarts_;
    }
    if (!child_)
        start();
    AnalysisOutcome out;
    try {
        child_->writeStdin(workerRequestLine(req) + "\n");
    } catch (const std::system_error&) {
        // The worker died between requests; its exit is reported below.
    }
    const auto line = child_->readLine(limits_.timePerPage);
    if (line)
        return parseWorkerAnswer(*line, req.op);
    // No answer: the worker crashed, or hangs and is stopped now. Either way it is replaced.
    const auto status = child_->waitFor(std::chrono::milliseconds(200));
    if (!status) {
        child_->signal(9);
        child_->wait();
        out.error = trf("analysis failed: it took longer than {} seconds and was stopped", limits_.timePerPage.count());
    } else if (status->signal != 0) {
        out.error = trf("analysis failed: the decoder crashed ({})", platform::signalName(status->signal));
    } else {
        out.error = trf("analysis failed: the worker ended unexpectedly (exit code {})", status->code);
    }
    child_.reset(); // the next request starts a fresh worker
    ++restarts_;
    return out;
}

AnalysisOutcome AnalysisWorker::analyse(const std::filesystem::path& file, const std::string& mediaType, int page,
                                        double dpi) {
    return request(pageRequest("analyse", file, mediaType, page, dpi));
}

AnalysisOutcome AnalysisWorker::recognise(const std::filesystem::path& file, const std::string& mediaType, int page,
                                          double dpi, const std::string& transforms, const std::string& languages) {
    auto r = pageRequest("ocr", file, mediaType, page, dpi);
    r.transforms = transforms;
    r.languages = languages;
    return request(r);
}

AnalysisOutcome AnalysisWorker::run(const AnalysisRequest& r) {
    if (!r.ocrLanguages.empty())
        return recognise(r.file, r.mediaType, r.page, r.dpi, r.transforms, r.ocrLanguages);
    return analyse(r.file, r.mediaType, r.page, r.dpi);
}

int AnalysisWorker::restarts() const {
    int total = restarts_;
    for (const auto& helper : helpers_)
        total += helper->restarts();
    return total;
}

void AnalysisWorker::analyseMany(std::span<const AnalysisRequest> requests,
                                 const std::function<void(size_t, AnalysisOutcome&)>& onDone, std::stop_token stop) {
    const size_t poolSize = std::min<size_t>(parallelismOf(limits_), requests.size());
    if (poolSize <= 1) {
        for (size_t i = 0; i < requests.size() && !stop.stop_requested(); ++i) {
            auto outcome = run(requests[i]);
            onDone(i, outcome);
        }
        return;
    }
    WorkerLimits single = limits_;
    single.threads = 1; // one process per core, each on one thread
    while (helpers_.size() + 1 < poolSize)
        helpers_.push_back(std::make_unique<AnalysisWorker>(single, executable_));

    Deliveries d;
    d.outcomes.resize(requests.size());
    d.running = poolSize;
    std::atomic<size_t> next{0};
    const auto work = [&](AnalysisWorker& worker) {
        for (size_t i = next++; i < requests.size(); i = next++) {
            {
                const std::lock_guard guard(d.lock);
                if (d.abandon || stop.stop_requested())
                    break;
            }
            auto outcome = worker.run(requests[i]);
            const std::lock_guard guard(d.lock);
            d.outcomes[i] = std::move(outcome);
            d.arrived.notify_all();
        }
        const std::lock_guard guard(d.lock);
        --d.running;
        d.arrived.notify_all();
    };
    std::vector<std::jthread> threads;
    threads.emplace_back(work, std::ref(*this));
    for (size_t k = 0; k + 1 < poolSize; ++k)
        threads.emplace_back(work, std::ref(*helpers_[k]));
    try {
        deliverInOrder(d, onDone);
    } catch (...) {
        {
            const std::lock_guard guard(d.lock);
            d.abandon = true;
        }
        threads.clear(); // joins
        throw;
    }
}

AnalysisOutcome AnalysisWorker::crop(const std::filesystem::path& file, const std::string& mediaType, int page,
                                     double dpi, const std::string& mode, const std::filesystem::path& out) {
    auto r = pageRequest("crop", file, mediaType, page, dpi);
    r.mode = mode;
    r.out = out.string();
    return request(r);
}

AnalysisOutcome AnalysisWorker::countPages(const std::filesystem::path& file) {
    return request(pageRequest("count", file, {}, 1, 300));
}

} // namespace docdesk::app
