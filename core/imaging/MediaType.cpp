#include "core/imaging/MediaType.h"

#include <cstring>

namespace docdesk::imaging {
namespace {

bool startsWith(std::span<const std::byte> b, const char* magic, size_t n, size_t offset = 0) {
    return b.size() >= offset + n && std::memcmp(b.data() + offset, magic, n) == 0;
}

} // namespace

MediaKind sniffMediaKind(std::span<const std::byte> b) {
    if (startsWith(b, "\xFF\xD8\xFF", 3))
        return MediaKind::Jpeg;
    if (startsWith(b, "\x89PNG\r\n\x1A\n", 8))
        return MediaKind::Png;
    if (startsWith(b, "II*\0", 4) || startsWith(b, "MM\0*", 4))
        return MediaKind::Tiff;
    if (startsWith(b, "BM", 2) && b.size() >= 26)
        return MediaKind::Bmp;
    if (startsWith(b, "RIFF", 4) && startsWith(b, "WEBP", 4, 8))
        return MediaKind::Webp;
    // PDF allows up to 1024 bytes of junk before the header.
    const size_t scan = std::min<size_t>(b.size(), 1024);
    for (size_t i = 0; i + 5 <= scan; ++i)
        if (std::memcmp(b.data() + i, "%PDF-", 5) == 0)
            return MediaKind::Pdf;
    return MediaKind::Unknown;
}

std::string mimeType(MediaKind kind) {
    switch (kind) {
    case MediaKind::Jpeg: return "image/jpeg";
    case MediaKind::Png: return "image/png";
    case MediaKind::Tiff: return "image/tiff";
    case MediaKind::Bmp: return "image/bmp";
    case MediaKind::Webp: return "image/webp";
    case MediaKind::Pdf: return "application/pdf";
    case MediaKind::Unknown: break;
    }
    return "application/octet-stream";
}

MediaKind kindFromMimeType(const std::string& mime) {
    for (auto k : {MediaKind::Jpeg, MediaKind::Png, MediaKind::Tiff, MediaKind::Bmp,
                   MediaKind::Webp, MediaKind::Pdf})
        if (mimeType(k) == mime)
            return k;
    return MediaKind::Unknown;
}

std::string fileExtension(MediaKind kind) {
    switch (kind) {
    case MediaKind::Jpeg: return ".jpg";
    case MediaKind::Png: return ".png";
    case MediaKind::Tiff: return ".tif";
    case MediaKind::Bmp: return ".bmp";
    case MediaKind::Webp: return ".webp";
    case MediaKind::Pdf: return ".pdf";
    case MediaKind::Unknown: break;
    }
    return ".bin";
}

} // namespace docdesk::imaging
