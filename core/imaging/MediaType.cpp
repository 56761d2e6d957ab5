#include "core/imaging/MediaType.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace docdesk::imaging {
namespace {

bool startsWith(std::span<const std::byte> b, const char* magic, size_t n, size_t offset = 0) {
    return b.size() >= offset + n && std::memcmp(b.data() + offset, magic, n) == 0;
}

std::string_view asText(std::span<const std::byte> b, size_t limit) {
    return {reinterpret_cast<const char*>(b.data()), std::min(b.size(), limit)};
}

std::string lowerExtension(const std::string& fileName) {
    std::string ext = std::filesystem::path(fileName).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

// Office Open XML and OpenDocument are ZIP files; the names of their first entries tell which.
std::string zipMimeType(std::span<const std::byte> b) {
    // OpenDocument: an uncompressed first entry "mimetype" holding the type (ISO 26300 3.3).
    if (startsWith(b, "mimetype", 8, 30)) {
        const std::string_view head = asText(b, 200);
        const size_t start = 38;
        const size_t end = head.find("PK", start);
        if (end != std::string_view::npos && end > start)
            return std::string(head.substr(start, end - start));
    }
    const std::string_view head = asText(b, 64 * 1024);
    if (head.find("[Content_Types].xml") != std::string_view::npos ||
        head.find("_rels/.rels") != std::string_view::npos) {
        if (head.find("word/") != std::string_view::npos)
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        if (head.find("xl/") != std::string_view::npos)
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        if (head.find("ppt/") != std::string_view::npos)
            return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    }
    return "application/zip";
}

// RFC 5322 messages start with header fields; these are the ones mail programs always write.
bool looksLikeEmail(std::string_view head) {
    static constexpr std::string_view fields[] = {
        "Received:",     "Return-Path:", "From:",    "Message-ID:", "MIME-Version:",
        "Delivered-To:", "Date:",        "Subject:", "To:"};
    int seen = 0;
    for (auto field : fields) {
        const size_t at = head.find(field);
        if (at != std::string_view::npos && (at == 0 || head[at - 1] == '\n'))
            ++seen;
    }
    const bool startsWithField = std::any_of(std::begin(fields), std::end(fields),
                                             [&](std::string_view f) { return head.starts_with(f); });
    return startsWithField && seen >= 2;
}

bool isUtf8Text(std::span<const std::byte> b) {
    const size_t n = std::min<size_t>(b.size(), 64 * 1024);
    size_t i = 0;
    while (i < n) {
        const auto c = static_cast<unsigned char>(b[i]);
        if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f'))
            return false;
        int follow = c < 0x80             ? 0
                     : (c & 0xE0) == 0xC0 ? 1
                     : (c & 0xF0) == 0xE0 ? 2
                     : (c & 0xF8) == 0xF0 ? 3
                                          : -1;
        if (follow < 0)
            return false;
        for (int k = 1; k <= follow; ++k) {
            if (i + size_t(k) >= n)
                return true; // cut off at the limit
            if ((static_cast<unsigned char>(b[i + size_t(k)]) & 0xC0) != 0x80)
                return false;
        }
        i += size_t(follow) + 1;
    }
    return true;
}

} // namespace

std::string detectMimeType(std::span<const std::byte> b, const std::string& fileName) {
    if (const auto kind = sniffMediaKind(b); kind != MediaKind::Unknown)
        return mimeType(kind);
    const std::string ext = lowerExtension(fileName);
    if (startsWith(b, "PK\x03\x04", 4))
        return zipMimeType(b);
    if (startsWith(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) { // OLE2 compound file
        if (ext == ".doc" || ext == ".dot")
            return "application/msword";
        if (ext == ".xls" || ext == ".xlt")
            return "application/vnd.ms-excel";
        if (ext == ".ppt" || ext == ".pps")
            return "application/vnd.ms-powerpoint";
        if (ext == ".msg")
            return "application/vnd.ms-outlook";
        return "application/x-ole-storage";
    }
    if (startsWith(b, "{\\rtf", 5))
        return "application/rtf";
    if (startsWith(b, "GIF87a", 6) || startsWith(b, "GIF89a", 6))
        return "image/gif";
    if (startsWith(b, "\x1F\x8B", 2))
        return "application/gzip";
    if (startsWith(b, "7z\xBC\xAF\x27\x1C", 6))
        return "application/x-7z-compressed";
    if (startsWith(b, "Rar!\x1A\x07", 6))
        return "application/vnd.rar";
    if (!isUtf8Text(b))
        return "application/octet-stream";
    std::string_view head = asText(b, 4096);
    if (head.starts_with("\xEF\xBB\xBF"))
        head.remove_prefix(3);
    if (looksLikeEmail(head))
        return "message/rfc822";
    const auto firstNonSpace = head.find_first_not_of(" \t\r\n");
    const std::string_view body = firstNonSpace == std::string_view::npos ? "" : head.substr(firstNonSpace);
    std::string lower(body.substr(0, std::min<size_t>(body.size(), 64)));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (lower.starts_with("<!doctype html") || lower.starts_with("<html"))
        return "text/html";
    if (lower.starts_with("<?xml"))
        return "application/xml";
    if (ext == ".csv")
        return "text/csv";
    return "text/plain";
}

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
    case MediaKind::Jpeg:
        return "image/jpeg";
    case MediaKind::Png:
        return "image/png";
    case MediaKind::Tiff:
        return "image/tiff";
    case MediaKind::Bmp:
        return "image/bmp";
    case MediaKind::Webp:
        return "image/webp";
    case MediaKind::Pdf:
        return "application/pdf";
    case MediaKind::Unknown:
        break;
    }
    return "application/octet-stream";
}

MediaKind kindFromMimeType(const std::string& mime) {
    for (auto k :
         {MediaKind::Jpeg, MediaKind::Png, MediaKind::Tiff, MediaKind::Bmp, MediaKind::Webp, MediaKind::Pdf})
        if (mimeType(k) == mime)
            return k;
    return MediaKind::Unknown;
}

std::string fileExtension(MediaKind kind) {
    switch (kind) {
    case MediaKind::Jpeg:
        return ".jpg";
    case MediaKind::Png:
        return ".png";
    case MediaKind::Tiff:
        return ".tif";
    case MediaKind::Bmp:
        return ".bmp";
    case MediaKind::Webp:
        return ".webp";
    case MediaKind::Pdf:
        return ".pdf";
    case MediaKind::Unknown:
        break;
    }
    return ".bin";
}

} // namespace docdesk::imaging
