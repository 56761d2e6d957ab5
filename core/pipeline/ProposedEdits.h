#pragma once
// What analysis proposes for a page before the user sees it (DESIGN.md data flow, step 3): a
// photo or flatbed scan on which documents are found is cut to them, several receipts on one
// page becoming one page each; a scanned page is deskewed. Proposals are ordinary page edits
// (PageTransforms), so thumbnails, preview and filing show the same result and the user takes
// them back like any edit (Remove Crop, Undo). The user's own edits win: a page the user has
// cropped gets no proposal at all, and a rotation or mode is kept on every piece.
#include "core/model/Page.h"
#include "core/model/PageTransforms.h"
#include "core/rules/FilingRules.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace docdesk::pipeline {

// Where a page comes from, as far as cropping cares.
enum class CaptureKind {
    Photo,       // a camera picture or an image file (a phone photo, a saved scan)
    FlatbedScan, // from a scanner's glass
    FeederScan,  // from a document feeder: full sheets, never cut apart
    PdfPage,     // a page of a PDF file: filed whole
};

// From the page's source ("camera:...", "sane:DEVICE (Flatbed)", a file path) and media type.
CaptureKind captureKindOf(const PageRecord& page);

// The page's edits after analysis: one entry for the page itself, or one per document when
// several were found and the rules split them (in reading order of the analysis, main first).
// `current` is the page's edits now; `analysis` its PageAnalysis JSON (an analysis that failed
// proposes nothing).
std::vector<PageTransforms> proposeEdits(const PageTransforms& current, const nlohmann::json& analysis,
                                         CaptureKind kind, const rules::PageEditRules& rules);

// True when the centre of `corners` lies inside `area`: which barcodes belong to which piece
// of a page that was cut apart.
bool centreInside(const Quad& corners, const Quad& area);

} // namespace docdesk::pipeline
