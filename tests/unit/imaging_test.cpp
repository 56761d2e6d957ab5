#define BOOST_TEST_MODULE imaging
#include "core/common/Error.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/imgcodecs.hpp>

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
