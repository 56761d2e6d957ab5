#include "core/barcode/BarcodeReader.h"

namespace docdesk::barcode {

std::vector<BarcodeHit> readBarcodes(const ImageView&, const ReadOptions&) {
    return {}; // PLACEHOLDER: being implemented (issue 3)
}

} // namespace docdesk::barcode
