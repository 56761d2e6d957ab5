#pragma once
// Reads pages out of stored originals (images, multi-page TIFF, PDF): how many pages a file
// has, and a downscaled rendering of one page for thumbnails. Decoder errors become
// UnreadableFileError with a message for the user.
#include "core/imaging/MediaType.h"
#include "core/model/Image.h"

#include <cstddef>
#include <filesystem>
#include <span>

namespace docdesk::imaging {

// Number of pages in `bytes` (1 for single images). Throws UnreadableFileError when the
// content is damaged or not a page source.
int countPages(std::span<const std::byte> bytes, MediaKind kind);

// Page `pageIndex` (0-based) of the file, scaled to fit in maxEdge x maxEdge pixels.
RgbImage renderThumbnail(const std::filesystem::path& file, MediaKind kind, int pageIndex,
                         int maxEdge);

} // namespace docdesk::imaging
