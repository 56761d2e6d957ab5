#pragma once
// Turns a page of the journal and its edits into what an output file stores: the encoded
// page image (for PDF and single-image files) or its pixels (for TIFF).
//
// An untouched JPEG original is used as it is, byte for byte (no generation loss, no decode);
// everything else is decoded, transformed (PageTransforms) and encoded again: colour and grey
// as JPEG, black-and-white (and originals that are bilevel already, like fax TIFFs) as 1 bit
// per pixel. The resolution travels with the page so
// output files keep the physical page size (A4 at 300 dpi stays A4).
#include "core/export/ImageHeader.h"
#include "core/imaging/MediaType.h"
#include "core/model/ImageView.h"
#include "core/model/Page.h"
#include "core/model/PageTransforms.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

namespace docdesk::output {

// One page of a stored original and what to do with it.
struct PageSource {
    std::filesystem::path file;
    imaging::MediaKind kind = imaging::MediaKind::Unknown;
    int pageIndex = 0; // 0-based page within the file
    PageTransforms transforms;
};

// The source of a journal page; throws docdesk::Error when its edits are damaged.
PageSource pageSource(const PageRecord& page);

struct RenderOptions {
    int jpegQuality = 85;                  // 1..100, for pages that are encoded again
    double pdfDpi = 300;                   // PDF originals are rendered at this resolution
    double fallbackDpi = 300;              // for images that declare no resolution
    std::uint64_t maxPixels = 150'000'000; // larger originals are refused before decoding
    bool bilevelAsG4 = false;              // black-and-white pages as G4 data (for PDFs)

    bool operator==(const RenderOptions&) const = default;
};

enum class PageEncoding {
    Jpeg,    // a complete JPEG file (JFIF), 1 or 3 components
    Bilevel, // raw rows of (width + 7) / 8 bytes, most significant bit first, 1 = black
    G4,      // those rows compressed with CCITT Group 4 (encodeG4, core/export/CcittG4.h)
};

struct EncodedPage {
    PageEncoding encoding = PageEncoding::Jpeg;
    int width = 0;
    int height = 0;
    int components = 1;       // 1 grey or bilevel, 3 colour
    Resolution dpi;           // always known (declared, render dpi or fallback)
    bool passthrough = false; // `bytes` are the original file, untouched
    std::vector<std::byte> bytes;

    double widthPoints() const { return width * 72.0 / dpi.x; }
    double heightPoints() const { return height * 72.0 / dpi.y; }
};

// The page's pixels after its edits.
struct PageRaster {
    int width = 0;
    int height = 0;
    int channels = 1;     // 1 grey, 3 RGB
    bool bilevel = false; // grey holding only 0 (black) and 255 (white)
    Resolution dpi;
    std::vector<std::uint8_t> pixels; // packed rows, stride = width * channels
};

// The page ready for embedding. Throws UnreadableFileError when the original cannot be read
// and docdesk::Error when the edits cannot be applied (e.g. an empty crop area).
// `decoded`, when given, is the page as decoded before (by the analysis in the same worker);
// it is used instead of decoding again when it is what this decode gives (an upright JPEG of
// its size and channels), else the page is decoded as without it.
EncodedPage renderPage(const PageSource& page, const RenderOptions& options = {},
                       const ImageView* decoded = nullptr);

// The page's pixels (always decoded, even for untouched JPEGs). Throws like renderPage.
PageRaster renderRaster(const PageSource& page, const RenderOptions& options = {});

// renderPage's result when it is the untouched original JPEG, found from the file's header
// alone (docdesk's own bounds-checked parser, no image decoder); empty when the page needs
// decoding. Lets the application keep that fast path in its own process while every decode
// runs in a worker. Throws UnreadableFileError when the file cannot be read.
std::optional<EncodedPage> passThroughPage(const PageSource& page, const RenderOptions& options = {});

} // namespace docdesk::output
