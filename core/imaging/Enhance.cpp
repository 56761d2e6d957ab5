#include "core/imaging/Enhance.h"

namespace docdesk::imaging {

RgbImage warpToRectangle(const ImageView&, const Quad&) { return {}; } // PLACEHOLDER (issue 3)
RgbImage deskew(const ImageView&, double) { return {}; }               // PLACEHOLDER (issue 3)
RgbImage enhance(const ImageView&, EnhanceMode) { return {}; }         // PLACEHOLDER (issue 3)

} // namespace docdesk::imaging
