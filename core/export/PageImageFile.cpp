#include "core/export/PageImageFile.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <array>
#include <cmath>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace docdesk::output {
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

// Inserts a pHYs chunk (pixels per metre) right after IHDR, where the PNG spec wants it.
std::vector<std::uint8_t> withResolution(const std::vector<std::uint8_t>& png, Resolution dpi) {
    constexpr size_t kAfterIhdr = 8 + 25; // signature, then IHDR (length, type, 13 bytes, CRC)
    if (png.size() < kAfterIhdr || std::memcmp(png.data() + 12, "IHDR", 4) != 0)
        return png;
    std::array<std::uint8_t, 21> chunk{};
    putBe32(chunk.data(), 9);
    std::memcpy(chunk.data() + 4, "pHYs", 4);
    putBe32(chunk.data() + 8, std::uint32_t(std::lround(dpi.x / 0.0254)));
    putBe32(chunk.data() + 12, std::uint32_t(std::lround(dpi.y / 0.0254)));
    chunk[16] = 1; // unit: metre
    putBe32(chunk.data() + 17, crc32(chunk.data() + 4, 13));
    std::vector<std::uint8_t> out;
    out.reserve(png.size() + chunk.size());
    out.insert(out.end(), png.begin(), png.begin() + kAfterIhdr);
    out.insert(out.end(), chunk.begin(), chunk.end());
    out.insert(out.end(), png.begin() + kAfterIhdr, png.end());
    return out;
}

} // namespace

PageImageFile pageImageFile(const EncodedPage& page) {
    if (page.encoding == PageEncoding::Jpeg)
        return {".jpg", page.bytes};
    const size_t stride = (size_t(page.width) + 7) / 8;
    if (page.width <= 0 || page.height <= 0 || page.bytes.size() < stride * size_t(page.height))
        throw Error(tr("The page has no image to write."));
    cv::Mat grey(page.height, page.width, CV_8UC1);
    for (int y = 0; y < page.height; ++y) {
        const std::byte* in = page.bytes.data() + size_t(y) * stride;
        std::uint8_t* out = grey.ptr<std::uint8_t>(y);
        for (int x = 0; x < page.width; ++x)
            out[x] = (std::to_integer<unsigned>(in[x >> 3]) & (0x80u >> (x & 7))) ? 0 : 255;
    }
    std::vector<std::uint8_t> png;
    bool ok = false;
    try {
        ok = cv::imencode(".png", grey, png, {cv::IMWRITE_PNG_BILEVEL, 1, cv::IMWRITE_PNG_COMPRESSION, 9});
    } catch (const cv::Exception&) {
    }
    if (!ok)
        throw Error(tr("The page could not be encoded as PNG."));
    png = withResolution(png, page.dpi);
    PageImageFile file{".png", std::vector<std::byte>(png.size())};
    std::memcpy(file.bytes.data(), png.data(), png.size());
    return file;
}

} // namespace docdesk::output
