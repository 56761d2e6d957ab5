#pragma once
// core's RGB image as a wx bitmap, and drawing it as a thumbnail.
#include "core/model/Image.h"

#include <cstring>
#include <wx/bitmap.h>
#include <wx/dc.h>
#include <wx/image.h>

namespace docdesk::gui {

inline wxBitmap toBitmap(const RgbImage& img) {
    wxImage image(img.width, img.height, false);
    std::memcpy(image.GetData(), img.pixels.data(), img.pixels.size());
    return wxBitmap(image);
}

// Draws `bitmap` centred in `box` with a faint frame, as thumbnails are shown.
inline void drawFramedBitmap(wxDC& dc, const wxBitmap& bitmap, const wxRect& box) {
    const int x = box.x + (box.width - bitmap.GetWidth()) / 2;
    const int y = box.y + (box.height - bitmap.GetHeight()) / 2;
    dc.SetPen(wxPen(wxColour(0, 0, 0, 60)));
    dc.SetBrush(*wxTRANSPARENT_BRUSH);
    dc.DrawRectangle(x - 1, y - 1, bitmap.GetWidth() + 2, bitmap.GetHeight() + 2);
    dc.DrawBitmap(bitmap, x, y);
}

} // namespace docdesk::gui
