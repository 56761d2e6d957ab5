#define BOOST_TEST_MODULE export
// Rendering, PDF/TIFF/image output, the local archive and the filing step. Every fixture is
// generated here; PDFs are checked with poppler-cpp (the library core links), pdfimages and
// qpdf --check.
#include "core/common/Error.h"
#include "core/common/Sha256.h"
#include "core/export/CcittG4.h"
#include "core/export/ImageHeader.h"
#include "core/export/LocalArchive.h"
#include "core/export/PageImageFile.h"
#include "core/export/PageRenderer.h"
#include "core/export/PdfWriter.h"
#include "core/export/TiffWriter.h"
#include "core/imaging/PageDecoder.h"
#include "core/journal/Session.h"
#include "core/model/PageTransforms.h"
#include "core/pipeline/Filing.h"
#include "platform/ChildProcess.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstring>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <random>
#include <set>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <tiffio.h>
#include <unistd.h>

using namespace docdesk;
using namespace docdesk::output;
namespace fs = std::filesystem;

namespace {

// A JPEG of `image` whose JFIF header states `dpi` (0 = leave libjpeg's "no units").
std::vector<std::byte> jpegBytes(const cv::Mat& image, int dpi = 300, int quality = 85) {
    std::vector<uchar> buf;
    BOOST_REQUIRE(cv::imencode(".jpg", image, buf, {cv::IMWRITE_JPEG_QUALITY, quality}));
    BOOST_REQUIRE(std::memcmp(buf.data() + 6, "JFIF", 4) == 0);
    if (dpi > 0) {
        buf[13] = 1;
        buf[14] = uchar(dpi >> 8);
        buf[15] = uchar(dpi & 0xFF);
        buf[16] = uchar(dpi >> 8);
        buf[17] = uchar(dpi & 0xFF);
    }
    std::vector<std::byte> out(buf.size());
    std::memcpy(out.data(), buf.data(), buf.size());
    return out;
}

void writeBytes(const fs::path& file, std::span<const std::byte> bytes) {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    BOOST_REQUIRE(out.good());
}

std::string text(std::span<const std::byte> bytes) {
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A page with lines of text-like glyphs (grey, light background).
cv::Mat textPage(int width, int height, unsigned seed, int type = CV_8UC1) {
    cv::Mat page(height, width, CV_8UC1, cv::Scalar(245));
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> letter('a', 'z');
    const double scale = width / 1600.0;
    for (int y = int(80 * scale) + 40; y < height - 40; y += std::max(12, int(45 * scale))) {
        std::string line;
        for (int i = 0; i < 48; ++i)
            line += (i % 7 == 6) ? ' ' : char(letter(rng));
        cv::putText(page, line, {width / 12, y}, cv::FONT_HERSHEY_SIMPLEX, 0.9 * scale, cv::Scalar(20),
                    std::max(1, int(2 * scale)), cv::LINE_AA);
    }
    if (type == CV_8UC3) {
        cv::Mat bgr;
        cv::cvtColor(page, bgr, cv::COLOR_GRAY2BGR);
        return bgr;
    }
    return page;
}

struct ToolResult {
    int exitCode = -1;
    std::string output;
};

ToolResult runTool(const std::vector<std::string>& argv) {
    platform::ChildOptions options;
    options.pipeStdout = true;
    options.discardStderr = true;
    platform::ChildProcess child(argv, options);
    ToolResult r;
    r.output = child.readAll();
    r.exitCode = child.wait().code;
    return r;
}

// qpdf exits 0 for a clean file, 3 for warnings, 2 for errors.
void checkWithQpdf(const fs::path& pdf) {
    const auto r = runTool({"qpdf", "--check", pdf.string()});
    BOOST_TEST(r.exitCode == 0, "qpdf --check " << pdf << ": " << r.output);
}

std::unique_ptr<poppler::document> openPdf(const fs::path& pdf) {
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(pdf.string()));
    BOOST_REQUIRE(doc);
    return doc;
}

// Page `index` rendered by poppler at `dpi`, as 8-bit grey.
cv::Mat renderPdfPage(const fs::path& pdf, int index, double dpi, bool colour = false) {
    const auto doc = openPdf(pdf);
    std::unique_ptr<poppler::page> page(doc->create_page(index));
    BOOST_REQUIRE(page);
    poppler::page_renderer renderer;
    renderer.set_image_format(poppler::image::format_argb32);
    poppler::image img = renderer.render_page(page.get(), dpi, dpi);
    BOOST_REQUIRE(img.is_valid());
    const cv::Mat bgra(img.height(), img.width(), CV_8UC4, img.data(), size_t(img.bytes_per_row()));
    cv::Mat out;
    cv::cvtColor(bgra, out, colour ? cv::COLOR_BGRA2BGR : cv::COLOR_BGRA2GRAY);
    return out;
}

PageSource jpegSource(const fs::path& file, const std::string& transforms = "{}") {
    return {file, imaging::MediaKind::Jpeg, 0, PageTransforms::parse(transforms)};
}

std::vector<fs::path> filesIn(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

bool anyTempFile(const fs::path& dir) {
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().starts_with(".tmp-"))
            return true;
    return false;
}

cv::Mat decodeImage(const std::vector<std::byte>& bytes, int flags = cv::IMREAD_COLOR) {
    const cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<std::byte*>(bytes.data()));
    return cv::imdecode(raw, flags);
}

std::vector<std::byte> bytesOf(const std::string& s) {
    std::vector<std::byte> b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Page transforms

BOOST_AUTO_TEST_CASE(transforms_parse_serialise_and_reject_garbage) {
    BOOST_TEST(PageTransforms::parse("{}").isIdentity());
    BOOST_TEST(PageTransforms::parse("").isIdentity());
    BOOST_TEST(PageTransforms::parse(R"({"somethingNew": 1, "mode": null})").isIdentity());
    BOOST_TEST(PageTransforms{}.toJson() == "{}");

    const auto t = PageTransforms::parse(
        R"({"rotation": -90, "crop": [[10,20],[110.5,22],{"x":108,"y":160},[12,158]], "mode": "bw", "deskew": 1.25})");
    BOOST_TEST(t.rotation == 270);
    BOOST_REQUIRE(t.crop.has_value());
    BOOST_TEST((*t.crop)[1].x == 110.5);
    BOOST_TEST((*t.crop)[2].y == 160);
    BOOST_TEST(int(t.mode) == int(PageMode::BlackWhite));
    BOOST_TEST(t.deskewDegrees == 1.25);
    BOOST_TEST(!t.isIdentity());
    BOOST_TEST(t.changesGeometry());
    const auto again = PageTransforms::parse(t.toJson());
    BOOST_TEST((again == t));
    BOOST_TEST(PageTransforms::parse(R"({"rotation": 450})").rotation == 90);
    BOOST_TEST(PageTransforms::parse(R"({"mode": "gray"})").toJson() == R"({"mode":"gray"})");
    BOOST_TEST(!PageTransforms::parse(R"({"mode": "color"})").changesGeometry());

    for (const char* bad : {"not json", "[]", "42", R"({"rotation": 45})", R"({"rotation": "90"})",
                            R"({"crop": [[1,2],[3,4],[5,6]]})", R"({"crop": [[1,2],[3,4],[5,6],["x",1]]})",
                            R"({"mode": "sepia"})", R"({"deskew": 90})", R"({"deskew": "a"})"}) {
        BOOST_CHECK_THROW(PageTransforms::parse(bad), Error);
    }
    try {
        PageTransforms::parse(R"({"rotation": 45})");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("multiple of 90") != std::string::npos);
    }
}

// ---------------------------------------------------------------------------------------------
// Image headers

BOOST_AUTO_TEST_CASE(headers_give_resolution_and_jpeg_facts_without_decoding) {
    const cv::Mat grey(40, 60, CV_8UC1, cv::Scalar(128));
    const auto jpeg = jpegBytes(grey, 300);
    const auto h = readJpegHeader(jpeg);
    BOOST_REQUIRE(h.has_value());
    BOOST_TEST(h->width == 60);
    BOOST_TEST(h->height == 40);
    BOOST_TEST(h->components == 1);
    BOOST_TEST(h->passesThroughUnchanged());
    BOOST_TEST(h->density.x == 300);
    BOOST_TEST(!readJpegHeader(jpegBytes(grey, 0))->density.known());
    BOOST_TEST(!readJpegHeader(bytesOf("not a jpeg")).has_value());
    auto truncated = jpeg;
    truncated.resize(30);
    BOOST_TEST(!readJpegHeader(truncated).has_value());

    test::TempDir dir;
    cv::imwrite((dir / "p.tif").string(), grey,
                {cv::IMWRITE_TIFF_XDPI, 200, cv::IMWRITE_TIFF_YDPI, 200, cv::IMWRITE_TIFF_RESUNIT, 2});
    BOOST_TEST(readDeclaredResolution(test::readFile(dir / "p.tif"), imaging::MediaKind::Tiff).x == 200);
    cv::imwrite((dir / "p.png").string(), grey);
    BOOST_TEST(!readDeclaredResolution(test::readFile(dir / "p.png"), imaging::MediaKind::Png).known());
}

// ---------------------------------------------------------------------------------------------
// Rendering and PDF

BOOST_AUTO_TEST_CASE(untouched_jpeg_goes_into_the_pdf_byte_for_byte_at_its_physical_size) {
    test::TempDir dir;
    const auto original = jpegBytes(textPage(2480, 3508, 1), 300);
    writeBytes(dir / "a4.jpg", original);
    const cv::Mat colour = textPage(1240, 1754, 2, CV_8UC3);
    const auto colourJpeg = jpegBytes(colour, 150);
    writeBytes(dir / "a4-150.jpg", colourJpeg);

    const EncodedPage page = renderPage(jpegSource(dir / "a4.jpg"));
    BOOST_TEST(page.passthrough);
    BOOST_TEST((page.bytes == original));
    BOOST_TEST(page.components == 1);
    const EncodedPage page2 = renderPage(jpegSource(dir / "a4-150.jpg", R"({"mode":"color"})"));
    BOOST_TEST(page2.passthrough);
    BOOST_TEST(page2.components == 3);
    // Grey mode passes a grey JPEG through, but not a colour one.
    BOOST_TEST(renderPage(jpegSource(dir / "a4.jpg", R"({"mode":"gray"})")).passthrough);
    const EncodedPage greyed = renderPage(jpegSource(dir / "a4-150.jpg", R"({"mode":"gray"})"));
    BOOST_TEST(!greyed.passthrough);
    BOOST_TEST(greyed.components == 1);

    DocumentInfo info;
    info.title = "Passthrough";
    const std::vector<EncodedPage> pages{page, page2};
    writeBytes(dir / "out.pdf", writePdf(pages, info));
    checkWithQpdf(dir / "out.pdf");

    // The image streams, extracted as stored, are the original files.
    fs::create_directories(dir / "images");
    BOOST_REQUIRE(
        runTool({"pdfimages", "-all", (dir / "out.pdf").string(), (dir / "images" / "img").string()})
            .exitCode == 0);
    BOOST_TEST((test::readFile(dir / "images" / "img-000.jpg") == original));
    BOOST_TEST((test::readFile(dir / "images" / "img-001.jpg") == colourJpeg));

    // Page size in points from the resolution: A4 either way.
    const auto doc = openPdf(dir / "out.pdf");
    BOOST_REQUIRE(doc->pages() == 2);
    for (int i = 0; i < 2; ++i) {
        std::unique_ptr<poppler::page> p(doc->create_page(i));
        BOOST_TEST(std::abs(p->page_rect().width() - 595.2) < 0.1);
        BOOST_TEST(std::abs(p->page_rect().height() - 841.9) < 0.1);
    }
}

BOOST_AUTO_TEST_CASE(jpeg_with_exif_rotation_or_without_density_is_handled) {
    test::TempDir dir;
    // No density: the fallback resolution (300 dpi) decides the page size.
    writeBytes(dir / "nodpi.jpg", jpegBytes(textPage(600, 300, 3), 0));
    const EncodedPage plain = renderPage(jpegSource(dir / "nodpi.jpg"));
    BOOST_TEST(plain.passthrough);
    BOOST_TEST(plain.widthPoints() == 144.0);
    RenderOptions at100;
    at100.fallbackDpi = 100;
    BOOST_TEST(renderPage(jpegSource(dir / "nodpi.jpg"), at100).widthPoints() == 432.0);

    // EXIF orientation 6 ("rotate 90° clockwise"): passing it through would show it sideways in
    // PDF viewers, so it is decoded (orientation applied) and encoded again.
    auto jpeg = jpegBytes(textPage(600, 300, 3), 300);
    const std::string tiff =
        std::string("MM\0\x2A\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0", 26);
    const std::string app1 = std::string("Exif\0\0", 6) + tiff;
    std::string segment = "\xFF\xE1";
    segment += char((app1.size() + 2) >> 8);
    segment += char((app1.size() + 2) & 0xFF);
    segment += app1;
    std::string withExif = text(std::span(jpeg).first(20)) + segment + text(std::span(jpeg).subspan(20));
    test::writeFile(dir / "exif.jpg", withExif);
    BOOST_TEST(readJpegHeader(test::readFile(dir / "exif.jpg"))->exifOrientation == 6);
    const EncodedPage turned = renderPage(jpegSource(dir / "exif.jpg"));
    BOOST_TEST(!turned.passthrough);
    BOOST_TEST(turned.width == 300);
    BOOST_TEST(turned.height == 600);
}

BOOST_AUTO_TEST_CASE(rotated_page_is_reencoded_with_its_content_where_expected) {
    test::TempDir dir;
    // Landscape 600x400, white with a red block in the top-left corner.
    cv::Mat img(400, 600, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::rectangle(img, cv::Rect(0, 0, 150, 100), cv::Scalar(0, 0, 255), cv::FILLED);
    writeBytes(dir / "land.jpg", jpegBytes(img, 200, 95));

    const EncodedPage page = renderPage(jpegSource(dir / "land.jpg", R"({"rotation": 90})"));
    BOOST_TEST(!page.passthrough);
    BOOST_TEST(page.width == 400);
    BOOST_TEST(page.height == 600);
    BOOST_TEST(page.components == 3);
    BOOST_TEST(readJpegHeader(page.bytes)->density.x == 200); // resolution kept in the new JPEG
    writeBytes(dir / "rot.pdf", writePdf(std::vector<EncodedPage>{page}, {}));
    checkWithQpdf(dir / "rot.pdf");

    // Turned clockwise, the red block is now in the top-right corner (page 144 x 216 pt).
    const cv::Mat r = renderPdfPage(dir / "rot.pdf", 0, 200, true);
    BOOST_REQUIRE(std::abs(r.cols - 400) <= 1);
    BOOST_REQUIRE(std::abs(r.rows - 600) <= 1);
    const cv::Vec3b topRight = r.at<cv::Vec3b>(60, r.cols - 40);
    const cv::Vec3b topLeft = r.at<cv::Vec3b>(60, 40);
    const cv::Vec3b bottomRight = r.at<cv::Vec3b>(r.rows - 60, r.cols - 40);
    BOOST_TEST(int(topRight[2]) > 200);
    BOOST_TEST(int(topRight[1]) < 60);
    BOOST_TEST(int(topLeft[1]) > 200);
    BOOST_TEST(int(bottomRight[1]) > 200);

    // 180 and 270 as well, checked on the decoded JPEG.
    const EncodedPage upside = renderPage(jpegSource(dir / "land.jpg", R"({"rotation": 180})"));
    const cv::Mat u = decodeImage(upside.bytes);
    BOOST_TEST(int(u.at<cv::Vec3b>(u.rows - 20, u.cols - 20)[1]) < 60);
    const EncodedPage left = renderPage(jpegSource(dir / "land.jpg", R"({"rotation": 270})"));
    const cv::Mat l = decodeImage(left.bytes);
    BOOST_TEST(l.cols == 400);
    BOOST_TEST(int(l.at<cv::Vec3b>(l.rows - 20, 20)[1]) < 60);
}

BOOST_AUTO_TEST_CASE(crop_warps_the_quad_to_a_rectangle) {
    test::TempDir dir;
    // A "document" on a grey desk, slightly turned: left half red, right half blue.
    cv::Mat img(600, 800, CV_8UC3, cv::Scalar(90, 90, 90));
    const std::vector<cv::Point> doc{{120, 100}, {660, 120}, {640, 520}, {100, 500}};
    cv::fillConvexPoly(img, doc, cv::Scalar(255, 0, 0));
    const std::vector<cv::Point> leftHalf{{120, 100}, {390, 110}, {370, 510}, {100, 500}};
    cv::fillConvexPoly(img, leftHalf, cv::Scalar(0, 0, 255));
    cv::imwrite((dir / "desk.png").string(), img);

    PageSource src{dir / "desk.png", imaging::MediaKind::Png, 0,
                   PageTransforms::parse(R"({"crop": [[120,100],[660,120],[640,520],[100,500]]})")};
    const EncodedPage page = renderPage(src);
    BOOST_TEST(!page.passthrough);
    BOOST_TEST(std::abs(page.width - 530) < 40);
    BOOST_TEST(std::abs(page.height - 400) < 40);
    const cv::Mat out = decodeImage(page.bytes);
    // No desk left; red on the left, blue on the right.
    const cv::Vec3b left = out.at<cv::Vec3b>(out.rows / 2, out.cols / 4);
    const cv::Vec3b right = out.at<cv::Vec3b>(out.rows / 2, out.cols * 3 / 4);
    BOOST_TEST(int(left[2]) > 200);
    BOOST_TEST(int(left[0]) < 60);
    BOOST_TEST(int(right[0]) > 200);
    BOOST_TEST(int(right[2]) < 60);
    for (const cv::Point corner : {cv::Point(3, 3), cv::Point(out.cols - 4, out.rows - 4)}) {
        const cv::Vec3b c = out.at<cv::Vec3b>(corner);
        BOOST_TEST(!(std::abs(int(c[0]) - 90) < 20 && std::abs(int(c[1]) - 90) < 20),
                   "desk in corner " << corner);
    }

    src.transforms = PageTransforms::parse(R"({"crop": [[1,1],[2,1],[2,2],[1,2]]})");
    BOOST_CHECK_THROW(renderPage(src), Error);
    src.transforms = PageTransforms::parse(R"({"crop": [[5000,5000],[6000,5000],[6000,6000],[5000,6000]]})");
    BOOST_CHECK_THROW(renderPage(src), Error);
}

BOOST_AUTO_TEST_CASE(black_and_white_page_is_embedded_at_one_bit_and_renders_faithfully) {
    test::TempDir dir;
    // An odd width on purpose: rows do not end on a byte boundary.
    writeBytes(dir / "text.jpg", jpegBytes(textPage(1001, 1403, 5), 300));
    const EncodedPage page = renderPage(jpegSource(dir / "text.jpg", R"({"mode":"bw"})"));
    BOOST_TEST(int(page.encoding) == int(PageEncoding::Bilevel));
    BOOST_TEST(page.bytes.size() == size_t(126) * 1403);
    writeBytes(dir / "bw.pdf", writePdf(std::vector<EncodedPage>{page}, {}));
    checkWithQpdf(dir / "bw.pdf");

    const auto list = runTool({"pdfimages", "-list", (dir / "bw.pdf").string()});
    BOOST_REQUIRE(list.exitCode == 0);
    // page num type width height color comp bpc enc ...
    std::istringstream lines(list.output);
    std::string line;
    std::getline(lines, line);
    std::getline(lines, line);
    std::getline(lines, line);
    std::istringstream fields(line);
    std::string pageNo, num, type, width, height, color, comp, bpc, enc;
    fields >> pageNo >> num >> type >> width >> height >> color >> comp >> bpc >> enc;
    BOOST_TEST(width == "1001");
    BOOST_TEST(color == "gray");
    BOOST_TEST(bpc == "1");
    BOOST_TEST(enc == "ccitt");

    // The embedded image decodes (poppler's CCITT decoder, no scaling) to exactly our bits.
    fs::create_directories(dir / "images");
    BOOST_REQUIRE(
        runTool({"pdfimages", (dir / "bw.pdf").string(), (dir / "images" / "img").string()}).exitCode == 0);
    const cv::Mat extracted = cv::imread((dir / "images" / "img-000.pbm").string(), cv::IMREAD_GRAYSCALE);
    BOOST_REQUIRE(extracted.cols == 1001);
    BOOST_REQUIRE(extracted.rows == 1403);
    const size_t stride = 126;
    auto bit = [&](int x, int y) {
        return ((std::to_integer<unsigned>(page.bytes[size_t(y) * stride + size_t(x >> 3)]) >>
                 (7 - (x & 7))) &
                1u) != 0;
    };
    size_t differ = 0, black = 0;
    for (int y = 0; y < 1403; ++y)
        for (int x = 0; x < 1001; ++x) {
            black += bit(x, y);
            differ += bit(x, y) != (extracted.at<uchar>(y, x) < 128);
        }
    BOOST_TEST(black > 10000u);       // there is text
    BOOST_TEST(black < 1001u * 700u); // and it is black on white
    BOOST_TEST(differ == 0u);

    // And a viewer shows it black on white, not inverted (edges differ by resampling only).
    const cv::Mat shown = renderPdfPage(dir / "bw.pdf", 0, 300);
    BOOST_REQUIRE(shown.cols >= 1001);
    BOOST_REQUIRE(shown.rows >= 1403);
    size_t shownDiffer = 0;
    for (int y = 0; y < 1403; ++y)
        for (int x = 0; x < 1001; ++x)
            shownDiffer += bit(x, y) != (shown.at<uchar>(y, x) < 128);
    BOOST_TEST(shownDiffer < black / 2, "pixels differing: " << shownDiffer << " of " << black << " black");

    // Compressed where it is rendered (RenderOptions::bilevelAsG4, as filing into a PDF asks
    // the workers), the page goes into the PDF as that G4 data and decodes to the same bits.
    RenderOptions g4Options;
    g4Options.bilevelAsG4 = true;
    const EncodedPage g4 = renderPage(jpegSource(dir / "text.jpg", R"({"mode":"bw"})"), g4Options);
    BOOST_TEST(int(g4.encoding) == int(PageEncoding::G4));
    BOOST_TEST(g4.bytes.size() < page.bytes.size() / 4);
    writeBytes(dir / "g4.pdf", writePdf(std::vector<EncodedPage>{g4, page}, {}));
    checkWithQpdf(dir / "g4.pdf");
    fs::create_directories(dir / "g4");
    BOOST_REQUIRE(runTool({"pdfimages", (dir / "g4.pdf").string(), (dir / "g4" / "img").string()}).exitCode ==
                  0);
    for (const char* name : {"img-000.pbm", "img-001.pbm"}) {
        const cv::Mat again = cv::imread((dir / "g4" / name).string(), cv::IMREAD_GRAYSCALE);
        BOOST_REQUIRE(again.cols == 1001);
        BOOST_REQUIRE(again.rows == 1403);
        size_t g4Differ = 0;
        for (int y = 0; y < 1403; ++y)
            for (int x = 0; x < 1001; ++x)
                g4Differ += bit(x, y) != (again.at<uchar>(y, x) < 128);
        BOOST_TEST(g4Differ == 0u, name);
    }
    const auto g4Pdf = fs::file_size(dir / "g4.pdf");
    BOOST_TEST(g4Pdf < fs::file_size(dir / "bw.pdf") + g4.bytes.size() + 2048); // the page's data once
    BOOST_CHECK_THROW(pageImageFile(g4), std::logic_error);                     // image files take the rows
}

namespace {

// A one-strip bilevel TIFF at `file`: its rows compressed by libtiff's G4 encoder, or `raw`
// (G4 data) stored as the strip as it is.
void writeG4Tiff(const fs::path& file, const std::vector<std::byte>& rows, int width, int height,
                 const std::vector<std::byte>* raw = nullptr) {
    TIFF* t = TIFFOpen(file.c_str(), "w");
    BOOST_REQUIRE(t != nullptr);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, height);
    std::vector<std::byte> copy = raw ? *raw : rows;
    const tmsize_t written = raw ? TIFFWriteRawStrip(t, 0, copy.data(), tmsize_t(copy.size()))
                                 : TIFFWriteEncodedStrip(t, 0, copy.data(), tmsize_t(copy.size()));
    BOOST_REQUIRE(written >= 0);
    TIFFClose(t);
}

std::vector<std::byte> readStrip(const fs::path& file, bool decoded) {
    TIFF* t = TIFFOpen(file.c_str(), "r");
    BOOST_REQUIRE(t != nullptr);
    std::vector<std::byte> out(decoded ? size_t(TIFFStripSize(t)) : size_t(TIFFRawStripSize(t, 0)));
    const tmsize_t n = decoded ? TIFFReadEncodedStrip(t, 0, out.data(), tmsize_t(out.size()))
                               : TIFFReadRawStrip(t, 0, out.data(), tmsize_t(out.size()));
    TIFFClose(t);
    BOOST_REQUIRE(n >= 0);
    out.resize(size_t(n));
    return out;
}

} // namespace

// docdesk's G4 encoder (core/export/CcittG4) gives libtiff's output byte for byte, and libtiff
// decodes it to the very rows it was given: text, runs of every length up to several
// thousand pixels, noise, all white, all black, widths that end inside a byte (with the bits
// past the row set, which must not count).
BOOST_AUTO_TEST_CASE(g4_is_libtiffs_byte_for_byte_and_decodes_to_the_same_rows) {
    test::TempDir dir;
    std::mt19937 random(4);
    struct Case {
        std::string name;
        int width, height;
        std::vector<std::byte> rows;
    };
    std::vector<Case> cases;
    auto blank = [](int w, int h, std::uint8_t fill) {
        return Case{"", w, h, std::vector<std::byte>((size_t(w) + 7) / 8 * size_t(h), std::byte(fill))};
    };
    {
        const EncodedPage text = renderPage([&] {
            writeBytes(dir / "text.jpg", jpegBytes(textPage(1001, 1403, 5), 300));
            return jpegSource(dir / "text.jpg", R"({"mode":"bw"})");
        }());
        cases.push_back({"text", text.width, text.height, text.bytes});
    }
    for (const int width : {6000, 9, 1}) {
        Case runs = blank(width, 60, 0);
        runs.name = "runs " + std::to_string(width);
        const size_t stride = (size_t(width) + 7) / 8;
        for (int y = 0; y < runs.height; ++y) {
            bool black = random() % 2 == 0;
            for (int x = 0; x < width;) {
                const int length = 1 + int(random() % (y % 3 == 0 ? 5200u : y % 3 == 1 ? 70u : 4u));
                for (int k = x; k < std::min(width, x + length); ++k)
                    if (black)
                        runs.rows[size_t(y) * stride + size_t(k >> 3)] |= std::byte(0x80u >> (k & 7));
                x += length;
                black = !black;
            }
            for (int k = width; k < int(stride * 8); ++k) // past the row: must be ignored
                runs.rows[size_t(y) * stride + size_t(k >> 3)] |= std::byte(0x80u >> (k & 7));
        }
        cases.push_back(runs);
    }
    Case noise = blank(333, 77, 0);
    noise.name = "noise";
    for (auto& b : noise.rows)
        b = std::byte(random() & 0xFF);
    cases.push_back(noise);
    Case white = blank(2480, 30, 0x00), black = blank(2481, 30, 0xFF);
    white.name = "white";
    black.name = "black";
    cases.push_back(white);
    cases.push_back(black);

    for (const auto& c : cases) {
        const auto ours = encodeG4(c.rows, c.width, c.height);
        writeG4Tiff(dir / "theirs.tif", c.rows, c.width, c.height);
        BOOST_TEST((ours == readStrip(dir / "theirs.tif", false)), c.name << ": not libtiff's G4 data");
        writeG4Tiff(dir / "ours.tif", c.rows, c.width, c.height, &ours);
        const auto decoded = readStrip(dir / "ours.tif", true);
        BOOST_REQUIRE_EQUAL(decoded.size(), c.rows.size());
        const size_t stride = (size_t(c.width) + 7) / 8;
        size_t differ = 0;
        for (int y = 0; y < c.height; ++y)
            for (int x = 0; x < c.width; ++x) {
                const size_t at = size_t(y) * stride + size_t(x >> 3);
                const auto bit = std::byte(0x80u >> (x & 7));
                differ += (c.rows[at] & bit) != (decoded[at] & bit);
            }
        BOOST_TEST(differ == 0u, c.name << ": " << differ << " pixels differ after decoding");
    }
    BOOST_CHECK_THROW(encodeG4(std::vector<std::byte>(10), 100, 100), Error); // rows missing
}

BOOST_AUTO_TEST_CASE(bilevel_originals_stay_one_bit) {
    test::TempDir dir;
    cv::Mat fax;
    cv::threshold(textPage(800, 1100, 9), fax, 128, 255, cv::THRESH_BINARY);
    BOOST_REQUIRE(cv::imwrite((dir / "fax.tif").string(), fax));
    BOOST_REQUIRE(cv::imwrite((dir / "grey.png").string(), textPage(800, 1100, 9)));
    PageSource src{dir / "fax.tif", imaging::MediaKind::Tiff, 0, {}};
    const EncodedPage page = renderPage(src);
    BOOST_TEST(int(page.encoding) == int(PageEncoding::Bilevel));
    src.transforms = PageTransforms::parse(R"({"rotation": 90, "deskew": 2})");
    const EncodedPage turned = renderPage(src);
    BOOST_TEST(int(turned.encoding) == int(PageEncoding::Bilevel));
    BOOST_TEST(turned.width == 1100);
    src.transforms = PageTransforms::parse(R"({"mode": "gray"})"); // asked for grey: grey
    BOOST_TEST(int(renderPage(src).encoding) == int(PageEncoding::Jpeg));
    const PageSource greyPng{dir / "grey.png", imaging::MediaKind::Png, 0, {}};
    BOOST_TEST(int(renderPage(greyPng).encoding) == int(PageEncoding::Jpeg));
}

BOOST_AUTO_TEST_CASE(pdf_metadata_is_readable_by_poppler) {
    test::TempDir dir;
    writeBytes(dir / "p.jpg", jpegBytes(textPage(300, 400, 6), 100));
    DocumentInfo info;
    info.title = "Rechnung Müller — 4711";
    info.fields = {{"invoice", "4711"}, {"customer", "Müller"}, {"emoji", "ok \xF0\x9F\x98\x80"}};
    info.created = std::chrono::sys_days{std::chrono::year{2024} / 5 / 17} + std::chrono::hours{9} +
                   std::chrono::minutes{30};
    writeBytes(dir / "meta.pdf",
               writePdf(std::vector<EncodedPage>{renderPage(jpegSource(dir / "p.jpg"))}, info));
    checkWithQpdf(dir / "meta.pdf");
    const auto doc = openPdf(dir / "meta.pdf");
    BOOST_TEST(doc->get_title().to_utf8().data() == std::string("Rechnung Müller — 4711"));
    const auto subject = doc->get_subject().to_utf8();
    BOOST_TEST(std::string(subject.data(), subject.size()) ==
               "customer: Müller; emoji: ok \xEF\xBF\xBD; invoice: 4711");
    const auto keywords = doc->get_keywords().to_utf8();
    BOOST_TEST(std::string(keywords.data(), keywords.size()) == "Müller, ok \xEF\xBF\xBD, 4711");
    const auto creator = doc->get_creator().to_utf8();
    BOOST_TEST(std::string(creator.data(), creator.size()) == "docdesk");
    BOOST_TEST(doc->get_creation_date_t() == std::chrono::system_clock::to_time_t(info.created));
}

BOOST_AUTO_TEST_CASE(pdf_errors_are_clear) {
    EncodedPage broken;
    broken.width = 100;
    broken.height = 100;
    broken.dpi = {300, 300};
    broken.bytes = bytesOf("\xFF\xD8 this is not really a jpeg at all, just text pretending");
    PdfWriter writer({});
    try {
        writer.addPage(broken);
        BOOST_FAIL("a broken JPEG was accepted");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("Page 1") != std::string::npos, e.what());
        BOOST_TEST(std::string(e.what()).find("libharu error") != std::string::npos, e.what());
    }
    BOOST_CHECK_THROW(PdfWriter({}).finish(), Error); // no pages
}

BOOST_AUTO_TEST_CASE(shadow_removal_flattens_a_shadow_over_a_photo_and_keeps_its_colour) {
    test::TempDir dir;
    // A white page with a red underline and dark text strokes, its right half in a shadow (60%).
    cv::Mat photo(600, 800, CV_8UC3, cv::Scalar(235, 235, 235));
    cv::line(photo, {100, 140}, {300, 140}, cv::Scalar(40, 40, 200), 5);
    for (int y = 250; y < 550; y += 30)
        cv::line(photo, {100, y}, {700, y}, cv::Scalar(30, 30, 30), 3);
    photo(cv::Rect(400, 0, 400, 600)) *= 0.6;
    writeBytes(dir / "shadow.jpg", jpegBytes(photo, 150, 95));
    BOOST_TEST(PageTransforms::parse(R"({"mode": "shadow"})").toJson() == R"({"mode":"shadow"})");
    // Never passed through as the original.
    BOOST_TEST(!renderPage(jpegSource(dir / "shadow.jpg", R"({"mode":"shadow"})")).passthrough);
    const auto paperBrightness = [](const PageRaster& r, int x) { // BGR-free: RGB rows
        return int(r.pixels[(size_t(580) * size_t(r.width) + size_t(x)) * 3 + 1]);
    };
    const PageRaster before = renderRaster(jpegSource(dir / "shadow.jpg"));
    const PageRaster after = renderRaster(jpegSource(dir / "shadow.jpg", R"({"mode":"shadow"})"));
    BOOST_REQUIRE(after.channels == 3);
    const int gapBefore = paperBrightness(before, 200) - paperBrightness(before, 600);
    const int gapAfter = std::abs(paperBrightness(after, 200) - paperBrightness(after, 600));
    BOOST_TEST_MESSAGE("paper in and out of the shadow: " << gapBefore << " apart before, " << gapAfter
                                                          << " after");
    BOOST_TEST(gapBefore > 70);
    BOOST_TEST(gapAfter < 20);
    // The red line stays red.
    const size_t mark = (size_t(140) * size_t(after.width) + 200) * 3;
    BOOST_TEST(int(after.pixels[mark]) > int(after.pixels[mark + 2]) + 80);
}

// ---------------------------------------------------------------------------------------------
// TIFF and single images

BOOST_AUTO_TEST_CASE(multipage_tiff_is_readable_by_opencv) {
    test::TempDir dir;
    cv::Mat colour(500, 400, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::rectangle(colour, cv::Rect(0, 0, 200, 250), cv::Scalar(0, 0, 255), cv::FILLED);
    writeBytes(dir / "c.jpg", jpegBytes(colour, 300, 95));
    writeBytes(dir / "g.jpg", jpegBytes(textPage(640, 900, 7), 200));

    std::vector<PageRaster> pages{renderRaster(jpegSource(dir / "c.jpg")),
                                  renderRaster(jpegSource(dir / "g.jpg")),
                                  renderRaster(jpegSource(dir / "g.jpg", R"({"mode":"bw","rotation":90})"))};
    BOOST_TEST(pages[0].channels == 3);
    BOOST_TEST(pages[1].channels == 1);
    BOOST_TEST(pages[2].bilevel);
    DocumentInfo info;
    info.title = "TIFF";
    const auto tiff = writeTiff(pages, info, 90);
    writeBytes(dir / "out.tif", tiff);

    std::vector<cv::Mat> read;
    BOOST_REQUIRE(cv::imreadmulti((dir / "out.tif").string(), read, cv::IMREAD_UNCHANGED));
    BOOST_REQUIRE(read.size() == 3u);
    BOOST_TEST(read[0].cols == 400);
    BOOST_TEST(read[0].channels() == 3);
    BOOST_TEST(int(read[0].at<cv::Vec3b>(50, 50)[2]) > 200); // red stays red (BGR)
    BOOST_TEST(int(read[0].at<cv::Vec3b>(50, 50)[0]) < 60);
    BOOST_TEST(int(read[0].at<cv::Vec3b>(400, 300)[0]) > 200);
    BOOST_TEST(read[1].cols == 640);
    BOOST_TEST(read[1].channels() == 1);
    BOOST_TEST(read[2].cols == 900); // turned
    BOOST_TEST(read[2].rows == 640);
    std::vector<uchar> values(read[2].begin<uchar>(), read[2].end<uchar>());
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    BOOST_TEST(values.size() <= 2u); // bilevel
    const auto raw = test::readFile(dir / "out.tif");
    BOOST_TEST(readDeclaredResolution(raw, imaging::MediaKind::Tiff, 0).x == 300);
    BOOST_TEST(readDeclaredResolution(raw, imaging::MediaKind::Tiff, 1).x == 200);
    BOOST_TEST(imaging::countPages(raw, imaging::MediaKind::Tiff) == 3);
}

BOOST_AUTO_TEST_CASE(single_image_files_keep_jpeg_bytes_and_write_bilevel_png) {
    test::TempDir dir;
    const auto original = jpegBytes(textPage(500, 700, 8), 300);
    writeBytes(dir / "p.jpg", original);
    const auto asIs = pageImageFile(renderPage(jpegSource(dir / "p.jpg")));
    BOOST_TEST(asIs.extension == ".jpg");
    BOOST_TEST((asIs.bytes == original));
    const auto bw = pageImageFile(renderPage(jpegSource(dir / "p.jpg", R"({"mode":"bw"})")));
    BOOST_TEST(bw.extension == ".png");
    BOOST_TEST(std::abs(readDeclaredResolution(bw.bytes, imaging::MediaKind::Png).x - 300) < 1);
    const cv::Mat png = decodeImage(bw.bytes, cv::IMREAD_GRAYSCALE);
    BOOST_REQUIRE(!png.empty());
    BOOST_TEST(png.cols == 500);
    BOOST_TEST(cv::countNonZero(png == 0) > 1000);
}

// ---------------------------------------------------------------------------------------------
// Local archive

BOOST_AUTO_TEST_CASE(create_new_durably_refuses_existing_names_and_leaves_no_temp) {
    test::TempDir dir;
    auto& files = platform::durableFiles();
    BOOST_TEST(files.createNewDurably(dir / "a" / "b" / "x.bin", bytesOf("first")));
    BOOST_TEST(!files.createNewDurably(dir / "a" / "b" / "x.bin", bytesOf("second")));
    BOOST_TEST(text(test::readFile(dir / "a" / "b" / "x.bin")) == "first");
    BOOST_TEST(!anyTempFile(dir.path()));
    fs::create_directories(dir / "a" / "dir");
    BOOST_TEST(!files.createNewDurably(dir / "a" / "dir", bytesOf("x"))); // a folder is a name too
}

BOOST_AUTO_TEST_CASE(archive_never_overwrites_and_writes_sidecars) {
    test::TempDir dir;
    LocalArchive archive(dir / "archive", platform::durableFiles());
    const std::vector<ArchiveFile> first{{"", ".pdf", bytesOf("%PDF first")}};
    const std::vector<ArchiveFile> second{{"", ".pdf", bytesOf("%PDF second")}};
    const nlohmann::json meta = {{"title", "Invoice"}, {"fields", {{"invoice", "4711"}}}};

    const auto a = archive.place("2024/05", "Invoice", first, meta);
    const auto b = archive.place("2024/05", "Invoice", second, meta);
    const auto c = archive.place("2024/05", "Invoice", first);
    BOOST_TEST(a.files.front().path == dir / "archive/2024/05/Invoice.pdf");
    BOOST_TEST(b.files.front().path == dir / "archive/2024/05/Invoice (2).pdf");
    BOOST_TEST(c.files.front().path == dir / "archive/2024/05/Invoice (3).pdf");
    BOOST_TEST(text(test::readFile(a.files.front().path)) == "%PDF first");
    BOOST_TEST(text(test::readFile(b.files.front().path)) == "%PDF second");
    BOOST_TEST(a.files.front().sha256 == sha256Hex(bytesOf("%PDF first")));

    BOOST_REQUIRE(a.sidecar.has_value());
    BOOST_TEST(*a.sidecar == dir / "archive/2024/05/Invoice.pdf.json");
    BOOST_TEST(*b.sidecar == dir / "archive/2024/05/Invoice (2).pdf.json");
    BOOST_TEST(!c.sidecar.has_value());
    const auto j = nlohmann::json::parse(text(test::readFile(*b.sidecar)));
    BOOST_TEST(j["title"] == "Invoice");
    BOOST_TEST(j["fields"]["invoice"] == "4711");
    BOOST_TEST(j["files"][0]["name"] == "Invoice (2).pdf");
    BOOST_TEST(j["files"][0]["sha256"] == sha256Hex(bytesOf("%PDF second")));
    BOOST_TEST(j["files"][0]["bytes"] == 11);

    // A file someone else put there, and a sidecar left without its document, stay untouched.
    test::writeFile(dir / "archive" / "Receipt.pdf", "theirs");
    test::writeFile(dir / "archive" / "Receipt (2).pdf.json", "orphan");
    const auto r = archive.place("", "Receipt", first, meta);
    BOOST_TEST(r.files.front().path == dir / "archive/Receipt (3).pdf");
    BOOST_TEST(text(test::readFile(dir / "archive" / "Receipt.pdf")) == "theirs");
    BOOST_TEST(text(test::readFile(dir / "archive" / "Receipt (2).pdf.json")) == "orphan");
    BOOST_TEST(!fs::exists(dir / "archive" / "Receipt (2).pdf"));

    // Several files per document share the number; the sidecar is named after the base.
    const std::vector<ArchiveFile> pages{{"-001", ".jpg", bytesOf("one")}, {"-002", ".png", bytesOf("two")}};
    test::writeFile(dir / "archive" / "Scan-002.png", "theirs");
    const auto s = archive.place("", "Scan", pages, meta);
    BOOST_REQUIRE(s.files.size() == 2u);
    BOOST_TEST(s.files[0].path == dir / "archive/Scan (2)-001.jpg");
    BOOST_TEST(s.files[1].path == dir / "archive/Scan (2)-002.png");
    BOOST_TEST(*s.sidecar == dir / "archive/Scan (2).json");
    BOOST_TEST(!fs::exists(dir / "archive" / "Scan-001.jpg")); // the first try was undone
    BOOST_TEST(!anyTempFile(dir.path()));
}

BOOST_AUTO_TEST_CASE(archive_numbering_is_race_free) {
    test::TempDir dir;
    LocalArchive archive(dir.path(), platform::durableFiles());
    constexpr int kPerThread = 25;
    std::vector<std::jthread> threads;
    for (int t = 0; t < 3; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const std::vector<ArchiveFile> f{
                    {"", ".pdf", bytesOf(std::to_string(t) + "-" + std::to_string(i))}};
                archive.place("same", "Same", f, nlohmann::json::object());
            }
        });
    threads.clear();
    const auto files = filesIn(dir / "same");
    BOOST_TEST(files.size() == size_t(3 * kPerThread * 2)); // documents and sidecars
    std::set<std::string> contents;
    for (const auto& f : files)
        if (f.extension() == ".pdf")
            contents.insert(text(test::readFile(f)));
    BOOST_TEST(contents.size() == size_t(3 * kPerThread)); // nothing overwritten
}

BOOST_AUTO_TEST_CASE(archive_refuses_names_that_escape_or_are_not_names) {
    test::TempDir dir;
    LocalArchive archive(dir / "archive", platform::durableFiles());
    const std::vector<ArchiveFile> f{{"", ".pdf", bytesOf("x")}};
    BOOST_CHECK_THROW(archive.place("../outside", "A", f), ArchiveError);
    BOOST_CHECK_THROW(archive.place("a/../../outside", "A", f), ArchiveError);
    BOOST_CHECK_THROW(archive.place("/etc", "A", f), ArchiveError);
    BOOST_CHECK_THROW(archive.place("", "a/b", f), ArchiveError);
    BOOST_CHECK_THROW(archive.place("", "..", f), ArchiveError);
    BOOST_CHECK_THROW(archive.place("", "bad\nname", f), ArchiveError);
    BOOST_CHECK_THROW(archive.place("", std::string(300, 'x'), f), ArchiveError);
    BOOST_TEST(!fs::exists(dir / "outside"));
    BOOST_TEST(!fs::exists(dir / "archive"));
    // A long name that fits the file system's limit works (its temporary file fits too).
    const std::string longName(250, 'n');
    BOOST_TEST(archive.place("", longName, f).files.front().path == dir / "archive" / (longName + ".pdf"));
}

BOOST_AUTO_TEST_CASE(unwritable_target_gives_a_clear_error_and_leaves_nothing) {
    test::TempDir dir;
    // Tests run as root, so permissions do not stop a write; a file where the folder should
    // be does.
    test::writeFile(dir / "blocked", "a file, not a folder");
    LocalArchive archive(dir.path(), platform::durableFiles());
    const std::vector<ArchiveFile> f{{"", ".pdf", bytesOf("%PDF")}};
    try {
        archive.place("blocked/2024", "Invoice", f, nlohmann::json::object());
        BOOST_FAIL("writing below a file succeeded");
    } catch (const ArchiveError& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find((dir / "blocked/2024/Invoice.pdf").string()) != std::string::npos, message);
        BOOST_TEST(message.find("Not a directory") != std::string::npos, message);
    }
    BOOST_TEST(filesIn(dir.path()).size() == 1u);
}

BOOST_AUTO_TEST_CASE(full_disk_gives_a_clear_error_and_leaves_nothing) {
    test::TempDir dir;
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        // The child may write at most 4 KiB per file: writes beyond fail with EFBIG, as on a
        // full disk (ENOSPC) they would.
        ::close(fds[0]);
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{4096, 4096};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        std::string report;
        try {
            LocalArchive archive(dir.path(), platform::durableFiles());
            const std::vector<ArchiveFile> f{{"", ".pdf", std::vector<std::byte>(100'000, std::byte{'x'})}};
            archive.place("full", "Big", f, nlohmann::json{{"title", "small sidecar fits"}});
            report = "no error";
        } catch (const ArchiveError& e) {
            report = std::string("ArchiveError: ") + e.what();
        } catch (const std::exception& e) {
            report = std::string("other: ") + e.what();
        }
        [[maybe_unused]] const auto n = ::write(fds[1], report.data(), report.size());
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string report;
    char buf[512];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
        report.append(buf, size_t(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST(report.starts_with("ArchiveError: "), report);
    BOOST_TEST(report.find((dir / "full/Big.pdf").string()) != std::string::npos, report);
    BOOST_TEST(report.find("File too large") != std::string::npos, report);
    BOOST_TEST(filesIn(dir.path()).empty()); // neither the document, its sidecar nor a temp file
}

// ---------------------------------------------------------------------------------------------
// Filing

namespace {

struct FilingFixture {
    test::TempDir root;
    std::unique_ptr<journal::Session> session;
    std::vector<PageRecord> pages;

    FilingFixture() {
        session = journal::Session::create(root / "sessions", platform::durableFiles(), "filing");
        for (int i = 0; i < 5; ++i)
            add(jpegBytes(textPage(620, 877, 10 + unsigned(i)), 75), "scan" + std::to_string(i) + ".jpg",
                "image/jpeg");
        cv::Mat colour(400, 300, CV_8UC3, cv::Scalar(30, 140, 220));
        std::vector<uchar> png;
        cv::imencode(".png", colour, png);
        add(std::vector<std::byte>(reinterpret_cast<std::byte*>(png.data()),
                                   reinterpret_cast<std::byte*>(png.data()) + png.size()),
            "photo.png", "image/png");
        add(bytesOf(test::minimalPdf(2)), "two.pdf", "application/pdf", 2);
        pages = session->pages();
    }

    void add(const std::vector<std::byte>& bytes, const std::string& source, const std::string& mime,
             int count = 1) {
        session->addOriginal(bytes, source, mime, count);
    }
    std::int64_t id(size_t index) const { return pages.at(index).id; }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(filing_writes_good_documents_and_reports_the_failing_one, FilingFixture) {
    // Page 2 gets an edit that cannot be applied (crop far outside the page).
    session->setTransforms(id(2), R"({"crop": [[9000,9000],[9100,9000],[9100,9100],[9000,9100]]})");
    session->setTransforms(id(3), R"({"rotation": 90, "mode": "bw"})");
    const auto before = session->pages();
    fs::create_directories(root / "archive");
    test::writeFile(root / "archive" / "blocked", "a file where a folder should be");

    std::vector<pipeline::DocumentToFile> docs(5);
    docs[0] = {{id(0), id(1)}, "2024", "First", "First document", {{"invoice", "1"}}};
    docs[1] = {{id(2), id(4)}, "2024", "Broken.pdf", "Broken", {}};
    docs[2] = {{id(3), id(5), id(6), id(7)}, "2024", "Mixed.PDF", "Mixed", {{"kind", "mixed"}}};
    docs[3] = {{id(4)}, "blocked", "Nowhere", "Nowhere", {}};
    docs[4] = {{id(0), 987654}, "", "Missing", "Missing page", {}};

    LocalArchive archive(root / "archive", platform::durableFiles());
    pipeline::FilingOptions options;
    options.sidecar = true;
    std::vector<pipeline::FilingProgress> seen;
    const auto results =
        pipeline::fileDocuments(*session, docs, archive, options, std::stop_token{},
                                [&](const pipeline::FilingProgress& p) { seen.push_back(p); });
    BOOST_REQUIRE(results.size() == 5u);
    BOOST_TEST(results[0].ok(), results[0].error);
    BOOST_TEST(results[2].ok(), results[2].error);
    BOOST_TEST(int(results[1].status) == int(pipeline::FilingStatus::Failed));
    BOOST_TEST(results[1].error.find("page 1 of the document (scan2.jpg, page 1)") != std::string::npos,
               results[1].error);
    BOOST_TEST(int(results[3].status) == int(pipeline::FilingStatus::Failed));
    BOOST_TEST(results[3].error.find("Not a directory") != std::string::npos, results[3].error);
    BOOST_TEST(int(results[4].status) == int(pipeline::FilingStatus::Failed));
    BOOST_TEST(results[4].error.find("not in the session") != std::string::npos, results[4].error);

    BOOST_TEST(results[0].path == root / "archive/2024/First.pdf");
    BOOST_TEST(results[2].path == root / "archive/2024/Mixed.PDF");
    BOOST_TEST(results[0].sha256 == sha256HexOfFile(results[0].path));
    BOOST_TEST(results[0].bytes == fs::file_size(results[0].path));
    BOOST_TEST(*results[2].sidecar == root / "archive/2024/Mixed.PDF.json");
    checkWithQpdf(results[0].path);
    checkWithQpdf(results[2].path);
    BOOST_TEST(openPdf(results[0].path)->pages() == 2);
    const auto mixed = openPdf(results[2].path);
    BOOST_TEST(mixed->pages() == 4);
    BOOST_TEST(mixed->get_title().to_utf8().data() == std::string("Mixed"));
    // Page 1 of "Mixed" is the bw, turned page: landscape at 75 dpi, 1 bit.
    std::unique_ptr<poppler::page> p1(mixed->create_page(0));
    BOOST_TEST(std::abs(p1->page_rect().width() - 877 * 72.0 / 75) < 0.5);
    BOOST_TEST(runTool({"pdfimages", "-list", results[2].path.string()}).output.find("ccitt") !=
               std::string::npos);
    // The PDF original's pages were rendered at 300 dpi: A4.
    std::unique_ptr<poppler::page> p3(mixed->create_page(2));
    BOOST_TEST(std::abs(p3->page_rect().width() - 595) < 1);
    // Nothing of the failed documents is in the archive: 2 PDFs, 2 sidecars and the blocker.
    BOOST_TEST(filesIn(root / "archive").size() == 5u);
    BOOST_TEST(!anyTempFile(root / "archive"));

    // Progress ends at the full counts and never goes back.
    BOOST_REQUIRE(!seen.empty());
    BOOST_TEST(seen.back().documentsDone == 5u);
    BOOST_TEST(seen.back().pagesDone == 11u);
    BOOST_TEST(seen.back().pagesTotal == 11u);
    for (size_t i = 1; i < seen.size(); ++i)
        BOOST_TEST(seen[i].pagesDone >= seen[i - 1].pagesDone);

    // The session is untouched.
    const auto after = session->pages();
    BOOST_REQUIRE(after.size() == before.size());
    for (size_t i = 0; i < after.size(); ++i) {
        BOOST_TEST(after[i].transformsJson == before[i].transformsJson);
        BOOST_TEST(after[i].position == before[i].position);
    }
    BOOST_TEST(session->verify().empty());
}

BOOST_FIXTURE_TEST_CASE(filing_as_tiff_and_as_images, FilingFixture) {
    session->setTransforms(id(1), R"({"mode": "bw"})");
    pages = session->pages();
    std::vector<pipeline::DocumentToFile> docs{{{id(0), id(1), id(5)}, "t", "Scan", "T", {}}};
    LocalArchive archive(root / "archive", platform::durableFiles());
    pipeline::FilingOptions options;
    options.format = pipeline::OutputFormat::Tiff;
    auto results = pipeline::fileDocuments(pages, docs, archive, options, std::stop_token{});
    BOOST_REQUIRE(results[0].ok());
    BOOST_TEST(results[0].path == root / "archive/t/Scan.tif");
    std::vector<cv::Mat> read;
    BOOST_REQUIRE(cv::imreadmulti(results[0].path.string(), read, cv::IMREAD_UNCHANGED));
    BOOST_TEST(read.size() == 3u);
    BOOST_TEST(read[2].channels() == 3);

    options.format = pipeline::OutputFormat::Images;
    options.sidecar = true;
    results = pipeline::fileDocuments(pages, docs, archive, options, std::stop_token{});
    BOOST_REQUIRE(results[0].ok());
    BOOST_REQUIRE(results[0].files.size() == 3u);
    BOOST_TEST(results[0].files[0].path == root / "archive/t/Scan-001.jpg");
    BOOST_TEST(results[0].files[1].path == root / "archive/t/Scan-002.png");
    BOOST_TEST(results[0].files[2].path == root / "archive/t/Scan-003.jpg");
    BOOST_TEST(*results[0].sidecar == root / "archive/t/Scan.json");
    BOOST_TEST((test::readFile(results[0].files[0].path) == test::readFile(pages[0].originalFile)));
}

BOOST_FIXTURE_TEST_CASE(filing_honours_the_stop_token, FilingFixture) {
    std::vector<pipeline::DocumentToFile> docs;
    for (int i = 0; i < 6; ++i)
        docs.push_back({{id(size_t(i))}, "", "Doc", "Doc", {}});
    LocalArchive archive(root / "archive", platform::durableFiles());

    std::stop_source before;
    before.request_stop();
    auto results = pipeline::fileDocuments(pages, docs, archive, {}, before.get_token());
    for (const auto& r : results)
        BOOST_TEST(int(r.status) == int(pipeline::FilingStatus::Cancelled));
    BOOST_TEST(!fs::exists(root / "archive"));

    // Stopped once the first document is filed: the rest are cancelled, none half-written.
    std::stop_source during;
    results = pipeline::fileDocuments(pages, docs, archive, {}, during.get_token(),
                                      [&](const pipeline::FilingProgress& p) {
                                          if (p.documentsDone == 1)
                                              during.request_stop();
                                      });
    BOOST_TEST(results[0].ok());
    for (size_t i = 1; i < results.size(); ++i)
        BOOST_TEST(int(results[i].status) == int(pipeline::FilingStatus::Cancelled));
    BOOST_TEST(filesIn(root / "archive").size() == 1u);

    // Stopped in the middle of a document: that document is not written either.
    const std::vector<pipeline::DocumentToFile> longDoc{
        {{id(0), id(1), id(2), id(3)}, "", "Long", "Long", {}}};
    std::stop_source midway;
    results = pipeline::fileDocuments(pages, longDoc, archive, {}, midway.get_token(),
                                      [&](const pipeline::FilingProgress& p) {
                                          if (p.pagesDone == 2)
                                              midway.request_stop();
                                      });
    BOOST_TEST(int(results[0].status) == int(pipeline::FilingStatus::Cancelled));
    BOOST_TEST(filesIn(root / "archive").size() == 1u);
    BOOST_TEST(!anyTempFile(root / "archive"));
}

// A stored original filed as it is: copied in pieces from its file and checked against the
// hash the journal recorded; a copy that does not match is refused and leaves nothing.
BOOST_AUTO_TEST_CASE(archive_copies_source_files_checked_against_their_recorded_hash) {
    test::TempDir dir;
    std::string content(3 * 1024 * 1024 + 17, '\0');
    std::mt19937 rng(7);
    for (auto& c : content)
        c = char(rng());
    const fs::path original = dir / "original.bin";
    test::writeFile(original, content);
    const std::string sha = sha256Hex(bytesOf(content));
    LocalArchive archive(dir / "archive", platform::durableFiles());

    ArchiveFile good{"", ".mp4", {}};
    good.sourceFile = original;
    good.sourceSha256 = sha;
    const auto placed = archive.place("", "clip", std::span(&good, 1));
    BOOST_REQUIRE(placed.files.size() == 1u);
    BOOST_TEST(placed.files[0].sha256 == sha);
    BOOST_TEST(placed.files[0].bytes == content.size());
    BOOST_TEST(sha256HexOfFile(placed.files[0].path) == sha);

    ArchiveFile unhashed{"", ".mp4", {}};
    unhashed.sourceFile = original; // no recorded hash: computed from the file
    BOOST_TEST(archive.place("", "clip", std::span(&unhashed, 1)).files[0].sha256 == sha);

    ArchiveFile damaged{"", ".mp4", {}};
    damaged.sourceFile = original;
    damaged.sourceSha256 = sha256Hex(bytesOf("something else"));
    BOOST_CHECK_THROW(archive.place("", "damaged", std::span(&damaged, 1)), ArchiveError);
    BOOST_TEST(!fs::exists(dir / "archive" / "damaged.mp4"));
    BOOST_TEST(!anyTempFile(dir.path()));
}
