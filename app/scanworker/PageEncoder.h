#pragma once
// Turns the raw frames a scanner driver delivers into an image file's bytes: PNG (lossless;
// 1 bit for lineart, 8 or 16 bit grey or colour) or JPEG for colour and grey pages when asked.
// The resolution is recorded in the file (PNG pHYs, JFIF density) so exports keep page sizes.
#include "capture/PageSource.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace docdesk::scanworker {

// One frame as scanners deliver it: interleaved grey or RGB, or one colour band of a
// three-pass scan. Rows are `bytesPerLine` apart; 1-bit samples are packed MSB first.
struct RawFrame {
    enum class Kind { Gray, Rgb, Red, Green, Blue };
    Kind kind = Kind::Gray;
    int depth = 8; // bits per sample: 1, 8 or 16 (16-bit samples in this machine's byte order)
    int width = 0;
    int height = 0;
    int bytesPerLine = 0;
    std::vector<std::uint8_t> data;
};

struct EncodedPage {
    std::vector<std::byte> bytes;
    std::string mediaType;
    int width = 0;
    int height = 0;
};

// Encodes one page from its frames (one frame, or three bands). Throws docdesk::Error when the
// frames do not make a page (wrong sizes, an unknown depth).
EncodedPage encodePage(const std::vector<RawFrame>& frames, capture::PageEncoding encoding, double dpi);

} // namespace docdesk::scanworker
