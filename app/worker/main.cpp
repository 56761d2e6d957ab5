// docdesk-worker — runs decoders of untrusted input (images, PDF, barcodes) outside the
// application, so a crash or abort in a third-party decoder costs one request, not the
// session. It runs with an address-space cap and without core dumps.
//
// Protocol (docdesk-worker --serve): one JSON request per line on stdin, one JSON answer per
// line on stdout, in order.
//   {"op": "analyse", "file": PATH, "media_type": MIME, "page": N, "dpi": D[, "keep_decoded": true]}
//       -> {"ok": true, "analysis": {...PageAnalysis...}} | {"ok": false, "error": MESSAGE}
//       with "keep_decoded", a JPEG page stays decoded until the next request: an "encode" of
//       it that comes next renders from those pixels instead of decoding the page again.
//   {"op": "count", "file": PATH} -> {"ok": true, "pages": N, "media_type": MIME} | {"ok": false, ...}
//   {"op": "crop", "file": PATH, "media_type": MIME, "page": N, "dpi": D, "mode": "color|gray|bw",
//    "out": FOLDER}  -> {"ok": true, "documents": [{"file": PATH, "width": W, "height": H,
//                        "cropped": true|false}, ...]}
//       writes each document found on the page cut out and straightened (or the page deskewed
//       when none is found), enhanced, into FOLDER as 1.jpg, 2.jpg... (.png for bw).
//   {"op": "ocr", "file": PATH, "media_type": MIME, "page": N, "dpi": D, "transforms": EDITS,
//    "languages": "deu+eng"}  -> {"ok": true, "ocr": {...ocr::PageText...}}
//       the page rendered with its edits (the very page that is filed) and read by Tesseract;
//       the engine is loaded once per worker and kept while the languages stay the same.
// Decoding for the application (it never decodes untrusted bytes itself). The answer line
// carries "bytes": N, and N bytes of binary data follow it on stdout:
//   {"op": "thumbnail", "file": PATH, "media_type": MIME, "page": N, "max_edge": E}
//       -> {"ok": true, "width", "height", "channels": 3, "bytes"} + RGB rows
//   {"op": "raster", "file", "media_type", "page", "dpi", "transforms": EDITS, "max_edge": E}
//       -> {"ok": true, "width", "height", "channels": 1|3, "bilevel", "dpi_x", "dpi_y", "bytes"}
//          + grey or RGB rows: the page with its edits (output::renderRaster), scaled to fit
//          E x E when E > 0 (thumbnails of cropped pages, the preview uses 0)
//   {"op": "encode", "file", "media_type", "page", "dpi", "transforms", "jpeg_quality"}
//       -> {"ok": true, "encoding": "jpeg"|"bilevel", "width", "height", "components",
//           "dpi_x", "dpi_y", "passthrough", "bytes"} + the encoded page (output::renderPage)
#include "app/common/AppEnvironment.h"
#include "app/common/WorkerProtocol.h"
#include "app/worker/OcrPlugin.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/export/PageRenderer.h"
#include "core/imaging/Enhance.h"
#include "core/imaging/ImageWriter.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"
#include "core/imaging/PageMetrics.h"
#include "core/pipeline/PageAnalysis.h"
#include "core/pipeline/ProposedEdits.h"
#include "platform/DurableFiles.h"
#include "platform/ProcessLimits.h"
#include "platform/SharedLibrary.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>

using namespace docdesk;

namespace {

// The first bytes of `file`, enough to tell what it is (sniffMediaKind looks at most 1 KiB in).
std::vector<std::byte> readHead(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw UnreadableFileError(trf("Cannot open {}.", file));
    std::vector<std::byte> head(1024);
    in.read(reinterpret_cast<char*>(head.data()), std::streamsize(head.size()));
    head.resize(size_t(in.gcount()));
    return head;
}

// The whole file; only for images and PDFs, whose decoders bound what they accept.
std::vector<std::byte> readAll(const std::string& file) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    const auto size = in ? std::streamoff(in.tellg()) : std::streamoff(-1);
    if (size < 0)
        throw UnreadableFileError(trf("Cannot open {}.", file));
    std::vector<std::byte> out(static_cast<size_t>(size));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(out.data()), std::streamsize(out.size()));
    out.resize(size_t(in.gcount()));
    return out;
}

imaging::EnhanceMode modeFromName(const std::string& name) {
    if (name == "gray" || name == "grey")
        return imaging::EnhanceMode::Gray;
    if (name == "bw")
        return imaging::EnhanceMode::BlackWhite;
    return imaging::EnhanceMode::Color;
}

// `straight` (RGB) enhanced in `mode` and written to `out`; {"width", "height"} of the result.
nlohmann::ordered_json writeEnhanced(const RgbImage& straight, const std::string& mode,
                                     const std::filesystem::path& out) {
    if (straight.empty())
        throw Error(tr("The page could not be straightened."));
    // warpToRectangle() and deskew() return RGB; enhance() takes BGR.
    std::vector<std::uint8_t> bgr(straight.pixels.size());
    for (size_t i = 0; i + 2 < bgr.size(); i += 3) {
        bgr[i] = straight.pixels[i + 2];
        bgr[i + 1] = straight.pixels[i + 1];
        bgr[i + 2] = straight.pixels[i];
    }
    const ImageView bgrView{bgr.data(), straight.width, straight.height, std::ptrdiff_t(straight.width) * 3,
                            3};
    const RgbImage result = imaging::enhance(bgrView, modeFromName(mode));
    const auto bytes =
        imaging::encodeImage(result, mode == "bw" ? imaging::ImageFormat::Png : imaging::ImageFormat::Jpeg);
    platform::durableFiles().writeAtomically(out, bytes);
    return {{"width", result.width}, {"height", result.height}};
}

// One image per document found on the page, cut out and straightened, or the page deskewed
// when none is (or it fills the page): the same choice as the filing flow makes
// (pipeline::proposeEdits). Each is enhanced and written into the folder "out" as 1.EXT, 2.EXT...
nlohmann::ordered_json crop(const imaging::DecodedPage& page, const app::WorkerRequest& request) {
    pipeline::PageAnalysis analysis;
    analysis.width = page.view().width;
    analysis.height = page.view().height;
    analysis.documents = imaging::findDocuments(page.view());
    analysis.skewDegrees = imaging::estimateSkewDegrees(page.view());
    const auto pieces = pipeline::proposeEdits({}, nlohmann::json(pipeline::toJson(analysis)),
                                               pipeline::CaptureKind::Photo, {});
    const std::string mode = request.mode;
    const std::filesystem::path folder = request.out;
    auto documents = nlohmann::ordered_json::array();
    for (size_t k = 0; k < pieces.size(); ++k) {
        const auto& t = pieces[k];
        const RgbImage straight = t.crop ? imaging::warpToRectangle(page.view(), *t.crop)
                                         : imaging::deskew(page.view(), t.deskewDegrees);
        const auto out = folder / (std::to_string(k + 1) + (mode == "bw" ? ".png" : ".jpg"));
        auto written = writeEnhanced(straight, mode, out);
        written["file"] = out.string();
        written["cropped"] = t.crop.has_value();
        documents.push_back(written);
    }
    return {{"ok", true}, {"documents", documents}};
}

// docdesk-ocr.so (OcrPlugin.h), loaded on the first OCR request; throws when it cannot be.
const worker::OcrPluginApi& ocrPlugin() {
    static const worker::OcrPluginApi* api = nullptr;
    static std::string error;
    if (api == nullptr && error.empty()) {
        api = platform::loadPluginApi<worker::OcrPluginApi>(app::pluginLocations("docdesk-ocr.so"),
                                                            "docdesk_ocr_plugin", error);
        if (api != nullptr)
            api->routeLibraryMessages(app::workerLogFile().c_str());
        else if (error.empty())
            error = "docdesk_ocr_plugin";
    }
    if (api == nullptr)
        throw Error(trf("Text recognition could not be loaded ({}). Reinstall docdesk.", error));
    return *api;
}

// One engine per worker, kept between pages while the languages stay the same.
class OcrEngine {
  public:
    OcrEngine(const worker::OcrPluginApi& api, const std::string& languages)
        : api_(api), languages_(languages) {
        std::string error;
        engine_ = api_.createEngine(languages, &error);
        if (engine_ == nullptr)
            throw Error(error);
    }
    OcrEngine(const OcrEngine&) = delete;
    OcrEngine& operator=(const OcrEngine&) = delete;
    ~OcrEngine() { api_.destroyEngine(engine_); }

    const std::string& languages() const { return languages_; }
    ocr::PageText recognise(const ImageView& page, int dpi) {
        ocr::PageText text;
        std::string error;
        if (!api_.recognise(engine_, page, dpi, &text, &error))
            throw Error(error);
        return text;
    }

  private:
    const worker::OcrPluginApi& api_;
    std::string languages_;
    void* engine_ = nullptr;
};

// The page with its edits, as filing renders it, recognised by this worker's engine.
nlohmann::ordered_json recognise(const app::WorkerRequest& request) {
    static std::unique_ptr<OcrEngine> engine; // one per worker, kept between pages
    const std::string& languages = request.languages;
    if (!engine || engine->languages() != languages) {
        engine.reset();
        engine = std::make_unique<OcrEngine>(ocrPlugin(), languages);
    }
    output::PageSource source{request.file, imaging::kindFromMimeType(request.mediaType), request.page - 1,
                              PageTransforms::parse(request.transforms)};
    if (source.kind == imaging::MediaKind::Unknown)
        source.kind = imaging::sniffMediaKind(readHead(source.file.string()));
    output::RenderOptions options;
    options.pdfDpi = request.dpi;
    const output::PageRaster raster = output::renderRaster(source, options);
    const ImageView view{raster.pixels.data(), raster.width, raster.height,
                         std::ptrdiff_t(raster.width) * raster.channels, raster.channels};
    const auto text = engine->recognise(view, int(std::lround(raster.dpi.y)));
    return {{"ok", true}, {"ocr", ocr::toJson(text)}};
}

output::PageSource sourceOf(const app::WorkerRequest& request) {
    output::PageSource source{request.file, imaging::kindFromMimeType(request.mediaType), request.page - 1,
                              PageTransforms::parse(request.transforms)};
    if (source.kind == imaging::MediaKind::Unknown)
        source.kind = imaging::sniffMediaKind(readHead(source.file.string()));
    if (!imaging::isPageSource(source.kind))
        throw UnreadableFileError(tr("This file is not an image or PDF docdesk can read."));
    return source;
}

// `raster` scaled to fit maxEdge x maxEdge (never enlarged).
output::PageRaster scaledToFit(output::PageRaster raster, int maxEdge) {
    const double scale = std::min(1.0, double(maxEdge) / std::max(raster.width, raster.height));
    if (maxEdge <= 0 || scale >= 1.0)
        return raster;
    const cv::Mat packed(raster.height, raster.width, raster.channels == 3 ? CV_8UC3 : CV_8UC1,
                         raster.pixels.data());
    cv::Mat small;
    cv::resize(packed, small,
               cv::Size(std::max(1, int(raster.width * scale)), std::max(1, int(raster.height * scale))), 0,
               0, cv::INTER_AREA);
    raster.width = small.cols;
    raster.height = small.rows;
    raster.bilevel = false; // scaling leaves grey edges
    raster.pixels.assign(small.datastart, small.dataend);
    return raster;
}

output::RenderOptions renderOptionsOf(const app::WorkerRequest& request) {
    output::RenderOptions options;
    options.pdfDpi = request.dpi;
    options.jpegQuality = request.jpegQuality;
    options.bilevelAsG4 = request.g4;
    return options;
}

nlohmann::ordered_json encodeAnswer(const output::EncodedPage& page, std::vector<std::uint8_t>& payload);

// The decode ops: the answer, with the binary data that follows it in `payload`.
nlohmann::ordered_json decodeForApplication(const std::string& op, const app::WorkerRequest& request,
                                            std::vector<std::uint8_t>& payload) {
    const output::PageSource source = sourceOf(request);
    if (op == "thumbnail") {
        RgbImage thumb =
            imaging::renderThumbnail(source.file, source.kind, source.pageIndex,
                                     std::clamp(request.maxEdge > 0 ? request.maxEdge : 160, 16, 4096));
        payload = std::move(thumb.pixels);
        return {{"ok", true},
                {"width", thumb.width},
                {"height", thumb.height},
                {"channels", 3},
                {"bytes", payload.size()}};
    }
    const output::RenderOptions options = renderOptionsOf(request);
    if (op == "raster") {
        output::PageRaster raster = scaledToFit(output::renderRaster(source, options), request.maxEdge);
        payload = std::move(raster.pixels);
        return {{"ok", true},
                {"width", raster.width},
                {"height", raster.height},
                {"channels", raster.channels},
                {"bilevel", raster.bilevel},
                {"dpi_x", raster.dpi.x},
                {"dpi_y", raster.dpi.y},
                {"bytes", payload.size()}};
    }
    return encodeAnswer(output::renderPage(source, options), payload);
}

// The answer to "encode", with the encoded page in `payload`.
nlohmann::ordered_json encodeAnswer(const output::EncodedPage& page, std::vector<std::uint8_t>& payload) {
    payload.resize(page.bytes.size());
    if (!payload.empty())
        std::memcpy(payload.data(), page.bytes.data(), page.bytes.size());
    return {{"ok", true},
            {"encoding", page.encoding == output::PageEncoding::Bilevel ? "bilevel"
                         : page.encoding == output::PageEncoding::G4    ? "g4"
                                                                        : "jpeg"},
            {"width", page.width},
            {"height", page.height},
            {"components", page.components},
            {"dpi_x", page.dpi.x},
            {"dpi_y", page.dpi.y},
            {"passthrough", page.passthrough},
            {"bytes", payload.size()}};
}

// The page the last "analyse" decoded, when it asked to keep it ("keep_decoded"): an "encode"
// of that page that follows renders from it instead of decoding again. Any other request lets
// it go first, so a worker never holds two pages (its memory limit stays what one page needs).
struct KeptPage {
    std::string file;
    int page = 0;
    double dpi = 0;
    imaging::DecodedPage decoded;
};
std::optional<KeptPage> keptPage;

// The kept page when `request` encodes it; otherwise it is released here.
const imaging::DecodedPage* keptFor(const app::WorkerRequest& request) {
    if (keptPage && request.op == "encode" && keptPage->file == request.file &&
        keptPage->page == request.page && keptPage->dpi == request.dpi)
        return &keptPage->decoded;
    keptPage.reset();
    return nullptr;
}

nlohmann::ordered_json handle(const app::WorkerRequest& request, std::vector<std::uint8_t>& payload) {
    const std::string& op = request.op;
    const std::string& file = request.file;
    if (const imaging::DecodedPage* kept = keptFor(request)) {
        const ImageView view = kept->view();
        return encodeAnswer(output::renderPage(sourceOf(request), renderOptionsOf(request), &view), payload);
    }
    if (app::isDecodeOperation(op))
        return decodeForApplication(op, request, payload);
    if (op == "ocr")
        return recognise(request);
    if (op == "count") {
        // Sniffed from the head: a file that is no image or PDF (a video, an archive) is
        // answered without reading the rest of it.
        const auto head = readHead(file);
        if (head.empty())
            throw UnreadableFileError(tr("The file is empty."));
        const auto kind = imaging::sniffMediaKind(head);
        if (!imaging::isPageSource(kind))
            throw UnreadableFileError(tr("This file is not an image or PDF docdesk can read."));
        const auto bytes = readAll(file);
        return {{"ok", true},
                {"pages", imaging::countPages(bytes, kind)},
                {"media_type", imaging::mimeType(kind)}};
    }
    if (op == "analyse" || op == "crop") {
        imaging::DecodeOptions options;
        options.pdfDpi = request.dpi;
        auto kind = imaging::kindFromMimeType(request.mediaType);
        if (kind == imaging::MediaKind::Unknown) {
            kind = imaging::sniffMediaKind(readHead(file));
        }
        if (kind == imaging::MediaKind::Unknown)
            throw UnreadableFileError(tr("This file is not an image or PDF docdesk can read."));
        options.keepGrey = op == "analyse"; // crops keep the BGR their encoders expect
        auto page = imaging::decodePage(file, kind, request.page - 1, options);
        if (op == "analyse") {
            nlohmann::ordered_json answer{{"ok", true},
                                          {"analysis", pipeline::toJson(pipeline::analysePage(page.view()))}};
            if (request.keepDecoded && kind == imaging::MediaKind::Jpeg) // what renderPage can take
                keptPage = KeptPage{file, request.page, request.dpi, std::move(page)};
            return answer;
        }
        return crop(page, request);
    }
    throw std::invalid_argument("unknown op " + op);
}

} // namespace

int main(int argc, char** argv) {
    app::initialise();
    std::uint64_t memoryMb = 0;
    bool serve = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--version") {
            std::cout << "docdesk-worker " << DOCDESK_VERSION << "\n";
            return 0;
        }
        if (a == "--serve")
            serve = true;
        else if (a == "--memory-limit-mb" && i + 1 < argc)
            memoryMb = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--threads" && i + 1 < argc)
            cv::setNumThreads(std::atoi(argv[++i])); // 1 in a pool of one worker per core
    }
    if (!serve) {
        std::cerr
            << "docdesk-worker is started by docdesk and docdesk-cli (--serve); it is not run by hand.\n";
        return 2;
    }
    platform::disableCoreDumps();
    platform::keepLargeBuffersOnHeap();
    platform::runInBackground(); // analysis yields to the window's thread on a busy machine
#if defined(__SANITIZE_ADDRESS__)
    (void)memoryMb; // AddressSanitizer reserves terabytes of address space: no cap there
#else
    platform::limitAddressSpace(memoryMb << 20);
#endif
    std::string line;
    while (std::getline(std::cin, line)) {
        nlohmann::ordered_json answer;
        std::vector<std::uint8_t> payload;
        std::string op;
        try {
            const auto request = app::parseWorkerRequest(line);
            op = request.op;
            answer = handle(request, payload);
        } catch (const std::bad_alloc&) {
            payload.clear();
            answer = {{"ok", false},
                      {"error", app::isDecodeOperation(op) || op == "count"
                                    ? tr("could not be read: the page needs more memory than allowed")
                                    : tr("analysis failed: the page needs more memory than allowed")}};
        } catch (const std::exception& e) {
            payload.clear();
            answer = {{"ok", false}, {"error", e.what()}};
        }
        std::cout << answer.dump() << "\n";
        std::cout.write(reinterpret_cast<const char*>(payload.data()), std::streamsize(payload.size()));
        std::cout.flush();
    }
    return 0;
}
