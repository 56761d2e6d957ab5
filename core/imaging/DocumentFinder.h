#pragma once
// Finds documents and receipts on a page image: the quadrilateral of each sheet in camera
// photos (perspective, clutter, shadows, partly covered) and flatbed scans (dark or white lid,
// several receipts on one glass). OpenCV stays inside the .cpp.
#include "core/model/Geometry.h"
#include "core/model/ImageView.h"

#include <vector>

namespace docdesk::imaging {

struct DocumentCandidate {
    Quad corners;     // clockwise from the document's top-left
    double score = 0; // 0..1 confidence
};

// Every document found, the one the user most likely means first (fully in view, central,
// large); empty when none was found. `halved` may be the image already area-averaged by exactly
// two (detail::halvedExactly), in the same layout; it is then not made again.
std::vector<DocumentCandidate> findDocuments(const ImageView& image, const ImageView& halved = {});

} // namespace docdesk::imaging
