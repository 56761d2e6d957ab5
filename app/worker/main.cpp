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
//    "out": PATH}  -> {"ok": true, "width": W, "height": H, "cropped": true|false}
//       writes the page cut to its main document (or deskewed when none is found), enhanced.
#include "app/common/AppEnvironment.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/Enhance.h"
#include "core/imaging/ImageWriter.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageMetrics.h"
#include "core/imaging/PageDecoder.h"
#include "core/pipeline/PageAnalysis.h"
#include "platform/DurableFiles.h"
#include "platform/ProcessLimits.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <string>

using namespace docdesk;

namespace {

std::vector<std::byte> readAll(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw UnreadableFileError(trf("Cannot open {}.", file));
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(data.size());
    std::memcpy(out.data(), data.data(), data.size());
    return out;
}

imaging::EnhanceMode modeFromName(const std::string& name) {
    if (name == "gray" || name == "grey")
        return imaging::EnhanceMode::Gray;
    if (name == "bw")
        return imaging::EnhanceMode::BlackWhite;
    return imaging::EnhanceMode::Color;
}

// The page cut to its main document and straightened, or only deskewed when no document
// edges were found (a flatbed page filling the glass), then enhanced and written.
nlohmann::ordered_json crop(const imaging::DecodedPage& page, const nlohmann::json& request) {
    const auto documents = imaging::findDocuments(page.view());
    RgbImage straight;
    if (!documents.empty()) {
        straight = imaging::warpToRectangle(page.view(), documents.front().corners);
    } else {
        straight = imaging::deskew(page.view(), imaging::estimateSkewDegrees(page.view()));
    }
    if (straight.empty())
        throw Error(tr("The page could not be straightened."));
    const ImageView view{straight.pixels.data(), straight.width, straight.height, std::ptrdiff_t(straight.width) * 3, 3};
    // warpToRectangle() and deskew() return RGB; enhance() takes BGR.
    std::vector<std::uint8_t> bgr(straight.pixels.size());
    for (size_t i = 0; i + 2 < bgr.size(); i += 3) {
        bgr[i] = straight.pixels[i + 2];
        bgr[i + 1] = straight.pixels[i + 1];
        bgr[i + 2] = straight.pixels[i];
    }
    const ImageView bgrView{bgr.data(), view.width, view.height, view.stride, 3};
    const std::string mode = request.value("mode", "color");
    const RgbImage result = imaging::enhance(bgrView, modeFromName(mode));
    const std::filesystem::path out = request.at("out").get<std::string>();
    const auto bytes = imaging::encodeImage(result, mode == "bw" ? imaging::ImageFormat::Png : imaging::ImageFormat::Jpeg);
    platform::durableFiles().writeAtomically(out, bytes);
    return {{"ok", true}, {"width", result.width}, {"height", result.height}, {"cropped", !documents.empty()}};
}

nlohmann::ordered_json handle(const nlohmann::json& request) {
    const std::string op = request.at("op");
    const std::string file = request.at("file");
    if (op == "count") {
        const auto bytes = readAll(file);
        if (bytes.empty())
            throw UnreadableFileError(tr("The file is empty."));
        const auto kind = imaging::sniffMediaKind(bytes);
        return {{"ok", true}, {"pages", imaging::countPages(bytes, kind)}, {"media_type", imaging::mimeType(kind)}};
    }
    if (op == "analyse" || op == "crop") {
        imaging::DecodeOptions options;
        options.pdfDpi = request.value("dpi", 300.0);
        auto kind = imaging::kindFromMimeType(request.value("media_type", ""));
        if (kind == imaging::MediaKind::Unknown) {
            std::ifstream in(file, std::ios::binary);
            char head[1024] = {};
            in.read(head, sizeof head);
            kind = imaging::sniffMediaKind(std::as_bytes(std::span(head, size_t(in.gcount()))));
        }
        if (kind == imaging::MediaKind::Unknown)
            throw UnreadableFileError(tr("This file is not an image or PDF docdesk can read."));
        options.keepGrey = op == "analyse"; // crops keep the BGR their encoders expect
        const auto page = imaging::decodePage(file, kind, request.value("page", 1) - 1, options);
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
            answer = handle(nlohmann::json::parse(line));
        } catch (const std::bad_alloc&) {
            answer = {{"ok", false}, {"error", tr("analysis failed: the page needs more memory than allowed")}};
        } catch (const std::exception& e) {
            answer = {{"ok", false}, {"error", e.what()}};
        }
        std::cout << answer.dump() << std::endl;
    }
    return 0;
}
