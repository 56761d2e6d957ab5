#define BOOST_TEST_MODULE imaging
#include "core/common/Error.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"
#include "core/imaging/PdfPlugin.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

using namespace docdesk;
using namespace docdesk::imaging;

namespace {
// The scanned-page shortcut of the plugin docdesk-pdf.so (PdfPageImage.h), as core calls it.
std::optional<cv::Mat> fullPageImage(const std::filesystem::path& file, int pageIndex, double dpi,
                                     std::uint64_t maxPixels, bool keepGrey) {
    std::string error;
    const pdf::PdfPluginApi* api = pdf::plugin(error);
    BOOST_REQUIRE_MESSAGE(api != nullptr, error);
    cv::Mat image;
    if (!api->fullPageImage(file.c_str(), pageIndex, dpi, maxPixels, keepGrey, &image))
        return std::nullopt;
    return image;
}
} // namespace

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

BOOST_AUTO_TEST_CASE(a_lost_pdf_plugin_gives_a_clear_error_and_images_still_decode) {
    test::TempDir dir;
    const std::string pdf = test::minimalPdf(2);
    test::writeTestImage(dir / "page.png", 40, 30, 10, 200, 30);
    {
        const test::PdfPluginFrom lost(dir / "docdesk-pdf.so"); // no such file
        try {
            (void)countPages(std::as_bytes(std::span(pdf)), MediaKind::Pdf);
            BOOST_ERROR("a PDF was read without the PDF plugin");
        } catch (const UnreadableFileError& e) {
            const std::string message = e.what();
            BOOST_TEST(message.find("PDF support could not be loaded") != std::string::npos, message);
            BOOST_TEST(message.find("Reinstall docdesk") != std::string::npos, message);
        }
        // A damaged file in its place is refused the same way.
        std::filesystem::create_directories(dir / "damaged");
        test::writeFile(dir / "damaged" / "docdesk-pdf.so", "not a shared library");
        const test::PdfPluginFrom damaged(dir / "damaged" / "docdesk-pdf.so");
        BOOST_CHECK_THROW(countPages(std::as_bytes(std::span(pdf)), MediaKind::Pdf), UnreadableFileError);
        // Images do not need the plugin.
        BOOST_TEST(decodePage(dir / "page.png", MediaKind::Png, 0).width == 40);
    }
    BOOST_TEST(countPages(std::as_bytes(std::span(pdf)), MediaKind::Pdf) == 2); // loaded again
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
    BOOST_TEST(int(pdfThumb.pixels[0]) == 255);     // a blank page renders white
    BOOST_CHECK_THROW(renderThumbnail(dir / "four.pdf", MediaKind::Pdf, 4, 100), UnreadableFileError);
}

BOOST_AUTO_TEST_CASE(decoding_honours_exif_orientation_and_refuses_bombs_before_decoding) {
    test::TempDir dir;
    // A 400x200 JPEG (dark band at the left) tagged "rotate 90° clockwise" (EXIF orientation 6).
    cv::Mat img(200, 400, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::rectangle(img, cv::Rect(0, 0, 100, 200), cv::Scalar(0, 0, 0), cv::FILLED);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", img, jpeg);
    const std::string tiff =
        std::string("II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0", 26);
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
    std::vector<cv::Mat> pages = {cv::Mat(60, 40, CV_8UC1, cv::Scalar(10)),
                                  cv::Mat(80, 50, CV_8UC1, cv::Scalar(200))};
    BOOST_REQUIRE(cv::imwritemulti((dir / "two.tif").string(), pages));
    const auto second = decodePage(dir / "two.tif", MediaKind::Tiff, 1);
    BOOST_TEST(second.width == 50);
    BOOST_TEST(int(second.bgr[0]) == 200);
    BOOST_CHECK_THROW(decodePage(dir / "two.tif", MediaKind::Tiff, 2), UnreadableFileError);
}

namespace {

// A one-page PDF whose page draws `content` with one image XObject /Im0 (dictionary entries
// `imageDict`, stream bytes `imageData`) and a Helvetica font /F1 in its resources.
std::string imagePagePdf(const std::string& imageDict, const std::string& imageData,
                         const std::string& content, const std::string& pageExtra = "", double widthPt = 144,
                         double heightPt = 216) {
    std::ostringstream pdf;
    std::vector<size_t> offsets;
    pdf << "%PDF-1.4\n";
    auto object = [&](const std::string& body) {
        offsets.push_back(static_cast<size_t>(pdf.tellp()));
        pdf << offsets.size() << " 0 obj\n" << body << "\nendobj\n";
    };
    object("<< /Type /Catalog /Pages 2 0 R >>");
    object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::to_string(widthPt) + " " +
           std::to_string(heightPt) +
           "] /Resources << /XObject << /Im0 4 0 R >> /Font << /F1 6 0 R >> >> /Contents 5 0 R " + pageExtra +
           " >>");
    object("<< /Type /XObject /Subtype /Image " + imageDict + " /Length " + std::to_string(imageData.size()) +
           " >>\nstream\n" + imageData + "\nendstream");
    object("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
    object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    const size_t xref = static_cast<size_t>(pdf.tellp());
    pdf << "xref\n0 " << offsets.size() + 1 << "\n0000000000 65535 f \n";
    for (size_t off : offsets) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
        pdf << line;
    }
    pdf << "trailer\n<< /Size " << offsets.size() + 1 << " /Root 1 0 R >>\nstartxref\n"
        << xref << "\n%%EOF\n";
    return pdf.str();
}

// A 2 x 3 inch page: dark left third, light elsewhere, a mid-grey square at the bottom right.
cv::Mat scanPixels(int dpi) {
    cv::Mat page(3 * dpi, 2 * dpi, CV_8UC1, cv::Scalar(235));
    page(cv::Rect(0, 0, 2 * dpi / 3, 3 * dpi)).setTo(20);
    page(cv::Rect(dpi, 2 * dpi, dpi / 2, dpi / 2)).setTo(128);
    return page;
}

std::string bytesOf(const cv::Mat& m) {
    return std::string(reinterpret_cast<const char*>(m.data), m.total() * m.elemSize());
}

const std::string kDrawImage = "q 144 0 0 216 0 0 cm /Im0 Do Q";

} // namespace

BOOST_AUTO_TEST_CASE(scanned_pdf_pages_are_taken_as_their_image_not_rasterised) {
    test::TempDir dir;
    DecodeOptions grey;
    grey.keepGrey = true;
    // JPEG at 300 dpi: the embedded image's own pixels, exactly as its decoder gives them.
    const cv::Mat pixels = scanPixels(300);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", pixels, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
    const std::string jpegDict =
        "/Width 600 /Height 900 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode";
    test::writeFile(dir / "jpeg.pdf", imagePagePdf(jpegDict, std::string(jpeg.begin(), jpeg.end()),
                                                   "/Part <</MCID 0>> BDC " + kDrawImage + " EMC"));
    const auto direct = fullPageImage(dir / "jpeg.pdf", 0, 300, 150'000'000, true);
    BOOST_REQUIRE(direct.has_value());
    const cv::Mat expected = cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE);
    BOOST_TEST(cv::norm(*direct, expected, cv::NORM_INF) == 0);
    const auto page = decodePage(dir / "jpeg.pdf", MediaKind::Pdf, 0, grey);
    BOOST_TEST(page.channels == 1);
    BOOST_TEST(page.width == 600);
    BOOST_TEST(page.height == 900);
    // Without keepGrey the same page comes as BGR.
    BOOST_TEST(decodePage(dir / "jpeg.pdf", MediaKind::Pdf, 0).channels == 3);

    // Uncompressed 150-dpi grey, page turned by /Rotate 90: scaled to 300 dpi, then turned,
    // so the dark third is at the top.
    const cv::Mat coarse = scanPixels(150);
    test::writeFile(dir / "raw.pdf",
                    imagePagePdf("/Width 300 /Height 450 /ColorSpace /DeviceGray /BitsPerComponent 8",
                                 bytesOf(coarse), kDrawImage, "/Rotate 90"));
    const auto turned = fullPageImage(dir / "raw.pdf", 0, 300, 150'000'000, true);
    BOOST_REQUIRE(turned.has_value());
    BOOST_TEST(turned->cols == 900);
    BOOST_TEST(turned->rows == 600);
    BOOST_TEST(int(turned->at<uchar>(50, 450)) < 40);
    BOOST_TEST(int(turned->at<uchar>(550, 450)) > 220);

    // Bilevel with an inverted /Decode (1 = black): unpacked to black and white.
    cv::Mat bits(900, 75, CV_8UC1, cv::Scalar(0)); // 600 px per row, 1 bit each
    bits(cv::Rect(0, 0, 25, 900)).setTo(255);      // the left third black
    test::writeFile(
        dir / "bilevel.pdf",
        imagePagePdf("/Width 600 /Height 900 /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0]",
                     bytesOf(bits), kDrawImage));
    const auto bilevel = fullPageImage(dir / "bilevel.pdf", 0, 300, 150'000'000, true);
    BOOST_REQUIRE(bilevel.has_value());
    BOOST_TEST(int(bilevel->at<uchar>(450, 100)) == 0);
    BOOST_TEST(int(bilevel->at<uchar>(450, 400)) == 255);

    // An OCR layer (invisible text) does not count; visible text does.
    const std::string rawDict = "/Width 300 /Height 450 /ColorSpace /DeviceGray /BitsPerComponent 8";
    test::writeFile(
        dir / "ocr.pdf",
        imagePagePdf(rawDict, bytesOf(coarse), kDrawImage + " BT 3 Tr /F1 12 Tf 10 10 Td (invoice) Tj ET"));
    BOOST_TEST(fullPageImage(dir / "ocr.pdf", 0, 300, 150'000'000, true).has_value());
    test::writeFile(dir / "text.pdf", imagePagePdf(rawDict, bytesOf(coarse),
                                                   kDrawImage + " BT /F1 12 Tf 10 10 Td (invoice) Tj ET"));
    BOOST_TEST(!fullPageImage(dir / "text.pdf", 0, 300, 150'000'000, true).has_value());
    // Rasterised instead: the text page still decodes, at 300 dpi.
    const auto rendered = decodePage(dir / "text.pdf", MediaKind::Pdf, 0, grey);
    BOOST_TEST(rendered.width == 600);
    // An image that covers only part of the page, drawings, a page that is too large.
    test::writeFile(dir / "half.pdf",
                    imagePagePdf(rawDict, bytesOf(coarse), "q 72 0 0 108 0 0 cm /Im0 Do Q"));
    BOOST_TEST(!fullPageImage(dir / "half.pdf", 0, 300, 150'000'000, true).has_value());
    test::writeFile(dir / "drawn.pdf",
                    imagePagePdf(rawDict, bytesOf(coarse), kDrawImage + " 0 0 10 10 re f"));
    BOOST_TEST(!fullPageImage(dir / "drawn.pdf", 0, 300, 150'000'000, true).has_value());
    BOOST_TEST(!fullPageImage(dir / "jpeg.pdf", 0, 300, 100'000, true).has_value());
    // Damaged data inside a well-formed page: no image, and the renderer has the last word.
    test::writeFile(dir / "broken.pdf", imagePagePdf(jpegDict, "not a jpeg", kDrawImage));
    BOOST_TEST(!fullPageImage(dir / "broken.pdf", 0, 300, 150'000'000, true).has_value());
}

BOOST_AUTO_TEST_CASE(ccitt_group4_pages_of_bilevel_scans_are_decoded_directly) {
    test::TempDir dir;
    // ImageMagick writes the Group 4 data (one strip); the PDF carries it as CCITTFaxDecode.
    cv::imwrite((dir / "page.png").string(), scanPixels(300));
    const std::string command = "convert " + (dir / "page.png").string() +
                                " -threshold 50% -compress Group4 -define tiff:rows-per-strip=100000 " +
                                (dir / "page.tif").string();
    BOOST_REQUIRE(std::system(command.c_str()) == 0);
    const auto tiff = test::readFile(dir / "page.tif");
    // The strip's offset and size from the first IFD (little-endian TIFF).
    const auto u16 = [&](size_t at) { return unsigned(tiff[at]) | unsigned(tiff[at + 1]) << 8; };
    const auto u32 = [&](size_t at) { return size_t(u16(at)) | size_t(u16(at + 2)) << 16; };
    BOOST_REQUIRE(char(tiff[0]) == 'I');
    const size_t ifd = u32(4);
    size_t offset = 0, length = 0;
    for (unsigned i = 0; i < u16(ifd); ++i) {
        const size_t entry = ifd + 2 + 12 * i;
        const auto value = u16(entry + 2) == 3 ? size_t(u16(entry + 8)) : u32(entry + 8);
        if (u16(entry) == 273)
            offset = value;
        if (u16(entry) == 279)
            length = value;
    }
    BOOST_REQUIRE(offset > 0);
    BOOST_REQUIRE(length > 0);
    const std::string g4(reinterpret_cast<const char*>(tiff.data()) + offset, length);
    // The fax code describes white and black runs; by default (/BlackIs1 false) PDF shows them
    // as they are.
    test::writeFile(dir / "fax.pdf",
                    imagePagePdf("/Width 600 /Height 900 /ColorSpace /DeviceGray /BitsPerComponent 1 "
                                 "/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 600 /Rows 900 >>",
                                 g4, kDrawImage));
    const auto page = fullPageImage(dir / "fax.pdf", 0, 300, 150'000'000, true);
    BOOST_REQUIRE(page.has_value());
    BOOST_TEST(page->cols == 600);
    BOOST_TEST(int(page->at<uchar>(450, 100)) == 0);   // the dark third
    BOOST_TEST(int(page->at<uchar>(100, 400)) == 255); // paper
    // /BlackIs1 true with the default /Decode shows the runs inverted (PDF 32000, 8.9.5.2).
    test::writeFile(
        dir / "inverted.pdf",
        imagePagePdf("/Width 600 /Height 900 /ColorSpace /DeviceGray /BitsPerComponent 1 "
                     "/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 600 /BlackIs1 true >>",
                     g4, kDrawImage));
    const auto inverted = fullPageImage(dir / "inverted.pdf", 0, 300, 150'000'000, true);
    BOOST_REQUIRE(inverted.has_value());
    BOOST_TEST(int(inverted->at<uchar>(450, 100)) == 255);
    // Poppler, rasterising the same page, agrees.
    cv::Mat rendered;
    {
        const std::string pdftoppm = "pdftoppm -r 300 -gray -singlefile " + (dir / "fax.pdf").string() + " " +
                                     (dir / "rendered").string();
        BOOST_REQUIRE(std::system(pdftoppm.c_str()) == 0);
        rendered = cv::imread((dir / "rendered.pgm").string(), cv::IMREAD_GRAYSCALE);
    }
    BOOST_REQUIRE(rendered.size() == page->size());
    cv::Mat difference;
    cv::absdiff(rendered, *page, difference);
    BOOST_TEST(cv::mean(difference)[0] < 2.0);
}
