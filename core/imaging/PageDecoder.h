#pragma once
// Reads pages out of stored originals (images, multi-page TIFF, PDF): how many pages a file
// has, and a downscaled rendering of one page for thumbnails. Decoder errors become
// UnreadableFileError with a message for the user.
#include "core/imaging/MediaType.h"
#include "core/model/Image.h"
#include "core/model/ImageView.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace docdesk::imaging {

// Number of pages in `bytes` (1 for single images). Throws UnreadableFileError when the
// content is damaged or not a page source, and for an image (or a TIFF page) declaring more
// than `maxPixels` (a decompression bomb: refused as the file is taken in, not only when its
// page is decoded). The default is DecodeOptions::maxPixels.
int countPages(std::span<const std::byte> bytes, MediaKind kind, std::uint64_t maxPixels = 150'000'000);

// Page `pageIndex` (0-based) of the file, scaled to fit in maxEdge x maxEdge pixels.
RgbImage renderThumbnail(const std::filesystem::path& file, MediaKind kind, int pageIndex, int maxEdge);

struct ImageSize {
    int width = 0;
    int height = 0;
};

// Dimensions declared in an image's header (JPEG, PNG, TIFF page `pageIndex`, BMP, WebP),
// read without decoding; empty when the header cannot be read.
std::optional<ImageSize> readDeclaredSize(std::span<const std::byte> bytes, MediaKind kind,
                                          int pageIndex = 0);

struct DecodeOptions {
    double pdfDpi = 300;                   // PDF pages are rendered at this resolution
    std::uint64_t maxPixels = 150'000'000; // larger images are refused before decoding
    bool keepGrey = false;                 // grey sources stay one channel (analysis: a third of the memory)
};

// An allocator whose resize leaves new elements uninitialised instead of zero-filling them: for
// pixel buffers that a decoder, warp or threshold writes in full right after (zero-filling a
// 300-dpi page first cost about 1 ms of its analysis and of every black-and-white render).
template <class T> struct UninitialisedAllocator : std::allocator<T> {
    using std::allocator<T>::allocator;
    template <class U> struct rebind { using other = UninitialisedAllocator<U>; };
    template <class U> void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }
    template <class U, class... Args> void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};
using PixelBytes = std::vector<std::uint8_t, UninitialisedAllocator<std::uint8_t>>;

// A page decoded for analysis: 8-bit BGR (or grey, see DecodeOptions::keepGrey), EXIF
// orientation applied.
struct DecodedPage {
    int width = 0;
    int height = 0;
    int channels = 3; // 3: BGR; 1: grey
    PixelBytes bgr;   // packed rows, stride = width * channels
    ImageView view() const { return {bgr.data(), width, height, std::ptrdiff_t(width) * channels, channels}; }
};

// Decodes page `pageIndex` (0-based) of the file. Throws UnreadableFileError for damaged
// content, pages that do not exist, and images declaring more than maxPixels (decompression
// bombs), the last before any pixel memory is allocated.
DecodedPage decodePage(const std::filesystem::path& file, MediaKind kind, int pageIndex,
                       const DecodeOptions& options = {});

} // namespace docdesk::imaging
