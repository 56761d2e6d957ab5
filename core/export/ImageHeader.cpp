#include "core/export/ImageHeader.h"

#include <cstdint>
#include <cstring>
#include <set>

namespace docdesk::output {
namespace {

unsigned u8(std::span<const std::byte> b, size_t off) {
    return unsigned(b[off]);
}
unsigned be16(std::span<const std::byte> b, size_t off) {
    return (u8(b, off) << 8) | u8(b, off + 1);
}
std::uint32_t be32(std::span<const std::byte> b, size_t off) {
    return (std::uint32_t(be16(b, off)) << 16) | be16(b, off + 2);
}
unsigned le16(std::span<const std::byte> b, size_t off) {
    return u8(b, off) | (u8(b, off + 1) << 8);
}
std::uint32_t le32(std::span<const std::byte> b, size_t off) {
    return std::uint32_t(le16(b, off)) | (std::uint32_t(le16(b, off + 2)) << 16);
}

bool startsWith(std::span<const std::byte> b, size_t off, const char* text, size_t n) {
    return off + n <= b.size() && std::memcmp(b.data() + off, text, n) == 0;
}

Resolution plausible(Resolution r) {
    auto ok = [](double v) { return v >= 10 && v <= 10000; };
    return ok(r.x) && ok(r.y) ? r : Resolution{};
}

// A TIFF structure (whole file, or the body of an EXIF block) with its byte order.
class TiffReader {
  public:
    explicit TiffReader(std::span<const std::byte> b) : b_(b) {
        little_ = b.size() >= 8 && startsWith(b, 0, "II", 2);
        valid_ = b.size() >= 8 && (little_ || startsWith(b, 0, "MM", 2));
    }
    bool valid() const { return valid_; }
    bool has(size_t off, size_t n) const { return off <= b_.size() && n <= b_.size() - off; }
    unsigned u16(size_t off) const { return little_ ? le16(b_, off) : be16(b_, off); }
    std::uint32_t u32(size_t off) const { return little_ ? le32(b_, off) : be32(b_, off); }

    // Offset of IFD number `index`, 0 when missing (loop- and bounds-checked).
    size_t ifd(int index) const {
        if (!valid_)
            return 0;
        size_t off = u32(4);
        std::set<size_t> seen;
        for (int i = 0; i < index && off != 0; ++i) {
            if (!seen.insert(off).second || !has(off, 2))
                return 0;
            const size_t next = off + 2 + size_t(u16(off)) * 12;
            if (!has(next, 4))
                return 0;
            off = u32(next);
        }
        return has(off, 2) ? off : 0;
    }

    // Calls f(tag, type, entryOffset) for every entry of the IFD at `off`.
    template <typename F> void forEachEntry(size_t off, F&& f) const {
        const unsigned n = u16(off);
        for (unsigned e = 0; e < n; ++e) {
            const size_t entry = off + 2 + size_t(e) * 12;
            if (!has(entry, 12))
                return;
            f(u16(entry), u16(entry + 2), entry);
        }
    }

    double rational(size_t entry) const {
        const size_t at = u32(entry + 8);
        if (!has(at, 8) || u32(at + 4) == 0)
            return 0;
        return double(u32(at)) / double(u32(at + 4));
    }

  private:
    std::span<const std::byte> b_;
    bool little_ = false;
    bool valid_ = false;
};

int exifOrientation(std::span<const std::byte> tiff) {
    const TiffReader r(tiff);
    const size_t ifd0 = r.ifd(0);
    if (ifd0 == 0)
        return 1;
    int orientation = 1;
    r.forEachEntry(ifd0, [&](unsigned tag, unsigned type, size_t entry) {
        if (tag == 0x0112 && type == 3)
            orientation = int(r.u16(entry + 8));
    });
    return orientation >= 1 && orientation <= 8 ? orientation : 1;
}

Resolution tiffResolution(std::span<const std::byte> b, int pageIndex) {
    const TiffReader r(b);
    const size_t ifd = r.ifd(pageIndex);
    if (ifd == 0)
        return {};
    Resolution res;
    unsigned unit = 2; // TIFF default: inch
    r.forEachEntry(ifd, [&](unsigned tag, unsigned type, size_t entry) {
        if (tag == 282 && type == 5)
            res.x = r.rational(entry);
        else if (tag == 283 && type == 5)
            res.y = r.rational(entry);
        else if (tag == 296 && type == 3)
            unit = r.u16(entry + 8);
    });
    if (unit == 3)
        return plausible({res.x * 2.54, res.y * 2.54});
    return unit == 2 ? plausible(res) : Resolution{};
}

Resolution pngResolution(std::span<const std::byte> b) {
    size_t pos = 8;
    while (pos + 12 <= b.size()) {
        const std::uint32_t length = be32(b, pos);
        if (startsWith(b, pos + 4, "pHYs", 4) && length >= 9 && pos + 8 + 9 <= b.size()) {
            if (u8(b, pos + 16) != 1) // unit: metre
                return {};
            return plausible({be32(b, pos + 8) * 0.0254, be32(b, pos + 12) * 0.0254});
        }
        if (startsWith(b, pos + 4, "IDAT", 4) || length > b.size())
            return {};
        pos += 12 + size_t(length);
    }
    return {};
}

Resolution bmpResolution(std::span<const std::byte> b) {
    if (b.size() < 46)
        return {};
    return plausible(
        {double(std::int32_t(le32(b, 38))) * 0.0254, double(std::int32_t(le32(b, 42))) * 0.0254});
}

} // namespace

std::optional<JpegHeader> readJpegHeader(std::span<const std::byte> b) {
    if (b.size() < 4 || u8(b, 0) != 0xFF || u8(b, 1) != 0xD8)
        return std::nullopt;
    JpegHeader h;
    bool haveFrame = false;
    size_t pos = 2;
    while (pos + 4 <= b.size()) {
        if (u8(b, pos) != 0xFF)
            return std::nullopt;
        const unsigned marker = u8(b, pos + 1);
        if (marker == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            pos += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) // end of image / start of scan
            break;
        const size_t length = be16(b, pos + 2);
        if (length < 2 || pos + 2 + length > b.size())
            return std::nullopt;
        const size_t body = pos + 4;
        const size_t bodyLength = length - 2;
        const std::span<const std::byte> segment = b.subspan(body, bodyLength);
        if (marker == 0xE0 && bodyLength >= 12 && startsWith(segment, 0, "JFIF\0", 5)) {
            const unsigned units = u8(segment, 7);
            const double x = be16(segment, 8), y = be16(segment, 10);
            if (units == 1)
                h.density = plausible({x, y});
            else if (units == 2)
                h.density = plausible({x * 2.54, y * 2.54});
        } else if (marker == 0xE1 && bodyLength > 14 && startsWith(segment, 0, "Exif\0\0", 6)) {
            h.exifOrientation = exifOrientation(segment.subspan(6));
        } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            if (haveFrame || bodyLength < 6)
                return std::nullopt;
            haveFrame = true;
            h.precision = int(u8(segment, 0));
            h.height = int(be16(segment, 1));
            h.width = int(be16(segment, 3));
            h.components = int(u8(segment, 5));
            h.sequentialOrProgressiveHuffman = marker == 0xC0 || marker == 0xC1 || marker == 0xC2;
            h.frameEnd = pos + 2 + length;
        }
        pos += 2 + length;
    }
    if (!haveFrame)
        return std::nullopt;
    return h;
}

Resolution readDeclaredResolution(std::span<const std::byte> bytes, imaging::MediaKind kind, int pageIndex) {
    switch (kind) {
    case imaging::MediaKind::Jpeg:
        if (const auto h = readJpegHeader(bytes))
            return h->density;
        return {};
    case imaging::MediaKind::Png:
        return pngResolution(bytes);
    case imaging::MediaKind::Tiff:
        return tiffResolution(bytes, pageIndex);
    case imaging::MediaKind::Bmp:
        return bmpResolution(bytes);
    case imaging::MediaKind::Webp:
    case imaging::MediaKind::Pdf:
    case imaging::MediaKind::Unknown:
        break;
    }
    return {};
}

} // namespace docdesk::output
