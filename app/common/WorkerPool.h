#pragma once
// The decodes the application needs, done in docdesk-worker processes: the import probe
// (page count), thumbnails, the preview and the filing render. The application and the CLI
// never decode untrusted bytes themselves; a decoder that crashes, hangs or runs out of memory
// costs the one page ("could not be read: ..."), never the window, the CLI or the hot folder.
// A pool keeps a few workers running between requests, so a thumbnail costs no process start.
#include "app/common/AnalysisWorker.h"
#include "app/common/PrerenderedPages.h"
#include "capture/files/FileImporter.h"
#include "core/pipeline/Filing.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace docdesk::app {

class WorkerPool {
  public:
    // `size` workers (0: one per core, at least 2, at most 4), each started on first use and
    // kept; one that crashed is started afresh for the next request.
    explicit WorkerPool(unsigned size = 0, WorkerLimits limits = {}, std::filesystem::path executable = {});
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Runs `use(AnalysisWorker&)` with a worker of its own, waiting while all are busy.
    template <class Use> auto withWorker(Use&& use) {
        Lease lease(*this);
        return use(*lease.worker);
    }
    unsigned size() const { return unsigned(workers_.size()); }
    // How many workers were replaced after a crash, hang or unexpected exit.
    int restarts() const;
    // Pages rendered before the filing asks for them (by the workers that analysed them);
    // renderPagesInWorker takes them from here instead of rendering them again.
    PrerenderedPages& prerendered() { return prerendered_; }

  private:
    struct Lease {
        explicit Lease(WorkerPool& from) : pool(from), worker(from.acquire()) {}
        ~Lease() { pool.release(worker); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        WorkerPool& pool;
        AnalysisWorker* worker;
    };
    AnalysisWorker* acquire();
    void release(AnalysisWorker* worker);

    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<AnalysisWorker>> workers_;
    std::vector<AnalysisWorker*> idle_;
    PrerenderedPages prerendered_;
};

// The process's pool for the window's thumbnails and preview, imports and filing (started on
// first use, its workers ended when the program ends).
WorkerPool& sharedWorkerPool();

// The import probe in a worker (a plain JPEG is counted in this process, by its markers: see
// plainJpegPages): throws UnreadableFileError with the reason when it fails.
capture::PageCounter countPagesInWorker(WorkerPool& pool);

// The filing render in a worker. An untouched JPEG that goes into the output as it is needs no
// decoding: that fast path stays in this process (its header is read by docdesk's own parser);
// a page rendered already (pool.prerendered()) is taken as it is.
pipeline::PageRenderFunction renderPagesInWorker(WorkerPool& pool);

} // namespace docdesk::app
