#define BOOST_TEST_MODULE receipt_image
// A receipt's picture made fit for Tesseract (core/ocr/ReceiptImage): a generated receipt (text
// lines, a barcode with the date line right under it) as a 300-dpi scan and as a small phone
// photo under a strong light gradient. The photo is enlarged to a scan's width with its light
// divided out; the scan keeps its pixels but a band along its barcode's ends that parts the date
// line from the bars. And the engine (core/ocr/TesseractEngine) on a receipt photo whose date
// line sits tight under its heading.
#include "core/ocr/Receipt.h"
#include "core/ocr/ReceiptImage.h"
#include "core/ocr/TesseractEngine.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/freetype.hpp>
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

// A till's date line printed tight under its heading ("Datum Zeit BonNr ..."), photographed at
// 0.6 of a 300-dpi scan: Tesseract's line finding on the whole receipt cuts through both lines
// and reads the date as "be. 04. Mm 14: j"; read again among its neighbours the date line comes
// out whole, and so does the date.
BOOST_AUTO_TEST_CASE(a_date_line_tight_under_its_heading_is_read_again_among_its_neighbours) {
    cv::Mat page(1100, 860, CV_8UC3, cv::Scalar::all(245));
    auto font = cv::freetype::createFreeType2();
    font->loadFontData("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0);
    int y = 80;
    for (const char* line :
         {"Baumarkt Beispiel GmbH", "Gartenweg 41", "33098 Paderborn", "Spindelmaeher 49.99 A",
          "SUMME EUR 49.99", "GEGEBEN BAR 50.00", "RUECKGELD EUR 0.01"}) {
        font->putText(page, line, {40, y}, 32, cv::Scalar::all(40), -1, cv::LINE_AA, false);
        y += 50;
    }
    y += 40;
    constexpr int kTight = 30; // the heading's and the date line's distance: the text's height
    font->putText(page, "Datum      Zeit  BonNr  BedNr KasNr FilNr", {30, y}, 32, cv::Scalar::all(40), -1,
                  cv::LINE_AA, false);
    font->putText(page, "06.04.2020 14:43 2875  353535   2  3351", {30, y + kTight}, 32, cv::Scalar::all(40),
                  -1, cv::LINE_AA, false);
    for (int x = 40, k = 0; x < 820; x += 9 + (k++ % 3) * 3)
        cv::rectangle(page, cv::Rect(x, y + kTight + 40, 3 + k % 4 * 2, 130), cv::Scalar::all(30),
                      cv::FILLED);
    cv::Mat photo;
    cv::cvtColor(page, page, cv::COLOR_BGR2GRAY);
    cv::resize(page, photo, cv::Size(), 0.6, 0.6, cv::INTER_AREA);
    cv::GaussianBlur(photo, photo, cv::Size(0, 0), 0.6);

    TesseractEngine engine("deu+eng");
    const auto text = engine.recognise(
        docdesk::ImageView{photo.data, photo.cols, photo.rows, std::ptrdiff_t(photo.step), 1}, 300);
    const auto receipt = parseReceipt(text.text);
    BOOST_REQUIRE(receipt.has_value());
    BOOST_TEST(receipt->date == "2020-04-06", text.text);
    BOOST_TEST(receipt->total == "49.99", text.text);
}
