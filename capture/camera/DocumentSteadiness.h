#pragma once
// Auto-capture for webcams and document cameras: a page is taken when it has been held still
// under the camera for a moment, once per page. Decides from the main document's corners in
// successive frames; no pixels, no I/O (the same rule serves the GUI preview and the CLI).
#include "core/model/Geometry.h"

#include <chrono>
#include <optional>

namespace docdesk::capture {

struct SteadinessOptions {
    std::chrono::milliseconds holdStill{700}; // the document must stay put this long
    double tolerance = 0.015; // corner movement allowed while "still", share of the frame diagonal
    double newPlace = 0.08;   // a document this far from the last capture is a new one
    int missingFrames = 3;    // frames without a document after which it counts as removed
};

class DocumentSteadiness {
  public:
    using Clock = std::chrono::steady_clock;
    explicit DocumentSteadiness(SteadinessOptions options = {}) : options_(options) {}

    // One frame: its time, the main document's corners (nullopt when none was found) and the
    // frame's diagonal in pixels. True when this frame should be captured.
    bool update(Clock::time_point time, const std::optional<Quad>& document, double frameDiagonal);

    // The next steady document is captured even if it is the one captured last (a "take it
    // again" from the user).
    void forgetLastCapture() { lastCaptured_.reset(); }

  private:
    static double maxCornerDistance(const Quad& a, const Quad& b);

    SteadinessOptions options_;
    std::optional<Quad> anchor_; // where the document has been holding still
    Clock::time_point anchorSince_{};
    std::optional<Quad> lastCaptured_; // the document captured last, until it goes away
    int missing_ = 0;
};

} // namespace docdesk::capture
