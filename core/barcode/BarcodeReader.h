#pragma once
// Finds every barcode on a page (all formats ZXing-C++ reads, any orientation, anywhere on the
// page including corners). ZXing stays inside BarcodeReader.cpp.
#include "core/model/BarcodeHit.h"
#include "core/model/ImageView.h"

#include <string>
#include <vector>

namespace docdesk::barcode {

struct ReadOptions {
    // Formats to look for, by ZXing name ("Code128", "QRCode", ...); empty = all.
    std::vector<std::string> formats;
};

// Every distinct barcode on the page, in page coordinates, sorted top-to-bottom, left-to-right.
std::vector<BarcodeHit> readBarcodes(const ImageView& page, const ReadOptions& options = {});

} // namespace docdesk::barcode
