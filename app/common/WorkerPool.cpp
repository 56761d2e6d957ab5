#include "app/common/WorkerPool.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <thread>

namespace docdesk::app {

WorkerPool::WorkerPool(unsigned size, WorkerLimits limits, std::filesystem::path executable) {
    if (size == 0)
        size = std::clamp(std::thread::hardware_concurrency(), 2u, 4u);
    if (size > 1)
        limits.threads = 1; // one process per core, each on one thread
    for (unsigned i = 0; i < size; ++i) {
        workers_.push_back(std::make_unique<AnalysisWorker>(limits, executable));
        idle_.push_back(workers_.back().get());
    }
}

AnalysisWorker* WorkerPool::acquire() {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [this] { return !idle_.empty(); });
    AnalysisWorker* worker = idle_.back();
    idle_.pop_back();
    return worker;
}

void WorkerPool::release(AnalysisWorker* worker) {
    {
        const std::lock_guard lock(mutex_);
        idle_.push_back(worker);
    }
    freed_.notify_one();
}

int WorkerPool::restarts() const {
    const std::lock_guard lock(mutex_);
    int total = 0;
    for (const auto& w : workers_)
        total += w->restarts();
    return total;
}

WorkerPool& sharedWorkerPool() {
    static WorkerPool pool;
    return pool;
}

capture::PageCounter countPagesInWorker(WorkerPool& pool) {
    return [&pool](const std::filesystem::path& file) {
        const auto counted = pool.withWorker([&](AnalysisWorker& w) { return w.countPages(file); });
        if (!counted.ok)
            throw UnreadableFileError(counted.error);
        const int pages = counted.analysis.value("pages", 0);
        if (pages < 1)
            throw UnreadableFileError(tr("could not be read: the worker gave an unreadable answer"));
        return pages;
    };
}

pipeline::PageRenderFunction renderPagesInWorker(WorkerPool& pool) {
    return [&pool](const output::PageSource& page, const output::RenderOptions& options,
                   bool raster) -> std::variant<output::EncodedPage, output::PageRaster> {
        if (!raster) {
            if (auto early = pool.prerendered().take(page, options))
                return std::move(*early);
            if (auto untouched = output::passThroughPage(page, options))
                return std::move(*untouched);
        }
        if (raster) {
            auto outcome = pool.withWorker([&](AnalysisWorker& w) { return w.raster(page, options); });
            if (!outcome.ok())
                throw UnreadableFileError(outcome.error);
            return std::move(outcome.raster);
        }
        auto outcome = pool.withWorker([&](AnalysisWorker& w) { return w.encode(page, options); });
        if (!outcome.ok())
            throw UnreadableFileError(outcome.error);
        return std::move(outcome.page);
    };
}

} // namespace docdesk::app
