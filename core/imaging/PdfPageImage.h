#pragma once
// Scanned PDFs: most pages are one image drawn over the whole page. Rasterising such a page
// with poppler (~0.5 s at 300 dpi) only resamples that image, so it is taken as it is instead
// (part of the plugin docdesk-pdf.so, see PdfPlugin.h; qpdf stays inside the .cpp).
#include "core/imaging/PdfPlugin.h"

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>

namespace docdesk::imaging::detail {

// The decoder of the JPEG and CCITT images below (set once, when the plugin is loaded).
void useImageDecoder(pdf::ImageDecoder decoder);

// The image of page `pageIndex` (0-based) when the page is exactly one image covering it and
// nothing else (no text, no drawing), in a form decoded here: JPEG (DCTDecode), or 1/8-bit
// grey or RGB pixels behind generic filters (Flate, LZW, run-length), bilevel CCITT fax
// (group 3 and 4). The page's /Rotate is
// applied. The result is 8-bit grey (when `keepGrey` and the image is grey) or BGR.
//
// The image is scaled to `dpi` (page pixels as rasterising at `dpi` gives them). Pages in any
// other form, damaged or encrypted files, and images over `maxPixels` (checked before
// decoding) give nullopt: the caller rasterises them.
std::optional<cv::Mat> fullPageImage(const std::filesystem::path& file, int pageIndex, double dpi,
                                     std::uint64_t maxPixels, bool keepGrey);

// The image XObject of page `pageIndex` (also inside form XObjects) declaring the most pixels,
// as {width, height}; nullopt when it has none or the file cannot be read here. poppler's
// time to draw an image grows with its declared size, whatever its data: a few bytes declaring
// 10^6 x 10^6 pixels keep it busy for hours, so such a page is refused before it is rendered.
std::optional<std::pair<std::int64_t, std::int64_t>> largestImage(const std::filesystem::path& file,
                                                                  int pageIndex);

} // namespace docdesk::imaging::detail
