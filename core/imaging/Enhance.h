#pragma once
// Perspective correction, deskew and enhancement modes, producing new rasters (the original
// stays untouched in the journal).
#include "core/imaging/PageDecoder.h"
#include "core/model/Geometry.h"
#include "core/model/Image.h"
#include "core/model/ImageView.h"

#include <cstdint>
#include <vector>

namespace docdesk::imaging {

enum class EnhanceMode { Color, Gray, BlackWhite, ShadowRemoval };

// The quad warped to a flat rectangle with the document's true aspect ratio (RGB).
RgbImage warpToRectangle(const ImageView& image, const Quad& corners);
// Rotated by -skewDegrees around the centre, background filled white (RGB).
RgbImage deskew(const ImageView& image, double skewDegrees);

// The same warps with the source's channels kept, grey or BGR (the same pixels as the RGB
// results): filing renders grey and BGR pages, and the detour through RGB and back took a third
// of its time.
DecodedPage warpToRectangleKeepingLayout(const ImageView& image, const Quad& corners);
DecodedPage deskewKeepingLayout(const ImageView& image, double skewDegrees);
// Colour, grey, black-and-white (adaptive threshold) or shadow removal for photos (RGB).
RgbImage enhance(const ImageView& image, EnhanceMode mode);
// The black-and-white mode's pixels as 8-bit grey holding only 0 and 255, rows packed
// (stride = width): what 1-bit output needs, without going through RGB.
PixelBytes blackAndWhite(const ImageView& image);

} // namespace docdesk::imaging
