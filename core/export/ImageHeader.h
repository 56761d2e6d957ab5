#pragma once
// What an image's header says about it, read without decoding any pixels: the facts the
// renderer needs to decide whether a JPEG can go into a PDF untouched, and the resolution
// (dpi) that makes a page come out at its physical size.
#include "core/imaging/MediaType.h"

#include <cstddef>
#include <optional>
#include <span>

namespace docdesk::output {

// Dots per inch, horizontally and vertically; 0 when unknown.
struct Resolution {
    double x = 0;
    double y = 0;
    bool known() const { return x > 0 && y > 0; }
};

struct JpegHeader {
    int width = 0;
    int height = 0;
    int components = 0;                          // 1 grey, 3 YCbCr/RGB, 4 CMYK
    int precision = 0;                           // bits per sample
    bool sequentialOrProgressiveHuffman = false; // SOF0, SOF1 or SOF2: what PDF's DCTDecode reads
    int exifOrientation = 1;                     // 1 = upright (also when there is no EXIF block)
    Resolution density;                          // from the JFIF header when it states units (inch or cm)
    std::size_t frameEnd = 0;                    // bytes from the start to the end of the frame header

    // Embeddable in a PDF as it is and shown exactly as docdesk decodes it.
    bool passesThroughUnchanged() const {
        return sequentialOrProgressiveHuffman && precision == 8 && (components == 1 || components == 3) &&
               exifOrientation == 1 && width > 0 && height > 0;
    }
};

// Parses the markers up to the first scan; empty when the bytes are not a readable JPEG.
std::optional<JpegHeader> readJpegHeader(std::span<const std::byte> bytes);

// The resolution an image declares (JPEG JFIF density, PNG pHYs, TIFF X/YResolution of page
// `pageIndex`, BMP pixels per metre); unknown when absent or implausible (outside 10..10000).
Resolution readDeclaredResolution(std::span<const std::byte> bytes, imaging::MediaKind kind,
                                  int pageIndex = 0);

} // namespace docdesk::output
