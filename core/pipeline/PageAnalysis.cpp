#include "core/pipeline/PageAnalysis.h"

#include "core/barcode/BarcodeReader.h"
#include "core/imaging/PageMetrics.h"
#include "core/imaging/PageRasterCv.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace docdesk::pipeline {
namespace {

nlohmann::ordered_json cornersJson(const Quad& q) {
    auto j = nlohmann::ordered_json::array();
    for (const auto& p : q)
        j.push_back({std::lround(p.x), std::lround(p.y)});
    return j;
}

// Halved (imaging::detail::halvedExactly); small pages stay.
cv::Mat halved(const cv::Mat& grey) {
    if (std::max(grey.cols, grey.rows) < 1800)
        return grey;
    return imaging::detail::halvedExactly(grey);
}

} // namespace

PageAnalysis analysePage(const ImageView& bgr) {
    PageAnalysis a;
    a.width = bgr.width;
    a.height = bgr.height;
    // Barcodes, blank and skew work on grey; document edges use colour.
    const cv::Mat grey = imaging::detail::toGrey(imaging::detail::asMat(bgr));
    const ImageView greyView{grey.data, grey.cols, grey.rows, std::ptrdiff_t(grey.step), 1};
    a.barcodes = barcode::readBarcodes(greyView);
    a.documents = imaging::findDocuments(bgr);
    // Blank and skew look at ~150 dpi and less: one exact halving serves both (each would
    // otherwise shrink the full page itself).
    const cv::Mat half = halved(grey);
    const ImageView halfView{half.data, half.cols, half.rows, std::ptrdiff_t(half.step), 1};
    a.blank = imaging::detectBlank(halfView).blank;
    a.skewDegrees = imaging::estimateSkewDegrees(halfView);
    return a;
}

nlohmann::ordered_json toJson(const PageAnalysis& a) {
    nlohmann::ordered_json j;
    j["width"] = a.width;
    j["height"] = a.height;
    j["barcodes"] = nlohmann::ordered_json::array();
    for (const auto& b : a.barcodes)
        j["barcodes"].push_back(
            {{"format", b.format}, {"text", b.text}, {"corners", cornersJson(b.corners)}});
    auto documents = nlohmann::ordered_json::array();
    for (const auto& d : a.documents)
        documents.push_back(
            {{"corners", cornersJson(d.corners)}, {"score", std::round(d.score * 100) / 100}});
    j["document"] = documents.empty() ? nlohmann::ordered_json(nullptr) : documents.front();
    j["documents"] = documents;
    j["blank"] = a.blank;
    j["skew_degrees"] = std::round(a.skewDegrees * 10) / 10;
    return j;
}

} // namespace docdesk::pipeline
