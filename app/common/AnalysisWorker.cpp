#include "app/common/AnalysisWorker.h"

#include "core/common/Translate.h"
#include "core/imaging/MediaType.h"
#include "platform/HelperProgram.h"
#include "platform/ProcessLimits.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

namespace docdesk::app {
namespace {

// A decode whose worker answered out of protocol (or with a field of another type).
std::string unreadableDecodeAnswer() {
    return tr("could not be read: the worker gave an unreadable answer");
}

constexpr unsigned kMaxParallelism = 8;

unsigned parallelismOf(const WorkerLimits& limits) {
    const unsigned wanted =
        limits.parallelism != 0 ? limits.parallelism : std::thread::hardware_concurrency();
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

WorkerRequest pageRequest(std::string op, const std::filesystem::path& file, const std::string& mediaType,
                          int page, double dpi) {
    WorkerRequest r;
    r.op = std::move(op);
    r.file = file.string();
    r.mediaType = mediaType;
    r.page = page;
    r.dpi = dpi;
    return r;
}

// The worker's GLIBC_TUNABLES: the caller's, plus malloc asking for transparent huge pages
// (madvise). A worker fills some 30 MB of fresh buffers per 300-dpi page; in 4 KB pages each
// first touch is a page fault, about a tenth of its CPU time on a virtual machine (issue 16).
// Where the system has no transparent huge pages (or a glibc before 2.35) it changes nothing.
std::string withTransparentHugePages() {
    const char* inherited = std::getenv("GLIBC_TUNABLES");
    std::string tunables = inherited != nullptr ? inherited : "";
    if (tunables.find("glibc.malloc.hugetlb") == std::string::npos)
        tunables += std::string(tunables.empty() ? "" : ":") + "glibc.malloc.hugetlb=1";
    return tunables;
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
    opts.environment["GLIBC_TUNABLES"] = withTransparentHugePages();
    std::vector<std::string> command{executable_.string(), "--serve", "--memory-limit-mb",
                                     std::to_string(limits_.memoryMegabytes)};
    if (limits_.threads != 0)
        command.insert(command.end(), {"--threads", std::to_string(limits_.threads)});
    child_.emplace(command, opts);
}

namespace {

// Bounds what a decode answer may announce: the largest page the decoders accept
// (DecodeOptions::maxPixels) in RGB, and then some.
constexpr std::uint64_t kMaxPayloadBytes = 600ull << 20;

const char* failurePrefix(bool decoding) {
    return decoding ? tr("could not be read") : tr("analysis failed");
}

} // namespace

// Words why the worker gave no answer, and replaces it: crashed, or hanging (stopped now).
std::string AnalysisWorker::failureOf(Purpose purpose) {
    const bool decoding = purpose == Purpose::Decoding;
    std::string error;
    const auto status = child_->waitFor(std::chrono::milliseconds(200));
    if (!status) {
        child_->signal(9);
        child_->wait();
        error = decoding ? trf("could not be read: it took longer than {} seconds and was stopped",
                               limits_.timePerPage.count())
                         : trf("analysis failed: it took longer than {} seconds and was stopped",
                               limits_.timePerPage.count());
    } else if (status->signal != 0) {
        error = decoding
                    ? trf("could not be read: the decoder crashed ({})", platform::signalName(status->signal))
                    : trf("analysis failed: the decoder crashed ({})", platform::signalName(status->signal));
    } else {
        error = decoding
                    ? trf("could not be read: the worker ended unexpectedly (exit code {})", status->code)
                    : trf("analysis failed: the worker ended unexpectedly (exit code {})", status->code);
    }
    child_.reset(); // the next request starts a fresh worker
    ++restarts_;
    return error;
}

void AnalysisWorker::warmUp() {
    if (child_)
        return;
    try {
        start();
    } catch (const std::exception&) {
        child_.reset();
    }
}

AnalysisWorker::Exchange AnalysisWorker::exchange(const nlohmann::json& req, Purpose purpose) {
    if (child_ && !child_->running()) { // died while idle
        child_.reset();
        ++restarts_;
    }
    if (!child_)
        start();
    Exchange out;
    try {
        // Invalid UTF-8 in a file name is passed on byte for byte rather than refused.
        child_->writeStdin(req.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    } catch (const std::system_error&) {
        // The worker died between requests; its exit is reported below.
    }
    const auto started = std::chrono::steady_clock::now();
    const auto line = child_->readLine(limits_.timePerPage);
    if (!line) {
        out.error = failureOf(purpose);
        return out;
    }
    auto answer = nlohmann::ordered_json::parse(*line, nullptr, false);
    const auto unreadable = [&] {
        // Out of step with the protocol: nothing more it says can be trusted to line up.
        child_.reset();
        ++restarts_;
        return purpose == Purpose::Decoding ? unreadableDecodeAnswer()
                                            : tr("analysis failed: the worker gave an unreadable answer");
    };
    if (answer.is_discarded() || !answer.is_object() || !answer.contains("ok") ||
        !answer["ok"].is_boolean() || (answer.contains("bytes") && !answer["bytes"].is_number_unsigned())) {
        out.error = unreadable();
        return out;
    }
    const std::uint64_t bytes = answer.value("bytes", std::uint64_t(0));
    if (bytes > kMaxPayloadBytes) {
        out.error = unreadable();
        return out;
    }
    if (bytes > 0) {
        out.payload.resize(size_t(bytes));
        const auto left = std::max(std::chrono::milliseconds(1000),
                                   std::chrono::duration_cast<std::chrono::milliseconds>(
                                       limits_.timePerPage - (std::chrono::steady_clock::now() - started)));
        if (!child_->readExactly(std::as_writable_bytes(std::span(out.payload)), left)) {
            out.payload.clear();
            out.error = failureOf(purpose);
            return out;
        }
    }
    if (!answer["ok"].get<bool>())
        out.error = answer.contains("error") && answer["error"].is_string() &&
                            !answer["error"].get<std::string>().empty()
                        ? answer["error"].get<std::string>()
                        : std::string(failurePrefix(purpose == Purpose::Decoding));
    else
        out.answer = std::move(answer);
    return out;
}

AnalysisOutcome AnalysisWorker::request(const WorkerRequest& req) {
    auto ex = exchange(nlohmann::json::parse(workerRequestLine(req)),
                       req.op == "count" ? Purpose::Decoding : Purpose::Analysis);
    if (!ex.error.empty()) {
        AnalysisOutcome out;
        out.error = std::move(ex.error);
        return out;
    }
    // Every field the operation answers is checked before anything is done with it.
    return parseWorkerAnswer(ex.answer.dump(), req.op);
}

AnalysisOutcome AnalysisWorker::analyse(const std::filesystem::path& file, const std::string& mediaType,
                                        int page, double dpi) {
    auto r = pageRequest("analyse", file, mediaType, page, dpi);
    r.keepDecoded = keepDecoded_;
    return request(r);
}

AnalysisOutcome AnalysisWorker::recognise(const std::filesystem::path& file, const std::string& mediaType,
                                          int page, double dpi, const std::string& transforms,
                                          const std::string& languages) {
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
                                 const std::function<void(size_t, AnalysisOutcome&)>& onDone,
                                 std::stop_token stop) {
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

AnalysisOutcome AnalysisWorker::crop(const std::filesystem::path& file, const std::string& mediaType,
                                     int page, double dpi, const std::string& mode,
                                     const std::filesystem::path& out) {
    auto r = pageRequest("crop", file, mediaType, page, dpi);
    r.mode = mode;
    r.out = out.string();
    return request(r);
}

AnalysisOutcome AnalysisWorker::countPages(const std::filesystem::path& file) {
    return request(pageRequest("count", file, {}, 1, 300));
}

} // namespace docdesk::app

namespace docdesk::app {
namespace {

nlohmann::json sourceRequest(const char* op, const output::PageSource& page,
                             const output::RenderOptions& options) {
    return {{"op", op},
            {"file", page.file.string()},
            {"media_type", imaging::mimeType(page.kind)},
            {"page", page.pageIndex + 1},
            {"dpi", options.pdfDpi},
            {"jpeg_quality", options.jpegQuality},
            {"g4", options.bilevelAsG4},
            {"transforms", page.transforms.toJson()}};
}

// The pixels an answer announced, checked against its size (a worker is not trusted either).
std::string takeRaster(const nlohmann::ordered_json& answer, std::vector<std::uint8_t>&& payload,
                       output::PageRaster& raster) {
    try {
        raster.width = answer.value("width", 0);
        raster.height = answer.value("height", 0);
        raster.channels = answer.value("channels", 0);
        raster.bilevel = answer.value("bilevel", false);
        raster.dpi = {answer.value("dpi_x", 0.0), answer.value("dpi_y", 0.0)};
    } catch (const nlohmann::json::exception&) {
        return unreadableDecodeAnswer(); // a field of another type
    }
    if (raster.width <= 0 || raster.height <= 0 || (raster.channels != 1 && raster.channels != 3) ||
        std::uint64_t(raster.width) * std::uint64_t(raster.height) * std::uint64_t(raster.channels) !=
            payload.size())
        return unreadableDecodeAnswer();
    raster.pixels = std::move(payload);
    return {};
}

} // namespace

RasterOutcome AnalysisWorker::thumbnail(const std::filesystem::path& file, const std::string& mediaType,
                                        int page, int maxEdge) {
    auto ex = exchange({{"op", "thumbnail"},
                        {"file", file.string()},
                        {"media_type", mediaType},
                        {"page", page},
                        {"max_edge", maxEdge}},
                       Purpose::Decoding);
    RasterOutcome out;
    out.error =
        ex.error.empty() ? takeRaster(ex.answer, std::move(ex.payload), out.raster) : std::move(ex.error);
    return out;
}

RasterOutcome AnalysisWorker::raster(const output::PageSource& page, const output::RenderOptions& options,
                                     int maxEdge) {
    auto req = sourceRequest("raster", page, options);
    req["max_edge"] = maxEdge;
    auto ex = exchange(req, Purpose::Decoding);
    RasterOutcome out;
    out.error =
        ex.error.empty() ? takeRaster(ex.answer, std::move(ex.payload), out.raster) : std::move(ex.error);
    return out;
}

EncodedOutcome AnalysisWorker::encode(const output::PageSource& page, const output::RenderOptions& options) {
    auto ex = exchange(sourceRequest("encode", page, options), Purpose::Decoding);
    EncodedOutcome out;
    if (!ex.error.empty()) {
        out.error = std::move(ex.error);
        return out;
    }
    auto& p = out.page;
    try {
        const std::string encoding = ex.answer.value("encoding", "");
        p.encoding = encoding == "bilevel" ? output::PageEncoding::Bilevel
                     : encoding == "g4"    ? output::PageEncoding::G4
                                           : output::PageEncoding::Jpeg;
        p.width = ex.answer.value("width", 0);
        p.height = ex.answer.value("height", 0);
        p.components = ex.answer.value("components", 0);
        p.dpi = {ex.answer.value("dpi_x", 0.0), ex.answer.value("dpi_y", 0.0)};
        p.passthrough = ex.answer.value("passthrough", false);
    } catch (const nlohmann::json::exception&) {
        out.error = unreadableDecodeAnswer(); // a field of another type
        return out;
    }
    const bool bilevel = p.encoding == output::PageEncoding::Bilevel;
    const std::uint64_t rows =
        (std::uint64_t(std::max(p.width, 0)) + 7) / 8 * std::uint64_t(std::max(p.height, 0));
    // G4 data is only sent when it is smaller than the rows it compresses.
    const bool g4TooLarge = p.encoding == output::PageEncoding::G4 && ex.payload.size() >= rows;
    const std::uint64_t expected = bilevel ? rows : ex.payload.size();
    if (p.width <= 0 || p.height <= 0 || (p.components != 1 && p.components != 3) || !(p.dpi.x > 0) ||
        !(p.dpi.y > 0) || ex.payload.empty() || ex.payload.size() != expected || g4TooLarge) {
        out.error = unreadableDecodeAnswer();
        return out;
    }
    p.bytes.resize(ex.payload.size());
    std::memcpy(p.bytes.data(), ex.payload.data(), ex.payload.size());
    return out;
}

} // namespace docdesk::app
