#include "core/imaging/DocumentFinder.h"

#include "core/imaging/LineSegments.h"
#include "core/imaging/PageRasterCv.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numeric>
#include <opencv2/imgproc.hpp>
#include <optional>

// How documents are found: the page is analysed on a copy whose longest edge is ~640 px.
// Candidate regions come from two families of maps, because neither alone covers every case:
//  - brightness thresholds at a dozen levels between the 1st and 99th percentile (a white page
//    on a textured desk, receipts on a dark lid; an off-white receipt on a white lid shows up
//    as a hole in the lid region), robust against clutter edges and a pen crossing an edge;
//  - Canny edge loops (faint edges such as an off-white receipt on a white lid).
// Each region's convex hull is reduced to a quadrilateral, its sides re-fitted to the region's
// boundary points (so a notch from a pen or a rounded corner does not bend it), and the quad
// is scored by edge support along its sides, how well it fills the region, its angles and how
// paper-like its inside is. Long straight edges (a line segment detector) add quads of four
// lines, of three with a faint fourth side, and of three whose two parallel sides end where
// another sheet covers the rest (a book's facing page). Duplicates are merged, the best
// corners are refined on the full-resolution image by fitting lines to the strongest gradient
// across each side, and the result is ordered so the one the user most likely means comes first.

namespace docdesk::imaging {
namespace {

using QuadF = std::array<cv::Point2f, 4>;

constexpr int kWorkEdge = 640;
constexpr double kMinAreaFraction = 0.008; // smaller regions are not documents at this scale
constexpr double kMinScore = 0.35;
constexpr double kMinLineSupport = 0.55;  // share of each side of a line quad that must be an edge
constexpr double kContainerScore = 0.45;  // a sheet this plausible absorbs what lies on it
constexpr double kSheetPaper = 0.6;       // share of a sheet's inside that looks like paper (print aside)
constexpr double kFramePaper = 0.9;       // a picture this paper-like all along its border may be all paper
constexpr double kMostlyPaperFrame = 0.5; // ... or mostly, lit unevenly
constexpr double kStrayPrint = 0.3;  // share of a page's print outside the sheets found that makes them print
constexpr double kStrayExtent = 0.6; // ... when it spreads over this share of the picture
constexpr double kPrintInside = 0.5; // share of a side of paper running out of view with print 3-7 px in
constexpr double kUnbrokenSide = 0.95; // ... unless this share of it is an edge (a receipt's cut)
constexpr double kSamePaper = 0.93;    // ... when beyond it the paper is this bright (of the picture's white)
constexpr double kPaperBeyond = 0.8;   // ... along this share of it
constexpr double kDeskPaper = 0.3;     // at most this share of paper around a sheet: it lies on a desk
constexpr double kDeskStep = 0.75;     // ... and this share of every side steps down to the desk
constexpr double kCrispSide = 0.9;     // share of every side of a sheet beside another that is an edge
constexpr double kBesideAnother = 0.5; // ... and at most this share of one side has print beside it
constexpr double kBareBetween = 0.1;   // share of print a quad holding sheets may have between them
constexpr float kNeighbourGap = 14.f;  // ... within this many work pixels of another sheet
constexpr double kOutOfViewCorner = 0.2; // how far out of view (of the longer edge) a sheet's corner may lie
constexpr double kMinInView = 0.6;       // share of a sheet that must be in view
constexpr float kLineEdge = 4.f;         // gradient across a side that makes it an edge (line quads)
constexpr float kFaintEdge = 2.f;        // gradient of a side too faint for the line detector
constexpr double kFaintSupport = 0.7;    // share of such a side that must have it
constexpr double kPeakedSupport = 0.5;   // ... or this share, where the side stands out from beside it:
constexpr double kPeakedGradient = 1.5;  // median gradient across the side at least this
constexpr double kPeakedRatio = 3.0;     // ... and this many times the median just outside it

double cross(cv::Point2f o, cv::Point2f a, cv::Point2f b) {
    return double(a.x - o.x) * double(b.y - o.y) - double(a.y - o.y) * double(b.x - o.x);
}

double quadArea(const QuadF& q) {
    double a = 0;
    for (int i = 0; i < 4; ++i)
        a += double(q[i].x) * q[(i + 1) % 4].y - double(q[(i + 1) % 4].x) * q[i].y;
    return std::abs(a) / 2;
}

bool isConvex(const QuadF& q) {
    int sign = 0;
    for (int i = 0; i < 4; ++i) {
        const double c = cross(q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        if (std::abs(c) < 1e-6)
            return false;
        const int s = c > 0 ? 1 : -1;
        if (sign != 0 && s != sign)
            return false;
        sign = s;
    }
    return true;
}

// The area two convex quads share. OpenCV's intersection loses part of it when the two share
// corners exactly, as quads made of the same lines do; each is taken shrunk by a hair in turn.
double sharedArea(const QuadF& a, const QuadF& b) {
    auto shrunk = [](const QuadF& q) {
        cv::Point2f c(0, 0);
        for (const auto& p : q)
            c += p * 0.25f;
        std::vector<cv::Point2f> out;
        for (const auto& p : q)
            out.push_back(c + (p - c) * 0.9995f);
        return out;
    };
    std::vector<cv::Point2f> pa(a.begin(), a.end()), pb(b.begin(), b.end()), inter;
    return std::max(cv::intersectConvexConvex(shrunk(a), pb, inter, true),
                    cv::intersectConvexConvex(pa, shrunk(b), inter, true));
}

double polygonIoU(const QuadF& a, const QuadF& b) {
    const double ia = sharedArea(a, b);
    const double ua = quadArea(a) + quadArea(b) - ia;
    return ua > 0 ? ia / ua : 0;
}

double overlapOfSmaller(const QuadF& a, const QuadF& b) {
    const double ia = sharedArea(a, b);
    const double m = std::min(quadArea(a), quadArea(b));
    return m > 0 ? ia / m : 0;
}

// Clockwise in image coordinates (y down), starting at the top-left: the side leaving the
// first corner is the one pointing most to the right (documents upright within ±45°).
QuadF orderCorners(QuadF q) {
    cv::Point2f c(0, 0);
    for (const auto& p : q)
        c += p * 0.25f;
    std::sort(q.begin(), q.end(), [&](cv::Point2f a, cv::Point2f b) {
        return std::atan2(a.y - c.y, a.x - c.x) < std::atan2(b.y - c.y, b.x - c.x);
    });
    int best = 0;
    double bestCos = -2;
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f d = q[(i + 1) % 4] - q[i];
        const double len = std::hypot(d.x, d.y);
        const double cosine = len > 0 ? d.x / len : -2;
        if (cosine > bestCos) {
            bestCos = cosine;
            best = i;
        }
    }
    std::rotate(q.begin(), q.begin() + best, q.end());
    return q;
}

// Removes hull vertices one by one, each time the one whose removal loses the least area.
bool hullToQuad(std::vector<cv::Point2f> hull, QuadF& quad) {
    if (hull.size() < 4)
        return false;
    while (hull.size() > 4) {
        const size_t n = hull.size();
        size_t victim = 0;
        double least = 1e300;
        for (size_t i = 0; i < n; ++i) {
            const double a = std::abs(cross(hull[(i + n - 1) % n], hull[i], hull[(i + 1) % n]));
            if (a < least) {
                least = a;
                victim = i;
            }
        }
        hull.erase(hull.begin() + std::ptrdiff_t(victim));
    }
    std::copy(hull.begin(), hull.end(), quad.begin());
    return true;
}

// The other way round: repeatedly replaces the edge whose removal (extending its two
// neighbours to their intersection) adds the least area. Restores a corner cut off by a pen or
// a shadow, where removing vertices would cut the page instead.
bool hullToQuadByExtension(const std::vector<cv::Point2f>& hull, QuadF& quad) {
    std::vector<cv::Point2f> poly;
    cv::approxPolyDP(hull, poly, 0.004 * cv::arcLength(hull, true), true);
    if (poly.size() < 4)
        return false;
    while (poly.size() > 4) {
        const size_t n = poly.size();
        size_t victim = n;
        double least = 1e300;
        cv::Point2f bestX;
        for (size_t i = 0; i < n; ++i) {
            const cv::Point2f a0 = poly[(i + n - 1) % n], a1 = poly[i], b0 = poly[(i + 1) % n],
                              b1 = poly[(i + 2) % n];
            const cv::Point2f da = a1 - a0, db = b1 - b0;
            const double det = double(da.x) * db.y - double(da.y) * db.x;
            if (std::abs(det) < 1e-9)
                continue;
            const cv::Point2f w = b0 - a0;
            const double t = (double(w.x) * db.y - double(w.y) * db.x) / det;
            if (t < 1) // the neighbours diverge: extending them does not close the gap
                continue;
            const cv::Point2f x = a0 + da * float(t);
            const double added = std::abs(cross(a1, x, b0)) / 2;
            if (added < least) {
                least = added;
                victim = i;
                bestX = x;
            }
        }
        if (victim == n)
            return false;
        poly[victim] = bestX;
        poly.erase(poly.begin() + std::ptrdiff_t((victim + 1) % n));
    }
    std::copy(poly.begin(), poly.end(), quad.begin());
    return true;
}

struct Line {
    cv::Point2d p; // a point on the line
    cv::Point2d d; // unit direction
};

bool intersect(const Line& a, const Line& b, cv::Point2f& out) {
    const double det = a.d.x * b.d.y - a.d.y * b.d.x;
    if (std::abs(det) < 1e-6)
        return false;
    const cv::Point2d w = b.p - a.p;
    const double t = (w.x * b.d.y - w.y * b.d.x) / det;
    out = cv::Point2f(float(a.p.x + t * a.d.x), float(a.p.y + t * a.d.y));
    return true;
}

// The line through the points minimising the weighted squared distances (the principal axis
// of their weighted scatter), in closed form.
bool weightedLine(const std::vector<cv::Point2f>& pts, const std::vector<float>& w, Line& line) {
    double sw = 0, mx = 0, my = 0;
    for (size_t i = 0; i < pts.size(); ++i) {
        sw += w[i];
        mx += w[i] * pts[i].x;
        my += w[i] * pts[i].y;
    }
    if (sw <= 0)
        return false;
    mx /= sw;
    my /= sw;
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < pts.size(); ++i) {
        const double dx = pts[i].x - mx, dy = pts[i].y - my;
        sxx += w[i] * dx * dx;
        sxy += w[i] * dx * dy;
        syy += w[i] * dy * dy;
    }
    const double angle = 0.5 * std::atan2(2 * sxy, sxx - syy);
    line = {{mx, my}, {std::cos(angle), std::sin(angle)}};
    return true;
}

// A Huber fit by iteratively reweighted least squares from the plain least-squares line:
// points off the line by more than a pixel and a third count less and less (a pen or clutter
// touching the side), then a least-squares fit to the points within `keep` of that line.
// The points come from a narrow band along the side already, so no random restarts are needed
// (cv::fitLine's Huber fit makes twenty of them and cost a fifth of the finder's time).
bool fitRobustLine(const std::vector<cv::Point2f>& pts, double keep, Line& line) {
    if (pts.size() < 6)
        return false;
    constexpr double kHuber = 1.345;
    std::vector<float> w(pts.size(), 1.f);
    if (!weightedLine(pts, w, line))
        return false;
    auto distance = [&](const cv::Point2f& p) {
        return std::abs((p.x - line.p.x) * line.d.y - (p.y - line.p.y) * line.d.x);
    };
    for (int iteration = 0; iteration < 6; ++iteration) {
        for (size_t i = 0; i < pts.size(); ++i) {
            const double r = distance(pts[i]);
            w[i] = float(r <= kHuber ? 1.0 : kHuber / r);
        }
        const Line before = line;
        if (!weightedLine(pts, w, line))
            return false;
        if (std::abs(before.d.dot(line.d)) > 0.99999 && cv::norm(before.p - line.p) < 0.01)
            break;
    }
    size_t inliers = 0;
    for (size_t i = 0; i < pts.size(); ++i) {
        w[i] = distance(pts[i]) <= keep ? 1.f : 0.f;
        inliers += w[i] > 0;
    }
    if (inliers < std::max<size_t>(6, pts.size() / 3))
        return false;
    return weightedLine(pts, w, line);
}

// Corners from four fitted sides; false when a corner would move more than maxShift.
bool quadFromLines(const std::array<Line, 4>& sides, const QuadF& prior, double maxShift, QuadF& out) {
    QuadF q;
    for (int i = 0; i < 4; ++i) {
        if (!intersect(sides[(i + 3) % 4], sides[i], q[i]))
            return false;
        if (cv::norm(q[i] - prior[i]) > maxShift)
            return false;
    }
    if (!isConvex(q))
        return false;
    out = q;
    return true;
}

// Side i runs from q[i] to q[i+1]. Re-fits each side to the boundary points lying close to it
// in its middle part.
QuadF refineWithBoundary(const QuadF& q, const std::vector<cv::Point>& contour) {
    std::array<std::vector<cv::Point2f>, 4> near;
    std::array<cv::Point2f, 4> dir, nrm;
    std::array<double, 4> len{}, band{};
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f d = q[(i + 1) % 4] - q[i];
        len[i] = std::hypot(d.x, d.y);
        if (len[i] < 4)
            return q;
        dir[i] = d * float(1 / len[i]);
        nrm[i] = cv::Point2f(-dir[i].y, dir[i].x);
        band[i] = std::max(2.5, 0.03 * len[i]);
    }
    for (const auto& ip : contour) {
        const cv::Point2f p(float(ip.x), float(ip.y));
        for (int i = 0; i < 4; ++i) {
            const cv::Point2f v = p - q[i];
            const double t = v.dot(dir[i]);
            if (t < 0.12 * len[i] || t > 0.88 * len[i])
                continue;
            if (std::abs(v.dot(nrm[i])) <= band[i])
                near[i].push_back(p);
        }
    }
    std::array<Line, 4> sides;
    for (int i = 0; i < 4; ++i) {
        if (!fitRobustLine(near[i], 1.5, sides[i]))
            return q;
    }
    QuadF out;
    const double diag = std::hypot(q[2].x - q[0].x, q[2].y - q[0].y);
    return quadFromLines(sides, q, 0.08 * diag + 3, out) ? out : q;
}

float sampleBilinear(const cv::Mat& grey, float x, float y, bool& ok) {
    if (x < 0 || y < 0 || x > float(grey.cols - 1) || y > float(grey.rows - 1)) {
        ok = false;
        return 0;
    }
    const int x0 = std::min(int(x), grey.cols - 2 < 0 ? 0 : grey.cols - 2);
    const int y0 = std::min(int(y), grey.rows - 2 < 0 ? 0 : grey.rows - 2);
    const float fx = x - float(x0), fy = y - float(y0);
    const uchar* r0 = grey.ptr<uchar>(y0);
    const uchar* r1 = grey.ptr<uchar>(std::min(y0 + 1, grey.rows - 1));
    const int x1 = std::min(x0 + 1, grey.cols - 1);
    ok = true;
    return (r0[x0] * (1 - fx) + r0[x1] * fx) * (1 - fy) + (r1[x0] * (1 - fx) + r1[x1] * fx) * fy;
}

struct Candidate {
    QuadF quad;               // ordered, work coordinates
    double score = 0;         // confidence 0..1
    int polarity = 1;         // +1 when the inside is brighter than the outside
    double paper = 0;         // share of the inside that is paper-like
    bool fromLines = false;   // made of long straight edges, not of a region
    bool frame = false;       // the whole picture: it is all paper
    bool besideOther = false; // print beside one side: a sheet only if another lies there
    bool covered = false;     // one side is where another sheet lies over it (a book's facing page)
};

struct Analysis {
    cv::Mat colour;     // work-size BGR (empty for grey input)
    cv::Mat sharp;      // work-size grey, not blurred
    cv::Mat grey;       // work-size, blurred
    double white = 255; // 99th percentile of grey: what paper looks like here
    cv::Mat paperish;   // work-size 8-bit: 255 where, text closed away, the picture is paper-like
};

// Paper-like pixels: with dark print closed away, bright relative to the brightest part of
// the picture and unsaturated. Wood, fabric, a dark lid and a mug are not.
cv::Mat paperMask(const Analysis& an, double brightness = 0.78) {
    cv::Mat closed, mask;
    cv::morphologyEx(an.grey, closed, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
    cv::compare(closed, brightness * an.white, mask, cv::CMP_GE);
    if (!an.colour.empty()) {
        cv::Mat hsv, sat;
        cv::cvtColor(an.colour, hsv, cv::COLOR_BGR2HSV);
        cv::extractChannel(hsv, sat, 1);
        cv::morphologyEx(sat, sat, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
        mask &= sat < 70;
    }
    return mask;
}

// Share of the quad's inside that is paper-like (a 12 x 12 grid, the margins left out).
double interiorPaper(const Analysis& an, const QuadF& q) {
    int paper = 0, total = 0;
    for (int v = 1; v < 12; ++v) {
        for (int u = 1; u < 12; ++u) {
            const float fu = u / 12.f, fv = v / 12.f;
            const cv::Point2f top = q[0] + (q[1] - q[0]) * fu, bottom = q[3] + (q[2] - q[3]) * fu;
            const cv::Point2f p = top + (bottom - top) * fv;
            const int x = int(p.x), y = int(p.y);
            if (x < 0 || y < 0 || x >= an.paperish.cols || y >= an.paperish.rows)
                continue;
            ++total;
            paper += an.paperish.at<uchar>(y, x) != 0;
        }
    }
    return total > 0 ? double(paper) / total : 0;
}

// Edge support: share of points along each side where the inside and the outside differ
// consistently (same sign all around), plus the inside's brightness and saturation.
cv::Point2f centreOf(const QuadF& q) {
    cv::Point2f centre(0, 0);
    for (const auto& p : q)
        centre += p * 0.25f;
    return centre;
}

// The unit normal of side a->a+d pointing away from `centre`.
cv::Point2f outwardNormal(cv::Point2f a, cv::Point2f d, cv::Point2f centre) {
    const float len = std::hypot(d.x, d.y);
    cv::Point2f n(d.y / len, -d.x / len);
    return (centre - a).dot(n) > 0 ? -n : n;
}

// How well the quad's sides lie on luminance steps: the share of samples along each side
// whose step (inside minus outside, 3 px off the side) has the dominant sign and at least
// 7 levels, averaged and at its least over the sides in view; and how far the corners are
// from right angles.
struct SideEvidence {
    int polarity = 1; // +1: brighter inside (paper on a desk), -1: darker (receipt on a white lid)
    double support = 0;
    double supportMin = 1;
    double angleDev = 0; // mean deviation of the corners from 90 degrees
};

bool sideEvidence(const Analysis& an, const QuadF& q, SideEvidence& e) {
    constexpr int kSamples = 24;
    constexpr float kOffset = 3.f;
    const cv::Point2f centre = centreOf(q);
    std::array<std::array<float, kSamples>, 4> diffs{};
    std::array<int, 4> valid{};
    std::vector<float> all;
    all.reserve(4 * kSamples);
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], b = q[(i + 1) % 4];
        const cv::Point2f d = b - a;
        if (std::hypot(d.x, d.y) < 8)
            return false;
        const cv::Point2f n = outwardNormal(a, d, centre);
        for (int k = 0; k < kSamples; ++k) {
            const cv::Point2f p = a + d * ((k + 0.5f) / kSamples);
            bool ok1 = false, ok2 = false;
            const float in = sampleBilinear(an.grey, p.x - n.x * kOffset, p.y - n.y * kOffset, ok1);
            const float outV = sampleBilinear(an.grey, p.x + n.x * kOffset, p.y + n.y * kOffset, ok2);
            if (!ok1 || !ok2)
                continue;
            diffs[i][valid[i]++] = in - outV;
            all.push_back(in - outV);
        }
        const cv::Point2f e1 = q[(i + 3) % 4] - q[i], e2 = q[(i + 1) % 4] - q[i];
        const double cosA = e1.dot(e2) / (cv::norm(e1) * cv::norm(e2) + 1e-9);
        const double angle = std::acos(std::clamp(cosA, -1.0, 1.0)) * 180 / CV_PI;
        if (angle < 40 || angle > 140)
            return false;
        e.angleDev += std::abs(angle - 90) / 4;
    }
    if (all.size() < 2 * kSamples)
        return false;
    std::nth_element(all.begin(), all.begin() + std::ptrdiff_t(all.size() / 2), all.end());
    e.polarity = all[all.size() / 2] >= 0 ? 1 : -1;
    constexpr float kMinStep = 7.f;
    double supportSum = 0;
    int sidesInView = 0;
    for (int i = 0; i < 4; ++i) {
        if (valid[i] < kSamples / 3)
            continue; // side out of view: judged by the others
        int good = 0;
        for (int k = 0; k < valid[i]; ++k)
            good += diffs[i][k] * float(e.polarity) >= kMinStep;
        const double share = double(good) / valid[i];
        supportSum += share;
        e.supportMin = std::min(e.supportMin, share);
        ++sidesInView;
    }
    if (sidesInView < 3)
        return false;
    e.support = supportSum / sidesInView;
    return true;
}

// Paper-likeness of the inside: bright (relative to the brightest part of the picture) and
// unsaturated, sampled on a 9x9 grid.
double insideLooksLikePaper(const Analysis& an, const QuadF& q, int polarity) {
    std::array<float, 81> brightSamples{};
    double sat = 0;
    int n = 0;
    for (int v = 1; v < 10; ++v) {
        for (int u = 1; u < 10; ++u) {
            const float fu = u / 10.f, fv = v / 10.f;
            const cv::Point2f top = q[0] + (q[1] - q[0]) * fu, bottom = q[3] + (q[2] - q[3]) * fu;
            const cv::Point2f p = top + (bottom - top) * fv;
            const int x = std::clamp(int(p.x), 0, an.grey.cols - 1);
            const int y = std::clamp(int(p.y), 0, an.grey.rows - 1);
            brightSamples[size_t(n)] = an.grey.at<uchar>(y, x);
            if (!an.colour.empty()) {
                const cv::Vec3b c = an.colour.at<cv::Vec3b>(y, x);
                const int mx = std::max({c[0], c[1], c[2]}), mn = std::min({c[0], c[1], c[2]});
                sat += mx > 0 ? double(mx - mn) / mx : 0;
            }
            ++n;
        }
    }
    sat /= n;
    // The paper between the text: a high percentile of the inside.
    std::nth_element(brightSamples.begin(), brightSamples.begin() + 64, brightSamples.end());
    const double bright = brightSamples[64];
    // Paper on a desk is brighter than its surroundings; a receipt darker than its surroundings
    // (white lid) must still be nearly as bright as the brightest part of the picture.
    const double ratio = bright / std::max(1.0, an.white);
    double brightScore = std::clamp((ratio - 0.5) / 0.3, 0.0, 1.0);
    if (polarity < 0)
        brightScore *= std::clamp((ratio - 0.75) / 0.1, 0.0, 1.0);
    const double satScore = 1 - std::clamp((sat - 0.2) / 0.3, 0.0, 1.0);
    return brightScore * satScore;
}

// Ring contrast: just inside vs just outside, away from the edge itself. A region cut out of
// a striped or textured desk has the same material on both sides; paper does not. Negative
// when too little of the ring is in view.
double ringContrastScore(const Analysis& an, const QuadF& q, int polarity) {
    const cv::Point2f centre = centreOf(q);
    const float ringOffset = std::max(5.f, 0.05f * float(cv::norm(q[2] - q[0])) / 1.41f);
    std::vector<float> ringIn, ringOut;
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], d = q[(i + 1) % 4] - q[i];
        const cv::Point2f nrm = outwardNormal(a, d, centre);
        for (int k = 0; k < 16; ++k) {
            const cv::Point2f p = a + d * ((k + 0.5f) / 16);
            bool ok = false;
            const float vin = sampleBilinear(an.grey, p.x - nrm.x * ringOffset, p.y - nrm.y * ringOffset, ok);
            if (ok)
                ringIn.push_back(vin);
            const float vout =
                sampleBilinear(an.grey, p.x + nrm.x * ringOffset, p.y + nrm.y * ringOffset, ok);
            if (ok)
                ringOut.push_back(vout);
        }
    }
    if (ringIn.size() < 16 || ringOut.size() < 16)
        return -1;
    auto p75 = [](std::vector<float>& v) {
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() * 3 / 4), v.end());
        return v[v.size() * 3 / 4];
    };
    const double ringContrast = polarity * (p75(ringIn) - p75(ringOut));
    return std::clamp((ringContrast - 4) / 12, 0.0, 1.0);
}

bool scoreQuad(const Analysis& an, const QuadF& q, double fill, Candidate& out) {
    SideEvidence sides;
    if (!sideEvidence(an, q, sides))
        return false;
    out.polarity = sides.polarity;
    const double ring = ringContrastScore(an, q, sides.polarity);
    if (ring < 0)
        return false;
    const double paper = insideLooksLikePaper(an, q, sides.polarity) * ring;
    const double angleScore = 1 - std::clamp(sides.angleDev / 45, 0.0, 1.0);
    const double fillScore = std::clamp((fill - 0.75) / 0.22, 0.0, 1.0);
    const double base = 0.45 * sides.support + 0.25 * sides.supportMin + 0.15 * fillScore + 0.15 * angleScore;
    out.quad = q;
    out.score = std::clamp(base * (0.4 + 0.6 * paper), 0.0, 1.0);
    out.paper = interiorPaper(an, q);
    return true;
}

void collectFromContours(const Analysis& an, const std::vector<std::vector<cv::Point>>& contours,
                         std::vector<Candidate>& out) {
    const double imageArea = double(an.grey.cols) * an.grey.rows;
    for (const auto& contour : contours) {
        if (contour.size() < 4)
            continue;
        const cv::Rect box = cv::boundingRect(contour);
        if (double(box.area()) < kMinAreaFraction * imageArea)
            continue;
        const double area = std::abs(cv::contourArea(contour));
        if (area < kMinAreaFraction * imageArea || area > 0.97 * imageArea)
            continue;
        std::vector<cv::Point> hullIdx;
        cv::convexHull(contour, hullIdx);
        const double hullArea = cv::contourArea(hullIdx);
        if (hullArea <= 0 || area / hullArea < 0.7)
            continue;
        std::vector<cv::Point2f> hull(hullIdx.begin(), hullIdx.end());
        std::array<QuadF, 2> hypotheses;
        const std::array<bool, 2> have{hullToQuad(hull, hypotheses[0]),
                                       hullToQuadByExtension(hull, hypotheses[1])};
        Candidate best;
        for (size_t h = 0; h < 2; ++h) {
            if (!have[h])
                continue;
            if (h == 1 && have[0] &&
                polygonIoU(orderCorners(hypotheses[0]), orderCorners(hypotheses[1])) > 0.97)
                continue; // same answer
            QuadF quad = orderCorners(hypotheses[h]);
            if (!isConvex(quad))
                continue;
            quad = orderCorners(refineWithBoundary(quad, contour));
            const double qa = quadArea(quad);
            if (qa <= 0)
                continue;
            const double fill = std::min(area, qa) / std::max(area, qa);
            Candidate c;
            if (scoreQuad(an, quad, fill, c) && c.score > best.score)
                best = c;
        }
        if (best.score >= kMinScore)
            out.push_back(best);
    }
}

// Full-resolution refinement: along each side, the position of the strongest luminance step
// (of the expected polarity) across the side, then robust line fits and their intersections.
QuadF refineAtFullResolution(const cv::Mat& src, const QuadF& q, int polarity, double radius) {
    const cv::Mat grey = src.channels() == 1 ? src : cv::Mat();
    auto luma = [&](float x, float y, bool& ok) -> float {
        if (!grey.empty())
            return sampleBilinear(grey, x, y, ok);
        if (x < 0 || y < 0 || x > float(src.cols - 2) || y > float(src.rows - 2)) {
            ok = false;
            return 0;
        }
        const int x0 = int(x), y0 = int(y);
        const float fx = x - float(x0), fy = y - float(y0);
        auto l = [&](int xx, int yy) {
            const cv::Vec3b c = src.at<cv::Vec3b>(yy, xx);
            return 0.114f * c[0] + 0.587f * c[1] + 0.299f * c[2];
        };
        ok = true;
        return (l(x0, y0) * (1 - fx) + l(x0 + 1, y0) * fx) * (1 - fy) +
               (l(x0, y0 + 1) * (1 - fx) + l(x0 + 1, y0 + 1) * fx) * fy;
    };
    cv::Point2f centre(0, 0);
    for (const auto& p : q)
        centre += p * 0.25f;
    constexpr int kSamples = 48;
    const int steps = int(std::ceil(radius));
    std::array<Line, 4> sides;
    std::vector<float> profile(size_t(2 * steps + 5));
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], b = q[(i + 1) % 4];
        const cv::Point2f d = b - a;
        const float len = std::hypot(d.x, d.y);
        if (len < 16)
            return q;
        const cv::Point2f u = d * (1 / len);
        cv::Point2f n(u.y, -u.x);
        if ((centre - a).dot(n) > 0)
            n = -n; // outwards
        std::vector<cv::Point2f> pts;
        for (int k = 0; k < kSamples; ++k) {
            const float t = 0.06f + 0.88f * (k + 0.5f) / kSamples;
            const cv::Point2f p = a + d * t;
            bool ok = true;
            for (int s = -steps - 2; s <= steps + 2 && ok; ++s) {
                float v = 0;
                for (int w = -1; w <= 1 && ok; ++w) {
                    const cv::Point2f r = p + n * float(s) + u * (1.5f * float(w));
                    v += luma(r.x, r.y, ok);
                }
                profile[size_t(s + steps + 2)] = v / 3;
            }
            if (!ok)
                continue;
            // Outward step: inside minus outside, expected sign = polarity.
            float best = 0;
            int bestS = 0;
            for (int s = -steps; s <= steps; ++s) {
                const size_t j = size_t(s + steps + 2);
                const float g = float(polarity) * (profile[j - 1] - profile[j + 1]);
                if (g > best) {
                    best = g;
                    bestS = s;
                }
            }
            if (best < 6 || bestS == -steps || bestS == steps)
                continue;
            const size_t j = size_t(bestS + steps + 2);
            const float gm = float(polarity) * (profile[j - 2] - profile[j]);
            const float gp = float(polarity) * (profile[j] - profile[j + 2]);
            const float denom = gm - 2 * best + gp;
            const float offset =
                std::abs(denom) > 1e-3f ? std::clamp(0.5f * (gm - gp) / denom, -0.5f, 0.5f) : 0.f;
            pts.push_back(p + n * (float(bestS) + offset));
        }
        if (pts.size() < kSamples / 3 || !fitRobustLine(pts, 1.5, sides[i]))
            return q;
    }
    QuadF out;
    return quadFromLines(sides, q, radius * 1.5 + 1, out) ? orderCorners(out) : q;
}

// --- Proposals from long straight edges -------------------------------------------------
// A white receipt on a white lid differs from the lid by nothing but the lamp's thin shadow
// along its edges; a page on a light desk by a faint step. Neither makes a region, both make
// long straight segments. The line segment detector (LineSegments.h) finds them; collinear
// pieces are joined; two roughly parallel pairs that meet at roughly right angles make a quad
// hypothesis, scored by how much of each side is an edge in the gradient image and by how calm
// the outside is (a lid, not the text around a table on a page). The image border counts as a
// line: paper that leaves the frame has its cut side there.

struct EdgeLine {
    cv::Point2d p, d;      // a point and the unit direction
    double lo = 0, hi = 0; // extent along d
    double cover = 0;      // length of the segments joined into it
    bool border = false;
    bool chained = false; // of short pieces only: weaker, only for the ends of covered sheets
};

// The segment a-b joined into the line it lies on (within 2.5 px and 3 degrees), or a line of
// its own when it may start one; false when it is neither.
bool joinInto(std::vector<EdgeLine>& lines, cv::Point2d a, cv::Point2d b, bool mayStart) {
    const double len = cv::norm(b - a);
    const cv::Point2d d = (b - a) / len;
    for (auto& l : lines) {
        const double da = std::abs((a - l.p).cross(l.d)), db = std::abs((b - l.p).cross(l.d));
        if (std::abs(d.dot(l.d)) < 0.9985 || da > 2.5 || db > 2.5)
            continue;
        const double ta = (a - l.p).dot(l.d), tb = (b - l.p).dot(l.d);
        const double overlap =
            std::max(0.0, std::min(l.hi, std::max(ta, tb)) - std::max(l.lo, std::min(ta, tb)));
        l.lo = std::min({l.lo, ta, tb});
        l.hi = std::max({l.hi, ta, tb});
        l.cover += len - overlap; // both edges of a thin bar are one line, not twice as long
        return true;
    }
    if (mayStart)
        lines.push_back({a, d, 0, len, len, false});
    return mayStart;
}

// Long lines from the segments: started by segments of 0.6 minLen, joined by those of 0.35,
// kept when they cover minLen. A few more are chained from the short pieces left over alone
// (a page's slightly bowed top edge, broken by noise into pieces of 15-20 px). Those are weaker
// evidence and each line more multiplies the quads to try (a table's picture took twice as
// long with four more): only the longest few are kept, marked, for covered sheets alone.
std::vector<EdgeLine> joinCollinear(std::vector<detail::LineSegment> segs, double minLen) {
    auto length = [](const detail::LineSegment& s) { return std::hypot(s.x2 - s.x1, s.y2 - s.y1); };
    std::sort(segs.begin(), segs.end(), [&](const detail::LineSegment& a, const detail::LineSegment& b) {
        return length(a) > length(b);
    });
    std::vector<EdgeLine> lines;
    std::vector<std::pair<cv::Point2d, cv::Point2d>> alone;
    for (const auto& s : segs) {
        const double len = length(s);
        if (len < 0.35 * minLen)
            break;
        if (!joinInto(lines, {s.x1, s.y1}, {s.x2, s.y2}, len >= 0.6 * minLen))
            alone.emplace_back(cv::Point2d(s.x1, s.y1), cv::Point2d(s.x2, s.y2));
    }
    auto longest = [&](std::vector<EdgeLine>& found, size_t most) {
        std::erase_if(found, [&](const EdgeLine& l) { return l.cover < minLen; });
        std::sort(found.begin(), found.end(),
                  [](const EdgeLine& a, const EdgeLine& b) { return a.cover > b.cover; });
        if (found.size() > most)
            found.resize(most);
    };
    longest(lines, 36);
    std::vector<EdgeLine> chains;
    for (const auto& [a, b] : alone)
        joinInto(chains, a, b, true);
    longest(chains, 4);
    for (auto& c : chains)
        c.chained = true;
    lines.insert(lines.end(), chains.begin(), chains.end());
    return lines;
}

// The minimum of each 2x2 block: half the size, and a 1-px dark line stays dark.
cv::Mat minPooled(const cv::Mat& grey) {
    cv::Mat out(grey.rows / 2, grey.cols / 2, CV_8UC1);
    for (int y = 0; y < out.rows; ++y) {
        const uchar* r0 = grey.ptr<uchar>(2 * y);
        const uchar* r1 = grey.ptr<uchar>(2 * y + 1);
        uchar* o = out.ptr<uchar>(y);
        for (int x = 0; x < out.cols; ++x)
            o[x] = std::min({r0[2 * x], r0[2 * x + 1], r1[2 * x], r1[2 * x + 1]});
    }
    return out;
}

// Blocks of print (lines of text, tables) closed to the paper around them: they hold no paper
// edge, and every stroke in them is work for the line detector and a short segment for the
// joining to sort through. Strokes close into blocks (9 px), what is thinner than 15 px
// (a paper edge, its shadow, a ruled line) opens away, and the blocks keep 7 px off anything
// they merged with, so the edge of a receipt printed close to its border stays in the picture.
cv::Mat printFlattened(const cv::Mat& grey) {
    cv::Mat gradient, blocks;
    cv::morphologyEx(grey, gradient, cv::MORPH_GRADIENT,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    cv::compare(gradient, 20, blocks, cv::CMP_GE);
    cv::morphologyEx(blocks, blocks, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(9, 9)));
    cv::morphologyEx(blocks, blocks, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 15)));
    cv::erode(blocks, blocks, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 15)));
    if (cv::countNonZero(blocks) == 0)
        return grey;
    cv::Mat paper, out = grey.clone();
    cv::morphologyEx(grey, paper, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
    paper.copyTo(out, blocks);
    return out;
}

std::vector<EdgeLine> longEdgeLines(const cv::Mat& grey) {
    const cv::Mat flat = printFlattened(grey);
    auto segs = detail::detectLineSegments(flat.data, flat.cols, flat.rows, std::ptrdiff_t(flat.step));
    const double minLen = 0.07 * std::max(grey.cols, grey.rows);
    auto lines = joinCollinear(std::move(segs), minLen);
    const double w = grey.cols - 1, h = grey.rows - 1;
    lines.push_back({{0, 0}, {1, 0}, 0, w, w, true});
    lines.push_back({{w, 0}, {0, 1}, 0, h, h, true});
    lines.push_back({{0, h}, {1, 0}, 0, w, w, true});
    lines.push_back({{0, 0}, {0, 1}, 0, h, h, true});
    return lines;
}

struct Gradients {
    cv::Mat gx, gy; // float, of the line-preserving work image
    cv::Mat busy;   // 8-bit: 255 where the blurred work image has an edge (text, texture)
};

// The gradient across a line with unit normal `n` at p: the strongest of p and its two
// neighbours along n (an edge found at work size may lie a pixel off), or -1 out of view.
float gradientAcross(const Gradients& g, cv::Point2f p, cv::Point2f n) {
    float best = -1;
    for (int o = -1; o <= 1; ++o) {
        const int x = cvRound(p.x + n.x * float(o)), y = cvRound(p.y + n.y * float(o));
        if (x >= 1 && y >= 1 && x < g.gx.cols - 1 && y < g.gx.rows - 1)
            best = std::max(best, std::abs(g.gx.at<float>(y, x) * n.x + g.gy.at<float>(y, x) * n.y));
    }
    return best;
}

// Share of a side's length where the gradient across it is an edge (within a pixel).
double sideSupport(const Gradients& g, cv::Point2f a, cv::Point2f b, float threshold, int maxSamples = 64) {
    const cv::Point2f d = b - a;
    const float len = std::hypot(d.x, d.y);
    if (len < 8)
        return 0;
    const cv::Point2f n(-d.y / len, d.x / len);
    const int samples = std::clamp(int(len / 3), std::min(12, maxSamples), maxSamples);
    int good = 0, total = 0;
    for (int k = 0; k < samples; ++k) {
        const float across = gradientAcross(g, a + d * ((k + 0.5f) / float(samples)), n);
        total += across >= 0;
        good += across >= threshold;
    }
    return total > 0 ? double(good) / total : 0;
}

// Median gradient across the line from a to b shifted by `offset` along `normal` (the best of
// three neighbouring pixels per sample), over the samples in view.
double medianAcross(const Gradients& g, cv::Point2f a, cv::Point2f b, cv::Point2f normal, float offset) {
    constexpr int kSamples = 48;
    std::vector<float> values;
    values.reserve(kSamples);
    for (int k = 0; k < kSamples; ++k)
        if (const float across =
                gradientAcross(g, a + (b - a) * ((k + 0.5f) / float(kSamples)) + normal * offset, normal);
            across >= 0)
            values.push_back(across);
    if (values.empty())
        return 0;
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(values.size() / 2), values.end());
    return values[values.size() / 2];
}

// A side too faint for the line detector still holds: most of it has a faint edge, or a good
// part has and along its length it stands well out of the lid's noise just outside it (the
// lamp barely shades a white receipt's sides along the scan direction: each sample is weak,
// the side as a whole is not). `outward` is the unit normal pointing away from the sheet.
bool faintSideHolds(const Gradients& g, cv::Point2f a, cv::Point2f b, cv::Point2f outward) {
    const double support = sideSupport(g, a, b, kFaintEdge);
    if (support >= kFaintSupport)
        return true;
    if (support < kPeakedSupport)
        return false;
    const double on = medianAcross(g, a, b, outward, 0);
    const double beside = std::max(medianAcross(g, a, b, outward, 5), medianAcross(g, a, b, outward, 8));
    return on >= kPeakedGradient && on >= kPeakedRatio * beside;
}

// What lies just outside the side a-b of a quad with the given centre: 19 places along it,
// `offsets` px out (4, 7 and 10 unless told; negative: inside); how many of those are in view,
// on an edge (print, texture) and, when a mask is given, paper-like.
struct Beside {
    int total = 0, busy = 0, paper = 0;
};

// Calls visit(x, y) at 19 places along the side a-b of a quad with the given centre, `offsets`
// px out (negative: inside), at those within a picture of `size`.
template <typename Visit>
void forEachBeside(cv::Size size, cv::Point2f a, cv::Point2f b, cv::Point2f centre,
                   std::array<float, 3> offsets, Visit visit) {
    const cv::Point2f d = b - a, n = outwardNormal(a, d, centre);
    for (int k = 1; k < 20; ++k) {
        for (const float off : offsets) {
            const cv::Point2f p = a + d * (float(k) / 20) + n * off;
            const int x = int(p.x), y = int(p.y);
            if (x >= 0 && y >= 0 && x < size.width && y < size.height)
                visit(x, y);
        }
    }
}

Beside besideSide(const Gradients& g, const cv::Mat& paperish, cv::Point2f a, cv::Point2f b,
                  cv::Point2f centre, std::array<float, 3> offsets = {4.f, 7.f, 10.f}) {
    Beside out;
    forEachBeside(g.busy.size(), a, b, centre, offsets, [&](int x, int y) {
        ++out.total;
        out.busy += g.busy.at<uchar>(y, x) != 0;
        out.paper += !paperish.empty() && paperish.at<uchar>(y, x) != 0;
    });
    return out;
}

// Edge density just outside each side (4..10 px out), busiest side first: a lid or a desk is
// calm; the text beside a table on a page, or beside a column inside a receipt, is not.
std::array<double, 4> outsideBusynessBySide(const Gradients& g, const QuadF& q) {
    const cv::Point2f c = centreOf(q);
    std::array<double, 4> sides{};
    for (size_t i = 0; i < 4; ++i) {
        const Beside beside = besideSide(g, {}, q[i], q[(i + 1) % 4], c);
        sides[i] = beside.total >= 15 ? double(beside.busy) / beside.total : 0;
    }
    std::sort(sides.begin(), sides.end(), std::greater<>());
    return sides;
}

double outsideBusyness(const Gradients& g, const QuadF& q) {
    return outsideBusynessBySide(g, q)[0];
}

// Share of a side on the image border along which the picture just inside is paper or print
// (paper-like, or with edges nearby), not a bare lid or desk.
double borderPaper(const Analysis& an, const Gradients& g, cv::Point2f a, cv::Point2f b) {
    const cv::Point2f centre(float(an.paperish.cols) / 2, float(an.paperish.rows) / 2);
    int paper = 0, total = 0;
    for (int k = 1; k < 24; ++k) {
        cv::Point2f p = a + (b - a) * (k / 24.f);
        const cv::Point2f towards = centre - p;
        p += towards * (3.f / std::max(1.f, float(cv::norm(towards))));
        const int x = std::clamp(int(p.x), 0, an.paperish.cols - 1),
                  y = std::clamp(int(p.y), 0, an.paperish.rows - 1);
        ++total;
        paper += an.paperish.at<uchar>(y, x) != 0 || g.busy.at<uchar>(y, x) != 0;
    }
    return double(paper) / total;
}

// The part of a quad inside the picture.
double inViewArea(const QuadF& q, int w, int h) {
    const std::vector<cv::Point2f> view = {
        {0, 0}, {float(w - 1), 0}, {float(w - 1), float(h - 1)}, {0, float(h - 1)}};
    std::vector<cv::Point2f> pq(q.begin(), q.end()), inter;
    return cv::intersectConvexConvex(pq, view, inter, true);
}

// A side lying along the image border (within `tol` pixels): where paper leaves the frame.
bool onImageBorder(cv::Point2f a, cv::Point2f b, int w, int h, float tol) {
    return (std::abs(a.x - b.x) < tol && (a.x < tol || a.x > float(w) - 1 - tol)) ||
           (std::abs(a.y - b.y) < tol && (a.y < tol || a.y > float(h) - 1 - tol));
}

// Within a pixel of the line.
bool liesOn(cv::Point2f p, const EdgeLine& l) {
    return std::abs((cv::Point2d(p) - l.p).cross(l.d)) <= 1.0;
}

bool lineQuad(const EdgeLine& a, const EdgeLine& b, const EdgeLine& c, const EdgeLine& d, QuadF& q) {
    const Line la{a.p, a.d}, lb{b.p, b.d}, lc{c.p, c.d}, ld{d.p, d.d};
    return intersect(la, lc, q[0]) && intersect(lc, lb, q[1]) && intersect(lb, ld, q[2]) &&
           intersect(ld, la, q[3]);
}

// Share of a ring just outside the quad that is paper-like, on its most paper-like side: high
// around a table or a text block printed on a page, or a part of a sheet; low around a sheet
// lying on a desk. Out of view counts as paper.
double outsidePaper(const Analysis& an, const QuadF& q) {
    const cv::Point2f centre = centreOf(q);
    double most = 0;
    for (size_t i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], d = q[(i + 1) % 4] - q[i];
        const cv::Point2f n = outwardNormal(a, d, centre);
        int paper = 0;
        constexpr int kSamples = 16;
        for (int k = 0; k < kSamples; ++k) {
            const cv::Point2f p = a + d * ((float(k) + 0.5f) / kSamples) + n * 8.f;
            const int x = int(p.x), y = int(p.y);
            paper += x < 0 || y < 0 || x >= an.paperish.cols || y >= an.paperish.rows ||
                     an.paperish.at<uchar>(y, x) != 0;
        }
        most = std::max(most, double(paper) / kSamples);
    }
    return most;
}

// A sheet with crisp edges all round that has print beside one side only, along part of it,
// lies next to another sheet (receipts side by side on a lid); a text block or a table has
// print beside it on more sides, or edges made of letters.
bool besideAnotherSheet(const Analysis& an, const Gradients& g, const QuadF& q) {
    const auto bySide = outsideBusynessBySide(g, q);
    if (bySide[1] > 0.06 || bySide[0] > kBesideAnother)
        return false;
    int real = 0;
    for (size_t i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], b = q[(i + 1) % 4];
        if (onImageBorder(a, b, an.grey.cols, an.grey.rows, 2))
            continue;
        if (sideSupport(g, a, b, kLineEdge) < kCrispSide)
            return false;
        ++real;
    }
    return real >= 3;
}

// Scores one hypothesis; false when it is not a sheet.
bool scoreLineQuad(const Analysis& an, const Gradients& g, QuadF q, float threshold, Candidate& out,
                   const EdgeLine* faint = nullptr) {
    const int w = an.grey.cols, h = an.grey.rows;
    // Paper that leaves the frame across a corner of the picture has a corner out of view.
    const float margin = kOutOfViewCorner * float(std::max(w, h));
    for (const auto& p : q)
        if (p.x < -margin || p.y < -margin || p.x > float(w - 1) + margin || p.y > float(h - 1) + margin)
            return false;
    q = orderCorners(q);
    if (!isConvex(q) || quadArea(q) < kMinAreaFraction * w * h)
        return false;
    // Most hypotheses fail on a side: a quick look at each first (a quarter of the samples).
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], b = q[(i + 1) % 4];
        if (onImageBorder(a, b, w, h, 2))
            continue;
        const bool isFaint = faint && liesOn(a, *faint) && liesOn(b, *faint);
        if (sideSupport(g, a, b, isFaint ? kFaintEdge : threshold, 16) <
            (isFaint ? kPeakedSupport : kMinLineSupport) - 0.25)
            return false;
    }
    if (const double inView = inViewArea(q, w, h); inView > 0.97 * w * h || inView < kMinInView * quadArea(q))
        return false;
    double sum = 0, least = 1;
    int real = 0;
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], b = q[(i + 1) % 4];
        if (onImageBorder(a, b, w, h, 2)) {
            if (borderPaper(an, g, a, b) < 0.8)
                return false; // paper leaves the frame along the whole cut side, or it is no side
            continue;
        }
        const bool isFaint = faint && liesOn(a, *faint) && liesOn(b, *faint);
        const double support = sideSupport(g, a, b, isFaint ? kFaintEdge : threshold);
        if (isFaint ? !faintSideHolds(g, a, b, outwardNormal(a, b - a, centreOf(q)))
                    : support < kMinLineSupport)
            return false;
        sum += support;
        least = std::min(least, support);
        ++real;
    }
    if (real < 3)
        return false;
    const double paper = interiorPaper(an, q);
    if (paper < kSheetPaper)
        return false;
    Candidate scored;
    const bool regionLike = scoreQuad(an, q, 0.9, scored) && scored.score >= kMinScore;
    const double busy = outsideBusyness(g, q);
    // Print beside it on paper makes it a table or a text block; a desk's grain and clutter
    // beside a bright sheet do not.
    auto onDesk = [&] {
        SideEvidence steps;
        return regionLike && scored.polarity > 0 && sideEvidence(an, q, steps) &&
               steps.supportMin >= kDeskStep && outsidePaper(an, q) < kDeskPaper;
    };
    bool besideOther = false;
    if ((busy > 0.12 || (!regionLike && busy > 0.06)) && !onDesk()) {
        if (!besideAnotherSheet(an, g, q))
            return false;
        besideOther = true; // kept only with a sheet beside it (withNeighbours)
    }
    const double support = sum / real;
    out.quad = q;
    out.paper = paper;
    out.fromLines = true;
    out.polarity = regionLike ? scored.polarity : 1;
    out.besideOther = besideOther;
    const double calm = 1 - std::clamp(busy / 0.06, 0.0, 1.0);
    out.score =
        std::clamp(0.5 * support + 0.3 * least + 0.2 * std::max(calm, regionLike ? scored.score : 0.0), 0.0,
                   1.0) *
        (regionLike ? 1.0 : 0.9) * (faint ? 0.9 : 1.0);
    return true;
}

Gradients gradientsOf(const Analysis& an) {
    Gradients g;
    cv::Mat smooth;
    cv::GaussianBlur(an.sharp, smooth, cv::Size(3, 3), 0);
    cv::Sobel(smooth, g.gx, CV_32F, 1, 0, 3, 0.25);
    cv::Sobel(smooth, g.gy, CV_32F, 0, 1, 3, 0.25);
    cv::Mat bx, by;
    cv::Sobel(an.grey, bx, CV_32F, 1, 0, 3, 0.25);
    cv::Sobel(an.grey, by, CV_32F, 0, 1, 3, 0.25);
    cv::magnitude(bx, by, bx);
    cv::compare(bx, 10.0, g.busy, cv::CMP_GE);
    return g;
}

// Where a sheet whose fourth side is too faint for the line detector (a receipt's curled bottom
// edge on a light desk) ends: parallel to its found side `c`, between its found sides `a` and
// `b`, beyond the ends of both, at the position with the most faint edge along it.
std::optional<EdgeLine> faintFourthSide(const Gradients& g, const EdgeLine& a, const EdgeLine& b,
                                        const EdgeLine& c) {
    const cv::Point2d n(-c.d.y, c.d.x);
    auto reach = [&](const EdgeLine& l) { // signed distances of l's ends from c
        return std::pair{(l.p + l.d * l.lo - c.p).dot(n), (l.p + l.d * l.hi - c.p).dot(n)};
    };
    const auto [a0, a1] = reach(a);
    const auto [b0, b1] = reach(b);
    const double farA = std::abs(a0) > std::abs(a1) ? a0 : a1, farB = std::abs(b0) > std::abs(b1) ? b0 : b1;
    const double width = std::abs((b.p - a.p).cross(a.d));
    if (farA * farB <= 0 || std::min(std::abs(farA), std::abs(farB)) < 0.3 * width)
        return std::nullopt; // the sides do not both leave c on one side
    // c must join a and b: its extent covers a good part of the way between them.
    if (c.hi - c.lo < 0.25 * width)
        return std::nullopt;
    const double sign = farA > 0 ? 1 : -1;
    // A side's edge cannot run on beyond the paper: the fourth side lies past both of their ends.
    const double from = std::max(std::abs(farA), std::abs(farB)) - 3;
    const double to = 1.4 * std::max(std::abs(farA), std::abs(farB));
    // The side at distance `at`, turned by `degrees` (not quite parallel either: a curled edge, a
    // photo's perspective): its support, or -1 where it leaves the picture.
    std::pair<cv::Point2f, cv::Point2f> ends, bestEnds;
    auto supportAt = [&](double at, double degrees, int samples, EdgeLine& side) {
        const double t = degrees * CV_PI / 180;
        const cv::Point2d d(c.d.x * std::cos(t) - c.d.y * std::sin(t),
                            c.d.x * std::sin(t) + c.d.y * std::cos(t));
        side = {c.p + n * (sign * at), d, 0, 0, 0, false};
        const cv::Rect2f view(0, 0, float(g.gx.cols), float(g.gx.rows));
        if (!intersect({a.p, a.d}, {side.p, side.d}, ends.first) ||
            !intersect({b.p, b.d}, {side.p, side.d}, ends.second) || !view.contains(ends.first) ||
            !view.contains(ends.second))
            return -1.0; // out of view: the border is a hypothesis of its own
        return sideSupport(g, ends.first, ends.second, kFaintEdge, samples);
    };
    // Coarse: parallel, every other pixel, few samples; then every angle around the best place.
    double coarseBest = 0, coarseAt = 0;
    EdgeLine side, bestSide;
    for (double at = from; at <= to; at += 2.0) {
        const double support = supportAt(at, 0, 16, side);
        if (support < 0)
            break;
        if (support > coarseBest) {
            coarseBest = support;
            coarseAt = at;
        }
    }
    if (coarseBest < kPeakedSupport - 0.1)
        return std::nullopt;
    double best = 0;
    for (const double degrees : {0.0, -1.5, 1.5, -3.0, 3.0})
        for (double at = coarseAt - 3; at <= coarseAt + 3; at += 1.0)
            if (const double support = supportAt(at, degrees, 64, side); support > best) {
                best = support;
                bestSide = side;
                bestEnds = ends;
            }
    if (best < kPeakedSupport || !faintSideHolds(g, bestEnds.first, bestEnds.second,
                                                 cv::Point2f(float(n.x * sign), float(n.y * sign))))
        return std::nullopt;
    return bestSide;
}

// --- Sheets partly covered by another: a book's facing page -------------------------------
// The page of an open book photographed from above has three sides against the desk and a
// fourth where the facing page, curling up out of the gutter, lies over it: paper on both
// sides, print up to it, no edge a line detector can follow. What marks that side is where
// the page's other edges end: its top and bottom edges run from the outer side to the gutter
// and stop there. A pen or a cable across an edge interrupts it too, but the edge resumes
// beyond; an edge that runs out of view is a cut side, the border's business.

constexpr int kCoveredGap = 8;        // work pixels without edge that end an edge
constexpr double kCoveredSolid = 0.6; // share of edge along the last stretch before the end
constexpr double kCoveredEven = 0.75; // the two ended sides' lengths agree this well
constexpr double kCoveredDesk = 0.25; // at most this much print or grain beside each side on the desk
constexpr double kCoveredPaper = 0.7; // share of paper on both sides of the covered side

// How far from `from` along the unit direction u the edge runs on (within two pixels of the
// line: a page's edge bows a little), or nothing when it runs out of view or resumes after its
// end with desk, not paper, beside it. n is the unit normal pointing out of the sheet.
std::optional<double> edgeEnd(const Analysis& an, const Gradients& g, cv::Point2d from, cv::Point2d u,
                              cv::Point2d n) {
    const cv::Point2f nf(float(n.x), float(n.y));
    auto edgeAt = [&](double t) { // 1 edge, 0 none, -1 out of view
        float best = -1;
        for (const double o : {-1.5, 0.0, 1.5}) {
            const cv::Point2d p = from + u * t + n * o;
            best = std::max(best, gradientAcross(g, cv::Point2f(float(p.x), float(p.y)), nf));
        }
        return best < 0 ? -1 : best >= kLineEdge ? 1 : 0;
    };
    double last = 0;
    std::vector<int> seen;
    for (double t = 0;; t += 1) {
        const int e = edgeAt(t);
        if (e < 0)
            return std::nullopt;
        seen.push_back(e);
        if (e > 0)
            last = t;
        else if (t - last > kCoveredGap)
            break;
    }
    // A solid edge up to its end (seen holds t = 0 .. last + kCoveredGap + 1).
    const auto end = std::ptrdiff_t(last);
    if (end < 20 ||
        double(std::count(seen.begin() + end - 19, seen.begin() + end + 1, 1)) < kCoveredSolid * 20)
        return std::nullopt;
    // Beyond the end, no run of edge on the same line with the desk beside it: the sheet is
    // covered (by paper), not crossed (by a pen).
    auto onDesk = [&](double t) {
        const cv::Point2d p = from + u * t + n * 7.0;
        const int x = int(p.x), y = int(p.y);
        return x >= 0 && y >= 0 && x < an.paperish.cols && y < an.paperish.rows &&
               an.paperish.at<uchar>(y, x) == 0;
    };
    const double beyond = std::max(40.0, 0.3 * last);
    int run = 0;
    for (double t = last + kCoveredGap + 1; t <= last + beyond; t += 1) {
        const int e = edgeAt(t);
        if (e < 0)
            break;
        run = e > 0 && onDesk(t) ? run + 1 : 0;
        if (run >= 10)
            return std::nullopt;
    }
    return last;
}

// Where the parallel sides a and b of a sheet end, walking from their corners pa and pb on its
// third side away from it: both must end, at about the same distance, far enough along.
std::optional<std::pair<cv::Point2f, cv::Point2f>> endsOfCoveredSheet(const Analysis& an, const Gradients& g,
                                                                      const EdgeLine& a, const EdgeLine& b,
                                                                      cv::Point2f pa, cv::Point2f pb) {
    double reach[2] = {0, 0};
    cv::Point2f ends[2];
    for (int k = 0; k < 2; ++k) {
        const EdgeLine& l = k == 0 ? a : b;
        const cv::Point2d corner = k == 0 ? cv::Point2d(pa) : cv::Point2d(pb);
        const double t0 = (l.p + l.d * l.lo - corner).dot(l.d), t1 = (l.p + l.d * l.hi - corner).dot(l.d);
        const cv::Point2d u = (std::abs(t0) > std::abs(t1) ? t0 : t1) > 0 ? l.d : -l.d;
        const EdgeLine& other = k == 0 ? b : a;
        cv::Point2d out(-l.d.y, l.d.x);
        if ((other.p - l.p).dot(out) > 0)
            out = -out;
        // From the corner (a few pixels in, past its rounding): the side ends at its first gap,
        // not at another sheet's beyond the lid between them.
        const auto end = edgeEnd(an, g, corner + u * 3.0, u, out);
        if (!end)
            return std::nullopt;
        reach[k] = 3 + *end;
        const cv::Point2d e = corner + u * reach[k];
        ends[k] = cv::Point2f(float(e.x), float(e.y));
    }
    const double width = std::abs((b.p - a.p).cross(a.d));
    if (std::min(reach[0], reach[1]) < kCoveredEven * std::max(reach[0], reach[1]) ||
        std::min(reach[0], reach[1]) < 0.3 * width)
        return std::nullopt;
    return std::pair{ends[0], ends[1]};
}

// Side c joins the parallel sides a and b; where both of those end, the same distance from c
// (a page is a rectangle), another sheet covers the rest. Scored like a line quad on its three
// sides against the desk, each of which must have calm desk, not paper, beside it.
void collectCoveredSheets(const Analysis& an, const Gradients& g, const std::vector<EdgeLine>& lines,
                          const std::vector<std::pair<size_t, size_t>>& pairs,
                          std::vector<Candidate>& found) {
    const int w = an.grey.cols, h = an.grey.rows;
    auto share = [](int part, int total) { return total == 0 ? 0.0 : double(part) / total; };
    for (const auto& [ia, ib] : pairs) {
        const EdgeLine &a = lines[ia], &b = lines[ib];
        if (a.border || b.border)
            continue;
        for (size_t ic = 0; ic < lines.size(); ++ic) {
            const EdgeLine& c = lines[ic];
            if (c.border || c.chained || std::abs(a.d.dot(c.d)) > 0.26)
                continue;
            cv::Point2f pa, pb;
            if (!intersect({a.p, a.d}, {c.p, c.d}, pa) || !intersect({b.p, b.d}, {c.p, c.d}, pb))
                continue;
            const auto ends = endsOfCoveredSheet(an, g, a, b, pa, pb);
            if (!ends)
                continue;
            const auto [ea, eb] = *ends;
            QuadF q{pa, ea, eb, pb};
            if (!isConvex(orderCorners(q)) || quadArea(q) < kMinAreaFraction * w * h ||
                inViewArea(q, w, h) < 0.98 * quadArea(q))
                continue;
            const cv::Point2f centre = centreOf(q);
            double sum = 0, least = 1, busiest = 0;
            bool desk = true;
            for (const auto& [p0, p1] : {std::pair{pa, ea}, std::pair{pb, eb}, std::pair{pa, pb}}) {
                const double support = sideSupport(g, p0, p1, kLineEdge);
                const Beside beside = besideSide(g, an.paperish, p0, p1, centre);
                const double busy = share(beside.busy, beside.total);
                desk = desk && support >= kMinLineSupport && busy <= kCoveredDesk &&
                       share(beside.paper, beside.total) < kDeskPaper;
                sum += support;
                least = std::min(least, support);
                busiest = std::max(busiest, busy);
            }
            // The covered side has the sheet's paper on its inside and the covering sheet's on
            // its outside (not the lid between two receipts whose sides were taken for a and b).
            const cv::Point2f across = centre * 2.f - (ea + eb) * 0.5f; // the centre mirrored over it
            const Beside outside = besideSide(g, an.paperish, ea, eb, centre);
            const Beside inside = besideSide(g, an.paperish, ea, eb, across);
            if (!desk || share(outside.paper, outside.total) < kCoveredPaper ||
                share(inside.paper, inside.total) < kCoveredPaper)
                continue;
            const double paper = interiorPaper(an, q);
            if (paper < kSheetPaper)
                continue;
            Candidate cand;
            cand.quad = orderCorners(q);
            cand.paper = paper;
            cand.fromLines = true;
            cand.covered = true;
            const double calm = 1 - std::clamp(busiest / 0.06, 0.0, 1.0);
            cand.score = std::clamp(0.5 * sum / 3 + 0.3 * least + 0.2 * calm, 0.0, 1.0) * 0.9;
            found.push_back(cand);
        }
    }
}

// Sheets with one side too faint to be found as a line: two parallel found sides joined by a
// third, the fourth searched for (faintFourthSide).
void collectWithFaintSide(const Analysis& an, const Gradients& g, const std::vector<EdgeLine>& lines,
                          const std::vector<std::pair<size_t, size_t>>& pairs,
                          std::vector<Candidate>& found) {
    for (const auto& [a, b] : pairs) {
        if (lines[a].border || lines[b].border)
            continue;
        for (size_t c = 0; c < lines.size(); ++c) {
            if (lines[c].border || lines[c].chained || std::abs(lines[a].d.dot(lines[c].d)) > 0.26)
                continue; // not a third side at roughly right angles
            const auto fourth = faintFourthSide(g, lines[a], lines[b], lines[c]);
            QuadF q;
            Candidate cand;
            if (fourth && lineQuad(lines[a], lines[b], lines[c], *fourth, q) &&
                scoreLineQuad(an, g, q, kLineEdge, cand, &*fourth))
                found.push_back(cand);
        }
    }
}

void collectFromLines(const Analysis& an, const Gradients& g, std::vector<Candidate>& out) {
    const auto lines = longEdgeLines(an.sharp);
    const double minSide = 0.05 * std::max(an.grey.cols, an.grey.rows);
    std::vector<std::pair<size_t, size_t>> pairs, withChained; // of parallel lines
    for (size_t i = 0; i < lines.size(); ++i)
        for (size_t j = i + 1; j < lines.size(); ++j)
            if (std::abs(lines[i].d.dot(lines[j].d)) > 0.96 && !(lines[i].border && lines[j].border) &&
                std::abs((lines[j].p - lines[i].p).cross(lines[i].d)) > minSide)
                (lines[i].chained || lines[j].chained ? withChained : pairs).emplace_back(i, j);
    std::vector<Candidate> found;
    for (size_t u = 0; u < pairs.size(); ++u) {
        for (size_t v = u + 1; v < pairs.size(); ++v) {
            const auto& [a, b] = pairs[u];
            const auto& [c, d] = pairs[v];
            if (std::abs(lines[a].d.dot(lines[c].d)) > 0.5)
                continue; // not roughly perpendicular
            QuadF q;
            Candidate cand;
            if (lineQuad(lines[a], lines[b], lines[c], lines[d], q) &&
                scoreLineQuad(an, g, q, kLineEdge, cand))
                found.push_back(cand);
        }
    }
    collectWithFaintSide(an, g, lines, pairs, found);
    withChained.insert(withChained.end(), pairs.begin(), pairs.end());
    collectCoveredSheets(an, g, lines, withChained, found);
    for (auto& c : found)
        if (c.score >= kMinScore)
            out.push_back(c);
}

// The work-size grey for line finding: the minimum of each 2x2 block of the picture at twice
// the work size, so a lamp's 2-px shadow line on a 300-dpi scan survives the reduction.
cv::Mat darkLinePreserving(const cv::Mat& grey, cv::Size work) { // grey: twice the work size
    if (grey.cols != 2 * work.width || grey.rows != 2 * work.height) {
        cv::Mat r;
        cv::resize(grey, r, work, 0, 0, cv::INTER_AREA);
        return r;
    }
    return minPooled(grey);
}

// Paper-likeness just inside the picture's border, on its least paper-like side: near 1 when
// the picture is all paper (a page scanned edge to edge, a cropped receipt photo) or paper on
// a white lid; low when a desk or a lid of another colour shows anywhere along the border.
double framePaper(const Analysis& an) {
    // Paper a lamp or a phone lights unevenly still counts: darker by up to 40%.
    const cv::Mat m = paperMask(an, 0.6);
    const int inset = std::min({3, m.cols / 4, m.rows / 4});
    auto share = [&](cv::Point a, cv::Point b) {
        cv::LineIterator it(m, a, b);
        int paper = 0;
        for (int i = 0; i < it.count; ++i, ++it)
            paper += **it != 0;
        return double(paper) / std::max(1, it.count);
    };
    const int r = m.cols - 1 - inset, bottom = m.rows - 1 - inset;
    return std::min({share({inset, inset}, {r, inset}), share({inset, bottom}, {r, bottom}),
                     share({inset, inset}, {inset, bottom}), share({r, inset}, {r, bottom})});
}

// Share of the places just outside the side a-b (4, 7 and 10 px out) in view that are as bright
// as the picture's paper: near 1 where the same paper goes on beyond the side.
double brightBeside(const Analysis& an, cv::Point2f a, cv::Point2f b, cv::Point2f centre) {
    int total = 0, bright = 0;
    forEachBeside(an.grey.size(), a, b, centre, {4.f, 7.f, 10.f}, [&](int x, int y) {
        ++total;
        bright += an.grey.at<uchar>(y, x) >= kSamePaper * an.white;
    });
    return total > 0 ? double(bright) / total : 0;
}

// A quad of paper running out of view (a side on the picture's border, or a corner beyond it)
// with a side in view that is a broken edge, has print just inside it along most of it and the
// same bright paper just beyond: that side is print, not the paper's edge. On skewed feeder scans, whose own
// edges show the scanner in thin wedges, a table's rule above the next paragraph and the left margin of a
// text block made such quads. A receipt photographed running out of view has a desk beyond its sides; a sheet
// wholly in view on a lid is not looked at here.
bool sideInViewIsPrint(const Analysis& an, const Gradients& g, const QuadF& q) {
    const int w = an.grey.cols, h = an.grey.rows;
    int outOfView = 0, onBorder = 0;
    for (const auto& p : q)
        outOfView += p.x < -2 || p.y < -2 || p.x > float(w + 1) || p.y > float(h + 1);
    for (size_t i = 0; i < 4; ++i)
        onBorder += onImageBorder(q[i], q[(i + 1) % 4], w, h, 3);
    if (outOfView == 0 && onBorder == 0)
        return false;
    const cv::Point2f centre = centreOf(q);
    for (size_t i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], b = q[(i + 1) % 4];
        if (onImageBorder(a, b, w, h, 3))
            continue;
        const Beside inside = besideSide(g, {}, a, b, centre, {-3.f, -5.f, -7.f});
        if (inside.total >= 15 && inside.busy > kPrintInside * inside.total &&
            sideSupport(g, a, b, kLineEdge) < kUnbrokenSide && brightBeside(an, a, b, centre) >= kPaperBeyond)
            return true;
    }
    return false;
}

// On a picture that is all paper, only a sheet with edges of its own is a document: long
// straight sides with a calm outside (a receipt on a white lid, outlined by its shadow).
// Text blocks, tables and logos are print on the page, however region-like they look.
bool hasOwnEdges(const Analysis& an, const Gradients& g, const Candidate& c) {
    const int w = an.grey.cols, h = an.grey.rows;
    // A receipt or a card on the glass is not smaller than a twentieth of it.
    if (quadArea(c.quad) < 0.05 * w * h)
        return false;
    if (!c.fromLines && c.polarity > 0)
        return true; // brighter than what is around it: print never is
    // A lid is bare all round a sheet on it; print has print beside it. A desk beside a photographed
    // sheet may show the sheet's shadow along one side.
    const auto busy = outsideBusynessBySide(g, c.quad);
    if (busy[0] > 0.04 && (busy[0] > 0.12 || busy[1] > 0.02) && !c.besideOther)
        return false;
    if (c.fromLines) // scoreLineQuad demanded long straight sides
        return !sideInViewIsPrint(an, g, c.quad);
    double least = 1;
    int real = 0;
    for (int i = 0; i < 4; ++i) {
        const cv::Point2f a = c.quad[size_t(i)], b = c.quad[size_t((i + 1) % 4)];
        if (onImageBorder(a, b, w, h, 3))
            continue;
        least = std::min(least, sideSupport(g, a, b, 4.f));
        ++real;
    }
    return real >= 3 && least >= kMinLineSupport;
}

// The picture's print (its edge pixels) outside `sheets`: its share of all print, and the share
// of the picture its extent spans (1st to 99th percentile across and down). Near 0 for receipts
// on a bare lid; for a page whose printed boxes and logos were taken for sheets, most of the
// print, spread over the whole page; for a receipt missed beside found ones, a part of the
// picture.
struct StrayPrint {
    double share = 0, extent = 0;
};

StrayPrint strayPrint(const Gradients& g, const std::vector<Candidate>& sheets) {
    cv::Mat covered = cv::Mat::zeros(g.busy.size(), CV_8U);
    for (const auto& c : sheets) {
        std::vector<cv::Point> corners;
        for (const auto& p : c.quad)
            corners.emplace_back(cvRound(p.x), cvRound(p.y));
        cv::fillConvexPoly(covered, corners, 255);
    }
    // A sheet's own edge and shadow belong to it.
    cv::dilate(covered, covered, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
    const int all = cv::countNonZero(g.busy);
    cv::Mat outside;
    cv::bitwise_and(g.busy, ~covered, outside);
    const int stray = cv::countNonZero(outside);
    if (all == 0 || stray == 0)
        return {};
    cv::Mat columns, rows;
    cv::reduce(outside, columns, 0, cv::REDUCE_SUM, CV_32S);
    cv::reduce(outside, rows, 1, cv::REDUCE_SUM, CV_32S);
    auto spread = [&](const cv::Mat& counts) { // 1st to 99th percentile of the stray print
        const int n = int(counts.total());
        const double total = double(stray) * 255;
        double seen = 0;
        int first = -1, last = n - 1;
        for (int i = 0; i < n; ++i) {
            seen += counts.at<int>(i);
            if (first < 0 && seen >= 0.01 * total)
                first = i;
            if (seen >= 0.99 * total) {
                last = i;
                break;
            }
        }
        return double(last - std::max(first, 0) + 1) / n;
    };
    return {double(stray) / all, spread(columns) * spread(rows)};
}

// Exact halvings while the picture stays at least `to` in both directions, the first one
// `halved` when that is the picture halved (OpenCV's area
// averaging by an uneven factor cost more than the rest of the finder's pictures together).
cv::Mat halvedToward(const cv::Mat& src, cv::Size to, const cv::Mat& halved) {
    cv::Mat current = src;
    if (current.cols / 2 >= to.width && current.rows / 2 >= to.height && !halved.empty() &&
        halved.type() == src.type() && halved.size() == cv::Size(src.cols / 2, src.rows / 2))
        current = halved; // the caller's, made by the same halving
    while (current.cols / 2 >= to.width && current.rows / 2 >= to.height)
        current = detail::halvedExactly(current);
    return current;
}

Candidate wholePicture(const Analysis& an) {
    Candidate c;
    const float r = float(an.grey.cols - 1), b = float(an.grey.rows - 1);
    c.quad = {cv::Point2f(0, 0), cv::Point2f(r, 0), cv::Point2f(r, b), cv::Point2f(0, b)};
    c.score = 0.5;
    c.paper = 1;
    c.frame = true;
    return c;
}

// The pictures the finder works on (see Analysis), from the page; sx, sy scale back to it.
struct WorkPictures {
    Analysis an;
    double sx = 1, sy = 1;
    int lo = 0, hi = 255; // 1st and 99th percentile of the work grey
};

WorkPictures workPictures(const cv::Mat& src, const cv::Mat& halved) {
    // The work size for regions (straight from the page: their scores are tuned on it) and twice
    // the work size for the dark-line-preserving image the lines are found on.
    const double scale = std::max(1.0, double(std::max(src.cols, src.rows)) / kWorkEdge);
    const cv::Size work(std::max(1, int(std::lround(src.cols / scale))),
                        std::max(1, int(std::lround(src.rows / scale))));
    WorkPictures w;
    Analysis& an = w.an;
    cv::Mat twice, small;
    if (scale >= 2) {
        // Exact halvings first; the last, uneven step area-averaged on grey only (on colour it
        // cost 7 ms, more than the rest of the finder's pictures together; bilinear here lost
        // receipts side by side: several-receipts 0.969 -> 0.921). Colour is only judged for
        // saturation, so the work-size colour is sampled from the halved page.
        const cv::Mat half = halvedToward(src, cv::Size(2 * work.width, 2 * work.height), halved);
        const cv::Mat halfGrey = detail::toGrey(half);
        if (halfGrey.size() != cv::Size(2 * work.width, 2 * work.height))
            twice = detail::areaShrunk(halfGrey, cv::Size(2 * work.width, 2 * work.height));
        else
            twice = halfGrey;
        small = detail::halvedExactly(twice);
        if (half.channels() == 3)
            cv::resize(half, an.colour, work, 0, 0, cv::INTER_LINEAR);
    } else if (scale > 1) {
        twice = detail::toGrey(src);
        cv::resize(twice, small, work, 0, 0, cv::INTER_AREA);
        if (src.channels() == 3)
            cv::resize(src, an.colour, work, 0, 0, cv::INTER_AREA);
    } else {
        twice = small = detail::toGrey(src);
        if (src.channels() == 3)
            an.colour = src;
    }
    w.sx = double(src.cols) / small.cols;
    w.sy = double(src.rows) / small.rows;
    an.sharp = darkLinePreserving(twice, work); // for lines only: print is bolder here
    cv::GaussianBlur(small, an.grey, cv::Size(5, 5), 0);

    int hist[256] = {};
    for (int y = 0; y < an.grey.rows; ++y) {
        const uchar* row = an.grey.ptr<uchar>(y);
        for (int x = 0; x < an.grey.cols; ++x)
            ++hist[row[x]];
    }
    auto percentile = [&](double p) {
        const double target = p * an.grey.total();
        double acc = 0;
        for (int v = 0; v < 256; ++v) {
            acc += hist[v];
            if (acc >= target)
                return v;
        }
        return 255;
    };
    w.lo = percentile(0.01);
    w.hi = percentile(0.99);
    an.white = std::max(w.hi, 1);
    an.paperish = paperMask(an);
    return w;
}

// Regions of 12 brightness levels of the work picture. On a picture that is all paper (a page
// scanned edge to edge, a sheet on a white lid) the levels mostly trace print, and only sheets
// with edges of their own count there (hasOwnEdges): they are traced on a half-size copy, a
// quarter of the pixels and half the outline points (3 of the finder's 20 ms on a 300-dpi
// office page, issue 16); what is kept is refined at full resolution all the same. Elsewhere
// (photos, dark lids), where a region's outline is the document's edge, at work size.
void collectFromLevels(const WorkPictures& w, bool allPaper, std::vector<Candidate>& out) {
    if (w.hi - w.lo < 6)
        return;
    const Analysis& an = w.an;
    cv::Mat levelled = an.grey;
    if (allPaper)
        cv::resize(an.grey, levelled, cv::Size(an.grey.cols / 2, an.grey.rows / 2), 0, 0, cv::INTER_AREA);
    std::vector<std::vector<cv::Point>> contours;
    cv::Mat binary;
    constexpr int kLevels = 12;
    for (int l = 1; l <= kLevels; ++l) {
        const double t = w.lo + (w.hi - w.lo) * double(l) / (kLevels + 1);
        cv::threshold(levelled, binary, t, 255, cv::THRESH_BINARY);
        cv::findContours(binary, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
        if (allPaper) // back to work-size pixels (the centre of each 2 x 2 block)
            for (auto& contour : contours)
                for (auto& p : contour)
                    p = cv::Point(2 * p.x + 1, 2 * p.y + 1);
        collectFromContours(an, contours, out);
    }
}

// Candidates from the three maps: regions of 12 brightness levels, outlines of two edge maps,
// and quads of long straight lines.
std::vector<Candidate> allCandidates(const WorkPictures& w, const Gradients& grad, bool allPaper) {
    const Analysis& an = w.an;
    std::vector<Candidate> candidates;
    collectFromLevels(w, allPaper, candidates);
    std::vector<std::vector<cv::Point>> contours;
    cv::Mat edges;
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
    for (const auto& [low, high] : {std::pair{10.0, 30.0}, std::pair{30.0, 90.0}}) {
        cv::Canny(an.grey, edges, low, high);
        cv::dilate(edges, edges, kernel);
        cv::findContours(edges, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
        collectFromContours(an, contours, candidates);
    }
    collectFromLines(an, grad, candidates);
    return candidates;
}

// The same document comes from several maps: the best-scored of overlapping ones. Except that
// a covered sheet replaces one reaching on over its covered side: the sheet's edges were seen to
// end there (a quad of the same lines run on to the picture's border, over the facing page).
std::vector<Candidate> distinctCandidates(std::vector<Candidate> candidates) {
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    std::vector<Candidate> distinct;
    for (const auto& c : candidates) {
        bool duplicate = false;
        for (auto& k : distinct) {
            if (polygonIoU(c.quad, k.quad) <= 0.5)
                continue;
            if (c.covered && !k.covered && quadArea(k.quad) > 1.1 * quadArea(c.quad) &&
                overlapOfSmaller(c.quad, k.quad) > 0.9)
                k = c;
            duplicate = true;
            break;
        }
        if (!duplicate)
            distinct.push_back(c);
    }
    return distinct;
}

// Points up to kNeighbourGap outside c's sides lie in k: k lies beside c.
bool liesBeside(const Candidate& c, const Candidate& k) {
    const cv::Point2f centre = centreOf(c.quad);
    const std::vector<cv::Point2f> other(k.quad.begin(), k.quad.end());
    int inside = 0;
    for (size_t i = 0; i < 4; ++i) {
        const cv::Point2f a = c.quad[i], d = c.quad[(i + 1) % 4] - a;
        const cv::Point2f n = outwardNormal(a, d, centre);
        for (int s = 1; s < 16; ++s)
            for (const float off : {4.f, 0.5f * (4.f + kNeighbourGap), kNeighbourGap})
                inside += cv::pointPolygonTest(other, a + d * (float(s) / 16) + n * off, false) > 0;
    }
    return inside >= 3;
}

// What a quad holds besides the given sheets is bare (a lid between receipts), not print (a
// receipt whose printed rules cut it into parts).
bool bareBetween(const Gradients& g, const QuadF& q, const std::vector<const Candidate*>& sheets) {
    std::vector<std::vector<cv::Point2f>> outlines;
    for (const Candidate* s : sheets)
        outlines.emplace_back(s->quad.begin(), s->quad.end());
    int busy = 0, total = 0;
    for (int v = 1; v < 24; ++v) {
        for (int u = 1; u < 24; ++u) {
            const float fu = float(u) / 24, fv = float(v) / 24;
            const cv::Point2f top = q[0] + (q[1] - q[0]) * fu, bottom = q[3] + (q[2] - q[3]) * fu;
            const cv::Point2f p = top + (bottom - top) * fv;
            const int x = int(p.x), y = int(p.y);
            if (x < 0 || y < 0 || x >= g.busy.cols || y >= g.busy.rows)
                continue;
            if (std::any_of(outlines.begin(), outlines.end(),
                            [&](const auto& o) { return cv::pointPolygonTest(o, p, false) >= 0; }))
                continue;
            ++total;
            busy += g.busy.at<uchar>(y, x) != 0;
        }
    }
    return total == 0 || busy <= kBareBetween * total;
}

// Paper holds its content: a barcode, a logo or a text block inside a plausible sheet is part
// of that sheet, never a document of its own, however crisp its edges. A "sheet" that holds two
// or more sheets is a group of receipts on a lid, not a document.
std::vector<Candidate> withoutContent(const std::vector<Candidate>& distinct, const Gradients& grad,
                                      bool allPaper) {
    auto contains = [](const Candidate& outer, const Candidate& inner) {
        return &outer != &inner && quadArea(outer.quad) > 1.2 * quadArea(inner.quad) &&
               overlapOfSmaller(inner.quad, outer.quad) > 0.85;
    };
    auto isSheet = [](const Candidate& c) { return c.score >= kContainerScore && c.paper >= kSheetPaper; };
    // Two sheets apart from each other, each at least half inside it (a line quad may run along
    // one receipt's side and another's end, cutting a part of each off).
    auto mostlyIn = [](const Candidate& outer, const Candidate& inner) {
        return &outer != &inner && quadArea(outer.quad) > 1.2 * quadArea(inner.quad) &&
               quadArea(inner.quad) > 0.15 * quadArea(outer.quad) &&
               overlapOfSmaller(inner.quad, outer.quad) > 0.5;
    };
    std::vector<bool> group(distinct.size(), false);
    for (size_t i = 0; i < distinct.size(); ++i) {
        if (!distinct[i].fromLines)
            continue;
        std::vector<const Candidate*> sheets;
        for (size_t j = 0; j < distinct.size() && sheets.size() < 2; ++j) {
            const Candidate& c = distinct[j];
            bool apart = true;
            for (const Candidate* other : sheets)
                apart = apart && overlapOfSmaller(c.quad, other->quad) < 0.2;
            if (apart && isSheet(c) && !c.besideOther && mostlyIn(distinct[i], c) &&
                outsideBusyness(grad, c.quad) <= 0.25) // bounded by a lid all round
                sheets.push_back(&c);
        }
        group[i] = sheets.size() >= 2 && bareBetween(grad, distinct[i].quad, sheets);
        // On a picture that is all paper, two sheets side by side whole inside make it a group
        // or a table (its cells), whatever lies between them.
        std::vector<const Candidate*> whole;
        for (size_t j = 0; j < distinct.size() && allPaper; ++j)
            if (isSheet(distinct[j]) && contains(distinct[i], distinct[j]) &&
                quadArea(distinct[j].quad) > 0.15 * quadArea(distinct[i].quad) &&
                outsideBusyness(grad, distinct[j].quad) <= 0.25)
                whole.push_back(&distinct[j]);
        for (size_t u = 0; u < whole.size() && !group[i]; ++u)
            for (size_t v = u + 1; v < whole.size() && !group[i]; ++v)
                group[i] = overlapOfSmaller(whole[u]->quad, whole[v]->quad) < 0.2 &&
                           liesBeside(*whole[u], *whole[v]);
    }
    std::vector<Candidate> kept;
    for (size_t i = 0; i < distinct.size(); ++i) {
        bool inside = group[i];
        // A covered sheet lies on a desk on three sides: it is not the print of another.
        for (size_t j = 0; j < distinct.size() && !inside && !distinct[i].covered; ++j)
            inside = !group[j] && isSheet(distinct[j]) && contains(distinct[j], distinct[i]);
        if (!inside)
            kept.push_back(distinct[i]);
    }
    return kept;
}

// A sheet with print beside one side is one only when another sheet lies there, within a few
// pixels (receipts side by side on a lid); otherwise it is a part of a sheet cut off by a line
// printed or streaked across it.
std::vector<Candidate> withNeighbours(std::vector<Candidate> kept) {
    std::vector<Candidate> out;
    for (const auto& c : kept) {
        bool neighbour = !c.besideOther;
        for (const auto& k : kept)
            neighbour = neighbour || (&k != &c && !k.besideOther && !k.frame &&
                                      overlapOfSmaller(c.quad, k.quad) < 0.1 && liesBeside(c, k));
        if (neighbour)
            out.push_back(c);
    }
    return out;
}

// Back to full resolution, then the one the user most likely means first: confident, large,
// central and fully in view.
std::vector<DocumentCandidate> rankedAtFullResolution(const cv::Mat& src, const std::vector<Candidate>& kept,
                                                      double sx, double sy) {
    const double imageArea = double(src.cols) * src.rows;
    const cv::Point2f imageCentre(float(src.cols) / 2, float(src.rows) / 2);
    const double halfDiag = std::hypot(src.cols, src.rows) / 2;
    struct Ranked {
        DocumentCandidate candidate;
        double preference;
    };
    std::vector<Ranked> ranked;
    double largest = 0;
    std::vector<QuadF> fullQuads;
    for (const auto& k : kept) {
        QuadF q;
        for (int i = 0; i < 4; ++i)
            q[i] = cv::Point2f(float((k.quad[i].x + 0.5) * sx - 0.5), float((k.quad[i].y + 0.5) * sy - 0.5));
        if (k.frame)
            q = {cv::Point2f(0, 0), cv::Point2f(float(src.cols - 1), 0),
                 cv::Point2f(float(src.cols - 1), float(src.rows - 1)), cv::Point2f(0, float(src.rows - 1))};
        else
            q = refineAtFullResolution(src, q, k.polarity, 2 * std::max(sx, sy) + 3);
        fullQuads.push_back(q);
        largest = std::max(largest, quadArea(q));
    }
    for (size_t i = 0; i < kept.size(); ++i) {
        const QuadF& q = fullQuads[i];
        bool touches = false;
        for (const auto& p : q)
            touches |= p.x < 2 || p.y < 2 || p.x > float(src.cols - 3) || p.y > float(src.rows - 3);
        const double size = std::sqrt(quadArea(q) / std::max(largest, 1.0));
        const double central = 1 - 0.5 * std::min(1.0, cv::norm(centreOf(q) - imageCentre) / halfDiag);
        Ranked r;
        for (int j = 0; j < 4; ++j)
            r.candidate.corners[size_t(j)] = PointF{q[j].x, q[j].y};
        r.candidate.score = kept[i].score;
        r.preference = kept[i].score * (0.4 + 0.6 * size) * central * (touches ? 0.9 : 1.0) *
                       (quadArea(q) > 0.02 * imageArea ? 1.0 : 0.8);
        ranked.push_back(r);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.preference > b.preference; });
    std::vector<DocumentCandidate> result;
    result.reserve(ranked.size());
    for (const auto& r : ranked)
        result.push_back(r.candidate);
    return result;
}

} // namespace

std::vector<DocumentCandidate> findDocuments(const ImageView& image, const ImageView& halved) {
    const cv::Mat src = detail::asMat(image);
    if (src.empty() || src.cols < 32 || src.rows < 32)
        return {};
    const WorkPictures w = workPictures(src, detail::asMat(halved));
    const Gradients grad = gradientsOf(w.an);
    // On a picture that is all paper, only sheets with edges of their own are documents; with
    // none, the picture is the document. So it is when most of the print lies outside every
    // sheet found on a mostly paper-like picture: those were boxes and logos printed on it.
    const double frame = w.hi - w.lo >= 6 ? framePaper(w.an) : 0;
    std::vector<Candidate> kept = withNeighbours(withoutContent(
        distinctCandidates(allCandidates(w, grad, frame >= kFramePaper)), grad, frame >= kFramePaper));
    if (frame >= kFramePaper || (frame >= kMostlyPaperFrame && !kept.empty())) {
        if (frame >= kFramePaper)
            std::erase_if(kept, [&](const Candidate& c) { return !hasOwnEdges(w.an, grad, c); });
        if (!kept.empty()) {
            const StrayPrint stray = strayPrint(grad, kept);
            if (stray.share > kStrayPrint && stray.extent > kStrayExtent)
                kept.clear();
        }
        if (kept.empty())
            kept.push_back(wholePicture(w.an));
    }
    return rankedAtFullResolution(src, kept, w.sx, w.sy);
}

} // namespace docdesk::imaging
