#pragma once
// Where on a page barcodes may be (private to core/barcode). Decoding a whole 300-dpi page
// with ZXing is slow and its DataMatrix detector misses codes away from the centre lines, so
// BarcodeReader decodes small upright crops of these regions instead.
#include <opencv2/core.hpp>
#include <vector>

namespace docdesk::barcode {

// A candidate region in page pixels. `box.angle` is the region's tilt in degrees, in
// [-45, 45); the code inside may additionally be turned by a multiple of 90 degrees.
struct RegionProposal {
    cv::RotatedRect box;
    bool barsLike = false;   // gradients mostly one way: a linear code or PDF417, not a 2D matrix
    float acrossDegrees = 0; // the dominant gradient direction (across bars), modulo 180 degrees
};

// Dense, high-contrast, roughly half-dark blobs of an 8-bit grey page: every symbology
// (bars, stacked rows, matrix modules) looks like that at a coarse scale, whereas text,
// rules and page borders are too light, too sparse in edges, or too thin. `halved` may be the
// page already area-averaged by exactly two (the odd last row and column left out); it is made
// here when it is not.
std::vector<RegionProposal> proposeBarcodeRegions(const cv::Mat& grey, const cv::Mat& halved = {});

} // namespace docdesk::barcode
