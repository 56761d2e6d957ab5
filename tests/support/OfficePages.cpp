#include "tests/support/OfficePages.h"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

namespace fs = std::filesystem;

namespace docdesk::test {
namespace {

constexpr std::array kWords = {
    "the",          "invoice",   "payment",  "according", "to",        "our",        "contract",  "of",
    "March",        "delivery",  "Rechnung", "Betrag",    "Kunde",     "please",     "transfer",  "amount",
    "within",       "days",      "account",  "reference", "and",       "with",       "regards",   "for",
    "services",     "rendered",  "period",   "order",     "number",    "Zahlung",    "bis",       "zum",
    "Vertrag",      "insurance", "policy",   "premium",   "adjusted",  "notice",     "we",        "hereby",
    "confirm",      "receipt",   "your",     "letter",    "dated",     "concerning", "customer",  "2026",
    "EUR",          "1.284,50",  "VAT",      "19%",       "net",       "gross",      "Steuer",    "Finanzamt",
    "Aktenzeichen", "is",        "a",        "not",       "be",        "may",        "questions", "contact",
    "department",   "office",    "Monday",   "Friday",    "between",   "hours",      "statement", "balance",
    "(see",         "below)",    "attached", "documents", "signature", "required",   "GmbH",      "Ltd.",
};

constexpr int kPageW = 2480, kPageH = 3508;

// One FreeType face per font file; cv::freetype is not thread-safe, hence the lock.
struct Fonts {
    std::mutex lock;
    cv::Ptr<cv::freetype::FreeType2> regular, bold, serif;
    std::map<std::pair<const void*, int>, std::map<std::string, int>> widths;
};

cv::Ptr<cv::freetype::FreeType2> loadFont(const std::vector<std::string>& candidates) {
    for (const auto& path : candidates) {
        if (!fs::exists(path))
            continue;
        auto font = cv::freetype::createFreeType2();
        font->loadFontData(path, 0);
        return font;
    }
    throw std::runtime_error("no TrueType font found (install fonts-dejavu-core)");
}

Fonts& fonts() {
    static Fonts f;
    static std::once_flag loaded;
    std::call_once(loaded, [] {
        const std::string dir = "/usr/share/fonts/truetype/dejavu/";
        f.regular = loadFont(
            {dir + "DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"});
        f.bold = loadFont({dir + "DejaVuSans-Bold.ttf", dir + "DejaVuSans.ttf"});
        f.serif = loadFont({dir + "DejaVuSerif.ttf", dir + "DejaVuSans.ttf"});
    });
    return f;
}

struct Canvas {
    cv::Mat page;
    std::mt19937 rng;
    cv::Ptr<cv::freetype::FreeType2> body;
};

int textWidth(cv::freetype::FreeType2& font, const std::string& text, int height) {
    auto& cache = fonts().widths[{&font, height}];
    const auto found = cache.find(text);
    if (found != cache.end())
        return found->second;
    int baseline = 0;
    return cache[text] = font.getTextSize(text, height, -1, &baseline).width;
}

// `at` is the top-left of the text (cv::freetype without bottomLeftOrigin).
void text(Canvas& c, cv::freetype::FreeType2& font, const std::string& s, cv::Point at, int height,
          int ink = 25) {
    font.putText(c.page, s, at, height, cv::Scalar::all(ink), -1, cv::LINE_AA, false);
}

// Words up to `width` pixels wide.
std::string line(Canvas& c, int width, int height) {
    std::uniform_int_distribution<std::size_t> pick(0, kWords.size() - 1);
    std::string out;
    int used = 0;
    const int space = height / 3;
    for (;;) {
        const std::string word = kWords[pick(c.rng)];
        const int w = textWidth(*c.body, word, height);
        if (used + w > width)
            return out;
        out += (out.empty() ? "" : " ") + word;
        used += w + space;
    }
}

// Lines of body text from y while y < bottom, left..right; returns the next free y.
int paragraph(Canvas& c, int y, int bottom, int left, int right, int height = 40) {
    const int pitch = height * 27 / 20;
    for (; y + pitch < bottom; y += pitch)
        text(c, *c.body, line(c, right - left, height), {left, y}, height);
    return y + pitch / 2;
}

// The code's modules at `module` pixels each (bars `barHeight` high), without quiet zone.
cv::Mat codeImage(const PageCode& code, int module, int barHeight) {
    const auto format = ZXing::BarcodeFormatFromString(code.format);
    const auto matrix = ZXing::MultiFormatWriter(format).setMargin(0).encode(code.text, 1, 1);
    cv::Mat small(matrix.height(), matrix.width(), CV_8UC1);
    for (int y = 0; y < matrix.height(); ++y)
        for (int x = 0; x < matrix.width(); ++x)
            small.at<uchar>(y, x) = matrix.get(x, y) ? 20 : 250;
    const int rows = small.rows == 1 ? barHeight : small.rows * module;
    cv::Mat big;
    cv::resize(small, big, cv::Size(small.cols * module, rows), 0, 0, cv::INTER_NEAREST);
    return big;
}

// Pastes a code at `at` (top-left of the symbol) and records it.
cv::Rect placeCode(Canvas& c, std::vector<PageCode>& codes, const PageCode& code, int module, int barHeight,
                   cv::Point at) {
    const cv::Mat image = codeImage(code, module, barHeight);
    const cv::Rect where = cv::Rect(at, image.size()) & cv::Rect(0, 0, c.page.cols, c.page.rows);
    cv::Mat bgr;
    cv::cvtColor(image(cv::Rect(0, 0, where.width, where.height)), bgr, cv::COLOR_GRAY2BGR);
    bgr.copyTo(c.page(where));
    codes.push_back(code);
    return where;
}

void letterhead(Canvas& c, int index) {
    auto& f = fonts();
    cv::rectangle(c.page, cv::Rect(240, 160, 150, 150), cv::Scalar::all(60), cv::FILLED);
    cv::circle(c.page, {315, 235}, 45, cv::Scalar::all(235), cv::FILLED);
    const std::array names = {"Stadtwerke Nordhafen", "Allianz Versicherung", "Kanzlei Berger & Partner",
                              "Techno Supplies Ltd.", "Finanzamt Mitte"};
    text(c, *f.bold, names[std::size_t(index) % names.size()], {430, 170}, 72);
    text(c, *f.regular, "Hauptstrasse 12 - 20095 Hamburg - Tel. 040 123456-0 - www.example.com", {430, 275},
         30, 70);
    cv::line(c.page, {240, 350}, {2240, 350}, cv::Scalar::all(40), 4);
}

void addressBlock(Canvas& c, int index) {
    auto& f = fonts();
    text(c, *f.regular, "Techno Supplies Ltd. - PO Box 77 - 20001 Hamburg", {240, 560}, 26, 60);
    const std::array lines = {"Frau Anna Schmidt", "Lindenallee 5a", "50667 Koeln"};
    for (std::size_t i = 0; i < lines.size(); ++i)
        text(c, *f.regular, lines[i], {240, 640 + int(i) * 60}, 44);
    text(c, *f.regular, "Datum: 0" + std::to_string(1 + index % 9) + ".03.2026", {1650, 640}, 38);
    text(c, *f.regular, "Kunden-Nr.: " + std::to_string(481516 + index), {1650, 700}, 38);
    text(c, *f.bold, "Rechnung Nr. " + std::to_string(2026000 + index * 37), {240, 1000}, 52);
}

void table(Canvas& c, int y, int rows) {
    auto& f = fonts();
    const std::array cols = {240, 420, 1500, 1800, 2240};
    const int rowH = 62;
    for (int r = 0; r <= rows; ++r)
        cv::line(c.page, {cols.front(), y + r * rowH}, {cols.back(), y + r * rowH}, cv::Scalar::all(40),
                 r == 1 ? 4 : 2);
    for (const int x : cols)
        cv::line(c.page, {x, y}, {x, y + rows * rowH}, cv::Scalar::all(40), 2);
    std::uniform_int_distribution<int> money(100, 99999);
    for (int r = 0; r < rows; ++r) {
        const int base = y + r * rowH + 12;
        auto& font = r == 0 ? *f.bold : *f.regular;
        text(c, font, r == 0 ? "Pos" : std::to_string(r), {cols[0] + 20, base}, 36);
        text(c, font, r == 0 ? "Beschreibung" : line(c, 1040, 36), {cols[1] + 20, base}, 36);
        text(c, font, r == 0 ? "Menge" : std::to_string(1 + money(c.rng) % 20), {cols[2] + 20, base}, 36);
        const int cents = money(c.rng);
        text(c, font,
             r == 0 ? "Betrag" : std::to_string(cents / 100) + "," + std::to_string(10 + cents % 90) + " EUR",
             {cols[3] + 20, base}, 36);
    }
}

// A photo-like patch: smooth shapes, shading and grain.
void photo(Canvas& c, cv::Rect where) {
    cv::Mat patch(where.size(), CV_8UC1);
    cv::Mat grad(1, where.width, CV_8UC1);
    for (int x = 0; x < where.width; ++x)
        grad.at<uchar>(0, x) = cv::saturate_cast<uchar>(90 + 110 * x / where.width);
    cv::repeat(grad, where.height, 1, patch);
    std::uniform_int_distribution<int> px(0, where.width), py(0, where.height), r(30, 160), g(20, 230);
    for (int i = 0; i < 14; ++i)
        cv::ellipse(patch, {px(c.rng), py(c.rng)}, {r(c.rng), r(c.rng)}, g(c.rng), 0, 360,
                    cv::Scalar(g(c.rng)), cv::FILLED);
    cv::GaussianBlur(patch, patch, cv::Size(0, 0), 6);
    cv::Mat grain(patch.size(), CV_8SC1);
    cv::randn(grain, 0, 12);
    cv::add(patch, grain, patch, cv::noArray(), CV_8U);
    cv::cvtColor(patch, c.page(where), cv::COLOR_GRAY2BGR);
    cv::rectangle(c.page, where, cv::Scalar::all(30), 2);
}

// A rubber stamp over the text, turned, mid-grey ink (darker of stamp and page).
void stamp(Canvas& c, int index, cv::Point centre) {
    cv::Mat s(260, 620, CV_8UC3, cv::Scalar::all(255));
    cv::rectangle(s, cv::Rect(10, 10, 600, 240), cv::Scalar::all(110), 8);
    fonts().bold->putText(s, "EINGEGANGEN", {50, 40}, 70, cv::Scalar::all(110), -1, cv::LINE_AA, false);
    fonts().bold->putText(s, std::to_string(10 + index % 18) + ". MRZ 2026", {120, 140}, 64,
                          cv::Scalar::all(110), -1, cv::LINE_AA, false);
    const cv::Mat turn = cv::getRotationMatrix2D({310, 130}, 8 + index % 17, 1.0);
    cv::warpAffine(s, s, turn, s.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(255));
    const cv::Rect where = cv::Rect(centre - cv::Point(310, 130), s.size()) & cv::Rect(0, 0, kPageW, kPageH);
    cv::Mat target = c.page(where);
    cv::min(target, s(cv::Rect(0, 0, where.width, where.height)), target);
}

std::string digits(std::mt19937& rng, int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s += char('0' + rng() % 10);
    return s;
}

std::string ean13(std::mt19937& rng) {
    std::string s = "40" + digits(rng, 10);
    int sum = 0;
    for (int i = 0; i < 12; ++i)
        sum += (s[std::size_t(i)] - '0') * (i % 2 ? 3 : 1);
    return s + char('0' + (10 - sum % 10) % 10);
}

// Codes on every third page, in four arrangements of formats and sizes.
void codes(Canvas& c, int index, std::vector<PageCode>& out) {
    if (index % 3 != 0)
        return;
    switch ((index / 3) % 4) {
    case 0: // small Code 128 top right, small QR beside the address
        placeCode(c, out, {"Code128", "INV-2026-" + digits(c.rng, 5)}, 3, 90, {1600, 420});
        placeCode(c, out, {"QRCode", "ASN" + digits(c.rng, 6)}, 8, 0, {1300, 600});
        break;
    case 1: // Code 39 ASN label, small DataMatrix
        placeCode(c, out, {"Code39", "ASN" + digits(c.rng, 5)}, 3, 110, {1450, 400});
        placeCode(c, out, {"DataMatrix", "DM-" + digits(c.rng, 8)}, 8, 0, {1250, 620});
        break;
    case 2: // EAN-13 and a large QR code in the footer, large Code 128 at the top
        placeCode(c, out, {"Code128", "DOC" + digits(c.rng, 8)}, 5, 160, {1350, 390});
        placeCode(c, out, {"EAN-13", ean13(c.rng)}, 4, 200, {1500, 3170});
        placeCode(c, out, {"QRCode", "https://example.com/d/" + digits(c.rng, 12)}, 14, 0, {240, 2950});
        break;
    default: // large DataMatrix and small Code 128 in the footer
        placeCode(c, out, {"DataMatrix", "PATCH-" + digits(c.rng, 10)}, 16, 0, {1300, 560});
        placeCode(c, out, {"Code128", "K" + digits(c.rng, 10)}, 2, 80, {1500, 3310});
        break;
    }
}

void bodyOf(Canvas& c, int index) {
    const bool codesAtFoot = index % 3 == 0 && (index / 3) % 4 == 2;
    const int bottom = codesAtFoot ? 2900 : 3250;
    int y = paragraph(c, 1110, 1110 + 14 * 54, 240, 2240);
    table(c, y, 6 + index % 4);
    y += (7 + index % 4) * 62 + 40;
    if (index % 2 == 0) { // a photo, text flowing beside it
        const cv::Rect where(1640, y, 600, 440);
        photo(c, where);
        paragraph(c, y + 30, where.br().y + 20, 240, 1580);
        y = where.br().y + 50;
    }
    paragraph(c, y, bottom, 240, 2240);
    stamp(c, index, {1700, 1400 + (index % 5) * 300});
    auto& f = fonts();
    text(c, *f.regular,
         "Seite 1 von 1 - Geschaeftsfuehrer: M. Muster - HRB 12345 - IBAN DE12 3456 7890 1234 5678 90",
         {240, 3410}, 28, 70);
}

// Paper, scanner blur and noise, and the turn of the page in the feeder.
void scan(OfficePage& p, int index) {
    cv::GaussianBlur(p.grey, p.grey, cv::Size(3, 3), 0.7);
    std::mt19937 rng(std::uint32_t(1000 + index));
    if (index % 4 == 1) {
        std::uniform_real_distribution<double> skew(-2.5, 2.5);
        p.skewDegrees = skew(rng);
    } else if (index % 10 == 7) {
        p.skewDegrees = 180;
    }
    if (p.skewDegrees != 0) {
        const cv::Mat turn = cv::getRotationMatrix2D({kPageW / 2.f, kPageH / 2.f}, p.skewDegrees, 1.0);
        cv::warpAffine(p.grey, p.grey, turn, p.grey.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                       cv::Scalar::all(238));
    }
    cv::Mat noise(p.grey.size(), CV_8SC1);
    cv::theRNG().state = std::uint64_t(77 + index);
    cv::randn(noise, 0, 5);
    cv::add(p.grey, noise, p.grey, cv::noArray(), CV_8U);
}

} // namespace

OfficePage makeOfficePage(int index, double scale) {
    Fonts& f = fonts();
    OfficePage page;
    {
        const std::lock_guard guard(f.lock);
        cv::theRNG().state = std::uint64_t(31 + index); // the photo's grain
        Canvas c{cv::Mat(kPageH, kPageW, CV_8UC3, cv::Scalar::all(246)),
                 std::mt19937(std::uint32_t(index * 7919 + 1)), index % 3 == 2 ? f.serif : f.regular};
        letterhead(c, index);
        addressBlock(c, index);
        codes(c, index, page.codes);
        bodyOf(c, index);
        cv::cvtColor(c.page, page.grey, cv::COLOR_BGR2GRAY); // cv::freetype draws on BGR only
    }
    scan(page, index);
    if (scale != 1.0)
        cv::resize(page.grey, page.grey, cv::Size(), scale, scale, cv::INTER_CUBIC);
    return page;
}

void writeOfficeJpeg(const OfficePage& page, const fs::path& file, bool colour) {
    if (!colour) {
        cv::imwrite(file.string(), page.grey, {cv::IMWRITE_JPEG_QUALITY, 85});
        return;
    }
    cv::Mat bgr;
    cv::cvtColor(page.grey, bgr, cv::COLOR_GRAY2BGR);
    const double s = page.grey.cols / double(kPageW);
    cv::Mat logo = bgr(cv::Rect(int(240 * s), int(160 * s), int(150 * s), int(150 * s)));
    cv::Mat tint(logo.size(), CV_8UC3, cv::Scalar(180, 90, 20));
    cv::max(logo, tint, logo);
    cv::imwrite(file.string(), bgr, {cv::IMWRITE_JPEG_QUALITY, 85});
}

std::vector<fs::path> corpusBarcodePages(const fs::path& dir, int maxPages) {
    const fs::path corpus = "/work/shared/corpus/paperless-barcodes";
    std::vector<fs::path> pages;
    if (!fs::is_directory(corpus) || !fs::exists("/usr/bin/pdftoppm"))
        return pages;
    std::vector<fs::path> pdfs;
    for (const auto& e : fs::directory_iterator(corpus))
        if (e.path().extension() == ".pdf")
            pdfs.push_back(e.path());
    std::sort(pdfs.begin(), pdfs.end());
    fs::create_directories(dir);
    for (const auto& pdf : pdfs) {
        const fs::path prefix = dir / pdf.stem();
        const std::string cmd =
            "pdftoppm -r 300 -gray -png -l 4 '" + pdf.string() + "' '" + prefix.string() + "' 2>/dev/null";
        if (std::system(cmd.c_str()) != 0)
            continue;
    }
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".png")
            pages.push_back(e.path());
    std::sort(pages.begin(), pages.end());
    if (int(pages.size()) > maxPages)
        pages.resize(std::size_t(maxPages));
    return pages;
}

} // namespace docdesk::test
