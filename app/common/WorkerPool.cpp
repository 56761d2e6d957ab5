#include "app/common/WorkerPool.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"

#include <algorithm>
#include <optional>
#include <span>
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

namespace {

// A JPEG is one page. Whether the bytes the importer read plainly are one is decided here, by
// docdesk's own marker parser (it decodes nothing; the filing reads JPEG headers in this
// process too): their markers lead to a scan and they declare no more pixels than the decoders
// take. A batch of JPEGs then needs no worker to be started and asked before its first page
// can be stored (0.07 s of `file`'s 2.7 s on 60 pages, issue 16). Anything else, and a JPEG
// that is not plainly one page, is counted in a worker, which also words why a file cannot be
// read.
std::optional<int> plainJpegPages(std::span<const std::byte> bytes) {
    if (imaging::sniffMediaKind(bytes) != imaging::MediaKind::Jpeg)
        return std::nullopt;
    try {
        return imaging::countPages(bytes, imaging::MediaKind::Jpeg);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

capture::PageCounter countPagesInWorker(WorkerPool& pool) {
    return [&pool](const std::filesystem::path& file, std::span<const std::byte> bytes) {
        if (const auto pages = plainJpegPages(bytes))
            return *pages;
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
