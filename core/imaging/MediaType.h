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
inline bool isPageSource(MediaKind k) { return k != MediaKind::Unknown; }

} // namespace docdesk::imaging
