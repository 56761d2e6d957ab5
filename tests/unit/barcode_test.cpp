// Barcode reading on generated 300-dpi A4 pages: every format ZXing-C++ 1.4 can write, at
// realistic module sizes, turned by 0/90/180/270 degrees plus a feeder skew of up to 15
// degrees, anywhere on the page including all four corners, several per page, some with body
// text around them, slightly blurred and noisy. The corpus is made here with ZXing's writer
// from a fixed seed, so the suite is self-contained. (MaxiCode, Micro QR and DataBar cannot
// be written by ZXing 1.4 and are not covered.)
#define BOOST_TEST_MODULE barcode
#include "core/barcode/BarcodeReader.h"

#include <boost/test/unit_test.hpp>

#define ZX_USE_UTF8
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using docdesk::BarcodeHit;
using docdesk::ImageView;
using docdesk::Quad;
using docdesk::barcode::readBarcodes;
using docdesk::barcode::ReadOptions;

constexpr int kPageWidth = 2480; // A4 at 300 dpi
constexpr int kPageHeight = 3508;
constexpr double kPxPerMm = 300 / 25.4;
// Reported corners may sit this far outside the code, or half a module where that is more:
// ZXing places the corners of a large-module symbol read slightly off upright that far out.
constexpr double kTolerancePx = 6;
constexpr double kMaxSkewDegrees = 15; // as fed scans come
constexpr int kCodePages = 56;
constexpr int kCodesPerPage = 5;

struct FormatSpec {
    ZXing::BarcodeFormat format;
    std::string name; // as readBarcodes reports it
    bool linear;
};

const std::vector<FormatSpec>& writableFormats() {
    using F = ZXing::BarcodeFormat;
    static const std::vector<FormatSpec> formats = {
        {F::Aztec, "Aztec", false},   {F::Codabar, "Codabar", true}, {F::Code39, "Code39", true},
        {F::Code93, "Code93", true},  {F::Code128, "Code128", true}, {F::DataMatrix, "DataMatrix", false},
        {F::EAN8, "EAN-8", true},     {F::EAN13, "EAN-13", true},    {F::ITF, "ITF", true},
        {F::PDF417, "PDF417", false}, {F::QRCode, "QRCode", false},  {F::UPCA, "UPC-A", true},
        {F::UPCE, "UPC-E", true},
    };
    return formats;
}

using Rng = std::mt19937;

int uniformInt(Rng& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}
double uniformReal(Rng& rng, double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

std::string randomFrom(Rng& rng, const std::string& alphabet, int length) {
    std::string s;
    for (int i = 0; i < length; ++i)
        s += alphabet[static_cast<std::size_t>(uniformInt(rng, 0, static_cast<int>(alphabet.size()) - 1))];
    return s;
}

// GS1 check digit (EAN-8, EAN-13, UPC-A): weights 3, 1, 3, ... from the right.
char gtinCheckDigit(const std::string& digits) {
    int sum = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const int d = digits[digits.size() - 1 - i] - '0';
        sum += (i % 2 == 0) ? 3 * d : d;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

// UPC-E "0" + 6 digits, expanded to the 11 UPC-A digits its check digit is computed from.
std::string upcEToUpcA(const std::string& e) {
    const std::string d = e.substr(1, 6);
    switch (d[5]) {
    case '0':
    case '1':
    case '2':
        return "0" + d.substr(0, 2) + d[5] + "0000" + d.substr(2, 3);
    case '3':
        return "0" + d.substr(0, 3) + "00000" + d.substr(3, 2);
    case '4':
        return "0" + d.substr(0, 4) + "00000" + d[4];
    default:
        return "0" + d.substr(0, 5) + "0000" + d[5];
    }
}

std::string randomText(const FormatSpec& spec, Rng& rng) {
    const std::string digits = "0123456789";
    const std::string alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    using F = ZXing::BarcodeFormat;
    switch (spec.format) {
    case F::Aztec:
    case F::QRCode:
    case F::DataMatrix:
        return randomFrom(rng, alnum + " -/:.", uniformInt(rng, 6, 40));
    case F::PDF417:
        return randomFrom(rng, alnum + " -", uniformInt(rng, 6, 28));
    case F::Code128: {
        std::string printable;
        for (char c = 33; c < 127; ++c)
            printable += c;
        return randomFrom(rng, printable, uniformInt(rng, 4, 16));
    }
    case F::Code39:
    case F::Code93:
        return randomFrom(rng, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.$/+%", uniformInt(rng, 4, 10));
    case F::Codabar:
        return randomFrom(rng, digits + "-$:/.+", uniformInt(rng, 4, 12));
    case F::ITF:
        return randomFrom(rng, digits, 2 * uniformInt(rng, 3, 7));
    case F::EAN8: {
        const auto s = randomFrom(rng, digits, 7);
        return s + gtinCheckDigit(s);
    }
    case F::EAN13: { // a leading 0 would be read as UPC-A
        const auto s = randomFrom(rng, "123456789", 1) + randomFrom(rng, digits, 11);
        return s + gtinCheckDigit(s);
    }
    case F::UPCA: {
        const auto s = randomFrom(rng, digits, 11);
        return s + gtinCheckDigit(s);
    }
    case F::UPCE: {
        const auto s = "0" + randomFrom(rng, digits, 6);
        return s + gtinCheckDigit(upcEToUpcA(s));
    }
    default:
        throw std::logic_error("no text generator for " + spec.name);
    }
}

// The symbol, black on white, at `module` px per module; linear codes `barHeight` px tall.
cv::Mat renderSymbol(const FormatSpec& spec, const std::string& text, int module, int barHeight) {
    const auto bits = ZXing::MultiFormatWriter(spec.format).setMargin(0).encode(text, 0, 0);
    const auto matrix = ZXing::ToMatrix<std::uint8_t>(bits);
    const cv::Mat modules(matrix.height(), matrix.width(), CV_8U, const_cast<std::uint8_t*>(matrix.data()));
    cv::Mat symbol;
    if (spec.linear)
        cv::resize(modules.row(0), symbol, cv::Size(modules.cols * module, barHeight), 0, 0,
                   cv::INTER_NEAREST);
    else
        cv::resize(modules, symbol, cv::Size(modules.cols * module, modules.rows * module), 0, 0,
                   cv::INTER_NEAREST);
    return symbol;
}

// Where a code was put: page = origin + u * ux + v * uy for u in [0, width], v in [0, height]
// (u, v measured in the upright symbol, from its top-left).
struct Placed {
    std::string format;
    std::string text;
    cv::Point2d origin;
    cv::Point2d ux, uy;
    double width = 0, height = 0;
    int module = 0;       // px
    cv::Rect quietBounds; // the code and its quiet zone, on the page

    cv::Point2d toCode(const docdesk::PointF& p) const { // inverse of the frame above
        const cv::Point2d d(p.x - origin.x, p.y - origin.y);
        return {d.dot(ux), d.dot(uy)}; // ux, uy are orthonormal
    }
    bool contains(const docdesk::PointF& p, double tolerance) const {
        const auto c = toCode(p);
        return c.x >= -tolerance && c.x <= width + tolerance && c.y >= -tolerance &&
               c.y <= height + tolerance;
    }
};

struct TestPage {
    cv::Mat grey;
    std::vector<Placed> codes;
};

enum class Spot { TopLeft, TopRight, BottomLeft, BottomRight, Anywhere };

// Renders `spec` turned by `degrees` and pastes it at `spot` unless it would touch another
// code's quiet zone. Returns false when it found no free place.
bool place(TestPage& page, const FormatSpec& spec, Spot spot, Rng& rng) {
    const std::string text = randomText(spec, rng);
    int module = 0, barHeight = 0;
    if (spec.linear) {
        module = std::array{3, 3, 4, 5}[static_cast<std::size_t>(uniformInt(rng, 0, 3))]; // 10-17 mil
        barHeight = uniformInt(rng, 80, 200);
    } else if (spec.format == ZXing::BarcodeFormat::PDF417) {
        module = uniformInt(rng, 2, 4);
    } else { // from 12 mm (about 140 px) up to about 5 cm
        const auto bits = ZXing::MultiFormatWriter(spec.format).setMargin(0).encode(text, 0, 0);
        const double target = uniformReal(rng, 12 * kPxPerMm, 50 * kPxPerMm);
        module = std::max(3, static_cast<int>(std::lround(target / bits.width())));
    }
    const cv::Mat symbol = renderSymbol(spec, text, module, barHeight);

    const int quiet = spec.linear ? 10 * module : std::max(4 * module, 20);
    // Half the linear codes carry their text in print right under the bars, as labels do.
    const bool caption = spec.linear && uniformInt(rng, 0, 1) == 1;
    const int captionHeight = caption ? 40 : 0;
    cv::Mat padded(symbol.rows + 2 * quiet + captionHeight, symbol.cols + 2 * quiet, CV_8U, cv::Scalar(255));
    symbol.copyTo(padded(cv::Rect(quiet, quiet, symbol.cols, symbol.rows)));
    if (caption) {
        int baseline = 0;
        const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, 0.9, 2, &baseline);
        cv::putText(padded, text,
                    cv::Point(quiet + (symbol.cols - size.width) / 2, quiet + symbol.rows + 12 + size.height),
                    cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(0), 2, cv::LINE_AA);
    }

    const double degrees = 90.0 * uniformInt(rng, 0, 3) + uniformReal(rng, -kMaxSkewDegrees, kMaxSkewDegrees);
    const cv::Point2f centre(padded.cols / 2.f, padded.rows / 2.f);
    cv::Mat rotation = cv::getRotationMatrix2D(centre, degrees, 1.0);
    const cv::Rect2f turned =
        cv::RotatedRect(centre, padded.size(), static_cast<float>(-degrees)).boundingRect2f();
    rotation.at<double>(0, 2) -= turned.x;
    rotation.at<double>(1, 2) -= turned.y;
    cv::Mat rotated;
    cv::warpAffine(padded, rotated, rotation, cv::Size(cvCeil(turned.width), cvCeil(turned.height)),
                   cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(255));
    if (rotated.cols >= kPageWidth - 300 || rotated.rows >= kPageHeight - 300)
        return false;

    // Distance from the page edge to the code's (rotated) quiet-zone box: 1-2 cm at a corner.
    const auto cornerMargin = [&] {
        return uniformInt(rng, static_cast<int>(10 * kPxPerMm), static_cast<int>(20 * kPxPerMm));
    };
    for (int attempt = 0; attempt < 200; ++attempt) {
        int x = 0, y = 0;
        switch (spot) {
        case Spot::TopLeft:
            x = cornerMargin();
            y = cornerMargin();
            break;
        case Spot::TopRight:
            x = kPageWidth - rotated.cols - cornerMargin();
            y = cornerMargin();
            break;
        case Spot::BottomLeft:
            x = cornerMargin();
            y = kPageHeight - rotated.rows - cornerMargin();
            break;
        case Spot::BottomRight:
            x = kPageWidth - rotated.cols - cornerMargin();
            y = kPageHeight - rotated.rows - cornerMargin();
            break;
        case Spot::Anywhere:
            x = uniformInt(rng, 60, kPageWidth - rotated.cols - 60);
            y = uniformInt(rng, 60, kPageHeight - rotated.rows - 60);
            break;
        }
        const cv::Rect bounds(x, y, rotated.cols, rotated.rows);
        const bool free = std::none_of(page.codes.begin(), page.codes.end(), [&](const Placed& other) {
            return (other.quietBounds & bounds).area() > 0;
        });
        if (!free)
            continue;
        cv::Mat target = page.grey(bounds);
        cv::min(target, rotated, target);

        const cv::Matx23d m(rotation);
        const auto toPage = [&](double u, double v) {
            return cv::Point2d(m(0, 0) * u + m(0, 1) * v + m(0, 2) + x,
                               m(1, 0) * u + m(1, 1) * v + m(1, 2) + y);
        };
        Placed placed;
        placed.format = spec.name;
        placed.text = text;
        placed.origin = toPage(quiet, quiet);
        placed.ux = toPage(quiet + 1, quiet) - placed.origin;
        placed.uy = toPage(quiet, quiet + 1) - placed.origin;
        placed.width = symbol.cols;
        placed.height = symbol.rows;
        placed.module = module;
        placed.quietBounds = bounds;
        page.codes.push_back(placed);
        return true;
    }
    return false;
}

// Lines of body text in the free space: real pages have it, and it must not become codes.
void addText(TestPage& page, Rng& rng) {
    const std::vector<std::string> words = {
        "Invoice", "total",  "amount", "due",  "2026-11-23", "Customer", "reference", "No.",      "4711",
        "payable", "within", "30",     "days", "EUR",        "1.234,56", "Street",    "delivery", "order"};
    for (int line = 0; line < 40; ++line) {
        std::string text;
        const int count = uniformInt(rng, 4, 9);
        for (int i = 0; i < count; ++i)
            text +=
                words[static_cast<std::size_t>(uniformInt(rng, 0, static_cast<int>(words.size()) - 1))] + " ";
        const double scale = uniformReal(rng, 0.9, 1.6);
        const int thickness = uniformInt(rng, 2, 3);
        int baseline = 0;
        const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
        if (size.width >= kPageWidth - 400)
            continue;
        const cv::Point origin(uniformInt(rng, 200, kPageWidth - 200 - size.width),
                               uniformInt(rng, 200, kPageHeight - 200));
        const cv::Rect box(origin.x, origin.y - size.height - 10, size.width, size.height + baseline + 20);
        const bool free = std::none_of(page.codes.begin(), page.codes.end(), [&](const Placed& code) {
            return (code.quietBounds & box).area() > 0;
        });
        if (free)
            cv::putText(page.grey, text, origin, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(30), thickness,
                        cv::LINE_AA);
    }
}

// Scanner optics and sensor: a light blur and a little noise.
void scanLook(cv::Mat& grey, Rng& rng) {
    cv::GaussianBlur(grey, grey, cv::Size(5, 5), uniformReal(rng, 0.5, 0.9));
    cv::Mat noise(grey.size(), CV_16S);
    cv::RNG cvRng(rng());
    cvRng.fill(noise, cv::RNG::NORMAL, 0, 4);
    cv::Mat noisy;
    grey.convertTo(noisy, CV_16S);
    noisy += noise;
    noisy.convertTo(grey, CV_8U); // saturates
}

TestPage blankPage() {
    return {cv::Mat(kPageHeight, kPageWidth, CV_8U, cv::Scalar(255)), {}};
}

TestPage codePage(int index, Rng& rng) {
    TestPage page = blankPage();
    const auto& formats = writableFormats();
    // Two corners per page, all four in turn; the other codes anywhere.
    const Spot spots[kCodesPerPage] = {static_cast<Spot>(index % 4), static_cast<Spot>((index + 2) % 4),
                                       Spot::Anywhere, Spot::Anywhere, Spot::Anywhere};
    for (int i = 0; i < kCodesPerPage; ++i) {
        const auto& spec = formats[static_cast<std::size_t>(index * kCodesPerPage + i) % formats.size()];
        for (int attempt = 0; attempt < 5 && !place(page, spec, spots[i], rng); ++attempt) {
        }
    }
    if (index % 2 == 1)
        addText(page, rng);
    scanLook(page.grey, rng);
    return page;
}

ImageView viewOf(const cv::Mat& image) {
    return {image.data, image.cols, image.rows, static_cast<std::ptrdiff_t>(image.step), image.channels()};
}

struct Timed {
    std::vector<BarcodeHit> hits;
    double ms = 0;
};

// CPU time rather than wall time: the figure stays meaningful on a machine shared with builds.
// (OpenCV runs single-threaded here, see SingleThreaded below.)
Timed timedRead(const cv::Mat& image, const ReadOptions& options = {}) {
    const std::clock_t start = std::clock();
    Timed t;
    t.hits = readBarcodes(viewOf(image), options);
    t.ms = 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    return t;
}

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

bool inReadingOrder(const std::vector<BarcodeHit>& hits) {
    const auto key = [](const BarcodeHit& h) {
        double top = h.corners[0].y, left = h.corners[0].x;
        for (const auto& p : h.corners) {
            top = std::min(top, p.y);
            left = std::min(left, p.x);
        }
        return std::pair(top, left);
    };
    for (std::size_t i = 1; i < hits.size(); ++i)
        if (key(hits[i]) < key(hits[i - 1]))
            return false;
    return true;
}

// Corners go clockwise from the code's top-left: the first and last corner lie on the left
// half of the upright symbol, the middle two on the right half, and for a 2D symbol the
// first two lie on its top half.
bool orientedLikeTheCode(const BarcodeHit& hit, const Placed& code, bool linear) {
    std::array<cv::Point2d, 4> c;
    for (std::size_t i = 0; i < 4; ++i)
        c[i] = code.toCode(hit.corners[i]);
    const double midU = code.width / 2, midV = code.height / 2;
    const bool leftToRight = c[0].x < midU && c[3].x < midU && c[1].x > midU && c[2].x > midU;
    const bool topToBottom = c[0].y <= c[3].y + 1 && c[1].y <= c[2].y + 1;
    const bool topHalf = linear || (c[0].y < midV && c[1].y < midV && c[2].y > midV && c[3].y > midV);
    return leftToRight && topToBottom && topHalf;
}

std::string describe(const BarcodeHit& hit) {
    return hit.format + " \"" + hit.text + "\" at (" + std::to_string(static_cast<int>(hit.corners[0].x)) +
           ", " + std::to_string(static_cast<int>(hit.corners[0].y)) + ")";
}

// One thread, as the analysis worker runs it; also keeps the timings honest on a shared machine.
struct SingleThreaded {
    SingleThreaded() { cv::setNumThreads(1); }
};
BOOST_TEST_GLOBAL_FIXTURE(SingleThreaded);

} // namespace

BOOST_AUTO_TEST_CASE(finds_every_code_on_generated_pages) {
    // A fixed corpus; DOCDESK_BARCODE_SEED draws another one, for exploring beyond it.
    const char* seed = std::getenv("DOCDESK_BARCODE_SEED");
    Rng rng(seed ? static_cast<Rng::result_type>(std::stoul(seed)) : 20261123u);
    std::map<std::string, std::pair<int, int>> perFormat; // found, placed
    int placedTotal = 0, foundTotal = 0, phantoms = 0, misoriented = 0;
    std::vector<double> times;

    for (int index = 0; index < kCodePages; ++index) {
        const TestPage page = codePage(index, rng);
        const Timed read = timedRead(page.grey);
        times.push_back(read.ms);
        BOOST_TEST(inReadingOrder(read.hits), "page " << index << " hits are not in reading order");

        std::vector<bool> used(read.hits.size(), false);
        for (const auto& code : page.codes) {
            ++placedTotal;
            ++perFormat[code.format].second;
            bool found = false;
            for (std::size_t i = 0; i < read.hits.size() && !found; ++i) {
                const auto& hit = read.hits[i];
                if (used[i] || hit.format != code.format || hit.text != code.text)
                    continue;
                if (!std::all_of(hit.corners.begin(), hit.corners.end(), [&](const auto& p) {
                        return code.contains(p, std::max(kTolerancePx, code.module / 2.0));
                    }))
                    continue;
                used[i] = found = true;
                const bool linear =
                    std::any_of(writableFormats().begin(), writableFormats().end(),
                                [&](const auto& s) { return s.name == code.format && s.linear; });
                if (!orientedLikeTheCode(hit, code, linear)) {
                    ++misoriented;
                    std::ostringstream where;
                    for (const auto& p : hit.corners) {
                        const auto c = code.toCode(p);
                        where << " (" << static_cast<int>(c.x) << ", " << static_cast<int>(c.y) << ")";
                    }
                    BOOST_TEST_MESSAGE("page " << index << ": corners not clockwise from the top-left: "
                                               << describe(hit) << "; in the symbol of " << code.width << "x"
                                               << code.height << ":" << where.str());
                }
            }
            if (found) {
                ++foundTotal;
                ++perFormat[code.format].first;
            } else {
                BOOST_TEST_MESSAGE("page " << index << ": missed " << code.format << " \"" << code.text
                                           << "\" at (" << static_cast<int>(code.origin.x) << ", "
                                           << static_cast<int>(code.origin.y) << ") " << code.width << "x"
                                           << code.height);
            }
        }
        for (std::size_t i = 0; i < read.hits.size(); ++i) {
            if (!used[i]) {
                ++phantoms;
                BOOST_TEST_MESSAGE("page " << index << ": unexpected " << describe(read.hits[i]));
                for (const auto& code : page.codes)
                    if (code.format == read.hits[i].format)
                        BOOST_TEST_MESSAGE("  placed there: \"" << code.text << "\" at ("
                                                                << static_cast<int>(code.origin.x) << ", "
                                                                << static_cast<int>(code.origin.y) << ")");
            }
        }
    }

    for (const auto& [format, counts] : perFormat)
        BOOST_TEST_MESSAGE("recall " << format << ": " << counts.first << "/" << counts.second);
    BOOST_TEST_MESSAGE("recall overall: " << foundTotal << "/" << placedTotal << "; median " << median(times)
                                          << " ms CPU per page with codes");
    BOOST_TEST(perFormat.size() == writableFormats().size());
    BOOST_TEST(placedTotal >= kCodePages * kCodesPerPage * 9 / 10);
    BOOST_TEST(foundTotal * 100 >= placedTotal * 99, "found " << foundTotal << " of " << placedTotal);
    BOOST_TEST(phantoms == 0);
    BOOST_TEST(misoriented == 0);
}

BOOST_AUTO_TEST_CASE(no_codes_on_pages_without_codes) {
    Rng rng(7);
    std::vector<double> times;
    for (int index = 0; index < 8; ++index) {
        TestPage page = blankPage();
        if (index % 2 == 1)
            addText(page, rng);
        if (index == 6) { // a dark scanner border and a grey shadow
            page.grey(cv::Rect(0, 0, 60, kPageHeight)).setTo(20);
            page.grey(cv::Rect(0, kPageHeight - 200, kPageWidth, 200)).setTo(170);
        }
        scanLook(page.grey, rng);
        for (int repeat = 0; repeat < 3; ++repeat) {
            const Timed read = timedRead(page.grey);
            times.push_back(read.ms);
            BOOST_TEST(read.hits.empty(),
                       "page " << index << ": " << (read.hits.empty() ? "" : describe(read.hits[0])));
        }
    }
    BOOST_TEST_MESSAGE("median " << median(times) << " ms CPU per page without codes");
}

BOOST_AUTO_TEST_CASE(grey_and_bgr_views_agree) {
    Rng rng(99);
    for (int index = 0; index < 3; ++index) {
        const TestPage page = codePage(index, rng);
        cv::Mat bgr;
        cv::cvtColor(page.grey, bgr, cv::COLOR_GRAY2BGR);
        // A view into a wider buffer: rows longer than the pixels they hold.
        cv::Mat wide(bgr.rows, bgr.cols + 17, CV_8UC3, cv::Scalar::all(0));
        bgr.copyTo(wide(cv::Rect(0, 0, bgr.cols, bgr.rows)));
        const cv::Mat strided = wide(cv::Rect(0, 0, bgr.cols, bgr.rows));

        const auto fromGrey = readBarcodes(viewOf(page.grey));
        const auto fromBgr = readBarcodes(viewOf(strided));
        BOOST_TEST(!fromGrey.empty());
        BOOST_TEST_REQUIRE(fromGrey.size() == fromBgr.size());
        for (std::size_t i = 0; i < fromGrey.size(); ++i) {
            BOOST_TEST(fromGrey[i].format == fromBgr[i].format);
            BOOST_TEST(fromGrey[i].text == fromBgr[i].text);
            for (std::size_t c = 0; c < 4; ++c) {
                BOOST_TEST(fromGrey[i].corners[c].x == fromBgr[i].corners[c].x);
                BOOST_TEST(fromGrey[i].corners[c].y == fromBgr[i].corners[c].y);
            }
        }
    }
}

// The page's half handed over (as the page analysis does, which shares it with the document
// finder and blank/skew) gives the very hits the reader finds by halving the page itself; a
// half of the wrong size is ignored.
BOOST_AUTO_TEST_CASE(a_given_half_gives_the_same_hits) {
    Rng rng(17);
    for (int index = 0; index < 3; ++index) {
        const TestPage page = codePage(index, rng);
        cv::Mat half, wrong;
        cv::resize(page.grey(cv::Rect(0, 0, page.grey.cols & ~1, page.grey.rows & ~1)), half,
                   cv::Size(page.grey.cols / 2, page.grey.rows / 2), 0, 0, cv::INTER_AREA);
        cv::resize(page.grey, wrong, cv::Size(page.grey.cols / 3, page.grey.rows / 3), 0, 0, cv::INTER_AREA);
        const auto own = readBarcodes(viewOf(page.grey));
        BOOST_TEST(own.size() == page.codes.size());
        for (const cv::Mat* given : {&half, &wrong}) {
            ReadOptions options;
            options.halved = viewOf(*given);
            const auto hits = readBarcodes(viewOf(page.grey), options);
            BOOST_TEST_REQUIRE(hits.size() == own.size());
            for (std::size_t i = 0; i < own.size(); ++i) {
                BOOST_TEST(hits[i].text == own[i].text);
                for (std::size_t c = 0; c < 4; ++c)
                    BOOST_TEST(hits[i].corners[c].x == own[i].corners[c].x);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(format_filter_limits_the_result) {
    Rng rng(3);
    const TestPage page = codePage(1, rng); // DataMatrix, EAN-8, EAN-13, ITF, PDF417 by the rotation above
    ReadOptions onlyDataMatrix;
    onlyDataMatrix.formats = {"DataMatrix"};
    const auto all = readBarcodes(viewOf(page.grey));
    const auto filtered = readBarcodes(viewOf(page.grey), onlyDataMatrix);
    const auto expected =
        std::count_if(all.begin(), all.end(), [](const BarcodeHit& h) { return h.format == "DataMatrix"; });
    BOOST_TEST(expected >= 1);
    BOOST_TEST(static_cast<long>(filtered.size()) == expected);
    for (const auto& hit : filtered)
        BOOST_TEST(hit.format == "DataMatrix");

    ReadOptions unknown;
    unknown.formats = {"NoSuchCode"};
    BOOST_CHECK_THROW(readBarcodes(viewOf(page.grey), unknown), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(whole_page_option_finds_the_same_codes) {
    Rng rng(5);
    const TestPage page = codePage(3, rng);
    ReadOptions thorough;
    thorough.wholePage = true;
    const auto fast = readBarcodes(viewOf(page.grey));
    const auto slow = readBarcodes(viewOf(page.grey), thorough);
    BOOST_TEST(fast.size() == page.codes.size());
    BOOST_TEST(slow.size() == fast.size());
    for (std::size_t i = 0; i < std::min(fast.size(), slow.size()); ++i)
        BOOST_TEST(slow[i].text == fast[i].text);
}

BOOST_AUTO_TEST_CASE(small_images_are_read_whole) {
    // A code filling most of a small image (a label photo, a cropped region).
    const FormatSpec& qr = writableFormats()[10];
    BOOST_REQUIRE(qr.name == "QRCode");
    cv::Mat symbol = renderSymbol(qr, "ASN00042", 8, 0);
    cv::Mat image(symbol.rows + 40, symbol.cols + 40, CV_8U, cv::Scalar(255));
    symbol.copyTo(image(cv::Rect(20, 20, symbol.cols, symbol.rows)));
    const auto hits = readBarcodes(viewOf(image));
    BOOST_TEST_REQUIRE(hits.size() == 1u);
    BOOST_TEST(hits[0].text == "ASN00042");
    BOOST_TEST(hits[0].format == "QRCode");
}

BOOST_AUTO_TEST_CASE(degenerate_inputs_give_no_hits) {
    BOOST_TEST(readBarcodes(ImageView{}).empty());

    const std::uint8_t pixel = 0;
    BOOST_TEST(readBarcodes(ImageView{&pixel, 1, 1, 1, 1}).empty());
    BOOST_TEST(readBarcodes(ImageView{nullptr, 100, 100, 100, 1}).empty());

    const cv::Mat black(kPageHeight, kPageWidth, CV_8U, cv::Scalar(0));
    BOOST_TEST(readBarcodes(viewOf(black)).empty());
    const cv::Mat blackBgr(kPageHeight, kPageWidth, CV_8UC3, cv::Scalar::all(0));
    BOOST_TEST(readBarcodes(viewOf(blackBgr)).empty());

    const cv::Mat small(40, 30, CV_8U, cv::Scalar(255));
    BOOST_TEST(readBarcodes(ImageView{small.data, 30, 40, 10, 1}).empty()); // stride < width
    BOOST_TEST(readBarcodes(ImageView{small.data, 10, 40, 30, 2}).empty()); // unsupported channels
    BOOST_TEST(readBarcodes(ImageView{small.data, 30, 40, 30, 1}).empty());
    BOOST_TEST(readBarcodes(ImageView{small.data, 30, -4, 30, 1}).empty());

    // A thin strip: smaller than the region analysis's cells in one direction.
    const cv::Mat strip(3, 2000, CV_8U, cv::Scalar(128));
    BOOST_TEST(readBarcodes(viewOf(strip)).empty());
}
