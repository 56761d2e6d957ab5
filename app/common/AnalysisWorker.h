#pragma once
// Runs page analysis in a docdesk-worker process. A crash, abort, memory exhaustion or hang
// there costs the one page being analysed ("analysis failed: <reason>"); the worker is
// started afresh for the next page, so a batch always goes on. analyseMany() analyses pages
// concurrently in a pool of such processes, one per core.
#include "app/common/WorkerProtocol.h"
#include "core/export/PageRenderer.h"
#include "platform/ChildProcess.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::app {

struct WorkerLimits {
    std::uint64_t memoryMegabytes = 2048; // address-space cap of the worker
    std::chrono::seconds timePerPage{60}; // wall-clock limit per request
    unsigned threads = 0;                 // threads of the worker's image library; 0: its default
    unsigned parallelism = 0;             // worker processes of analyseMany(); 0: one per core (at most 8)
};

struct AnalysisRequest {
    std::filesystem::path file;
    std::string mediaType;
    int page = 1; // 1-based
    double dpi = 300;
    // Non-empty: recognise the text instead (AnalysisWorker::recognise), with these languages.
    std::string ocrLanguages = {};
    std::string transforms = "{}"; // the page's edits, for text recognition
};

// A page decoded in the worker for the application, or why it could not be read ("could not
// be read: the decoder crashed (SIGSEGV)", or the decoder's own message).
struct RasterOutcome {
    output::PageRaster raster;
    std::string error;
    bool ok() const { return error.empty(); }
};
struct EncodedOutcome {
    output::EncodedPage page;
    std::string error;
    bool ok() const { return error.empty(); }
};

class AnalysisWorker {
  public:
    explicit AnalysisWorker(WorkerLimits limits = {},
                            std::filesystem::path executable = {}); // default: beside this program
    // Starts the worker process now instead of at the first request, so that its start overlaps
    // other work (a server starts it while the first page is still being stored). A worker that
    // cannot start is reported by the first request, as without this.
    void warmUp();
    // Analyses page `page` (1-based) of a file; PDF pages are rendered at `dpi`.
    AnalysisOutcome analyse(const std::filesystem::path& file, const std::string& mediaType, int page,
                            double dpi = 300);
    // Analyses (or recognises, see AnalysisRequest::ocrLanguages) the pages concurrently, in
    // this worker and in up to parallelism - 1 more
    // single-threaded ones (started on first use and kept for later calls). `onDone(index,
    // outcome)` runs on the calling thread for each request in order, as soon as it and those
    // before it are done. When `stop` is requested, no more requests are started and onDone is
    // not called for them. An exception from onDone stops the others and is rethrown.
    void analyseMany(std::span<const AnalysisRequest> requests,
                     const std::function<void(size_t index, AnalysisOutcome& outcome)>& onDone,
                     std::stop_token stop = {});
    // Writes each document on page `page` cut out, straightened and enhanced (`mode`: color,
    // gray or bw) into the folder `out` (1.jpg, 2.jpg...; the page deskewed when none is found);
    // "analysis" then holds {"documents": [{"file", "width", "height", "cropped"}, ...]}.
    AnalysisOutcome crop(const std::filesystem::path& file, const std::string& mediaType, int page,
                         double dpi, const std::string& mode, const std::filesystem::path& out);
    // The text of page `page` rendered with its edits (`transforms`, PageTransforms JSON), read
    // by Tesseract in `languages` ("deu+eng"); "analysis" then holds the ocr::PageText JSON.
    AnalysisOutcome recognise(const std::filesystem::path& file, const std::string& mediaType, int page,
                              double dpi, const std::string& transforms, const std::string& languages);
    // Number of pages of a file, counted in the worker (the parsers see untrusted input).
    AnalysisOutcome countPages(const std::filesystem::path& file);
    // The decodes the application needs, each in the worker (see app/worker/main.cpp): a
    // thumbnail of the original (RGB, fits maxEdge), the page with its edits as pixels (scaled
    // to fit maxEdge when > 0), and the page encoded for filing (output::renderPage).
    RasterOutcome thumbnail(const std::filesystem::path& file, const std::string& mediaType, int page,
                            int maxEdge);
    RasterOutcome raster(const output::PageSource& page, const output::RenderOptions& options,
                         int maxEdge = 0);
    EncodedOutcome encode(const output::PageSource& page, const output::RenderOptions& options);
    // How many workers were replaced after a crash, hang or unexpected exit.
    int restarts() const;
    // Whether analyse() asks the worker to keep the decoded page until the next request, so
    // that an encode() of that page right after it does not decode it again.
    void keepDecodedPages(bool keep) { keepDecoded_ = keep; }

  private:
    enum class Purpose { Analysis, Decoding }; // words a failure as "analysis failed" or "could not be read"
    struct Exchange {
        nlohmann::ordered_json answer;     // when the worker answered ok
        std::vector<std::uint8_t> payload; // the binary data after the answer ("bytes")
        std::string error;
    };
    Exchange exchange(const nlohmann::json& request, Purpose purpose);
    std::string failureOf(Purpose purpose);
    AnalysisOutcome request(const WorkerRequest& request);
    AnalysisOutcome run(const AnalysisRequest& request); // analyse or recognise
    void start();

    WorkerLimits limits_;
    std::filesystem::path executable_;
    std::optional<platform::ChildProcess> child_;
    int restarts_ = 0;
    bool keepDecoded_ = false;
    std::vector<std::unique_ptr<AnalysisWorker>> helpers_; // the rest of analyseMany()'s pool
};

} // namespace docdesk::app
