#define BOOST_TEST_MODULE receipt_image
// A receipt's picture made fit for Tesseract (core/ocr/ReceiptImage): a generated receipt (text
// lines, a barcode with the date line right under it) as a 300-dpi scan and as a small phone
// photo under a strong light gradient. The photo is enlarged to a scan's width with its light
// divided out; the scan keeps its pixels but a band along its barcode's ends that parts the date
// line from the bars.
#include "core/ocr/ReceiptImage.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/imgproc.hpp>

using namespace docdesk::ocr;

namespace {

const cv::Rect kBarcode(200, 700, 460, 150);
const cv::Rect kDateLine(180, 852, 500, 40); // touching the bars' ends

cv::Mat generatedReceipt() {
    cv::Mat r(1200, 860, CV_8UC1, cv::Scalar(250));
    for (int line = 0; line < 12; ++line)
        cv::putText(r, "ARTIKEL " + std::to_string(line) + "   " + std::to_string(line + 1) + ",99 A",
                    cv::Point(40, 80 + line * 48), cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(20), 2);
    for (int x = kBarcode.x, k = 0; x < kBarcode.x + kBarcode.width - 12; x += 10 + (k++ % 3) * 2)
        cv::rectangle(r, cv::Rect(x, kBarcode.y, 3 + k % 3 * 2, kBarcode.height), cv::Scalar(15), cv::FILLED);
    cv::putText(r, "30.04.20  09:58", cv::Point(kDateLine.x + 20, kDateLine.y + 28), cv::FONT_HERSHEY_SIMPLEX,
                1.0, cv::Scalar(20), 2);
    cv::line(r, cv::Point(kDateLine.x + 30, kBarcode.y + kBarcode.height - 1),
             cv::Point(kDateLine.x + 30, kDateLine.y + 6), cv::Scalar(20), 2); // a digit touching a bar
    return r;
}

// The paper's brightness in a band of rows: the median of its pixels (most are paper).
int paperIn(const cv::Mat& grey, int top, int bottom) {
    cv::Mat band = grey.rowRange(top, bottom).clone().reshape(1, 1);
    cv::sort(band, band, cv::SORT_ASCENDING);
    return band.at<uchar>(0, band.cols / 2);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_scan_keeps_its_pixels_but_its_barcode_is_cut_free_of_the_date_under_it) {
    const cv::Mat scan = generatedReceipt();
    const auto prepared = prepareReceipt(scan);
    BOOST_TEST(prepared.scale == 1);
    BOOST_TEST(prepared.dpi == 0);
    BOOST_REQUIRE(prepared.grey.size() == scan.size());
    cv::Mat changed;
    cv::compare(prepared.grey, scan, changed, cv::CMP_NE);
    changed(kBarcode + cv::Size(8, 8) - cv::Point(4, 4)).setTo(0);
    BOOST_TEST(cv::countNonZero(changed) == 0); // nothing but the barcode changed
    double darkest = 0;
    const cv::Rect bottomBand(kBarcode.x, kBarcode.y + kBarcode.height - 8, kBarcode.width, 8);
    cv::minMaxLoc(prepared.grey(bottomBand), &darkest);
    BOOST_TEST(darkest >= 250); // nothing joins the bars to the date line any more
    cv::minMaxLoc(prepared.grey(kBarcode + cv::Size(0, -60) + cv::Point(0, 30)), &darkest);
    BOOST_TEST(darkest < 64); // the bars themselves stay (Tesseract's threshold stays where it was)
    cv::minMaxLoc(prepared.grey(kDateLine), &darkest);
    BOOST_TEST(darkest < 64); // and so does the date line
}

BOOST_AUTO_TEST_CASE(a_small_unevenly_lit_photo_is_enlarged_to_a_scans_width_with_its_light_divided_out) {
    cv::Mat photo;
    cv::resize(generatedReceipt(), photo, cv::Size(), 0.35, 0.35, cv::INTER_AREA);
    cv::Mat light(photo.size(), CV_32F);
    for (int y = 0; y < photo.rows; ++y)
        light.row(y).setTo(0.5 + 0.5 * y / photo.rows); // half as bright at the top as at the bottom
    photo.convertTo(photo, CV_32F);
    photo = photo.mul(light);
    photo.convertTo(photo, CV_8U);
    BOOST_REQUIRE(paperIn(photo, 0, 10) < 140);

    const auto prepared = prepareReceipt(photo);
    BOOST_TEST(prepared.scale > 2.8);
    BOOST_TEST(prepared.dpi == kReceiptDpi);
    BOOST_TEST(std::abs(prepared.grey.cols - kReceiptWidth) <= 2);
    const int rows = prepared.grey.rows;
    BOOST_TEST(paperIn(prepared.grey, 0, rows / 20) > 235);           // the dark top is paper-white
    BOOST_TEST(paperIn(prepared.grey, rows - rows / 20, rows) > 235); // and so is the bottom
    double darkest = 0;
    cv::minMaxLoc(prepared.grey.rowRange(int(60 * prepared.scale * 0.35), int(100 * prepared.scale * 0.35)),
                  &darkest);
    BOOST_TEST(darkest < 100); // the text stays dark
}

BOOST_AUTO_TEST_CASE(an_empty_picture_gives_an_empty_one) {
    const auto prepared = prepareReceipt(cv::Mat(0, 0, CV_8UC1));
    BOOST_TEST(prepared.grey.empty());
    BOOST_TEST(prepared.scale == 1);
}
