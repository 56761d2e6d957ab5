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
    // One exact halving serves the barcode proposals, the document finder of a grey page, and
    // blank and skew (~150 dpi and less): each would otherwise shrink the full page itself.
    const cv::Mat half = halved(grey);
    const ImageView halfView{half.data, half.cols, half.rows, std::ptrdiff_t(half.step), 1};
    const bool isHalf = half.data != grey.data;
    barcode::ReadOptions read;
    if (isHalf)
        read.halved = halfView;
    a.barcodes = barcode::readBarcodes(greyView, read);
    a.documents = imaging::findDocuments(bgr, isHalf && bgr.channels == 1 ? halfView : ImageView{});
    const imaging::PageMeasures measures = imaging::measurePage(halfView);
    a.blank = measures.blank.blank;
    a.skewDegrees = measures.skewDegrees;
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
