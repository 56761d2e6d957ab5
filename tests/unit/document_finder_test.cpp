#define BOOST_TEST_MODULE document_finder
// Document quads on generated photos (perspective, textured desk, clutter, lighting gradient,
// shadow, blur, JPEG, sometimes a pen across an edge) and flatbed scans (receipt on a dark
// lid, on a white lid, three receipts on one glass). Fixtures are rendered here with fixed
// seeds; the pass thresholds are the contract, the printed distribution is for tuning.
#include "core/imaging/DocumentFinder.h"
#include "core/imaging/LineSegments.h"
#include "core/imaging/PageRasterCv.h"
#include "tests/support/OfficePages.h"
#include "tests/support/PaperScenes.h"

#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

using namespace docdesk;
using namespace docdesk::imaging;

namespace {

using QuadF = std::array<cv::Point2f, 4>; // TL, TR, BR, BL

ImageView viewOf(const cv::Mat& m) {
    return {m.data, m.cols, m.rows, std::ptrdiff_t(m.step), m.channels()};
}

double area(const QuadF& q) {
    std::vector<cv::Point2f> p(q.begin(), q.end());
    return std::abs(cv::contourArea(p));
}

double iou(const QuadF& a, const Quad& b) {
    std::vector<cv::Point2f> pa(a.begin(), a.end()), pb, inter;
    for (const auto& p : b)
        pb.emplace_back(float(p.x), float(p.y));
    if (std::abs(cv::contourArea(pb)) <= 0)
        return 0;
    const double i = cv::intersectConvexConvex(pa, pb, inter, true);
    const double u = area(a) + std::abs(cv::contourArea(pb)) - i;
    return u > 0 ? i / u : 0;
}

// Every detected corner is nearest to the truth's corner with the same index.
bool cornersInOrder(const QuadF& truth, const Quad& found) {
    for (int i = 0; i < 4; ++i) {
        int nearest = 0;
        double best = 1e300;
        for (int j = 0; j < 4; ++j) {
            const double d = std::hypot(truth[j].x - found[i].x, truth[j].y - found[i].y);
            if (d < best) {
                best = d;
                nearest = j;
            }
        }
        if (nearest != i)
            return false;
    }
    return true;
}

std::string randomWord(cv::RNG& rng) {
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string w(size_t(rng.uniform(2, 9)), 'a');
    for (auto& c : w)
        c = letters[rng.uniform(0, int(sizeof(letters) - 1))];
    return w;
}

// A sheet with dark text lines; pxPerMm sets the rendering resolution.
cv::Mat renderSheet(cv::RNG& rng, int width, int height, cv::Scalar paper, double textScale) {
    cv::Mat sheet(height, width, CV_8UC3, paper);
    const int margin = std::max(12, width / 12);
    const int lineStep = std::max(10, int(28 * textScale));
    for (int y = margin + lineStep; y < height - margin; y += lineStep) {
        if (rng.uniform(0, 10) == 0)
            continue; // paragraph gap
        int x = margin + (rng.uniform(0, 6) == 0 ? rng.uniform(0, width / 4) : 0);
        const int end = width - margin - rng.uniform(0, width / 3);
        while (x < end) {
            const std::string w = randomWord(rng);
            int base = 0;
            const cv::Size s = cv::getTextSize(w, cv::FONT_HERSHEY_SIMPLEX, 0.7 * textScale, 2, &base);
            if (x + s.width > end)
                break;
            const int ink = rng.uniform(10, 70);
            cv::putText(sheet, w, {x, y}, cv::FONT_HERSHEY_SIMPLEX, 0.7 * textScale,
                        cv::Scalar(ink, ink, ink), textScale > 0.9 ? 2 : 1, cv::LINE_AA);
            x += s.width + int(10 * textScale);
        }
    }
    return sheet;
}

void addNoise(cv::RNG& rng, cv::Mat& image, double sigma) {
    cv::Mat noise(image.size(), image.type());
    rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(128), cv::Scalar::all(sigma));
    cv::addWeighted(image, 1, noise, 1, -128, image);
}

// A desk: base colour, wood-like stripes at a random angle, noise, clutter that is either
// coloured or dark (a grey card would be a legitimate document). Everything stays 8-bit:
// full-size float temporaries made the fixtures slower than the code under test.
cv::Mat renderDesk(cv::RNG& rng, int w, int h, int clutterCount) {
    const int kind = rng.uniform(0, 3);
    cv::Scalar base;
    if (kind == 0)
        base = cv::Scalar(rng.uniform(40, 80), rng.uniform(70, 110), rng.uniform(110, 160)); // wood
    else if (kind == 1) {
        const int g = rng.uniform(50, 150);
        base = cv::Scalar(g, g + rng.uniform(-10, 10), g + rng.uniform(-10, 10)); // grey desk
    } else
        base = cv::Scalar(rng.uniform(90, 150), rng.uniform(60, 100), rng.uniform(30, 70)); // blue
    cv::Mat desk(h, w, CV_8UC3, base);

    // Stripes: one row of a wavy profile around 128, repeated and rotated into the w x h frame.
    const int side = int(std::hypot(w, h)) + 4;
    cv::Mat row(1, side, CV_8U);
    const double period = rng.uniform(8.0, 40.0), phase = rng.uniform(0.0, 6.28);
    const double amp = rng.uniform(6.0, 22.0);
    double wobble = 0;
    for (int x = 0; x < side; ++x) {
        wobble += rng.gaussian(0.15);
        wobble *= 0.98;
        row.at<uchar>(0, x) =
            cv::saturate_cast<uchar>(128 + amp * std::sin(2 * CV_PI * x / period + phase + wobble));
    }
    cv::Mat stripes, rotated, s3;
    cv::repeat(row, side, 1, stripes);
    cv::Mat rot = cv::getRotationMatrix2D({float(side) / 2, float(side) / 2}, rng.uniform(0.0, 180.0), 1);
    rot.at<double>(0, 2) -= (side - w) / 2.0;
    rot.at<double>(1, 2) -= (side - h) / 2.0;
    cv::warpAffine(stripes, rotated, rot, {w, h});
    cv::cvtColor(rotated, s3, cv::COLOR_GRAY2BGR);
    cv::addWeighted(desk, 1, s3, 1, -128, desk);

    for (int i = 0; i < clutterCount; ++i) {
        const cv::RotatedRect r({float(rng.uniform(0, w)), float(rng.uniform(0, h))},
                                {float(rng.uniform(40, 320)), float(rng.uniform(20, 260))},
                                float(rng.uniform(0, 180)));
        cv::Point2f pf[4];
        r.points(pf);
        std::vector<cv::Point> pts(pf, pf + 4);
        cv::Scalar colour;
        if (rng.uniform(0, 2) == 0) {
            const int v = rng.uniform(10, 100);
            colour = cv::Scalar(v, v, v);
        } else {
            // Saturated: one channel high, one low.
            std::array<int, 3> c{rng.uniform(120, 230), rng.uniform(0, 70), rng.uniform(0, 230)};
            std::swap(c[0], c[size_t(rng.uniform(0, 3))]);
            colour = cv::Scalar(c[0], c[1], c[2]);
        }
        if (rng.uniform(0, 4) == 0)
            cv::ellipse(desk, r, colour, cv::FILLED, cv::LINE_AA);
        else
            cv::fillConvexPoly(desk, pts, colour, cv::LINE_AA);
    }
    addNoise(rng, desk, rng.uniform(4.0, 12.0));
    return desk;
}

// Lighting gradient (darker towards one side), a soft shadow, blur and JPEG. The light map is
// computed at 1/8 size and scaled up (it is smooth anyway).
cv::Mat photograph(cv::RNG& rng, const cv::Mat& scene, cv::Point2f shadowNear) {
    const int w = scene.cols, h = scene.rows, sw = w / 8, sh = h / 8;
    cv::Mat light(sh, sw, CV_32F);
    const double angle = rng.uniform(0.0, 2 * CV_PI), strength = rng.uniform(0.15, 0.4);
    const double cx = std::cos(angle), cy = std::sin(angle);
    for (int y = 0; y < sh; ++y)
        for (int x = 0; x < sw; ++x)
            light.at<float>(y, x) =
                float(1 - strength * (0.5 + cx * (x - sw / 2.0) / sw + cy * (y - sh / 2.0) / sh));

    // Shadow: a blurred polygon near a page corner (a hand, a phone), darkening by 20-40 %.
    cv::Mat shadow = cv::Mat::zeros(sh, sw, CV_32F);
    std::vector<cv::Point> poly;
    const float r = float(rng.uniform(120, 360));
    for (int k = 0; k < 5; ++k) {
        const double a = k * 2 * CV_PI / 5 + rng.uniform(-0.3, 0.3);
        poly.emplace_back(int((shadowNear.x + r * std::cos(a) + rng.uniform(-200, 200)) / 8),
                          int((shadowNear.y + r * std::sin(a) + rng.uniform(-200, 200)) / 8));
    }
    cv::fillConvexPoly(shadow, poly, cv::Scalar(rng.uniform(0.2, 0.4)));
    cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), rng.uniform(1.0, 3.75));
    light = light.mul(1.0 - shadow);

    cv::Mat light8, full, l3, out;
    light.convertTo(light8, CV_8U, 255);
    cv::resize(light8, full, scene.size(), 0, 0, cv::INTER_LINEAR);
    cv::cvtColor(full, l3, cv::COLOR_GRAY2BGR);
    cv::multiply(scene, l3, out, 1 / 255.0);
    cv::GaussianBlur(out, out, cv::Size(0, 0), rng.uniform(0.7, 1.8));
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", out, jpeg, {cv::IMWRITE_JPEG_QUALITY, rng.uniform(60, 86)});
    return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

// Pastes `sheet` into `scene` with its corners at `quad` (the later blur softens the border).
void paste(cv::Mat& scene, const cv::Mat& sheet, const QuadF& quad) {
    const std::array<cv::Point2f, 4> src{cv::Point2f(0, 0), cv::Point2f(float(sheet.cols), 0),
                                         cv::Point2f(float(sheet.cols), float(sheet.rows)),
                                         cv::Point2f(0, float(sheet.rows))};
    const cv::Mat hm = cv::getPerspectiveTransform(src.data(), quad.data());
    cv::warpPerspective(sheet, scene, hm, scene.size(), cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
}

struct Photo {
    cv::Mat image;
    QuadF truth;
    bool pen = false;
};

Photo makePhoto(unsigned seed) {
    cv::RNG rng(seed * 7919u + 13u);
    const int w = 1600, h = 1200;
    Photo ph;
    cv::Mat scene = renderDesk(rng, w, h, rng.uniform(3, 10));

    const bool receipt = rng.uniform(0, 3) == 0;
    const double mmW = receipt ? 80 : 210, mmH = receipt ? rng.uniform(150.0, 300.0) : 297;
    const int paper = rng.uniform(225, 252);
    const cv::Mat sheet =
        renderSheet(rng, int(mmW * 3), int(mmH * 3),
                    cv::Scalar(paper - rng.uniform(0, 12), paper - rng.uniform(0, 6), paper), 1.0);
    for (int attempt = 0;; ++attempt) {
        const double frac = rng.uniform(receipt ? 0.1 : 0.18, receipt ? 0.25 : 0.5);
        const double aspect = mmW / mmH;
        const double ph_ = std::sqrt(frac * w * h / aspect), pw = aspect * ph_;
        const double angle = rng.uniform(-30.0, 30.0) * CV_PI / 180;
        const cv::Point2d c(w / 2.0 + rng.uniform(-0.12, 0.12) * w, h / 2.0 + rng.uniform(-0.12, 0.12) * h);
        const std::array<cv::Point2d, 4> local{cv::Point2d(-pw / 2, -ph_ / 2), cv::Point2d(pw / 2, -ph_ / 2),
                                               cv::Point2d(pw / 2, ph_ / 2), cv::Point2d(-pw / 2, ph_ / 2)};
        const double jitter = 0.07 * std::min(pw, ph_);
        bool inside = true;
        for (int i = 0; i < 4; ++i) {
            const cv::Point2d p(local[i].x * std::cos(angle) - local[i].y * std::sin(angle),
                                local[i].x * std::sin(angle) + local[i].y * std::cos(angle));
            ph.truth[i] = cv::Point2f(float(c.x + p.x + rng.uniform(-jitter, jitter)),
                                      float(c.y + p.y + rng.uniform(-jitter, jitter)));
            inside &=
                ph.truth[i].x > 20 && ph.truth[i].y > 20 && ph.truth[i].x < w - 20 && ph.truth[i].y < h - 20;
        }
        if (inside || attempt > 50)
            break;
    }
    paste(scene, sheet, ph.truth);

    ph.pen = rng.uniform(0, 2) == 0;
    if (ph.pen) {
        const int side = rng.uniform(0, 4);
        const cv::Point2f a = ph.truth[size_t(side)], b = ph.truth[size_t((side + 1) % 4)];
        const cv::Point2f p = a + (b - a) * float(rng.uniform(0.2, 0.8));
        const cv::Point2f d = b - a;
        const double sideAngle = std::atan2(d.y, d.x);
        const double penAngle = sideAngle + CV_PI / 2 + rng.uniform(-0.9, 0.9);
        const float len = float(rng.uniform(220, 420));
        const cv::Point2f dir(float(std::cos(penAngle)), float(std::sin(penAngle)));
        const cv::Point2f centre = p + dir * (len * float(rng.uniform(-0.3, 0.3)));
        const cv::RotatedRect pen(centre, {len, float(rng.uniform(9, 17))}, float(penAngle * 180 / CV_PI));
        cv::Point2f pf[4];
        pen.points(pf);
        std::vector<cv::Point> pts(pf, pf + 4);
        const int ink = rng.uniform(10, 60);
        cv::fillConvexPoly(scene, pts, cv::Scalar(ink + rng.uniform(0, 60), ink, ink), cv::LINE_AA);
    }
    ph.image = photograph(rng, scene, ph.truth[size_t(rng.uniform(0, 4))]);
    return ph;
}

void dump(const std::string& name, const cv::Mat& image, const QuadF& truth,
          const std::vector<DocumentCandidate>& found) {
    const char* dir = std::getenv("DOCDESK_DOCFIND_DUMP");
    if (!dir)
        return;
    cv::Mat out = image.clone();
    std::vector<cv::Point> t(truth.begin(), truth.end());
    cv::polylines(out, t, true, cv::Scalar(0, 255, 0), 2);
    for (size_t k = 0; k < found.size(); ++k) {
        std::vector<cv::Point> f;
        for (const auto& p : found[k].corners)
            f.emplace_back(int(p.x), int(p.y));
        cv::polylines(out, f, true, k == 0 ? cv::Scalar(0, 0, 255) : cv::Scalar(255, 0, 255), 2);
        cv::putText(out, std::to_string(found[k].score).substr(0, 4), f[0], cv::FONT_HERSHEY_SIMPLEX, 1,
                    cv::Scalar(0, 0, 255), 2);
    }
    const double f = 800.0 / std::max(out.cols, out.rows);
    cv::resize(out, out, cv::Size(), f, f, cv::INTER_AREA);
    cv::imwrite(std::string(dir) + "/" + name + ".jpg", out);
}

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// A flatbed scan at 200 dpi: receipts (each given by centre, size, angle) on a lid.
struct Scan {
    cv::Mat image;
    std::vector<QuadF> truths;
};

Scan makeScan(unsigned seed, bool whiteLid, int receipts) {
    cv::RNG rng(seed * 104729u + 7u);
    const int w = 1700, h = 2340;
    Scan scan;
    const int lid = whiteLid ? rng.uniform(246, 253) : rng.uniform(15, 45);
    cv::Mat scene(h, w, CV_8UC3, cv::Scalar(lid, lid, lid));
    // Slots so several receipts never overlap: split the glass into `receipts` columns.
    for (int r = 0; r < receipts; ++r) {
        const int slotW = w / receipts;
        const int rw = std::min(slotW - 120, rng.uniform(430, 640));
        const int rh = rng.uniform(receipts > 1 ? 700 : 900, receipts > 1 ? 1500 : 1900);
        const cv::Point2f c(float(slotW * r + slotW / 2 + rng.uniform(-20, 20)),
                            float(h / 2 + rng.uniform(-200, 200)));
        const float angle = float(rng.uniform(-5.0, 5.0));
        cv::Mat sheet;
        if (whiteLid) {
            const int paper = rng.uniform(228, 240);
            sheet = renderSheet(rng, rw, rh, cv::Scalar(paper - rng.uniform(2, 8), paper - 2, paper), 0.8);
        } else {
            const int paper = rng.uniform(215, 250);
            sheet = renderSheet(rng, rw, rh, cv::Scalar(paper - 5, paper, paper), 0.8);
        }
        const cv::RotatedRect rr(c, {float(rw), float(rh)}, angle);
        cv::Point2f pf[4];
        rr.points(pf); // bottomLeft, topLeft, topRight, bottomRight
        QuadF q{pf[1], pf[2], pf[3], pf[0]};
        if (whiteLid) {
            // A faint shadow along two edges where the paper does not lie flat.
            QuadF shadow = q;
            for (auto& p : shadow)
                p += cv::Point2f(3.5f, 3.5f);
            const int dark = lid - rng.uniform(20, 40);
            paste(scene, cv::Mat(rh, rw, CV_8UC3, cv::Scalar(dark, dark, dark)), shadow);
        }
        paste(scene, sheet, q);
        scan.truths.push_back(q);
    }
    addNoise(rng, scene, whiteLid ? 2.0 : 4.0);
    cv::GaussianBlur(scene, scene, cv::Size(0, 0), 0.8);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", scene, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
    scan.image = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    return scan;
}

void checkScan(const Scan& scan, const std::string& name) {
    const auto found = findDocuments(viewOf(scan.image));
    BOOST_TEST_INFO("case " << name);
    BOOST_TEST(found.size() >= scan.truths.size());
    for (size_t t = 0; t < scan.truths.size(); ++t) {
        double best = 0;
        const DocumentCandidate* match = nullptr;
        for (const auto& f : found) {
            const double v = iou(scan.truths[t], f.corners);
            if (v > best) {
                best = v;
                match = &f;
            }
        }
        std::cout << name << " receipt " << t << ": IoU " << best << " score " << (match ? match->score : 0)
                  << "\n";
        BOOST_TEST_INFO("case " << name << " receipt " << t);
        BOOST_TEST(best >= 0.9);
        if (match)
            BOOST_TEST(cornersInOrder(scan.truths[t], match->corners));
    }
    if (!scan.truths.empty())
        dump(name, scan.image, scan.truths[0], found);
}

} // namespace

BOOST_AUTO_TEST_CASE(photos_of_pages_and_receipts_on_cluttered_desks) {
    constexpr int kPhotos = 120;
    std::vector<double> ious, millis;
    double generating = 0;
    int failures = 0, penFailures = 0, pens = 0, misordered = 0;
    const char* only = std::getenv("DOCDESK_DOCFIND_ONLY"); // debugging one photo
    for (int i = 0; i < kPhotos; ++i) {
        if (only && std::atoi(only) != i + 1)
            continue;
        const auto g0 = std::chrono::steady_clock::now();
        const Photo ph = makePhoto(unsigned(i + 1));
        const auto t0 = std::chrono::steady_clock::now();
        generating += std::chrono::duration<double>(t0 - g0).count();
        const auto found = findDocuments(viewOf(ph.image));
        millis.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        const double v = found.empty() ? 0 : iou(ph.truth, found.front().corners);
        ious.push_back(v);
        pens += ph.pen;
        if (v < 0.95) {
            ++failures;
            penFailures += ph.pen;
            std::cout << "photo " << i + 1 << (ph.pen ? " (pen)" : "") << ": IoU " << v << ", "
                      << found.size() << " candidates\n";
            dump("photo" + std::to_string(i + 1), ph.image, ph.truth, found);
        } else {
            misordered += !cornersInOrder(ph.truth, found.front().corners);
            BOOST_TEST(found.front().score > 0.5);
            BOOST_TEST(found.front().score <= 1.0);
        }
    }
    std::cout << "photos: " << kPhotos << ", IoU >= 0.95: " << kPhotos - failures << " (" << failures
              << " failures, " << penFailures << " of them with a pen; " << pens << " photos had a pen)\n"
              << "IoU min " << *std::min_element(ious.begin(), ious.end()) << ", median " << median(ious)
              << "; findDocuments median " << median(millis) << " ms per 1600x1200 photo (fixtures took "
              << generating << " s)\n";
    BOOST_TEST(failures <= kPhotos * 5 / 100);
    BOOST_TEST(misordered == 0);
}

BOOST_AUTO_TEST_CASE(receipt_on_a_dark_lid) {
    for (unsigned s = 1; s <= 4; ++s)
        checkScan(makeScan(s, false, 1), "dark-lid-" + std::to_string(s));
}

BOOST_AUTO_TEST_CASE(off_white_receipt_on_a_white_lid) {
    for (unsigned s = 1; s <= 4; ++s)
        checkScan(makeScan(s, true, 1), "white-lid-" + std::to_string(s));
}

BOOST_AUTO_TEST_CASE(three_receipts_on_one_glass_give_three_quads) {
    for (unsigned s = 1; s <= 4; ++s)
        checkScan(makeScan(s, false, 3), "three-receipts-" + std::to_string(s));
}

BOOST_AUTO_TEST_CASE(a_300_dpi_scan_of_a_receipt) {
    // The flatbed fixture scaled from 200 to 300 dpi (2550 x 3510), for the timing figure.
    const Scan scan = makeScan(9, false, 1);
    cv::Mat big;
    cv::resize(scan.image, big, cv::Size(), 1.5, 1.5, cv::INTER_LINEAR);
    QuadF truth = scan.truths[0];
    for (auto& p : truth)
        p = (p + cv::Point2f(0.5f, 0.5f)) * 1.5f - cv::Point2f(0.5f, 0.5f);
    std::vector<double> millis;
    std::vector<DocumentCandidate> found;
    for (int i = 0; i < 7; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        found = findDocuments(viewOf(big));
        millis.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::cout << "findDocuments median " << median(millis) << " ms on a 300-dpi page (" << big.cols << "x"
              << big.rows << ")\n";
    BOOST_REQUIRE(!found.empty());
    BOOST_TEST(iou(truth, found.front().corners) >= 0.95);
}

BOOST_AUTO_TEST_CASE(grey_input_works_too) {
    const Photo ph = makePhoto(4242);
    cv::Mat grey;
    cv::cvtColor(ph.image, grey, cv::COLOR_BGR2GRAY);
    const auto found = findDocuments(viewOf(grey));
    BOOST_REQUIRE(!found.empty());
    BOOST_TEST(iou(ph.truth, found.front().corners) >= 0.9);
    // With the picture's half handed over (as the page analysis does): the same quads.
    cv::Mat half;
    cv::resize(grey(cv::Rect(0, 0, grey.cols & ~1, grey.rows & ~1)), half,
               cv::Size(grey.cols / 2, grey.rows / 2), 0, 0, cv::INTER_AREA);
    const auto fromHalf = findDocuments(viewOf(grey), viewOf(half));
    BOOST_TEST_REQUIRE(fromHalf.size() == found.size());
    for (size_t i = 0; i < found.size(); ++i)
        for (size_t c = 0; c < 4; ++c)
            BOOST_TEST(fromHalf[i].corners[c].y == found[i].corners[c].y);
}

BOOST_AUTO_TEST_CASE(a_desk_without_a_document_gives_nothing_confident) {
    for (unsigned s = 1; s <= 6; ++s) {
        cv::RNG rng(s * 31u);
        const cv::Mat desk = renderDesk(rng, 1600, 1200, rng.uniform(3, 10));
        const cv::Mat photo = photograph(rng, desk, {800, 600});
        const auto found = findDocuments(viewOf(photo));
        std::cout << "no document " << s << ": " << found.size() << " candidates, best score "
                  << (found.empty() ? 0.0 : found.front().score) << "\n";
        dump("nodoc" + std::to_string(s), photo, QuadF{}, found);
        BOOST_TEST((found.empty() || found.front().score < 0.6));
    }
}

BOOST_AUTO_TEST_CASE(degenerate_inputs) {
    BOOST_TEST(findDocuments(ImageView{}).empty());
    const cv::Mat flat(300, 400, CV_8UC1, cv::Scalar(128));
    BOOST_TEST(findDocuments(viewOf(flat)).empty());
    const cv::Mat tiny(8, 8, CV_8UC3, cv::Scalar(255, 255, 255));
    BOOST_TEST(findDocuments(viewOf(tiny)).empty());
}

// Generated paper (a receipt, a letter) on the realistic backgrounds of tests/support/PaperScenes,
// two seeds per category: the main document (or, with several receipts, each one) is found.
// tests/bench/crop_eval runs the same scenes with the corpus' real paper and prints the figures.
// Known weakness, measured here: a generated receipt on a white lid, whose only edge is a faint
// lamp shadow with no print near it, is found only sometimes (mean IoU 0.38 and 0.70 for the
// two white-lid categories); the bar for those two is set just below, so a regression shows.
BOOST_AUTO_TEST_CASE(realistic_scenes_from_generated_paper) {
    for (const auto kind : docdesk::test::allSceneKinds()) {
        double sum = 0;
        int n = 0;
        for (std::uint32_t seed = 7; seed < 9; ++seed) {
            const auto scene = docdesk::test::makeScene(kind, {}, {}, seed);
            const auto found = findDocuments(viewOf(scene.image));
            for (const auto& truth : scene.truth) {
                double best = 0;
                for (const auto& f : found) {
                    QuadF q;
                    for (size_t i = 0; i < 4; ++i)
                        q[i] = cv::Point2f(float(f.corners[i].x), float(f.corners[i].y));
                    best = std::max(best,
                                    docdesk::test::clippedIoU(truth, q, scene.image.cols, scene.image.rows));
                }
                sum += best;
                ++n;
            }
            BOOST_TEST_INFO(docdesk::test::sceneName(kind) << " seed " << seed);
            BOOST_TEST((!found.empty() || kind == docdesk::test::SceneKind::FlatbedWhite));
        }
        std::cout << docdesk::test::sceneName(kind) << ": mean IoU " << sum / n << "\n";
        const bool whiteLid = kind == docdesk::test::SceneKind::FlatbedWhite ||
                              kind == docdesk::test::SceneKind::SeveralReceipts;
        BOOST_TEST_INFO(docdesk::test::sceneName(kind));
        BOOST_TEST(sum / n >= (whiteLid ? 0.35 : 0.9));
    }
}

// A full-page scan (text, a ruled table, a signature line) is not a page on a background:
// nothing inside it is reported as the document, so auto-crop never cuts a letter to its table.
BOOST_AUTO_TEST_CASE(a_full_page_scan_is_not_cut_to_its_table) {
    cv::Mat page(3508, 2480, CV_8UC3, cv::Scalar(246, 246, 246));
    cv::RNG rng(77);
    for (int y = 300; y < 1200; y += 70)
        cv::putText(page, "Sehr geehrte Damen und Herren, anbei die Rechnung " + std::to_string(y), {250, y},
                    cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar::all(30), 3, cv::LINE_AA);
    const cv::Rect table(250, 1400, 1980, 1200);
    cv::rectangle(page, table, cv::Scalar::all(20), 5);
    for (int y = table.y + 150; y < table.br().y; y += 150)
        cv::line(page, {table.x, y}, {table.br().x, y}, cv::Scalar::all(20), 3);
    for (int x = table.x + 500; x < table.br().x; x += 500)
        cv::line(page, {x, table.y}, {x, table.br().y}, cv::Scalar::all(20), 3);
    for (int y = 2800; y < 3300; y += 70)
        cv::putText(page, "Mit freundlichen Gruessen " + std::to_string(rng.uniform(0, 999)), {250, y},
                    cv::FONT_HERSHEY_SIMPLEX, 1.6, cv::Scalar::all(30), 3, cv::LINE_AA);
    const auto found = findDocuments(viewOf(page));
    for (const auto& f : found) {
        const QuadF tableQuad{cv::Point2f(float(table.x), float(table.y)),
                              cv::Point2f(float(table.br().x), float(table.y)),
                              cv::Point2f(float(table.br().x), float(table.br().y)),
                              cv::Point2f(float(table.x), float(table.br().y))};
        BOOST_TEST(iou(tableQuad, f.corners) < 0.5);
    }
}

// Feeder scans turned by up to 2.5 degrees, the scanner's background showing in thin wedges
// along the page's sides (the benchmark's office mail: letterhead, text, a table, a stamp,
// codes). Whatever is found must hold all the print and all the page: a table's rule with the next paragraph
// below it, or the left margin of the text, is no side of a sheet (the finder once cut a third
// of such pages away at the table).
BOOST_AUTO_TEST_CASE(skewed_feeder_scans_keep_all_their_print) {
    int skewed = 0;
    for (int index = 1; index < 60; index += 4) {
        const test::OfficePage page = test::makeOfficePage(index);
        BOOST_TEST_REQUIRE(page.skewDegrees != 0);
        ++skewed;
        cv::Mat print;
        cv::compare(page.grey, 128, print, cv::CMP_LT);
        const int all = cv::countNonZero(print);
        const auto found = findDocuments(viewOf(page.grey));
        // The page analysis hands the finder the page's half: the same result.
        cv::Mat half;
        cv::resize(page.grey, half, cv::Size(page.grey.cols / 2, page.grey.rows / 2), 0, 0, cv::INTER_AREA);
        const auto fromHalf = findDocuments(viewOf(page.grey), viewOf(half));
        BOOST_TEST_REQUIRE(fromHalf.size() == found.size());
        for (size_t i = 0; i < found.size(); ++i)
            for (size_t c = 0; c < 4; ++c)
                BOOST_TEST(fromHalf[i].corners[c].x == found[i].corners[c].x);
        if (found.empty())
            continue; // the whole picture is the page
        cv::Mat inside = cv::Mat::zeros(page.grey.size(), CV_8U);
        std::vector<cv::Point> corners;
        for (const auto& c : found.front().corners)
            corners.emplace_back(int(std::lround(c.x)), int(std::lround(c.y)));
        cv::fillConvexPoly(inside, corners, 255);
        cv::dilate(inside, inside, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(9, 9)));
        cv::Mat outside;
        cv::bitwise_and(print, ~inside, outside);
        const double lost = double(cv::countNonZero(outside)) / std::max(1, all);
        BOOST_TEST_INFO("page " << index << ", skew " << page.skewDegrees << " degrees");
        BOOST_TEST(lost < 0.001);
        // ... and is the page itself: all of the picture but the wedges.
        BOOST_TEST(double(cv::countNonZero(inside)) > 0.97 * double(page.grey.total()));
    }
    BOOST_TEST(skewed == 15);
}

// --- An open book: the facing page lies over the page's inner side ----------------------------

namespace {

// Lines of dark "words" across the quad's inside, from its left to its right margin.
void printText(cv::Mat& img, const std::array<cv::Point2f, 4>& q, cv::RNG& rng) {
    for (float v = 0.08f; v < 0.92f; v += 0.035f) {
        const cv::Point2f left = q[0] + (q[3] - q[0]) * v, right = q[1] + (q[2] - q[1]) * v;
        for (float u = 0.1f; u < 0.9f;) {
            const float len = float(rng.uniform(0.03, 0.1));
            cv::line(img, left + (right - left) * u, left + (right - left) * std::min(0.9f, u + len),
                     cv::Scalar::all(45), 9, cv::LINE_AA);
            u += len + 0.02f;
        }
    }
}

// A phone photo's 1080 x 1920 of a blue desk with a printed page on it.
cv::Mat pageOnDesk(const std::array<cv::Point2f, 4>& page, cv::Scalar paper, cv::RNG& rng) {
    cv::Mat img(1920, 1080, CV_8UC3, cv::Scalar(150, 45, 25));
    std::vector<cv::Point> outline(page.begin(), page.end());
    cv::fillConvexPoly(img, outline, paper, cv::LINE_AA);
    printText(img, page, rng);
    return img;
}

cv::Mat finished(cv::Mat img, int seed) {
    cv::GaussianBlur(img, img, {}, 1.2);
    cv::Mat noise(img.size(), CV_16SC3);
    cv::RNG(unsigned(seed)).fill(noise, cv::RNG::NORMAL, 0, 4);
    cv::Mat noisy;
    img.convertTo(noisy, CV_16SC3);
    cv::add(noisy, noise, noisy);
    noisy.convertTo(img, CV_8UC3);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
    return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

} // namespace

// A phone photo of an open book from above, as real ones look: the right-hand page whole on a
// blue desk, the left-hand page curling up out of the gutter over the right page's inner edge
// and running off the picture. The document is the right-hand page, from its outer edge to
// where the facing page covers it; not both pages together, not its block of text.
BOOST_AUTO_TEST_CASE(an_open_books_page_ends_where_the_facing_page_covers_it) {
    cv::RNG rng(5);
    cv::Mat img = pageOnDesk(
        {cv::Point2f(200, 220), cv::Point2f(990, 180), cv::Point2f(980, 1660), cv::Point2f(160, 1630)},
        cv::Scalar(190, 222, 236), rng);
    // The facing page: its edge along the gutter lies a little inside the right-hand page.
    const std::vector<cv::Point> facing{{-60, 140},  {120, 60},   {215, 190}, {222, 700},
                                        {205, 1300}, {178, 1650}, {90, 1790}, {-60, 1840}};
    cv::fillPoly(img, std::vector<std::vector<cv::Point>>{facing}, cv::Scalar(228, 240, 246), cv::LINE_AA);
    for (int y = 260; y < 1620; y += 48)
        for (int x = 10; x < 170; x += rng.uniform(40, 70))
            cv::line(img, {x, y}, {std::min(x + rng.uniform(20, 45), 200), y}, cv::Scalar::all(50), 9,
                     cv::LINE_AA);
    img = finished(img, 6);
    // The visible page: its top and bottom edges end at the facing page's edge.
    const QuadF visible{cv::Point2f(216, 219), cv::Point2f(990, 180), cv::Point2f(980, 1660),
                        cv::Point2f(177, 1631)};
    const auto found = findDocuments(viewOf(img));
    BOOST_TEST_REQUIRE(!found.empty());
    BOOST_TEST_INFO(found[0].corners[0].x << "," << found[0].corners[0].y << " " << found[0].corners[3].x
                                          << "," << found[0].corners[3].y);
    BOOST_TEST(iou(visible, found[0].corners) >= 0.95);
}

// The real photos of ../shared/corpus/documents (a book, a card, pages and a receipt on dark
// desks; skipped when the corpus is absent): the main document is the one marked, IoU >= 0.9
// each, as issue 15 asks. tests/bench/crop_eval prints the same figures.
BOOST_AUTO_TEST_CASE(the_real_photos_of_the_corpus_are_found) {
    const std::filesystem::path corpus = "/work/shared/corpus/documents";
    if (!std::filesystem::exists(corpus / "expected.json")) {
        BOOST_TEST_MESSAGE("skipped: " << corpus << " is absent");
        return;
    }
    const auto expected = nlohmann::json::parse(std::ifstream(corpus / "expected.json"));
    int photos = 0;
    for (const auto& [path, entry] : expected.at("images").items()) {
        const cv::Mat image = cv::imread((corpus / path).string(), cv::IMREAD_COLOR);
        BOOST_TEST_INFO(path);
        BOOST_TEST_REQUIRE(!image.empty());
        const auto& q = entry.at("quads").at(0);
        QuadF truth;
        for (size_t i = 0; i < 4; ++i)
            truth[i] = cv::Point2f(q[i][0].get<float>(), q[i][1].get<float>());
        const auto found = findDocuments(viewOf(image));
        BOOST_TEST_INFO(path);
        BOOST_TEST_REQUIRE(!found.empty());
        const double v = iou(truth, found[0].corners);
        std::cout << path << ": IoU " << v << "\n";
        BOOST_TEST_INFO(path);
        BOOST_TEST(v >= 0.9);
        ++photos;
    }
    BOOST_TEST(photos >= 5);
}

// What the rule above must not do: a pen lying across a page on a desk interrupts both of its
// long edges, which go on beyond it with the desk beside them. The page stays whole.
BOOST_AUTO_TEST_CASE(a_pen_across_a_page_does_not_cut_it) {
    const std::array<cv::Point2f, 4> page{cv::Point2f(160, 200), cv::Point2f(950, 170),
                                          cv::Point2f(970, 1680), cv::Point2f(140, 1700)};
    cv::RNG rng(9);
    cv::Mat img = pageOnDesk(page, cv::Scalar(235, 238, 240), rng);
    cv::line(img, {40, 1100}, {1060, 1040}, cv::Scalar(30, 30, 30), 12, cv::LINE_AA); // the pen
    img = finished(img, 10);
    const QuadF whole{page[0], page[1], page[2], page[3]};
    const auto found = findDocuments(viewOf(img));
    BOOST_TEST_REQUIRE(!found.empty());
    BOOST_TEST(iou(whole, found[0].corners) >= 0.95);
}

// --- The line segment detector the long-edge proposals use (core/imaging/LineSegments.h) ---

namespace {

std::vector<imaging::detail::LineSegment> segmentsOf(const cv::Mat& grey) {
    return imaging::detail::detectLineSegments(grey.data, grey.cols, grey.rows, std::ptrdiff_t(grey.step));
}

double lengthOf(const imaging::detail::LineSegment& s) {
    return std::hypot(s.x2 - s.x1, s.y2 - s.y1);
}

// Distance of p from the line through a and b.
double offLine(cv::Point2f p, cv::Point2f a, cv::Point2f b) {
    const cv::Point2f d = b - a;
    return std::abs(d.x * (p.y - a.y) - d.y * (p.x - a.x)) / std::hypot(d.x, d.y);
}

} // namespace

// A sheet turned by 7 degrees on a darker desk, a little blurred, with sensor noise: segments
// lying on each of its four sides cover nearly all of it (the noise breaks a side into a few
// pieces, which the finder joins), and none of them twice.
BOOST_AUTO_TEST_CASE(line_segments_lie_on_the_sides_of_a_sheet) {
    cv::Mat grey(360, 480, CV_8UC1, cv::Scalar(70));
    const cv::RotatedRect sheet({240, 180}, {300, 200}, 7);
    cv::Point2f c[4];
    sheet.points(c);
    std::vector<cv::Point> outline;
    for (const auto& p : c)
        outline.emplace_back(cvRound(p.x), cvRound(p.y));
    cv::fillConvexPoly(grey, outline, cv::Scalar(205), cv::LINE_AA);
    cv::GaussianBlur(grey, grey, {}, 1.0); // a lens
    cv::Mat noise(grey.size(), CV_16SC1);
    cv::RNG(11).fill(noise, cv::RNG::NORMAL, 0, 2);
    cv::Mat noisy;
    grey.convertTo(noisy, CV_16SC1);
    cv::add(noisy, noise, noisy);
    noisy.convertTo(grey, CV_8UC1);
    const auto segments = segmentsOf(grey);
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f a(float(outline[size_t(i)].x), float(outline[size_t(i)].y));
        const cv::Point2f b(float(outline[size_t(i + 1) % 4].x), float(outline[size_t(i + 1) % 4].y));
        double covered = 0;
        for (const auto& s : segments)
            if (offLine({s.x1, s.y1}, a, b) < 1.5 && offLine({s.x2, s.y2}, a, b) < 1.5)
                covered += lengthOf(s);
        BOOST_TEST_INFO("side " << i);
        BOOST_TEST(covered > 0.85 * cv::norm(b - a));
        BOOST_TEST(covered < 1.05 * cv::norm(b - a));
    }
}

// The same segments as OpenCV's implementation of the same method (standard refinement) on a
// realistic scene: the ordering of equal gradients may differ, the segments found hardly do.
BOOST_AUTO_TEST_CASE(line_segments_match_opencvs_detector) {
    for (const auto kind : {docdesk::test::SceneKind::PhotoClutter, docdesk::test::SceneKind::FlatbedWhite}) {
        const auto scene = docdesk::test::makeScene(kind, {}, {}, 5);
        cv::Mat grey;
        cv::cvtColor(scene.image, grey, cv::COLOR_BGR2GRAY);
        cv::resize(grey, grey, {}, 0.25, 0.25, cv::INTER_AREA);
        std::vector<cv::Vec4f> reference;
        cv::createLineSegmentDetector(cv::LSD_REFINE_STD, 1.0, 0.6, 1.2)->detect(grey, reference);
        double referenceLength = 0, ownLength = 0;
        for (const auto& s : reference)
            referenceLength += std::max(0.0, double(std::hypot(s[2] - s[0], s[3] - s[1])) - 10);
        for (const auto& s : segmentsOf(grey))
            ownLength += std::max(0.0, lengthOf(s) - 10.0);
        BOOST_TEST_INFO(docdesk::test::sceneName(kind) << ": " << ownLength << " vs " << referenceLength);
        BOOST_TEST(referenceLength > 500);
        BOOST_TEST(std::abs(ownLength - referenceLength) < 0.03 * referenceLength);
    }
}

BOOST_AUTO_TEST_CASE(line_segments_of_degenerate_pictures) {
    BOOST_TEST(imaging::detail::detectLineSegments(nullptr, 10, 10, 10).empty());
    const cv::Mat one(1, 1, CV_8UC1, cv::Scalar(9)), flat(50, 70, CV_8UC1, cv::Scalar(128));
    BOOST_TEST(segmentsOf(one).empty());
    BOOST_TEST(segmentsOf(flat).empty());
    cv::Mat noise(200, 200, CV_8UC1);
    cv::RNG(3).fill(noise, cv::RNG::UNIFORM, 0, 256);
    for (const auto& s : segmentsOf(noise))
        BOOST_TEST(lengthOf(s) < 12);
    // One step between two rows: one segment along it, between the rows' centres, end to end.
    cv::Mat step(40, 60, CV_8UC1, cv::Scalar(0));
    step.rowRange(20, 40).setTo(200);
    const auto segments = segmentsOf(step);
    BOOST_TEST_REQUIRE(segments.size() == 1u);
    BOOST_TEST(std::abs(segments[0].y1 - 19.5) < 0.1);
    BOOST_TEST(std::abs(segments[0].y2 - 19.5) < 0.1);
    BOOST_TEST(lengthOf(segments[0]) > 57);
}

// The finder's own area averaging (detail::areaShrunk) gives OpenCV's INTER_AREA result, up to
// rounding, for every shrink by less than two it is used for, and OpenCV's for the others.
BOOST_AUTO_TEST_CASE(area_shrinking_matches_opencv) {
    cv::RNG random(15);
    for (const cv::Size from :
         {cv::Size(1240, 1754), cv::Size(1241, 1753), cv::Size(700, 500), cv::Size(3, 3), cv::Size(5, 9)}) {
        cv::Mat grey(from, CV_8UC1);
        random.fill(grey, cv::RNG::UNIFORM, 0, 256); // noise: every tap weighs
        cv::putText(grey, "Area", {2, from.height / 2}, cv::FONT_HERSHEY_SIMPLEX, 3, cv::Scalar(0), 9);
        for (const cv::Size to :
             {cv::Size(from.width * 73 / 100, from.height * 73 / 100),
              cv::Size(from.width / 2 + 1, from.height - 1), cv::Size(from.width / 3, from.height / 3)}) {
            if (to.width < 1 || to.height < 1)
                continue;
            cv::Mat expected;
            cv::resize(grey, expected, to, 0, 0, cv::INTER_AREA);
            const cv::Mat got = detail::areaShrunk(grey, to);
            BOOST_REQUIRE(got.size() == to);
            double worst = 0;
            cv::minMaxLoc(cv::abs(cv::Mat_<int>(got) - cv::Mat_<int>(expected)), nullptr, &worst);
            BOOST_TEST(worst <= 1, from << " -> " << to << ": differs by " << worst);
        }
    }
}
