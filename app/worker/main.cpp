// docdesk-worker — runs decoders of untrusted input (images, PDF, barcodes) outside the
// application, so a crash or abort in a third-party decoder costs one request, not the
// session. It runs with an address-space cap and without core dumps.
//
// Protocol (docdesk-worker --serve): one JSON request per line on stdin, one JSON answer per
// line on stdout, in order.
//   {"op": "analyse", "file": PATH, "media_type": MIME, "page": N, "dpi": D}
//       -> {"ok": true, "analysis": {...PageAnalysis...}} | {"ok": false, "error": MESSAGE}
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
#include "app/common/AppEnvironment.h"
#include "app/common/WorkerProtocol.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/Enhance.h"
#include "core/imaging/ImageWriter.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageMetrics.h"
#include "core/imaging/PageDecoder.h"
#include "core/export/PageRenderer.h"
#include "core/ocr/TesseractEngine.h"
#include "core/pipeline/PageAnalysis.h"
#include "core/pipeline/ProposedEdits.h"
#include "platform/DurableFiles.h"
#include "platform/ProcessLimits.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
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
nlohmann::ordered_json writeEnhanced(const RgbImage& straight, const std::string& mode, const std::filesystem::path& out) {
    if (straight.empty())
        throw Error(tr("The page could not be straightened."));
    // warpToRectangle() and deskew() return RGB; enhance() takes BGR.
    std::vector<std::uint8_t> bgr(straight.pixels.size());
    for (size_t i = 0; i + 2 < bgr.size(); i += 3) {
        bgr[i] = straight.pixels[i + 2];
        bgr[i + 1] = straight.pixels[i + 1];
        bgr[i + 2] = straight.pixels[i];
    }
    const ImageView bgrView{bgr.data(), straight.width, straight.height, std::ptrdiff_t(straight.width) * 3, 3};
    const RgbImage result = imaging::enhance(bgrView, modeFromName(mode));
    const auto bytes = imaging::encodeImage(result, mode == "bw" ? imaging::ImageFormat::Png : imaging::ImageFormat::Jpeg);
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

// The page with its edits, as filing renders it, recognised by this worker's engine.
nlohmann::ordered_json recognise(const app::WorkerRequest& request) {
    static std::unique_ptr<ocr::TesseractEngine> engine; // one per worker, kept between pages
    const std::string& languages = request.languages;
    if (!engine || engine->languages() != languages) {
        engine.reset();
        engine = std::make_unique<ocr::TesseractEngine>(languages);
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

nlohmann::ordered_json handle(const app::WorkerRequest& request) {
    const std::string& op = request.op;
    const std::string& file = request.file;
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
        return {{"ok", true}, {"pages", imaging::countPages(bytes, kind)}, {"media_type", imaging::mimeType(kind)}};
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
        const auto page = imaging::decodePage(file, kind, request.page - 1, options);
        if (op == "analyse")
            return {{"ok", true}, {"analysis", pipeline::toJson(pipeline::analysePage(page.view()))}};
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
        std::cerr << "docdesk-worker is started by docdesk and docdesk-cli (--serve); it is not run by hand.\n";
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
        try {
            answer = handle(app::parseWorkerRequest(line));
        } catch (const std::bad_alloc&) {
            answer = {{"ok", false}, {"error", tr("analysis failed: the page needs more memory than allowed")}};
        } catch (const std::exception& e) {
            answer = {{"ok", false}, {"error", e.what()}};
        }
        std::cout << answer.dump() << std::endl;
    }
    return 0;
}
