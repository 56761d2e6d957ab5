#pragma once
// A page as a file of its own (the "one image per page" output): JPEG pages as they are
// (".jpg", untouched originals byte for byte), black-and-white pages as 1-bit PNG (".png").
// Both state the page's resolution (JFIF density, PNG pHYs).
#include "core/export/PageRenderer.h"

#include <cstddef>
#include <string>
#include <vector>

namespace docdesk::output {

struct PageImageFile {
    std::string extension; // ".jpg" or ".png"
    std::vector<std::byte> bytes;
};

// Throws docdesk::Error when the page cannot be encoded.
PageImageFile pageImageFile(const EncodedPage& page);

} // namespace docdesk::output
