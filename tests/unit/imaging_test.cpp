#define BOOST_TEST_MODULE imaging
#include "core/common/Error.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace docdesk;
using namespace docdesk::imaging;

BOOST_AUTO_TEST_CASE(content_decides_the_media_kind_not_the_name) {
    test::TempDir dir;
    test::writeTestImage(dir / "really-a-png.jpg", 40, 30, 10, 20, 30);
    test::writeTestImage(dir / "x.jpg", 40, 30, 10, 20, 30);
    BOOST_TEST(int(sniffMediaKind(test::readFile(dir / "really-a-png.jpg"))) == int(MediaKind::Jpeg));
    const std::string pdf = test::minimalPdf(1);
    const auto pdfBytes = std::as_bytes(std::span(pdf));
    BOOST_TEST(int(sniffMediaKind(pdfBytes)) == int(MediaKind::Pdf));
    const std::string text = "hello, not an image";
    BOOST_TEST(int(sniffMediaKind(std::as_bytes(std::span(text)))) == int(MediaKind::Unknown));
    BOOST_TEST(int(sniffMediaKind({})) == int(MediaKind::Unknown));
}

BOOST_AUTO_TEST_CASE(page_counts_of_pdf_and_multipage_tiff) {
    test::TempDir dir;
    const std::string pdf = test::minimalPdf(5);
    BOOST_TEST(countPages(std::as_bytes(std::span(pdf)), MediaKind::Pdf) == 5);
    std::vector<cv::Mat> pages(3, cv::Mat(50, 40, CV_8UC1, cv::Scalar(200)));
    BOOST_REQUIRE(cv::imwritemulti((dir / "three.tif").string(), pages));
    BOOST_TEST(countPages(test::readFile(dir / "three.tif"), MediaKind::Tiff) == 3);
    test::writeTestImage(dir / "one.png", 40, 30, 10, 20, 30);
    BOOST_TEST(countPages(test::readFile(dir / "one.png"), MediaKind::Png) == 1);
}

BOOST_AUTO_TEST_CASE(damaged_inputs_give_clear_errors) {
    test::TempDir dir;
    test::writeTestImage(dir / "page.jpg", 400, 300, 10, 200, 30);
    auto jpeg = test::readFile(dir / "page.jpg");
    jpeg.resize(200);
    BOOST_CHECK_THROW(countPages(jpeg, MediaKind::Jpeg), UnreadableFileError);
    const std::string brokenPdf = "%PDF-1.4\nthis is not really a pdf\n";
    BOOST_CHECK_THROW(countPages(std::as_bytes(std::span(brokenPdf)), MediaKind::Pdf), UnreadableFileError);
    const std::string loopTiff("II*\0\x08\0\0\0\0\0\x08\0\0\0", 14); // IFD pointing at itself
    BOOST_CHECK_THROW(countPages(std::as_bytes(std::span(loopTiff)), MediaKind::Tiff), UnreadableFileError);
    const std::string shortTiff("II*\0\xff\0\0\0", 8);
    BOOST_CHECK_THROW(countPages(std::as_bytes(std::span(shortTiff)), MediaKind::Tiff), UnreadableFileError);
}

BOOST_AUTO_TEST_CASE(thumbnails_keep_aspect_ratio_and_colour) {
    test::TempDir dir;
    test::writeTestImage(dir / "red.png", 800, 1100, 0, 0, 255); // BGR: pure red
    const auto thumb = renderThumbnail(dir / "red.png", MediaKind::Png, 0, 160);
    BOOST_TEST(thumb.height == 160);
    BOOST_TEST(thumb.width == 116);
    // Bottom-right corner is the fill colour: red in RGB order.
    const size_t last = thumb.pixels.size() - 3;
    BOOST_TEST(int(thumb.pixels[last]) == 255);
    BOOST_TEST(int(thumb.pixels[last + 1]) == 0);
    test::writeFile(dir / "four.pdf", test::minimalPdf(4));
    const auto pdfThumb = renderThumbnail(dir / "four.pdf", MediaKind::Pdf, 3, 100);
    BOOST_TEST(pdfThumb.height == 100);
    BOOST_TEST(std::abs(pdfThumb.width - 71) <= 1); // A4 aspect ratio
    BOOST_TEST(int(pdfThumb.pixels[0]) == 255);      // a blank page renders white
    BOOST_CHECK_THROW(renderThumbnail(dir / "four.pdf", MediaKind::Pdf, 4, 100), UnreadableFileError);
}

BOOST_AUTO_TEST_CASE(decoding_honours_exif_orientation_and_refuses_bombs_before_decoding) {
    test::TempDir dir;
    // A 400x200 JPEG (dark band at the left) tagged "rotate 90° clockwise" (EXIF orientation 6).
    cv::Mat img(200, 400, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::rectangle(img, cv::Rect(0, 0, 100, 200), cv::Scalar(0, 0, 0), cv::FILLED);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", img, jpeg);
    const std::string tiff = std::string("II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0", 26);
    const std::string app1 = std::string("Exif\0\0", 6) + tiff;
    std::string segment = "\xFF\xE1";
    segment += char((app1.size() + 2) >> 8);
    segment += char((app1.size() + 2) & 0xFF);
    segment += app1;
    std::string file(jpeg.begin(), jpeg.begin() + 2);
    file += segment;
    file.append(jpeg.begin() + 2, jpeg.end());
    test::writeFile(dir / "rotated.jpg", file);
    const auto page = decodePage(dir / "rotated.jpg", MediaKind::Jpeg, 0);
    BOOST_TEST(page.width == 200);
    BOOST_TEST(page.height == 400);
    // Rotated clockwise, the dark band is now at the top.
    BOOST_TEST(int(page.bgr[size_t(100) * 3]) < 60);
    BOOST_TEST(int(page.bgr[(size_t(350) * 200 + 100) * 3]) > 200);

    // Header sizes are read without decoding; a declared bomb is refused at once.
    BOOST_TEST(readDeclaredSize(test::readFile(dir / "rotated.jpg"), MediaKind::Jpeg)->width == 400);
    DecodeOptions small;
    small.maxPixels = 50'000;
    BOOST_CHECK_THROW(decodePage(dir / "rotated.jpg", MediaKind::Jpeg, 0, small), UnreadableFileError);
    // Multi-page TIFF: the requested page, not the first.
    std::vector<cv::Mat> pages = {cv::Mat(60, 40, CV_8UC1, cv::Scalar(10)), cv::Mat(80, 50, CV_8UC1, cv::Scalar(200))};
    BOOST_REQUIRE(cv::imwritemulti((dir / "two.tif").string(), pages));
    const auto second = decodePage(dir / "two.tif", MediaKind::Tiff, 1);
    BOOST_TEST(second.width == 50);
    BOOST_TEST(int(second.bgr[0]) == 200);
    BOOST_CHECK_THROW(decodePage(dir / "two.tif", MediaKind::Tiff, 2), UnreadableFileError);
}
