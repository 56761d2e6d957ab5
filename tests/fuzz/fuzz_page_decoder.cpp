// The page decoders as docdesk-worker runs them on a stored original: the kind sniffed from
// the content, the pages counted from the bytes, then pages decoded from the file (JPEG, PNG,
// TIFF through docdesk's codecs on libjpeg-turbo, libpng and libtiff; BMP and WebP through
// OpenCV's imgcodecs, the plugin's code linked in, instrumented; PDF pages through the
// full-page image shortcut or poppler, docdesk-pdf.so's code linked in the same way). The last byte picks
// grey or colour decoding. Kept fast (thousands of inputs in CI's 15 s, not a hundred): the pixel limit is
// small (1 megapixel), so an image declaring more exercises the bomb checks of counting and decoding instead
// of allocating and decoding megapixels; PDF pages render at 24 dpi; each page index is decoded once; and
// poppler's global tables stay built between inputs (silencePoppler in PdfPlugin.cpp, as in the worker).
// run-fuzzers.sh gives this target a smaller -max_len.
#include "FuzzInput.h"
#include "core/imaging/ImageCodecs.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"
#include "core/imaging/PdfPlugin.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <span>
#include <unistd.h>

using namespace docdesk;

namespace {

const std::filesystem::path& scratchFile() {
    static const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("docdesk-fuzz-page-" + std::to_string(::getpid()));
    return file;
}

const imaging::codecs::CodecPluginApi* linkedPlugin(std::string&) {
    return docdesk_codec_plugin();
}
[[maybe_unused]] const bool pluginWired = (imaging::codecs::setCodecPluginLoader(linkedPlugin), true);

const imaging::pdf::PdfPluginApi* linkedPdfPlugin(std::string&) {
    return docdesk_pdf_plugin();
}
[[maybe_unused]] const bool pdfPluginWired = (imaging::pdf::setPdfPluginLoader(linkedPdfPlugin), true);

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    const auto kind = imaging::sniffMediaKind(bytes);
    if (!imaging::isPageSource(kind))
        return 0;
    imaging::DecodeOptions options;
    options.pdfDpi = 24;
    options.maxPixels = 1'000'000;
    options.keepGrey = size > 0 && (data[size - 1] & 1) != 0;
    int pages = 0;
    try {
        pages = imaging::countPages(bytes, kind, options.maxPixels);
        fuzz::require(pages >= 1, "a readable file has a page");
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    {
        std::ofstream out(scratchFile(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    }
    // The first page, the last one counted, and one past the end (must be refused cleanly).
    for (const int page : std::set<int>{0, pages - 1, pages}) {
        if (page < 0 || page > 64)
            continue;
        try {
            const auto decoded = imaging::decodePage(scratchFile(), kind, page, options);
            fuzz::require(decoded.width > 0 && decoded.height > 0, "a decoded page has pixels");
            fuzz::require(std::uint64_t(decoded.width) * std::uint64_t(decoded.height) <=
                              options.maxPixels * 4,
                          "a decoded page respects the pixel limit");
            fuzz::require(decoded.bgr.size() == std::size_t(decoded.width) * std::size_t(decoded.height) *
                                                    std::size_t(decoded.channels),
                          "a decoded page holds width x height x channels bytes");
        } catch (const Error& e) {
            fuzz::expectMessage(e);
        }
    }
    return 0;
}
