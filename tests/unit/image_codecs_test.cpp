// docdesk's own JPEG/PNG/TIFF codecs (core/imaging/ImageCodecs.h) against OpenCV's imgcodecs,
// which they replace in the programs: the same pixels for every layout and read mode docdesk
// uses, EXIF orientation applied the same way, the same encoded bytes, and no crash on damaged
// input. Also on the real pages of /work/shared/corpus when it is there.
#define BOOST_TEST_MODULE image_codecs
#include "app/common/AppEnvironment.h"
#include "core/imaging/ImageCodecs.h"
#include "tests/support/OfficePages.h"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <png.h>
#include <tiffio.h>

namespace codecs = docdesk::imaging::codecs;
using codecs::ReadMode;

namespace {

const ReadMode kModes[] = {ReadMode::Unchanged, ReadMode::Colour, ReadMode::Grey, ReadMode::AnyColour};

int imreadFlags(ReadMode mode) {
    switch (mode) {
    case ReadMode::Unchanged:
        return cv::IMREAD_UNCHANGED;
    case ReadMode::Colour:
        return cv::IMREAD_COLOR;
    case ReadMode::Grey:
        return cv::IMREAD_GRAYSCALE;
    case ReadMode::AnyColour:
        return cv::IMREAD_ANYCOLOR;
    }
    return cv::IMREAD_COLOR;
}

std::span<const std::byte> bytesOf(const std::vector<std::uint8_t>& v) {
    return std::as_bytes(std::span(v));
}

bool samePixels(const cv::Mat& a, const cv::Mat& b) {
    if (a.empty() || b.empty())
        return a.empty() && b.empty();
    if (a.size() != b.size() || a.type() != b.type())
        return false;
    cv::Mat diff;
    cv::absdiff(a.reshape(1), b.reshape(1), diff);
    return cv::countNonZero(diff) == 0;
}

// Every read mode (and `page` of a TIFF) decodes to what imdecode / imreadmulti gives.
void checkAllModes(const std::vector<std::uint8_t>& file, const std::string& what, int page = 0) {
    for (ReadMode mode : kModes) {
        cv::Mat expected;
        if (page == 0) {
            expected = cv::imdecode(file, imreadFlags(mode));
        } else {
            std::vector<cv::Mat> pages;
            const auto path = std::filesystem::temp_directory_path() / "docdesk-codecs-test.tif";
            std::ofstream(path, std::ios::binary)
                .write(reinterpret_cast<const char*>(file.data()), std::streamsize(file.size()));
            if (cv::imreadmulti(path.string(), pages, page, 1, imreadFlags(mode)) && !pages.empty())
                expected = pages.front();
            std::filesystem::remove(path);
        }
        const cv::Mat actual = codecs::decode(bytesOf(file), mode, page);
        BOOST_TEST(samePixels(actual, expected),
                   what << " page " << page << " mode " << int(mode) << ": got " << actual.cols << "x"
                        << actual.rows << "x" << actual.channels() << " type " << actual.type() << ", OpenCV "
                        << expected.cols << "x" << expected.rows << "x" << expected.channels() << " type "
                        << expected.type());
    }
}

// A scan-like test image: text-like strokes, a gradient and colour patches.
cv::Mat testImage(int width, int height, bool colour) {
    cv::Mat img(height, width, CV_8UC3, cv::Scalar(245, 240, 235));
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width / 4; ++x)
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 3), uchar(y * 2), uchar((x + y) & 255));
    for (int line = 0; line < 12; ++line)
        cv::putText(img, "docdesk 0123 AbcXyz", cv::Point(width / 4 + 5, 20 + line * 18),
                    cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
    cv::rectangle(img, cv::Rect(width - 60, 10, 40, 30), cv::Scalar(0, 0, 220), cv::FILLED);
    cv::rectangle(img, cv::Rect(width - 60, 50, 40, 30), cv::Scalar(200, 60, 0), cv::FILLED);
    if (colour)
        return img;
    cv::Mat grey;
    cv::cvtColor(img, grey, cv::COLOR_BGR2GRAY);
    return grey;
}

std::vector<std::uint8_t> encoded(const std::string& ext, const cv::Mat& img,
                                  const std::vector<int>& params = {}) {
    std::vector<std::uint8_t> out;
    BOOST_REQUIRE(cv::imencode(ext, img, out, params));
    return out;
}

// A JPEG with an EXIF APP1 segment (big- or little-endian) holding `orientation`.
std::vector<std::uint8_t> withExifOrientation(const std::vector<std::uint8_t>& jpeg, int orientation,
                                              bool little) {
    std::vector<std::uint8_t> tiff = little ? std::vector<std::uint8_t>{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0}
                                            : std::vector<std::uint8_t>{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1};
    const std::uint8_t o = std::uint8_t(orientation);
    const std::vector<std::uint8_t> entry =
        little ? std::vector<std::uint8_t>{0x12, 0x01, 3, 0, 1, 0, 0, 0, o, 0, 0, 0}
               : std::vector<std::uint8_t>{0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0};
    tiff.insert(tiff.end(), entry.begin(), entry.end());
    tiff.insert(tiff.end(), {0, 0, 0, 0});
    std::vector<std::uint8_t> app1{0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    app1[2] = std::uint8_t((app1.size() - 2) >> 8);
    app1[3] = std::uint8_t((app1.size() - 2) & 0xFF);
    std::vector<std::uint8_t> out(jpeg.begin(), jpeg.begin() + 2);
    out.insert(out.end(), app1.begin(), app1.end());
    out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
    return out;
}

void pngToVector(png_structp png, png_bytep data, png_size_t size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + size);
}

// PNG layouts imencode does not write: palette (with and without transparency), grey with
// alpha, low bit depths, interlaced.
std::vector<std::uint8_t> libpngImage(int colourType, int bitDepth, bool transparency, bool interlaced) {
    const int width = 37, height = 23;
    std::vector<std::uint8_t> out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png)) != 0) {
        png_destroy_write_struct(&png, &info);
        BOOST_FAIL("libpng could not write the test image");
    }
    png_set_write_fn(png, &out, pngToVector, nullptr);
    png_set_IHDR(png, info, width, height, bitDepth, colourType,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (colourType == PNG_COLOR_TYPE_PALETTE) {
        std::vector<png_color> palette(std::size_t(1) << bitDepth);
        for (std::size_t i = 0; i < palette.size(); ++i)
            palette[i] = {png_byte(i * 37), png_byte(255 - i * 11), png_byte(i * 5)};
        png_set_PLTE(png, info, palette.data(), int(palette.size()));
        if (transparency) {
            png_byte alpha[2] = {0, 128};
            png_set_tRNS(png, info, alpha, 2, nullptr);
        }
    } else if (transparency) {
        png_color_16 key{};
        key.gray = 1;
        key.red = key.green = key.blue = 3;
        png_set_tRNS(png, info, nullptr, 0, &key);
    }
    png_write_info(png, info);
    const int channels = png_get_channels(png, info);
    const std::size_t rowBytes = (std::size_t(width) * std::size_t(channels) * std::size_t(bitDepth) + 7) / 8;
    std::vector<std::uint8_t> pixels(rowBytes * height);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = std::uint8_t((i * 7919) >> 3);
    std::vector<png_bytep> rows(height);
    for (int y = 0; y < height; ++y)
        rows[std::size_t(y)] = pixels.data() + std::size_t(y) * rowBytes;
    png_write_image(png, rows.data());
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return out;
}

// A TIFF written with libtiff: `pages` pages, bilevel CCITT G4 (min-is-white) or 8-bit grey
// (LZW) or RGB (Deflate), strips of 16 rows.
std::vector<std::uint8_t> libtiffImage(const std::string& kind, int pages) {
    const auto path = std::filesystem::temp_directory_path() / ("docdesk-codecs-" + kind + ".tif");
    TIFF* tiff = TIFFOpen(path.c_str(), "w");
    BOOST_REQUIRE(tiff != nullptr);
    const int width = 203, height = 61;
    for (int page = 0; page < pages; ++page) {
        const bool bilevel = kind == "g4", rgb = kind == "rgb";
        TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
        TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height);
        TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, bilevel ? 1 : 8);
        TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, rgb ? 3 : 1);
        TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC,
                     bilevel ? PHOTOMETRIC_MINISWHITE
                     : rgb   ? PHOTOMETRIC_RGB
                             : PHOTOMETRIC_MINISBLACK);
        TIFFSetField(tiff, TIFFTAG_COMPRESSION,
                     bilevel ? COMPRESSION_CCITTFAX4
                     : rgb   ? COMPRESSION_ADOBE_DEFLATE
                             : COMPRESSION_LZW);
        TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, 16);
        TIFFSetField(tiff, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(tiff, TIFFTAG_PAGENUMBER, page, pages);
        const int samples = rgb ? 3 : 1;
        std::vector<std::uint8_t> row(std::size_t(width) * samples);
        for (int y = 0; y < height; ++y) {
            for (std::size_t i = 0; i < row.size(); ++i)
                row[i] = std::uint8_t(
                    ((i * 13 + std::size_t(y) * 7 + std::size_t(page) * 50) >> (bilevel ? 0 : 1)) & 0xFF);
            if (bilevel) { // pack: 1 bit per pixel
                std::vector<std::uint8_t> packed((std::size_t(width) + 7) / 8, 0);
                for (int x = 0; x < width; ++x)
                    if ((x / 5 + y / 3 + page) % 2)
                        packed[std::size_t(x) / 8] |= std::uint8_t(0x80 >> (x % 8));
                TIFFWriteScanline(tiff, packed.data(), std::uint32_t(y), 0);
            } else {
                TIFFWriteScanline(tiff, row.data(), std::uint32_t(y), 0);
            }
        }
        TIFFWriteDirectory(tiff);
    }
    TIFFClose(tiff);
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(path);
    return bytes;
}

std::vector<std::uint8_t> readAll(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

BOOST_AUTO_TEST_CASE(jpeg_decodes_like_opencv_in_every_mode_and_orientation) {
    for (bool colour : {false, true}) {
        const cv::Mat img = testImage(301, 217, colour);
        checkAllModes(encoded(".jpg", img, {cv::IMWRITE_JPEG_QUALITY, 85}), "jpeg");
        checkAllModes(encoded(".jpg", img, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), "progressive jpeg");
        const auto plain = encoded(".jpg", img);
        for (int orientation = 1; orientation <= 8; ++orientation)
            for (bool little : {false, true})
                checkAllModes(withExifOrientation(plain, orientation, little),
                              "jpeg orientation " + std::to_string(orientation));
    }
}

BOOST_AUTO_TEST_CASE(png_decodes_like_opencv_for_every_layout) {
    for (bool colour : {false, true}) {
        const cv::Mat img = testImage(160, 90, colour);
        checkAllModes(encoded(".png", img), "png 8-bit");
        cv::Mat wide;
        img.convertTo(wide, CV_16U, 257.0, 3.0);
        checkAllModes(encoded(".png", wide), "png 16-bit");
    }
    cv::Mat bgra = testImage(160, 90, true);
    cv::cvtColor(bgra, bgra, cv::COLOR_BGR2BGRA);
    bgra.col(7).setTo(cv::Scalar(1, 2, 3, 100));
    checkAllModes(encoded(".png", bgra), "png bgra");
    checkAllModes(encoded(".png", testImage(99, 40, false) > 128, {cv::IMWRITE_PNG_BILEVEL, 1}),
                  "png bilevel");
    for (int depth : {1, 2, 4, 8}) {
        for (bool trns : {false, true}) {
            checkAllModes(libpngImage(PNG_COLOR_TYPE_PALETTE, depth, trns, false), "png palette");
            checkAllModes(libpngImage(PNG_COLOR_TYPE_GRAY, depth, trns, depth == 4), "png grey");
        }
    }
    checkAllModes(libpngImage(PNG_COLOR_TYPE_GRAY_ALPHA, 8, false, false), "png grey+alpha");
    checkAllModes(libpngImage(PNG_COLOR_TYPE_GRAY_ALPHA, 16, false, true), "png grey+alpha 16");
    checkAllModes(libpngImage(PNG_COLOR_TYPE_RGB, 8, true, true), "png rgb trns interlaced");
    checkAllModes(libpngImage(PNG_COLOR_TYPE_RGB_ALPHA, 16, false, false), "png rgba 16");
}

BOOST_AUTO_TEST_CASE(tiff_decodes_like_opencv_page_by_page) {
    for (const char* kind : {"g4", "grey", "rgb"}) {
        const auto file = libtiffImage(kind, 3);
        for (int page = 0; page < 3; ++page)
            checkAllModes(file, std::string("tiff ") + kind, page);
    }
    std::vector<cv::Mat> pages{testImage(120, 80, false), testImage(90, 70, true)};
    const auto path = std::filesystem::temp_directory_path() / "docdesk-codecs-multi.tif";
    BOOST_REQUIRE(cv::imwritemulti(path.string(), pages));
    const auto multi = readAll(path);
    std::filesystem::remove(path);
    checkAllModes(multi, "tiff imwritemulti", 0);
    checkAllModes(multi, "tiff imwritemulti", 1);
    BOOST_TEST(codecs::decode(bytesOf(multi), ReadMode::Colour, 2).empty()); // no such page
}

BOOST_AUTO_TEST_CASE(encoders_write_what_opencv_writes) {
    for (bool colour : {false, true}) {
        const cv::Mat img = testImage(333, 111, colour);
        for (int quality : {40, 85, 90}) {
            std::vector<std::uint8_t> ours;
            BOOST_REQUIRE(codecs::encodeJpeg(img, quality, ours));
            BOOST_TEST((ours == encoded(".jpg", img, {cv::IMWRITE_JPEG_QUALITY, quality})));
        }
        std::vector<std::uint8_t> png;
        BOOST_REQUIRE(codecs::encodePng(img, {}, png));
        BOOST_TEST((png == encoded(".png", img)));
    }
    const cv::Mat bilevel = testImage(203, 61, false) > 128;
    std::vector<std::uint8_t> ours;
    BOOST_REQUIRE(codecs::encodePng(bilevel, {.bilevel = true, .compression = 9}, ours));
    BOOST_TEST(
        (ours == encoded(".png", bilevel, {cv::IMWRITE_PNG_BILEVEL, 1, cv::IMWRITE_PNG_COMPRESSION, 9})));
    BOOST_REQUIRE(codecs::encodePng(bilevel, {.bilevel = true}, ours));
    BOOST_TEST((ours == encoded(".png", bilevel, {cv::IMWRITE_PNG_BILEVEL, 1})));
    cv::Mat wide;
    testImage(50, 40, true).convertTo(wide, CV_16U, 250.0);
    BOOST_REQUIRE(codecs::encodePng(wide, {}, ours));
    BOOST_TEST((ours == encoded(".png", wide)));
    BOOST_TEST(!codecs::encodeJpeg(cv::Mat(), 90, ours));
    BOOST_TEST(!codecs::encodePng(cv::Mat(4, 4, CV_32F), {}, ours));
}

BOOST_AUTO_TEST_CASE(damaged_input_gives_an_empty_image_never_a_crash) {
    const auto jpeg = encoded(".jpg", testImage(200, 150, true));
    const auto png = encoded(".png", testImage(200, 150, true));
    const auto tiff = libtiffImage("g4", 2);
    for (const auto* file : {&jpeg, &png, &tiff}) {
        // Cut in the header: nothing. Cut later or bytes flipped: whatever the codec makes of
        // it, without crashing (ASan and UBSan builds check the "without").
        std::vector<std::uint8_t> cut(file->begin(), file->begin() + 40);
        BOOST_TEST(codecs::decode(bytesOf(cut), ReadMode::Colour).empty());
        for (std::size_t keep : {file->size() / 3, file->size() / 2, file->size() - 3}) {
            cut.assign(file->begin(), file->begin() + std::ptrdiff_t(keep));
            (void)codecs::decode(bytesOf(cut), ReadMode::Colour, 1);
            (void)codecs::decode(bytesOf(cut), ReadMode::Unchanged);
        }
        std::vector<std::uint8_t> flipped = *file;
        for (std::size_t i = 20; i < flipped.size(); i += 97)
            flipped[i] ^= 0x5A;
        (void)codecs::decode(bytesOf(flipped), ReadMode::AnyColour);
    }
    // The truncated JPEG of the header test is still refused as OpenCV refused it.
    std::vector<std::uint8_t> cut(jpeg.begin(), jpeg.begin() + 200);
    BOOST_TEST(
        samePixels(codecs::decode(bytesOf(cut), ReadMode::Colour), cv::imdecode(cut, cv::IMREAD_COLOR)));
    BOOST_TEST(codecs::decode(std::span<const std::byte>(), ReadMode::Colour).empty());
}

BOOST_AUTO_TEST_CASE(bmp_and_webp_go_through_the_plugin) {
    const cv::Mat img = testImage(64, 48, true);
    const auto bmp = encoded(".bmp", img);
    codecs::setCodecPluginLoader(nullptr);
    BOOST_TEST(codecs::decode(bytesOf(bmp), ReadMode::Colour).empty()); // no plugin: not decoded
    docdesk::app::useImageCodecPlugin();
    checkAllModes(bmp, "bmp");
    checkAllModes(encoded(".webp", img, {cv::IMWRITE_WEBP_QUALITY, 101}), "webp");
}

BOOST_AUTO_TEST_CASE(office_pages_decode_to_the_same_pixels) {
    for (int index : {0, 1, 2}) {
        const auto page = docdesk::test::makeOfficePage(index, 0.5);
        const auto file = std::filesystem::temp_directory_path() / "docdesk-codecs-office.jpg";
        docdesk::test::writeOfficeJpeg(page, file, index == 2);
        checkAllModes(readAll(file), "office page " + std::to_string(index));
        std::filesystem::remove(file);
    }
}

BOOST_AUTO_TEST_CASE(corpus_images_decode_to_the_same_pixels) {
    const std::filesystem::path corpus = "/work/shared/corpus";
    if (!std::filesystem::is_directory(corpus)) {
        BOOST_TEST_MESSAGE("skipped: " << corpus << " is absent");
        return;
    }
    docdesk::app::useImageCodecPlugin();
    int checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
        const std::string ext = entry.path().extension().string();
        if (ext != ".jpg" && ext != ".jpeg" && ext != ".png" && ext != ".tif" && ext != ".tiff" &&
            ext != ".webp")
            continue;
        checkAllModes(readAll(entry.path()), entry.path().filename().string());
        ++checked;
    }
    BOOST_TEST_MESSAGE(checked << " corpus images compared");
    BOOST_TEST(checked > 0);
}

// branch speed (issue 16): a JPEG decoded straight into the caller's buffer (DecodeTarget) has
// the pixels of any other decode, also when the data ends inside the scan (the rows it does
// not reach repeat the last one decoded, as OpenCV's), and lands in that buffer.
BOOST_AUTO_TEST_CASE(jpeg_decodes_into_the_callers_buffer) {
    const auto intoVector = [](int rows, int cols, int type, void* context) {
        auto& pixels = *static_cast<std::vector<std::uint8_t>*>(context);
        pixels.resize(std::size_t(rows) * std::size_t(cols) * std::size_t(CV_ELEM_SIZE(type)));
        return cv::Mat(rows, cols, type, pixels.data());
    };
    for (bool colour : {false, true}) {
        const auto jpeg = encoded(".jpg", testImage(301, 217, colour));
        for (std::size_t keep : {jpeg.size(), jpeg.size() / 2, jpeg.size() - 3}) {
            const std::vector<std::uint8_t> cut(jpeg.begin(), jpeg.begin() + std::ptrdiff_t(keep));
            std::vector<std::uint8_t> pixels;
            const cv::Mat into = codecs::decode(reinterpret_cast<const std::byte*>(cut.data()), cut.size(),
                                                ReadMode::AnyColour, 0, {intoVector, &pixels});
            const std::string what = (colour ? "colour, " : "grey, ") + std::to_string(keep) + " bytes";
            BOOST_TEST(!into.empty(), what);
            BOOST_TEST((into.data == pixels.data()), what);
            BOOST_TEST(samePixels(into, codecs::decode(bytesOf(cut), ReadMode::AnyColour)), what);
            BOOST_TEST(samePixels(into, cv::imdecode(cut, cv::IMREAD_ANYCOLOR)), what);
        }
    }
}
