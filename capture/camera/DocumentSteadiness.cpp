#include "capture/camera/DocumentSteadiness.h"

#include <algorithm>
#include <cmath>

namespace docdesk::capture {

double DocumentSteadiness::maxCornerDistance(const Quad& a, const Quad& b) {
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::hypot(a[i].x - b[i].x, a[i].y - b[i].y));
    return worst;
}

bool DocumentSteadiness::update(Clock::time_point time, const std::optional<Quad>& document,
                                double frameDiagonal) {
    if (!document) {
        // A few frames without a document (a hand passing, a missed detection) are tolerated;
        // after that the page is gone, and the same place may be captured again.
        if (++missing_ >= options_.missingFrames) {
            anchor_.reset();
            lastCaptured_.reset();
        }
        return false;
    }
    missing_ = 0;
    const double still = options_.tolerance * frameDiagonal;
    if (!anchor_ || maxCornerDistance(*anchor_, *document) > still) {
        anchor_ = document; // moving: start timing from here
        anchorSince_ = time;
        return false;
    }
    if (time - anchorSince_ < options_.holdStill)
        return false;
    if (lastCaptured_ && maxCornerDistance(*lastCaptured_, *document) <= options_.newPlace * frameDiagonal)
        return false; // this page was taken already
    lastCaptured_ = document;
    return true;
}

} // namespace docdesk::capture
