#define BOOST_TEST_MODULE page_metrics
// Blank detection, skew estimation and the enhancement functions on generated 300-dpi A4 pages
// (grey): blank pages with show-through, punch holes, scanner edge noise and speckles must be
// blank; pages with a few short lines or a signature must not; skew within ±0.5°.
#include "core/imaging/Enhance.h"
#include "core/imaging/PageMetrics.h"
#include "core/imaging/PageRasterCv.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

using namespace docdesk;
using namespace docdesk::imaging;

namespace {

constexpr int kW = 2480, kH = 3508; // A4 at 300 dpi

ImageView viewOf(const cv::Mat& m) {
    return {m.data, m.cols, m.rows, std::ptrdiff_t(m.step), m.channels()};
}

cv::Mat asMat(const RgbImage& img) {
    return cv::Mat(img.height, img.width, CV_8UC3, const_cast<std::uint8_t*>(img.pixels.data()),
                   size_t(img.width) * 3);
}

std::string randomWord(cv::RNG& rng) {
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string w(size_t(rng.uniform(2, 10)), 'a');
    for (auto& c : w)
        c = letters[rng.uniform(0, int(sizeof(letters) - 1))];
    return w;
}

cv::Mat paper(cv::RNG& rng) {
    cv::Mat page(kH, kW, CV_8UC1, cv::Scalar(rng.uniform(232, 250)));
    cv::Mat noise(page.size(), CV_8UC1);
    rng.fill(noise, cv::RNG::NORMAL, 128, 3);
    cv::addWeighted(page, 1, noise, 1, -128, page);
    return page;
}

// Lines of text (about 10-11 pt at 300 dpi) from y0 on, `lines` of them.
void writeLines(cv::RNG& rng, cv::Mat& page, int lines, int y0, int maxWidth, int ink = 30,
                double scale = 1.6) {
    for (int l = 0; l < lines; ++l) {
        int x = 240;
        const int end = 240 + maxWidth - rng.uniform(0, maxWidth / 4);
        const int y = y0 + l * 70;
        while (true) {
            const std::string w = randomWord(rng);
            int base = 0;
            const cv::Size s = cv::getTextSize(w, cv::FONT_HERSHEY_SIMPLEX, scale, 3, &base);
            if (x + s.width > end)
                break;
            cv::putText(page, w, {x, y}, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(ink), 3, cv::LINE_AA);
            x += s.width + 30;
        }
    }
}

void showThrough(cv::RNG& rng, cv::Mat& page) {
    // Faint mirrored text from the back side: 15-30 levels darker, blurred.
    cv::Mat back(page.size(), CV_8UC1, cv::Scalar(255));
    writeLines(rng, back, 35, 300, kW - 480, 0);
    cv::flip(back, back, 1);
    cv::GaussianBlur(back, back, cv::Size(0, 0), 2.5);
    const double strength = rng.uniform(0.06, 0.12);
    cv::Mat darkening;
    cv::subtract(cv::Scalar(255), back, darkening);
    cv::addWeighted(page, 1, darkening, -strength, 0, page);
}

void punchHoles(cv::RNG& rng, cv::Mat& page) {
    const int x = rng.uniform(100, 170); // 8-14 mm from the left edge
    const int r = rng.uniform(30, 40);   // 5-7 mm across
    const int value = rng.uniform(0, 60);
    const int count = rng.uniform(0, 2) ? 2 : 4;
    for (int i = 0; i < count; ++i)
        cv::circle(page, {x, kH / 2 + (i - count / 2) * 945 + (count == 2 ? 472 : 0)}, r, cv::Scalar(value),
                   cv::FILLED, cv::LINE_AA);
}

void edgeNoise(cv::RNG& rng, cv::Mat& page) {
    // Dark strips along edges (lid shadow, feeder edge), ragged.
    const int top = rng.uniform(8, 60);
    for (int x = 0; x < kW; x += 8)
        cv::rectangle(page, cv::Rect(x, 0, 8, top + rng.uniform(-6, 6)), cv::Scalar(rng.uniform(10, 60)),
                      cv::FILLED);
    const int right = rng.uniform(6, 40);
    cv::rectangle(page, cv::Rect(kW - right, 0, right, kH), cv::Scalar(rng.uniform(20, 80)), cv::FILLED);
    // A dark corner triangle where the sheet was skewed in the feeder.
    std::vector<cv::Point> tri{{0, kH}, {0, kH - rng.uniform(60, 200)}, {rng.uniform(60, 200), kH}};
    cv::fillConvexPoly(page, tri, cv::Scalar(15));
    // A thin grey line parallel to the left edge, not touching it.
    cv::line(page, {rng.uniform(10, 30), 0}, {rng.uniform(10, 30), kH - 400}, cv::Scalar(120), 2);
}

void speckles(cv::RNG& rng, cv::Mat& page) {
    const int count = rng.uniform(150, 500);
    for (int i = 0; i < count; ++i)
        cv::circle(page, {rng.uniform(0, kW), rng.uniform(0, kH)}, rng.uniform(1, 3),
                   cv::Scalar(rng.uniform(0, 120)), cv::FILLED);
}

void signature(cv::RNG& rng, cv::Mat& page) {
    std::vector<cv::Point> pts;
    const cv::Point origin(rng.uniform(1200, 1700), rng.uniform(2600, 3000));
    double x = 0, y = 0, angle = 0;
    for (int i = 0; i < 120; ++i) {
        angle += rng.uniform(-0.9, 0.9);
        x += 5 + 4 * std::cos(angle);
        y = 60 * std::sin(i * 0.35 + rng.uniform(-0.2, 0.2));
        pts.emplace_back(origin.x + int(x), origin.y + int(y));
    }
    cv::polylines(page, pts, false, cv::Scalar(rng.uniform(20, 90)), 4, cv::LINE_AA);
}

void gradient(cv::Mat& page) {
    // Uneven illumination: 0-25 levels darker towards the bottom right.
    cv::Mat shade(page.size(), CV_8UC1);
    for (int y = 0; y < page.rows; ++y)
        shade.row(y).setTo(cv::Scalar(int(15.0 * y / page.rows)));
    page -= shade;
}

struct Case {
    std::string name;
    bool blank;
    cv::Mat page;
};

std::vector<Case> blankCases() {
    std::vector<Case> cases;
    for (unsigned s = 1; s <= 2; ++s) {
        cv::RNG rng(s);
        cases.push_back({"plain-" + std::to_string(s), true, paper(rng)});
        cv::Mat p = paper(rng);
        showThrough(rng, p);
        cases.push_back({"show-through-" + std::to_string(s), true, p});
        p = paper(rng);
        punchHoles(rng, p);
        cases.push_back({"punch-holes-" + std::to_string(s), true, p});
        p = paper(rng);
        edgeNoise(rng, p);
        cases.push_back({"edge-noise-" + std::to_string(s), true, p});
        p = paper(rng);
        speckles(rng, p);
        cases.push_back({"speckles-" + std::to_string(s), true, p});
        p = paper(rng);
        gradient(p);
        showThrough(rng, p);
        punchHoles(rng, p);
        edgeNoise(rng, p);
        speckles(rng, p);
        cases.push_back({"combined-" + std::to_string(s), true, p});
    }
    for (unsigned s = 1; s <= 2; ++s) {
        cv::RNG rng(100 + s);
        cv::Mat p = paper(rng);
        writeLines(rng, p, 2, 400, 900);
        cases.push_back({"two-short-lines-" + std::to_string(s), false, p});
        p = paper(rng);
        writeLines(rng, p, 3, rng.uniform(300, 3000), 700);
        cases.push_back({"three-short-lines-" + std::to_string(s), false, p});
        p = paper(rng);
        signature(rng, p);
        cases.push_back({"signature-" + std::to_string(s), false, p});
        p = paper(rng);
        cv::circle(p, {1800, 3000}, 110, cv::Scalar(110), 6, cv::LINE_AA); // a small stamp
        cv::putText(p, "PAID", {1700, 3020}, cv::FONT_HERSHEY_SIMPLEX, 2, cv::Scalar(110), 5, cv::LINE_AA);
        cases.push_back({"stamp-" + std::to_string(s), false, p});
        p = paper(rng);
        gradient(p);
        showThrough(rng, p);
        punchHoles(rng, p);
        edgeNoise(rng, p);
        speckles(rng, p);
        writeLines(rng, p, 2, 1600, 800);
        cases.push_back({"two-lines-on-noisy-scan-" + std::to_string(s), false, p});
        p = paper(rng);
        speckles(rng, p);
        signature(rng, p);
        cases.push_back({"signature-with-speckles-" + std::to_string(s), false, p});
    }
    return cases;
}

cv::Mat textPage(cv::RNG& rng) {
    cv::Mat p = paper(rng);
    int y = 300;
    while (y < kH - 300) {
        const int lines = rng.uniform(3, 9);
        writeLines(rng, p, lines, y, kW - 480);
        y += lines * 70 + rng.uniform(60, 200);
    }
    return p;
}

// Clockwise skew by `degrees` (getRotationMatrix2D is counter-clockwise for positive angles).
cv::Mat rotateClockwise(const cv::Mat& page, double degrees) {
    const cv::Mat rot = cv::getRotationMatrix2D({float(page.cols) / 2, float(page.rows) / 2}, -degrees, 1);
    cv::Mat out;
    cv::warpAffine(page, out, rot, page.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(245));
    return out;
}

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double ms(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

BOOST_AUTO_TEST_CASE(blank_detection_on_every_generated_page) {
    int wrong = 0, blanks = 0, contents = 0;
    std::vector<double> times;
    for (const auto& c : blankCases()) {
        const auto t0 = std::chrono::steady_clock::now();
        const BlankVerdict v = detectBlank(viewOf(c.page));
        times.push_back(ms(t0));
        std::cout << c.name << ": blank " << v.blank << " ink " << v.inkFraction << "\n";
        BOOST_TEST_INFO("case " << c.name << " ink fraction " << v.inkFraction);
        BOOST_TEST(v.blank == c.blank);
        wrong += v.blank != c.blank;
        (c.blank ? blanks : contents) += 1;
    }
    std::cout << "blank detection: " << blanks << " blank and " << contents << " content pages, " << wrong
              << " wrong; detectBlank median " << medianOf(times) << " ms per 300-dpi A4 page\n";
}

BOOST_AUTO_TEST_CASE(skew_within_half_a_degree) {
    std::vector<double> errors, times;
    cv::RNG rng(7);
    const cv::Mat upright = textPage(rng);
    for (int i = 0; i < 12; ++i) {
        const double truth = i == 0 ? 0.0 : rng.uniform(-15.0, 15.0);
        const cv::Mat page = rotateClockwise(upright, truth);
        const auto t0 = std::chrono::steady_clock::now();
        const double est = estimateSkewDegrees(viewOf(page));
        times.push_back(ms(t0));
        BOOST_TEST_INFO("truth " << truth << " estimate " << est);
        BOOST_TEST(std::abs(est - truth) <= 0.5);
        errors.push_back(std::abs(est - truth));
        if (i == 1) {
            // Deskewing by the estimate leaves a straight page.
            const RgbImage straight = deskew(viewOf(page), est);
            cv::Mat grey;
            cv::cvtColor(asMat(straight), grey, cv::COLOR_RGB2GRAY);
            BOOST_TEST(std::abs(estimateSkewDegrees(viewOf(grey))) <= 0.5);
        }
    }
    std::cout << "skew: max error " << *std::max_element(errors.begin(), errors.end()) << "°, median "
              << medianOf(errors) << "°; estimateSkewDegrees median " << medianOf(times) << " ms per page\n";
    cv::RNG blankRng(3);
    BOOST_TEST(estimateSkewDegrees(viewOf(paper(blankRng))) == 0.0);
    BOOST_TEST(estimateSkewDegrees(ImageView{}) == 0.0);
}

// measurePage (the analysis' one call) gives what detectBlank and estimateSkewDegrees give, on
// blank, sparse and text pages, skewed or not.
BOOST_AUTO_TEST_CASE(measure_page_is_blank_and_skew_at_once) {
    std::vector<cv::Mat> pages;
    for (const auto& c : blankCases())
        pages.push_back(c.page);
    cv::RNG rng(11);
    const cv::Mat upright = textPage(rng);
    for (const double degrees : {0.0, 1.3, -2.2, 7.5})
        pages.push_back(rotateClockwise(upright, degrees));
    for (const auto& page : pages) {
        const PageMeasures m = measurePage(viewOf(page));
        const BlankVerdict b = detectBlank(viewOf(page));
        BOOST_TEST(m.blank.blank == b.blank);
        BOOST_TEST(m.blank.inkFraction == b.inkFraction);
        BOOST_TEST(m.skewDegrees == estimateSkewDegrees(viewOf(page)));
    }
    BOOST_TEST(measurePage(ImageView{}).blank.blank);
}

// Deskewing turns the page by three shears (detail::rotateByShears): the page cv::warpAffine's
// bilinear rotation gives, within a grey level on average and a few levels at the edges of
// strokes, for grey and colour pages, small and large angles; no turn is an exact copy.
BOOST_AUTO_TEST_CASE(deskew_by_shears_is_warp_affines_rotation) {
    cv::RNG rng(23);
    const cv::Mat grey = textPage(rng);
    cv::Mat colour;
    cv::cvtColor(grey, colour, cv::COLOR_GRAY2BGR);
    cv::circle(colour, {900, 1200}, 300, cv::Scalar(40, 90, 200), cv::FILLED); // a red stamp
    for (const cv::Mat* page : std::initializer_list<const cv::Mat*>{&grey, &colour}) {
        for (const double degrees : {0.6, -2.4, 9.5, -15.0}) {
            cv::Mat expected, got;
            const cv::Point2f centre(float(page->cols) / 2, float(page->rows) / 2);
            cv::warpAffine(*page, expected, cv::getRotationMatrix2D(centre, degrees, 1), page->size(),
                           cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(255));
            detail::rotateByShears(*page, cv::Point2d(centre.x, centre.y), degrees, got);
            BOOST_TEST_REQUIRE(got.size() == expected.size());
            BOOST_TEST_REQUIRE(got.type() == expected.type());
            cv::Mat diff;
            cv::absdiff(got, expected, diff);
            diff = diff.reshape(1);
            BOOST_TEST_INFO(page->channels() << " channels, " << degrees << " degrees");
            BOOST_TEST(cv::mean(diff)[0] < 1.5);
            BOOST_TEST(cv::countNonZero(diff > 24) < 0.005 * double(diff.total()));
        }
        cv::Mat same;
        detail::rotateByShears(*page, cv::Point2d(page->cols / 2.0, page->rows / 2.0), 0, same);
        BOOST_TEST(cv::norm(same, *page, cv::NORM_INF) == 0);
    }
}

BOOST_AUTO_TEST_CASE(warp_keeps_the_true_aspect_ratio) {
    // A 210x297 sheet seen by a pinhole camera (principal point at the image centre), tilted.
    cv::RNG rng(11);
    for (int i = 0; i < 8; ++i) {
        const double f = rng.uniform(900.0, 1800.0), tiltX = rng.uniform(-35.0, 35.0) * CV_PI / 180,
                     tiltY = rng.uniform(-25.0, 25.0) * CV_PI / 180,
                     roll = rng.uniform(-20.0, 20.0) * CV_PI / 180;
        const double aspect = i % 2 ? 80.0 / 200.0 : 210.0 / 297.0;
        cv::Matx33d rx(1, 0, 0, 0, std::cos(tiltX), -std::sin(tiltX), 0, std::sin(tiltX), std::cos(tiltX));
        cv::Matx33d ry(std::cos(tiltY), 0, std::sin(tiltY), 0, 1, 0, -std::sin(tiltY), 0, std::cos(tiltY));
        cv::Matx33d rz(std::cos(roll), -std::sin(roll), 0, std::sin(roll), std::cos(roll), 0, 0, 0, 1);
        const cv::Matx33d r = rz * ry * rx;
        const double hh = 0.5, hw = 0.5 * aspect, depth = rng.uniform(1.3, 2.0);
        const std::array<cv::Vec3d, 4> corners{cv::Vec3d(-hw, -hh, 0), cv::Vec3d(hw, -hh, 0),
                                               cv::Vec3d(hw, hh, 0), cv::Vec3d(-hw, hh, 0)};
        Quad q;
        std::array<cv::Point2f, 4> dst;
        for (int k = 0; k < 4; ++k) {
            const cv::Vec3d p = r * corners[size_t(k)] + cv::Vec3d(0, 0, depth);
            q[size_t(k)] = {800 + f * p[0] / p[2], 600 + f * p[1] / p[2]};
            dst[size_t(k)] = cv::Point2f(float(q[size_t(k)].x), float(q[size_t(k)].y));
        }
        cv::Mat image(1200, 1600, CV_8UC3, cv::Scalar(40, 60, 90));
        cv::fillConvexPoly(image, std::vector<cv::Point>(dst.begin(), dst.end()), cv::Scalar(240, 240, 240));
        const RgbImage flat = warpToRectangle(viewOf(image), q);
        BOOST_REQUIRE(!flat.empty());
        BOOST_TEST(flat.pixels.size() == size_t(flat.width) * flat.height * 3);
        const double got = double(flat.width) / flat.height;
        BOOST_TEST_INFO("case " << i << " aspect " << aspect << " got " << got);
        BOOST_TEST(std::abs(got / aspect - 1) <= 0.03);
    }
}

BOOST_AUTO_TEST_CASE(enhance_modes_produce_the_right_channels) {
    cv::RNG rng(5);
    // A colour photo of a page with text under a strong lighting gradient.
    cv::Mat grey = paper(rng);
    writeLines(rng, grey, 10, 400, 1600);
    cv::Mat small;
    cv::resize(grey, small, cv::Size(), 0.4, 0.4, cv::INTER_AREA);
    cv::Mat photo;
    cv::cvtColor(small, photo, cv::COLOR_GRAY2BGR);
    photo += cv::Scalar(0, 10, 25); // warm tint
    cv::Mat shade(photo.size(), CV_8UC3);
    for (int x = 0; x < photo.cols; ++x)
        shade.col(x).setTo(cv::Scalar::all(int(110.0 * x / photo.cols)));
    photo -= shade;

    const RgbImage colour = enhance(viewOf(photo), EnhanceMode::Color);
    BOOST_TEST(colour.width == photo.cols);
    BOOST_TEST(colour.pixels.size() == size_t(photo.cols) * photo.rows * 3);
    const cv::Vec3b bgr = photo.at<cv::Vec3b>(10, 10);
    BOOST_TEST(int(colour.pixels[size_t(10 * photo.cols + 10) * 3]) == int(bgr[2])); // R first

    const RgbImage gray = enhance(viewOf(photo), EnhanceMode::Gray);
    bool equalChannels = true;
    for (size_t i = 0; i < gray.pixels.size(); i += 3)
        equalChannels &= gray.pixels[i] == gray.pixels[i + 1] && gray.pixels[i] == gray.pixels[i + 2];
    BOOST_TEST(equalChannels);

    const RgbImage bw = enhance(viewOf(photo), EnhanceMode::BlackWhite);
    size_t black = 0;
    bool binary = true;
    for (auto v : bw.pixels) {
        binary &= v == 0 || v == 255;
        black += v == 0;
    }
    BOOST_TEST(binary);
    BOOST_TEST(black > 0);
    BOOST_TEST(black < bw.pixels.size() / 4); // text, not the shaded background

    // Shadow removal flattens the background: compare the paper (not text) across the page.
    const RgbImage flat = enhance(viewOf(photo), EnhanceMode::ShadowRemoval);
    const cv::Mat f = asMat(flat);
    cv::Mat fg;
    cv::cvtColor(f, fg, cv::COLOR_RGB2GRAY);
    const cv::Rect leftPaper(20, 10, 60, 60), rightPaper(photo.cols - 80, 10, 60, 60);
    cv::Mat pg;
    cv::cvtColor(photo, pg, cv::COLOR_BGR2GRAY);
    const double before = cv::mean(pg(leftPaper))[0] - cv::mean(pg(rightPaper))[0];
    const double after = cv::mean(fg(leftPaper))[0] - cv::mean(fg(rightPaper))[0];
    std::cout << "shadow removal: paper brightness left-right " << before << " before, " << after
              << " after\n";
    BOOST_TEST(before > 80);
    BOOST_TEST(std::abs(after) < 12);
    cv::Scalar mean, stddev;
    cv::meanStdDev(fg(cv::Rect(0, 0, fg.cols, 80)), mean, stddev);
    BOOST_TEST(mean[0] > 220);
    BOOST_TEST(stddev[0] < 12);
}

BOOST_AUTO_TEST_CASE(empty_views) {
    BOOST_TEST(detectBlank(ImageView{}).blank);
    BOOST_TEST(warpToRectangle(ImageView{}, Quad{}).empty());
    BOOST_TEST(enhance(ImageView{}, EnhanceMode::Gray).empty());
    BOOST_TEST(deskew(ImageView{}, 3).empty());
}
