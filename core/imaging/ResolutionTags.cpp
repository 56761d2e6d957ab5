#include "core/imaging/ResolutionTags.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace docdesk::imaging {
namespace {

std::uint32_t crc32(const std::uint8_t* data, size_t size) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < size; ++i)
        c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

void putBe32(std::uint8_t* p, std::uint32_t v) {
    p[0] = std::uint8_t(v >> 24);
    p[1] = std::uint8_t(v >> 16);
    p[2] = std::uint8_t(v >> 8);
    p[3] = std::uint8_t(v);
}

} // namespace

// The pHYs chunk goes right after IHDR, where the PNG specification wants it.
void setPngResolution(std::vector<std::uint8_t>& png, double dpiX, double dpiY) {
    constexpr size_t kAfterIhdr = 8 + 25; // signature, then IHDR (length, type, 13 bytes, CRC)
    if (dpiX <= 0 || dpiY <= 0 || png.size() < kAfterIhdr || std::memcmp(png.data() + 12, "IHDR", 4) != 0)
        return;
    std::array<std::uint8_t, 21> chunk{};
    putBe32(chunk.data(), 9);
    std::memcpy(chunk.data() + 4, "pHYs", 4);
    putBe32(chunk.data() + 8, std::uint32_t(std::lround(dpiX / 0.0254)));
    putBe32(chunk.data() + 12, std::uint32_t(std::lround(dpiY / 0.0254)));
    chunk[16] = 1; // unit: metre
    putBe32(chunk.data() + 17, crc32(chunk.data() + 4, 13));
    png.insert(png.begin() + long(kAfterIhdr), chunk.begin(), chunk.end());
}

void setJpegResolution(std::vector<std::uint8_t>& jpeg, double dpi) {
    if (dpi <= 0 || jpeg.size() < 18 || jpeg[2] != 0xFF || jpeg[3] != 0xE0 ||
        std::memcmp(&jpeg[6], "JFIF", 5) != 0)
        return;
    const auto d = std::uint16_t(std::clamp(std::lround(dpi), 1l, 65535l));
    jpeg[13] = 1; // unit: dots per inch
    jpeg[14] = std::uint8_t(d >> 8);
    jpeg[15] = std::uint8_t(d);
    jpeg[16] = std::uint8_t(d >> 8);
    jpeg[17] = std::uint8_t(d);
}

} // namespace docdesk::imaging
