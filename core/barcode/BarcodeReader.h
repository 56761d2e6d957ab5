#pragma once
// Finds every barcode on a page (all formats ZXing-C++ reads, any orientation, anywhere on the
// page including corners). ZXing stays inside BarcodeReader.cpp.
#include "core/model/BarcodeHit.h"
#include "core/model/ImageView.h"

#include <string>
#include <vector>

namespace docdesk::barcode {

struct ReadOptions {
    // Formats to look for, by ZXing name ("Code128", "QRCode", "EAN-13", ...); empty = all.
    std::vector<std::string> formats;
    // Besides the regions that look like codes, also decode the whole page. Several times
    // slower (~100 ms more on an A4 page at 300 dpi); for codes printed over dense text or
    // photos, where no separate region stands out. Meant for an explicit "search harder".
    bool wholePage = false;
    // The page already area-averaged by exactly two (imaging::detail::halvedExactly), when the
    // caller has it: it is not made again. Grey only; ignored when empty or of another size.
    ImageView halved;
};

// Every distinct barcode on the page, in page coordinates (corners clockwise from the code's
// top-left as it reads upright), sorted top-to-bottom by the topmost corner, then
// left-to-right by the leftmost one. The view is 8-bit grey or BGR; an empty or malformed view
// gives no hits. Throws std::invalid_argument for a format name ZXing does not know.
std::vector<BarcodeHit> readBarcodes(const ImageView& page, const ReadOptions& options = {});

} // namespace docdesk::barcode
