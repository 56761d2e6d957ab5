#pragma once
// Full analysis of one decoded page: every barcode, the documents on it, blank and skew.
// This is what the analysis worker runs; its JSON form is the `inspect --json` page record
// of the CLI contract (DESIGN.md), minus "source" and "page".
#include "core/imaging/DocumentFinder.h"
#include "core/model/BarcodeHit.h"
#include "core/model/ImageView.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace docdesk::pipeline {

struct PageAnalysis {
    int width = 0;
    int height = 0;
    std::vector<BarcodeHit> barcodes;
    std::vector<imaging::DocumentCandidate> documents; // main one first
    bool blank = false;
    double skewDegrees = 0;
};

PageAnalysis analysePage(const ImageView& bgr);

// {"width", "height", "barcodes", "document", "documents", "blank", "skew_degrees"}
nlohmann::ordered_json toJson(const PageAnalysis& analysis);

} // namespace docdesk::pipeline
