#pragma once
// core's RGB image as a wx bitmap, for drawing thumbnails.
#include "core/model/Image.h"

#include <cstring>
#include <wx/bitmap.h>
#include <wx/image.h>

namespace docdesk::gui {

inline wxBitmap toBitmap(const RgbImage& img) {
    wxImage image(img.width, img.height, false);
    std::memcpy(image.GetData(), img.pixels.data(), img.pixels.size());
    return wxBitmap(image);
}

} // namespace docdesk::gui
