#pragma once
// What a file is, judged by its content (magic bytes), not its name.
#include <cstddef>
#include <span>
#include <string>

namespace docdesk::imaging {

enum class MediaKind { Jpeg, Png, Tiff, Bmp, Webp, Pdf, Unknown };

MediaKind sniffMediaKind(std::span<const std::byte> head);
std::string mimeType(MediaKind kind);
MediaKind kindFromMimeType(const std::string& mime);
// Extension (with dot) used for the stored original.
std::string fileExtension(MediaKind kind);
inline bool isPageSource(MediaKind k) {
    return k != MediaKind::Unknown;
}

// The MIME type of any file, for files that are not page sources and are kept as they are
// (pass-through documents: Office files, e-mails, archives, text). Judged by content first
// (ZIP-based Office and OpenDocument, OLE2, RTF, e-mail headers, XML/HTML, GIF, archives,
// UTF-8 text); the file name's extension only refines what the content cannot tell (which
// OLE2 application; CSV or plain text). "application/octet-stream" when nothing fits.
std::string detectMimeType(std::span<const std::byte> bytes, const std::string& fileName);

} // namespace docdesk::imaging
