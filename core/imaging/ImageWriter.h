#pragma once
// Encodes rasters for output files (crop results, exports of single pages).
#include "core/model/Image.h"

#include <cstddef>
#include <string>
#include <vector>

namespace docdesk::imaging {

enum class ImageFormat { Jpeg, Png };

// Encodes an RGB image; JPEG at `jpegQuality` (1..100). Throws docdesk::Error on failure.
std::vector<std::byte> encodeImage(const RgbImage& image, ImageFormat format, int jpegQuality = 90);

} // namespace docdesk::imaging
