#pragma once
// The non-destructive edits of a page, as stored in PageRecord::transformsJson. Rendering
// applies them to the decoded original in this order: crop (perspective warp of the quad to
// a rectangle), deskew, rotation, mode. The original itself is never changed.
//
// JSON form (every key optional; `{}` is the untouched page; unknown keys are ignored):
//   {"crop": [[x,y],[x,y],[x,y],[x,y]],  corners in pixels of the decoded original (EXIF
//                                        orientation applied, PDF pages at the render dpi),
//                                        clockwise from the document's top-left
//    "deskew": 0.8,                      the page's measured skew in degrees, as analysis
//                                        reports it (skew_degrees); rendering undoes it
//    "rotation": 90,                     clockwise, a multiple of 90 (normalised to 0..270)
//    "mode": "original"|"color"|"gray"|"bw"|"shadow"}
#include "core/model/Geometry.h"

#include <optional>
#include <string>
#include <string_view>

namespace docdesk {

enum class PageMode {
    Original,      // as captured
    Color,         // kept in colour (a grey original stays grey)
    Gray,          // converted to grey
    BlackWhite,    // thresholded to black and white (stored as 1 bit per pixel)
    ShadowRemoval, // photos: shadows and uneven light divided out, colour kept
};

// "original", "color", "gray", "bw", "shadow".
const char* pageModeName(PageMode mode);
std::optional<PageMode> pageModeFromName(std::string_view name);

struct PageTransforms {
    int rotation = 0;         // clockwise degrees: 0, 90, 180 or 270
    std::optional<Quad> crop; // the document's corners in the decoded original
    PageMode mode = PageMode::Original;
    double deskewDegrees = 0; // 0 = no deskew

    // No edit at all: the page renders exactly as the original.
    bool isIdentity() const;
    // Crop, deskew or rotation present (pixels move).
    bool changesGeometry() const;

    // Parses transformsJson. Tolerates "{}" and an empty string; throws docdesk::Error with a
    // message saying which value is wrong for anything else it cannot use.
    static PageTransforms parse(std::string_view json);
    // The JSON form, without default values ("{}" when isIdentity()).
    std::string toJson() const;

    friend bool operator==(const PageTransforms& a, const PageTransforms& b);
};

} // namespace docdesk
