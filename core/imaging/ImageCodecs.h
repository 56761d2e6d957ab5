#pragma once
// docdesk's image codecs: JPEG (libjpeg-turbo), PNG (libpng) and TIFF (libtiff) decoded and
// encoded here, directly. OpenCV's imgcodecs would do the same, but it pulls in GDAL, GDCM and
// some 130 further shared libraries whose loading costs every docdesk process about 170 ms of
// its start. The rarer formats a page may come in (BMP, WebP) still go through imgcodecs, in a
// plugin loaded on first use (see CodecPlugin.h).
//
// The results are those of cv::imdecode / cv::imencode with the flags docdesk used, pixel for
// pixel (tests/unit/image_codecs_test.cpp compares both): the same libjpeg/libpng/libtiff calls
// and conversions, EXIF orientation applied as OpenCV applies it. Damaged or truncated input
// gives an empty matrix, never a crash, an abort or a message on stderr.
#include "core/imaging/CodecPlugin.h"

#include <cstddef>
#include <cstdint>
#include <opencv2/core/mat.hpp>
#if __cplusplus >= 202002L
#include <span>
#endif
#include <string>
#include <vector>

namespace docdesk::imaging::codecs {

// Decodes page `pageIndex` (TIFF) of an image in memory. Empty when the data is damaged, not an
// image docdesk reads, or (BMP, WebP) when the plugin cannot be loaded. Throws std::bad_alloc
// when the pixels do not fit in memory.
cv::Mat decode(const std::byte* data, std::size_t size, ReadMode mode, int pageIndex = 0);
#if __cplusplus >= 202002L // PdfPageImage.cpp is C++17 in the fuzzing build (see tests/fuzz)
inline cv::Mat decode(std::span<const std::byte> bytes, ReadMode mode, int pageIndex = 0) {
    return decode(bytes.data(), bytes.size(), mode, pageIndex);
}
#endif

// Where a JPEG decode puts its pixels: a matrix of the rows, columns and type asked for over
// memory the caller owns, so that a page is decoded straight into its final buffer instead of
// being copied there (8 MB per 300-dpi page). Other formats, and a JPEG turned by its EXIF
// orientation, come back in a matrix of their own.
using PixelBuffer = cv::Mat (*)(int rows, int cols, int type, void* context);
struct DecodeTarget {
    PixelBuffer buffer = nullptr;
    void* context = nullptr;
};
cv::Mat decode(const std::byte* data, std::size_t size, ReadMode mode, int pageIndex, DecodeTarget target);

// Whether the plugin for BMP and WebP can be loaded; when not, `error` says why.
bool pluginAvailable(std::string& error);

// JPEG at `quality` (clamped to 0..100); a one-channel image stays grey, BGR(A) becomes colour.
// False when the image cannot be encoded (empty, not 8-bit).
bool encodeJpeg(const cv::Mat& image, int quality, std::vector<std::uint8_t>& out);

struct PngOptions {
    bool bilevel = false; // one bit per pixel: every non-zero sample is white
    int compression = -1; // zlib level 0..9; -1: fast (level 1, run-length), as imencode's default
};
// PNG of a grey, BGR or BGRA image of 8 or 16 bits.
bool encodePng(const cv::Mat& image, const PngOptions& options, std::vector<std::uint8_t>& out);

} // namespace docdesk::imaging::codecs
