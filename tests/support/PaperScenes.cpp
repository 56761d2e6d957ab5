#include "tests/support/PaperScenes.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

// How a scene is made: the sheet is warped (rotation, and for photos perspective) onto a
// background at full resolution; the sheet casts a soft shadow on a desk, or a thin lamp
// shadow along its edges on a white lid; then lighting (gradient, a shadow blob), blur, noise
// and JPEG act on the whole picture, as they do in a camera or scanner.

namespace docdesk::test {
namespace fs = std::filesystem;

namespace {

using Rng = std::mt19937;

double uni(Rng& rng, double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
}
int pick(Rng& rng, int n) {
    return std::uniform_int_distribution<int>(0, n - 1)(rng);
}
bool chance(Rng& rng, double p) {
    return uni(rng, 0, 1) < p;
}

cv::Mat noiseField(Rng& rng, cv::Size size, double sigma, double blur) {
    cv::Mat n(size, CV_32F);
    cv::theRNG().state = rng() | 1u;
    cv::randn(n, 0, sigma);
    if (blur > 0)
        cv::GaussianBlur(n, n, cv::Size(0, 0), blur);
    return n;
}

// A background of the given base colour with a texture field added to every channel.
cv::Mat tinted(cv::Size size, cv::Scalar base, const cv::Mat& texture) {
    cv::Mat bg(size, CV_32FC3, base);
    std::vector<cv::Mat> ch;
    cv::split(bg, ch);
    for (auto& c : ch)
        c += texture;
    cv::merge(ch, bg);
    return bg;
}

cv::Mat woodBackground(Rng& rng, cv::Size size) {
    const cv::Scalar tones[] = {
        {60, 110, 170}, {90, 140, 190}, {40, 75, 120}, {120, 165, 205}, {70, 120, 160}};
    const cv::Scalar base = tones[pick(rng, 5)];
    cv::Mat grain(size, CV_32F);
    const double freq = uni(rng, 0.02, 0.06), wobble = uni(rng, 10, 40);
    const cv::Mat phase = noiseField(rng, size, 1, std::max(size.width, size.height) / 30.0);
    const bool vertical = chance(rng, 0.5);
    for (int y = 0; y < size.height; ++y) {
        float* g = grain.ptr<float>(y);
        const float* p = phase.ptr<float>(y);
        for (int x = 0; x < size.width; ++x) {
            const double u = vertical ? x : y;
            g[x] = float(14 * std::sin(freq * u + wobble * 40 * p[x]) + 6 * std::sin(freq * 3.1 * u));
        }
    }
    grain += noiseField(rng, size, 5, 1.0);
    // Planks: a dark seam every so often.
    const int plank = int(uni(rng, 0.2, 0.45) * (vertical ? size.width : size.height));
    for (int s = plank; s < (vertical ? size.width : size.height); s += plank) {
        const cv::Rect seam = vertical ? cv::Rect(s, 0, 3, size.height) : cv::Rect(0, s, size.width, 3);
        grain(seam & cv::Rect(cv::Point(), size)) -= 35;
    }
    return tinted(size, base, grain);
}

cv::Mat darkBackground(Rng& rng, cv::Size size) {
    const cv::Scalar tones[] = {{30, 30, 30}, {60, 40, 30}, {45, 45, 50}, {70, 60, 55}, {25, 35, 60}};
    cv::Mat t = noiseField(rng, size, 12, 2.0) + noiseField(rng, size, 10, 25.0) * 3;
    return tinted(size, tones[pick(rng, 5)], t);
}

cv::Mat lightBackground(Rng& rng, cv::Size size) {
    const cv::Scalar tones[] = {
        {200, 205, 210}, {180, 195, 205}, {205, 205, 200}, {170, 185, 200}, {215, 215, 215}};
    cv::Mat t = noiseField(rng, size, 4, 1.5) + noiseField(rng, size, 6, 40.0) * 4;
    return tinted(size, tones[pick(rng, 5)], t);
}

cv::Mat lidBackground(Rng& rng, cv::Size size, SceneKind kind) {
    if (kind == SceneKind::FlatbedWhite) {
        cv::Mat t = noiseField(rng, size, 1.5, 0.7);
        return tinted(size, cv::Scalar::all(uni(rng, 242, 252)), t);
    }
    if (kind == SceneKind::FlatbedGrey) {
        cv::Mat t = noiseField(rng, size, 3, 0.8);
        const double g = uni(rng, 110, 175);
        return tinted(size, cv::Scalar(g, g + uni(rng, -6, 6), g + uni(rng, -6, 6)), t);
    }
    cv::Mat t = noiseField(rng, size, 3, 0.8) + noiseField(rng, size, 4, 60.0) * 4;
    return tinted(size, cv::Scalar::all(uni(rng, 8, 45)), t);
}

void drawClutter(Rng& rng, cv::Mat& bg, bool onTop) {
    const cv::Size s = bg.size();
    const double scale = std::max(s.width, s.height) / 1600.0;
    const int pens = onTop ? 1 + pick(rng, 2) : pick(rng, 2);
    for (int i = 0; i < pens; ++i) { // a pen: a long thick bar with a cap
        const cv::Point2f a(float(uni(rng, 0, s.width)), float(uni(rng, 0, s.height)));
        const double angle = uni(rng, 0, CV_PI), len = uni(rng, 250, 450) * scale;
        const cv::Point2f b = a + cv::Point2f(float(std::cos(angle) * len), float(std::sin(angle) * len));
        const cv::Scalar colour(uni(rng, 0, 200), uni(rng, 0, 200), uni(rng, 0, 230));
        cv::line(bg, a, b, colour * 0.6, int(16 * scale), cv::LINE_AA);
        cv::line(bg, a, b, colour, int(11 * scale), cv::LINE_AA);
        cv::line(bg, a, a + (b - a) * 0.2f, cv::Scalar(30, 30, 30), int(13 * scale), cv::LINE_AA);
    }
    const int cables = onTop ? pick(rng, 2) : 1 + pick(rng, 2);
    for (int i = 0; i < cables; ++i) { // a cable: a wavy dark curve across the picture
        std::vector<cv::Point> pts;
        const double y0 = uni(rng, 0, s.height), amp = uni(rng, 40, 200) * scale, f = uni(rng, 1, 3);
        const bool vertical = chance(rng, 0.5);
        for (int k = 0; k <= 40; ++k) {
            const double t = k / 40.0;
            const double along = t * (vertical ? s.height : s.width);
            const double across =
                y0 * (vertical ? double(s.width) / s.height : 1) + amp * std::sin(f * 6.28 * t);
            pts.emplace_back(vertical ? cv::Point(int(across), int(along))
                                      : cv::Point(int(along), int(across)));
        }
        const cv::Scalar colour = chance(rng, 0.5) ? cv::Scalar(25, 25, 25) : cv::Scalar(235, 235, 235);
        cv::polylines(bg, pts, false, colour, int(uni(rng, 5, 10) * scale), cv::LINE_AA);
    }
    if (!onTop) {
        if (chance(rng, 0.7)) { // a mug seen from above
            const cv::Point c(int(uni(rng, 0, s.width)), int(uni(rng, 0, s.height)));
            const int r = int(uni(rng, 90, 140) * scale);
            cv::circle(bg, c, r, cv::Scalar(uni(rng, 0, 255), uni(rng, 0, 255), uni(rng, 0, 255)), -1,
                       cv::LINE_AA);
            cv::circle(bg, c, int(r * 0.8), cv::Scalar(20, 40, 60), -1, cv::LINE_AA);
        }
        if (chance(rng, 0.6)) { // a sticky note
            const cv::RotatedRect note(cv::Point2f(float(uni(rng, 0, s.width)), float(uni(rng, 0, s.height))),
                                       cv::Size2f(float(150 * scale), float(150 * scale)),
                                       float(uni(rng, 0, 90)));
            cv::Point2f v[4];
            note.points(v);
            std::vector<cv::Point> pv(v, v + 4);
            cv::fillConvexPoly(bg, pv, cv::Scalar(90, 230, 245), cv::LINE_AA);
        }
    }
}

// Warps the sheet onto the background with its soft mask; returns nothing, paints in place.
void paste(cv::Mat& bg, const Paper& paper, const QuadF& quad, bool desk, bool lid, Rng& rng) {
    const cv::Size s = bg.size();
    const float w = float(paper.bgr.cols), h = float(paper.bgr.rows);
    const cv::Point2f src[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
    const cv::Point2f dst[4] = {quad[0], quad[1], quad[2], quad[3]};
    const cv::Mat m = cv::getPerspectiveTransform(src, dst);
    cv::Mat sheet, mask;
    cv::Mat paperF;
    paper.bgr.convertTo(paperF, CV_32FC3);
    cv::warpPerspective(paperF, sheet, m, s, cv::INTER_AREA, cv::BORDER_REPLICATE);
    cv::Mat ones(paper.bgr.size(), CV_32F, cv::Scalar(1));
    cv::warpPerspective(ones, mask, m, s, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    const double diag = std::hypot(s.width, s.height);
    if (desk) { // a soft contact shadow under the sheet, offset from the light
        cv::Mat shadow;
        const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, uni(rng, -1, 1) * diag * 0.004, 0, 1,
                               uni(rng, 0.2, 1) * diag * 0.004);
        cv::warpAffine(mask, shadow, shift, s);
        cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), diag * 0.004);
        const float strength = float(uni(rng, 0.15, 0.4));
        for (int y = 0; y < s.height; ++y) {
            cv::Vec3f* b = bg.ptr<cv::Vec3f>(y);
            const float* sh = shadow.ptr<float>(y);
            for (int x = 0; x < s.width; ++x)
                b[x] *= 1 - strength * sh[x];
        }
    }
    if (lid) { // the scanner lamp's shadow: a thin dark line along the edges facing away
        cv::Mat line = cv::Mat::zeros(s, CV_32F);
        const float thick = float(std::max(1.0, diag * uni(rng, 0.0004, 0.0012)));
        const int firstSide = pick(rng, 4);
        for (int k = 0; k < 4; ++k) {
            const float strength = (k == firstSide || k == (firstSide + 2) % 4) ? float(uni(rng, 0.25, 0.6))
                                                                                : float(uni(rng, 0.05, 0.3));
            cv::line(line, quad[size_t(k)], quad[size_t((k + 1) % 4)], cv::Scalar(strength),
                     std::max(1, int(std::lround(thick))), cv::LINE_AA);
        }
        cv::GaussianBlur(line, line, cv::Size(0, 0), thick * 0.7);
        for (int y = 0; y < s.height; ++y) {
            cv::Vec3f* b = bg.ptr<cv::Vec3f>(y);
            const float* l = line.ptr<float>(y);
            for (int x = 0; x < s.width; ++x)
                b[x] *= 1 - std::min(0.8f, l[x]);
        }
    }
    for (int y = 0; y < s.height; ++y) {
        cv::Vec3f* b = bg.ptr<cv::Vec3f>(y);
        const cv::Vec3f* p = sheet.ptr<cv::Vec3f>(y);
        const float* a = mask.ptr<float>(y);
        for (int x = 0; x < s.width; ++x)
            if (a[x] > 0)
                b[x] = b[x] * (1 - a[x]) + p[x] * a[x];
    }
}

// Lighting and the camera or scanner: gradient, shadow blob, blur, noise, JPEG.
cv::Mat finish(cv::Mat bgF, Rng& rng, bool photo) {
    const cv::Size s = bgF.size();
    if (photo) {
        cv::Mat light(s, CV_32F);
        const double gx = uni(rng, -0.25, 0.25), gy = uni(rng, -0.25, 0.25), base = uni(rng, 0.8, 1.05);
        for (int y = 0; y < s.height; ++y) {
            float* l = light.ptr<float>(y);
            for (int x = 0; x < s.width; ++x)
                l[x] = float(base + gx * (double(x) / s.width - 0.5) + gy * (double(y) / s.height - 0.5));
        }
        if (chance(rng, 0.5)) { // the phone's or the user's shadow
            cv::Mat blob = cv::Mat::zeros(s, CV_32F);
            cv::ellipse(blob, cv::Point(int(uni(rng, 0, s.width)), int(uni(rng, 0, s.height))),
                        cv::Size(int(uni(rng, 0.2, 0.5) * s.width), int(uni(rng, 0.2, 0.5) * s.height)),
                        uni(rng, 0, 180), 0, 360, cv::Scalar(uni(rng, 0.15, 0.35)), -1);
            cv::GaussianBlur(blob, blob, cv::Size(0, 0), std::max(s.width, s.height) * 0.04);
            light -= blob;
        }
        std::vector<cv::Mat> ch;
        cv::split(bgF, ch);
        for (auto& c : ch)
            c = c.mul(light);
        cv::merge(ch, bgF);
        cv::GaussianBlur(bgF, bgF, cv::Size(0, 0), uni(rng, 0.5, 1.3));
    } else {
        cv::GaussianBlur(bgF, bgF, cv::Size(0, 0), uni(rng, 0.4, 0.8));
    }
    cv::Mat noise(s, CV_32FC3);
    cv::theRNG().state = rng() | 1u;
    cv::randn(noise, 0, photo ? uni(rng, 1.5, 4) : uni(rng, 0.5, 1.5));
    bgF += noise;
    cv::Mat out;
    bgF.convertTo(out, CV_8UC3);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", out, jpeg,
                 {cv::IMWRITE_JPEG_QUALITY, photo ? int(uni(rng, 60, 92)) : int(uni(rng, 75, 95))});
    return cv::imdecode(jpeg, cv::IMREAD_COLOR);
}

QuadF placed(cv::Point2f centre, cv::Size2f size, double angleDeg, double perspective, Rng& rng) {
    const double a = angleDeg * CV_PI / 180;
    const cv::Point2f u(float(std::cos(a)), float(std::sin(a))), v(-u.y, u.x);
    QuadF q;
    const float hw = size.width / 2, hh = size.height / 2;
    const cv::Point2f offs[4] = {{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}};
    for (int i = 0; i < 4; ++i) {
        q[size_t(i)] = centre + u * offs[i].x + v * offs[i].y;
        const float j = float(perspective * std::min(size.width, size.height));
        q[size_t(i)] += cv::Point2f(float(uni(rng, -j, j)), float(uni(rng, -j, j)));
    }
    // Perspective: the far side is narrower.
    if (perspective > 0) {
        const float squeeze = float(uni(rng, 0, perspective * 1.5));
        const cv::Point2f mid01 = (q[0] + q[1]) * 0.5f;
        q[0] += (mid01 - q[0]) * squeeze;
        q[1] += (mid01 - q[1]) * squeeze;
    }
    return q;
}

const Paper& choose(Rng& rng, const std::vector<Paper>& list, const std::vector<Paper>& fallback) {
    const auto& l = list.empty() ? fallback : list;
    return l[size_t(pick(rng, int(l.size())))];
}

Scene photoScene(SceneKind kind, const Paper& paper, Rng& rng, bool outOfFrame) {
    const bool landscape = chance(rng, 0.2);
    const int longEdge = int(uni(rng, 1400, 2200));
    const cv::Size s =
        landscape ? cv::Size(longEdge, longEdge * 3 / 4) : cv::Size(longEdge * 3 / 4, longEdge);
    cv::Mat bg = kind == SceneKind::PhotoDark    ? darkBackground(rng, s)
                 : kind == SceneKind::PhotoLight ? lightBackground(rng, s)
                                                 : woodBackground(rng, s);
    if (kind == SceneKind::PhotoClutter)
        drawClutter(rng, bg, false);
    const double aspect = double(paper.bgr.cols) / paper.bgr.rows;
    const double fillH = outOfFrame ? uni(rng, 0.8, 1.1) : uni(rng, 0.45, 0.85);
    double h = fillH * s.height, w = h * aspect;
    if (w > 0.9 * s.width && !outOfFrame) {
        w = 0.9 * s.width * uni(rng, 0.6, 1.0);
        h = w / aspect;
    }
    cv::Point2f centre(float(s.width / 2.0 + uni(rng, -0.08, 0.08) * s.width),
                       float(s.height / 2.0 + uni(rng, -0.08, 0.08) * s.height));
    if (outOfFrame)
        centre.y += float((chance(rng, 0.5) ? 1 : -1) * uni(rng, 0.1, 0.25) * h);
    const double angle = chance(rng, 0.8) ? uni(rng, -10, 10) : uni(rng, -30, 30);
    Scene sc;
    sc.truth.push_back(placed(centre, cv::Size2f(float(w), float(h)), angle, uni(rng, 0.01, 0.08), rng));
    paste(bg, paper, sc.truth[0], true, false, rng);
    if (kind == SceneKind::PhotoClutter)
        drawClutter(rng, bg, true);
    sc.image = finish(bg, rng, true);
    sc.paperName = paper.name;
    return sc;
}

Scene flatbedScene(SceneKind lid, const std::vector<Paper>& receipts, const std::vector<Paper>& fallback,
                   Rng& rng, int count, bool outOfFrame) {
    const double dpi = std::vector<double>{150, 200, 300}[size_t(pick(rng, 3))];
    const cv::Size s(int(8.27 * dpi), int(11.69 * dpi));
    cv::Mat bg = lidBackground(rng, s, lid);
    Scene sc;
    std::vector<cv::Rect2f> taken;
    for (int i = 0, tries = 0; i < count && tries < 60; ++tries) {
        const Paper& paper = choose(rng, receipts, fallback);
        if (i == 0)
            sc.paperName = paper.name;
        const double k = dpi / 300.0;
        double w = paper.bgr.cols * k, h = paper.bgr.rows * k;
        if (h > 0.95 * s.height && !outOfFrame) {
            w *= 0.9 * s.height / h;
            h = 0.9 * s.height;
        }
        const double angle = chance(rng, 0.7) ? uni(rng, -4, 4) : uni(rng, -10, 10);
        const double slack = outOfFrame ? 0 : 0.55 * std::abs(std::sin(angle * CV_PI / 180)) * h;
        const double cxLo = w / 2 + 10 + slack, cxHi = s.width - w / 2 - 10 - slack;
        if (cxHi < cxLo)
            continue;
        cv::Point2f centre(float(uni(rng, cxLo, cxHi)), 0);
        if (outOfFrame) {
            const double beyond = uni(rng, 0.08, 0.35) * h;
            centre.y = float(chance(rng, 0.5) ? h / 2 - beyond : s.height - h / 2 + beyond);
        } else {
            const double lo = h / 2 + 10 + slack * 0.3, hi = s.height - h / 2 - 10 - slack * 0.3;
            centre.y = float(hi > lo ? uni(rng, lo, hi) : s.height / 2.0);
        }
        const cv::Rect2f box(centre.x - float(w / 2) - 20, centre.y - float(h / 2) - 20, float(w) + 40,
                             float(h) + 40);
        bool overlaps = false;
        for (const auto& t : taken)
            overlaps |= (t & box).area() > 0;
        if (overlaps)
            continue;
        taken.push_back(box);
        sc.truth.push_back(placed(centre, cv::Size2f(float(w), float(h)), angle, 0, rng));
        paste(bg, paper, sc.truth.back(), false, lid == SceneKind::FlatbedWhite, rng);
        ++i;
    }
    // The main one is the largest: reorder so the truth's first is the biggest.
    std::stable_sort(sc.truth.begin(), sc.truth.end(), [](const QuadF& a, const QuadF& b) {
        return cv::contourArea(std::vector<cv::Point2f>(a.begin(), a.end())) >
               cv::contourArea(std::vector<cv::Point2f>(b.begin(), b.end()));
    });
    sc.image = finish(bg, rng, false);
    return sc;
}

std::vector<Paper> loadImages(const fs::path& folder, bool receipt) {
    std::vector<Paper> out;
    if (!fs::is_directory(folder))
        return out;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder)) {
        const auto ext = e.path().extension().string();
        if (ext == ".jpg" || ext == ".png" || ext == ".jpeg")
            files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        Paper p;
        p.bgr = cv::imread(f.string(), cv::IMREAD_COLOR);
        p.receipt = receipt;
        p.name = f.filename().string();
        if (!p.bgr.empty())
            out.push_back(std::move(p));
    }
    return out;
}

} // namespace

const std::vector<SceneKind>& allSceneKinds() {
    static const std::vector<SceneKind> kinds = {
        SceneKind::PhotoWood,    SceneKind::PhotoDark,   SceneKind::PhotoLight,  SceneKind::PhotoClutter,
        SceneKind::FlatbedWhite, SceneKind::FlatbedGrey, SceneKind::FlatbedDark, SceneKind::SeveralReceipts,
        SceneKind::OutOfFrame,   SceneKind::FullFrame};
    return kinds;
}

std::string sceneName(SceneKind kind) {
    switch (kind) {
    case SceneKind::PhotoWood:
        return "photo-wood";
    case SceneKind::PhotoDark:
        return "photo-dark";
    case SceneKind::PhotoLight:
        return "photo-light";
    case SceneKind::PhotoClutter:
        return "photo-clutter";
    case SceneKind::FlatbedWhite:
        return "flatbed-white";
    case SceneKind::FlatbedGrey:
        return "flatbed-grey";
    case SceneKind::FlatbedDark:
        return "flatbed-dark";
    case SceneKind::SeveralReceipts:
        return "several-receipts";
    case SceneKind::OutOfFrame:
        return "out-of-frame";
    case SceneKind::FullFrame:
        return "full-frame";
    }
    return "?";
}

std::vector<Paper> loadReceipts(const fs::path& folder) {
    return loadImages(folder, true);
}
std::vector<Paper> loadPages(const fs::path& folder) {
    return loadImages(folder, false);
}

Paper syntheticReceipt(std::uint32_t seed) {
    Rng rng(seed);
    const int w = int(uni(rng, 700, 900)), h = int(uni(rng, 1600, 3200));
    Paper p;
    p.bgr = cv::Mat(h, w, CV_8UC3, cv::Scalar::all(uni(rng, 238, 250)));
    p.receipt = true;
    p.name = "synthetic-receipt-" + std::to_string(seed);
    cv::putText(p.bgr, "SHOP " + std::to_string(seed % 97), cv::Point(w / 5, 120), cv::FONT_HERSHEY_DUPLEX,
                2.2, cv::Scalar::all(20), 4, cv::LINE_AA);
    for (int y = 220; y < h - 80; y += 52) {
        std::string line;
        for (int k = int(uni(rng, 8, 22)); k > 0; --k)
            line += char(chance(rng, 0.15) ? ' ' : 'A' + pick(rng, 26));
        cv::putText(p.bgr, line, cv::Point(40, y), cv::FONT_HERSHEY_PLAIN, 2.4, cv::Scalar::all(30), 2,
                    cv::LINE_AA);
    }
    return p;
}

Paper syntheticPage(std::uint32_t seed) {
    Rng rng(seed);
    const int w = 1240, h = 1754; // A4 at 150 dpi
    Paper p;
    p.bgr = cv::Mat(h, w, CV_8UC3, cv::Scalar::all(uni(rng, 235, 252)));
    p.name = "synthetic-page-" + std::to_string(seed);
    cv::putText(p.bgr, "Letter " + std::to_string(seed), cv::Point(120, 220), cv::FONT_HERSHEY_TRIPLEX, 2.0,
                cv::Scalar::all(25), 3, cv::LINE_AA);
    for (int y = 380; y < h - 150; y += 38) {
        std::string line;
        for (int k = int(uni(rng, 30, 60)); k > 0; --k)
            line += char(chance(rng, 0.18) ? ' ' : 'a' + pick(rng, 26));
        cv::putText(p.bgr, line, cv::Point(120, y), cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar::all(35), 2,
                    cv::LINE_AA);
    }
    return p;
}

// The paper as the whole picture, trimmed or padded by a hair (a scan area a little larger or
// smaller than the sheet), at scanner or phone-scan quality. The truth is the whole frame.
Scene fullFrameScene(const Paper& paper, Rng& rng) {
    const int w = paper.bgr.cols, h = paper.bgr.rows;
    const int dx = int(uni(rng, -0.01, 0.01) * w), dy = int(uni(rng, -0.01, 0.01) * h);
    cv::Mat sheet;
    if (dx >= 0 && dy >= 0) {
        const cv::Scalar margin = cv::mean(paper.bgr.row(0));
        cv::copyMakeBorder(paper.bgr, sheet, dy, dy, dx, dx, cv::BORDER_CONSTANT, margin);
    } else {
        const int cx = std::max(0, -dx), cy = std::max(0, -dy);
        sheet = paper.bgr(cv::Rect(cx, cy, w - 2 * cx, h - 2 * cy)).clone();
    }
    // Pages rendered at 100 dpi come to a scan's size; receipts stay at their 300 dpi.
    const double scale = paper.receipt ? uni(rng, 0.6, 1.0) : uni(rng, 1.5, 2.5);
    cv::resize(sheet, sheet, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    cv::Mat f;
    sheet.convertTo(f, CV_32FC3);
    Scene sc;
    sc.image = finish(f, rng, chance(rng, 0.3));
    const auto W = float(sc.image.cols - 1), H = float(sc.image.rows - 1);
    sc.truth.push_back(QuadF{cv::Point2f(0, 0), cv::Point2f(W, 0), cv::Point2f(W, H), cv::Point2f(0, H)});
    sc.paperName = paper.name;
    return sc;
}

Scene makeScene(SceneKind kind, const std::vector<Paper>& receipts, const std::vector<Paper>& pages,
                std::uint32_t seed) {
    Rng rng(seed * 2654435761u + std::uint32_t(kind));
    std::vector<Paper> fallback{syntheticReceipt(seed), syntheticPage(seed)};
    const std::vector<Paper> fallbackReceipts{fallback[0]};
    const auto& anyPapers = pages.empty() ? (receipts.empty() ? fallback : receipts) : pages;
    Scene sc;
    switch (kind) {
    case SceneKind::PhotoWood:
    case SceneKind::PhotoDark:
    case SceneKind::PhotoLight:
    case SceneKind::PhotoClutter: {
        const bool receipt = chance(rng, 0.4);
        const Paper& paper =
            receipt ? choose(rng, receipts, fallbackReceipts) : choose(rng, anyPapers, fallback);
        sc = photoScene(kind, paper, rng, false);
        break;
    }
    case SceneKind::FlatbedWhite:
    case SceneKind::FlatbedGrey:
    case SceneKind::FlatbedDark:
        sc = flatbedScene(kind, receipts, fallbackReceipts, rng, 1, false);
        break;
    case SceneKind::SeveralReceipts:
        sc = flatbedScene(chance(rng, 0.6) ? SceneKind::FlatbedWhite : SceneKind::FlatbedGrey, receipts,
                          fallbackReceipts, rng, 2 + pick(rng, 2), false);
        break;
    case SceneKind::OutOfFrame:
        if (chance(rng, 0.6)) {
            const SceneKind lids[] = {SceneKind::FlatbedGrey, SceneKind::FlatbedDark,
                                      SceneKind::FlatbedWhite};
            sc = flatbedScene(lids[pick(rng, 3)], receipts, fallbackReceipts, rng, 1, true);
        } else {
            sc = photoScene(SceneKind::PhotoWood, choose(rng, receipts, fallbackReceipts), rng, true);
        }
        break;
    case SceneKind::FullFrame:
        sc = fullFrameScene(chance(rng, 0.5) ? choose(rng, receipts, fallbackReceipts)
                                             : choose(rng, anyPapers, fallback),
                            rng);
        break;
    }
    sc.kind = kind;
    return sc;
}

double clippedIoU(const QuadF& a, const QuadF& b, int w, int h) {
    const std::vector<cv::Point2f> frame{{0, 0}, {float(w), 0}, {float(w), float(h)}, {0, float(h)}};
    std::vector<cv::Point2f> pa(a.begin(), a.end()), pb(b.begin(), b.end()), ca, cb, inter;
    if (cv::contourArea(pa) <= 0 || cv::contourArea(pb) <= 0)
        return 0;
    const double areaA = cv::intersectConvexConvex(pa, frame, ca, true);
    const double areaB = cv::intersectConvexConvex(pb, frame, cb, true);
    if (areaA <= 0 || areaB <= 0)
        return 0;
    const double i = cv::intersectConvexConvex(ca, cb, inter, true);
    const double u = areaA + areaB - i;
    return u > 0 ? i / u : 0;
}

} // namespace docdesk::test
