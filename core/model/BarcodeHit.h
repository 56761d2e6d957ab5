#pragma once
// One barcode found on a page.
#include "core/model/Geometry.h"

#include <string>

namespace docdesk {

struct BarcodeHit {
    std::string format; // ZXing's name: "Code128", "QRCode", "DataMatrix", "EAN-13", ...
    std::string text;   // decoded content (UTF-8)
    Quad corners;       // position on the page, in page pixels
};

} // namespace docdesk
