#pragma once
// Blank-page detection and skew estimation for scanned pages.
#include "core/model/ImageView.h"

namespace docdesk::imaging {

struct BlankVerdict {
    bool blank = false;
    double inkFraction = 0; // share of the page area covered by content after cleaning
};

// Blank despite show-through, punch holes and scanner edge noise; not blank with a few lines
// of sparse text.
BlankVerdict detectBlank(const ImageView& page);

// Skew of the text lines in degrees (positive = clockwise), within ±15°; 0 when unknown.
double estimateSkewDegrees(const ImageView& page);

struct PageMeasures {
    BlankVerdict blank;
    double skewDegrees = 0;
};

// detectBlank and estimateSkewDegrees at once: the page's small copy and its ink are made once.
PageMeasures measurePage(const ImageView& page);

} // namespace docdesk::imaging
