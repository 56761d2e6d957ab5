#include "core/barcode/RegionProposals.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <utility>

namespace docdesk::barcode {
namespace {

// The fine level is a half-resolution copy (a 10-mil bar of ~3 px still leaves a strong local
// contrast there), summarised in cells of kCell x kCell pixels, i.e. 8 x 8 page pixels: fine
// enough to keep codes 1-2 cm apart separate. The coarse level is four times smaller.
constexpr int kFineScale = 2;
constexpr int kCoarseScale = 8;
constexpr int kCell = 4;

constexpr int kEdgeContrast = 48;   // grey levels between neighbours that count as an edge
constexpr int kDarkLevel = 128;     // ink, on an 8-bit page
constexpr int kEdgyCell = 64;       // >= 25 % edge pixels: textured like bars or modules
constexpr int kSolidDarkCell = 150; // >= 60 % ink: inside a wide bar or a finder pattern

// Whole-region tests, on the mean of the cells inside the region.
constexpr double kMinEdgeShare = 0.22; // borders and solid blocks have edges only at their rim
constexpr double kMinInkShare = 0.28;  // codes are about half dark; body text far less
constexpr double kMaxInkShare = 0.85;
constexpr float kMinLongSidePx = 48;  // a 10 x 10 DataMatrix with 5-px modules
constexpr float kMinShortSidePx = 20; // very low bars
// A region this elongated can only be a linear or stacked code, whose gradients nearly all
// point one way (across the bars); a line or block of text has them in every direction.
constexpr float kElongated = 4.5f;
constexpr double kMinBarCoherence = 0.5;
// Below this, the gradients show no clear grid direction and the region's outline is used.
constexpr double kMinGridStrength = 0.2;
// Text lines are less than this many cells high (56 page pixels at the fine level); a region
// that fails as a whole is opened with this square to find a code inside it.
constexpr int kCoreCells = 7;
// What remains of dense text after opening is darker than text, but still lighter than codes.
constexpr double kMinCoreInkShare = 0.4;

struct GradientStructure {
    double coherence = 0;     // 0..1: how much the gradients agree in direction (1 = bars)
    double gridDegrees = 0;   // the direction of the module grid (or bars), modulo 90 degrees
    double gridStrength = 0;  // 0..1: how well the gradients agree with that grid
    double acrossDegrees = 0; // the dominant gradient direction, modulo 180 degrees
};

// The summed structure tensor of `image` (white surroundings add nothing, so a region's
// bounding box will do), and the dominant gradient direction modulo 90 degrees (angles
// quadrupled), which is the orientation of bars and of 2D module grids alike.
GradientStructure gradientStructure(const cv::Mat& image) {
    cv::Mat gx, gy;
    cv::Sobel(image, gx, CV_32F, 1, 0);
    cv::Sobel(image, gy, CV_32F, 0, 1);
    const double xx = gx.dot(gx), yy = gy.dot(gy), xy = gx.dot(gy);
    const double energy = xx + yy;
    if (energy <= 0)
        return {};
    // With a = m^2 cos 2t and b = m^2 sin 2t: a^2 - b^2 = m^4 cos 4t, 2ab = m^4 sin 4t.
    const cv::Mat a = gx.mul(gx) - gy.mul(gy);
    const cv::Mat b = 2 * gx.mul(gy);
    const double cos4 = a.dot(a) - b.dot(b), sin4 = 2 * a.dot(b);
    const double weight = a.dot(a) + b.dot(b);
    GradientStructure structure;
    structure.coherence = std::sqrt((xx - yy) * (xx - yy) + 4 * xy * xy) / energy;
    structure.gridDegrees = std::atan2(sin4, cos4) / 4 * 180 / CV_PI;
    structure.gridStrength = weight > 0 ? std::hypot(cos4, sin4) / weight : 0;
    structure.acrossDegrees = std::atan2(2 * xy, xx - yy) / 2 * 180 / CV_PI;
    return structure;
}

// The smallest box at `degrees` holding the points (cell units for contours, pixels for corners).
template <typename Point> cv::RotatedRect boxAt(const std::vector<Point>& contour, double degrees) {
    const double radians = degrees * CV_PI / 180;
    const double c = std::cos(radians), s = std::sin(radians);
    double minU = std::numeric_limits<double>::max(), minV = minU;
    double maxU = std::numeric_limits<double>::lowest(), maxV = maxU;
    for (const auto& p : contour) {
        const double u = c * p.x + s * p.y, v = -s * p.x + c * p.y;
        minU = std::min(minU, u);
        maxU = std::max(maxU, u);
        minV = std::min(minV, v);
        maxV = std::max(maxV, v);
    }
    const double u = (minU + maxU) / 2, v = (minV + maxV) / 2;
    return {cv::Point2f(static_cast<float>(c * u - s * v), static_cast<float>(s * u + c * v)),
            cv::Size2f(static_cast<float>(maxU - minU), static_cast<float>(maxV - minV)),
            static_cast<float>(degrees)};
}

// Area averaging by exactly two. OpenCV's INTER_AREA takes a fast path only for an exact
// factor of two, so an odd last row or column is left out (a 2481-pixel-wide page otherwise
// costs several times more).
void half(const cv::Mat& from, cv::Mat& to) {
    const cv::Mat even = from(cv::Rect(0, 0, from.cols & ~1, from.rows & ~1));
    cv::resize(even, to, cv::Size(even.cols / 2, even.rows / 2), 0, 0, cv::INTER_AREA);
}

// Area averaging by 2 or 4, the latter as two halvings.
void shrink(const cv::Mat& src, cv::Mat& dst, int factor, cv::Mat& scratch) {
    CV_Assert(factor == 2 || factor == 4);
    if (factor == 2) {
        half(src, dst);
    } else {
        half(src, scratch);
        half(scratch, dst);
    }
}

// Angle in [-45, 45), swapping the sides as needed (OpenCV 4.5+ returns (0, 90]).
cv::RotatedRect normalised(cv::RotatedRect box) {
    while (box.angle >= 45.f) {
        box.angle -= 90.f;
        std::swap(box.size.width, box.size.height);
    }
    while (box.angle < -45.f) {
        box.angle += 90.f;
        std::swap(box.size.width, box.size.height);
    }
    return box;
}

// Page-sized scratch images, kept per thread between calls: allocating them afresh costs
// more (page faults on megabytes of new memory) than the arithmetic done in them.
struct LevelBuffers {
    cv::Mat dilated, eroded, ink, scratch;
};
struct Buffers {
    cv::Mat fine, coarse;
    LevelBuffers fineLevel, coarseLevel;
};

Buffers& threadBuffers() {
    thread_local Buffers buffers;
    return buffers;
}

// One level's cells (kCell x kCell of its pixels): the share of edge and of ink pixels in each,
// 0..255, and the cells that may belong to a code.
struct LevelCells {
    cv::Mat image;     // the page reduced so that one of its pixels covers `pagePx` page pixels
    double cellPx = 0; // page pixels per cell side
    cv::Mat edgeShare, inkShare, mask;
    cv::Mat regionMask; // scratch: one region's cells
};

LevelCells cellsOf(const cv::Mat& image, double pagePx, LevelBuffers& buffers) {
    // Morphological gradient (3 x 3 max - min), then edges = gradient > kEdgeContrast.
    const cv::Mat square = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
    cv::dilate(image, buffers.dilated, square);
    cv::erode(image, buffers.eroded, square);
    cv::subtract(buffers.dilated, buffers.eroded, buffers.dilated);
    cv::threshold(buffers.dilated, buffers.dilated, kEdgeContrast, 255, cv::THRESH_BINARY);
    cv::compare(image, kDarkLevel, buffers.ink, cv::CMP_LT);
    LevelCells c;
    c.image = image;
    c.cellPx = pagePx * kCell;
    shrink(buffers.dilated, c.edgeShare, kCell, buffers.scratch);
    shrink(buffers.ink, c.inkShare, kCell, buffers.scratch);
    c.mask = (c.edgeShare >= kEdgyCell) | (c.inkShare >= kSolidDarkCell);
    // Bridge the white modules and spaces inside a code (up to two cells) without joining
    // codes that stand apart.
    cv::morphologyEx(c.mask, c.mask, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    c.regionMask.create(c.edgeShare.size(), CV_8U);
    return c;
}

// Whether the cells inside `contour` look like a code; if so, it is proposed. True also for
// regions too small to matter (nothing to look for inside them either).
bool considerRegion(LevelCells& c, const std::vector<cv::Point>& contour, double minInk,
                    std::vector<RegionProposal>& proposals) {
    const cv::Rect bounds = cv::boundingRect(contour);
    if (std::max(bounds.width, bounds.height) * c.cellPx < kMinLongSidePx)
        return true;
    c.regionMask(bounds).setTo(0);
    cv::drawContours(c.regionMask, std::vector<std::vector<cv::Point>>{contour}, 0, cv::Scalar(255),
                     cv::FILLED);
    const double edgeMean = cv::mean(c.edgeShare(bounds), c.regionMask(bounds))[0] / 255.0;
    const double inkMean = cv::mean(c.inkShare(bounds), c.regionMask(bounds))[0] / 255.0;
    if (edgeMean < kMinEdgeShare || inkMean < kMinInkShare || inkMean > kMaxInkShare)
        return false;
    // The module grid's own direction is far more precise than the outline of a few cells; it
    // matters for 2D codes with large modules, whose corners ZXing misplaces by half a module
    // when they are read a few degrees off upright.
    const cv::Rect pixels(bounds.x * kCell, bounds.y * kCell, bounds.width * kCell, bounds.height * kCell);
    const GradientStructure structure = gradientStructure(c.image(pixels));
    cv::RotatedRect box = structure.gridStrength >= kMinGridStrength ? boxAt(contour, structure.gridDegrees)
                                                                     : normalised(cv::minAreaRect(contour));
    // Cell centres to page pixels; the box grows by one cell to cover the outer cells.
    const auto scale = static_cast<float>(c.cellPx);
    box.center = (box.center + cv::Point2f(0.5f, 0.5f)) * scale;
    box.size = cv::Size2f((box.size.width + 1) * scale, (box.size.height + 1) * scale);
    const float longSide = std::max(box.size.width, box.size.height);
    const float shortSide = std::min(box.size.width, box.size.height);
    if (longSide < kMinLongSidePx || shortSide < kMinShortSidePx)
        return false;
    const bool bars = structure.coherence >= kMinBarCoherence;
    // What is left of dense text is not bars; a linear code with thin bars (a 2-pixel module
    // is grey at this scale) is lighter than `minInk` may require.
    if ((longSide > kElongated * shortSide || inkMean < minInk) && !bars)
        return false;
    proposals.push_back({normalised(box), bars, static_cast<float>(structure.acrossDegrees)});
    return true;
}

// A code printed close to text merges with it into one region that fails the tests; opening
// the region's cells strips the thin lines of text and leaves the code. Empty when opening
// removes nothing (same verdict) or the region is too thin to open.
std::vector<std::vector<cv::Point>> regionCores(const LevelCells& c, const std::vector<cv::Point>& contour) {
    const cv::Rect bounds = cv::boundingRect(contour);
    if (std::min(bounds.width, bounds.height) < kCoreCells)
        return {};
    cv::Mat inside = cv::Mat::zeros(bounds.size(), CV_8U);
    cv::drawContours(inside, std::vector<std::vector<cv::Point>>{contour}, 0, cv::Scalar(255), cv::FILLED,
                     cv::LINE_8, cv::noArray(), 0, -bounds.tl());
    inside &= c.mask(bounds);
    cv::morphologyEx(inside, inside, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(kCoreCells, kCoreCells)));
    std::vector<std::vector<cv::Point>> cores;
    cv::findContours(inside, cores, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE, bounds.tl());
    if (cores.size() == 1 && cv::boundingRect(cores.front()) == bounds)
        return {};
    return cores;
}

// One level of the analysis: `image` is the page reduced so that one of its pixels covers
// `pagePx` page pixels; cells are kCell x kCell of its pixels.
void proposeAtLevel(const cv::Mat& image, double pagePx, LevelBuffers& buffers,
                    std::vector<RegionProposal>& proposals) {
    if (image.cols < 2 * kCell || image.rows < 2 * kCell)
        return;
    LevelCells cells = cellsOf(image, pagePx, buffers);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(cells.mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    for (const auto& contour : contours) {
        if (considerRegion(cells, contour, kMinInkShare, proposals))
            continue;
        for (const auto& part : regionCores(cells, contour))
            considerRegion(cells, part, kMinCoreInkShare, proposals);
    }
}

bool covers(const cv::RotatedRect& outer, const cv::RotatedRect& inner) {
    std::vector<cv::Point2f> corners(4);
    outer.points(corners.data());
    return cv::pointPolygonTest(corners, inner.center, false) >= 0;
}

// Bar fragments that line up: a linear code with wide modules (10 px and more) has spaces too
// wide for the cell closing to bridge, and falls apart into pieces, each of which is no code.
// Pieces at the same tilt, with bars of about the same extent and lying one after the other
// across the bars, are also proposed together, as one region (the pieces stay proposed too).
constexpr float kMaxMergeTiltDegrees = 3.f;
constexpr float kMinMergeBarOverlap = 0.7f; // of the shorter bars
constexpr float kMaxMergeGap = 0.3f;        // across the bars, relative to the shorter bars

std::vector<RegionProposal> mergedBarFragments(const std::vector<RegionProposal>& proposals) {
    const auto n = proposals.size();
    std::vector<std::size_t> parent(n);
    for (std::size_t i = 0; i < n; ++i)
        parent[i] = i;
    const auto root = [&](std::size_t i) {
        while (parent[i] != i)
            i = parent[i] = parent[parent[i]];
        return i;
    };
    // Extent of a box's corners along a direction.
    const auto extent = [](const cv::RotatedRect& box, const cv::Point2f& direction) {
        cv::Point2f corners[4];
        box.points(corners);
        float lo = std::numeric_limits<float>::max(), hi = std::numeric_limits<float>::lowest();
        for (const auto& c : corners) {
            const float t = c.dot(direction);
            lo = std::min(lo, t);
            hi = std::max(hi, t);
        }
        return std::pair(lo, hi);
    };
    const auto angleDiff = [](float a, float b, float period) {
        float d = std::fmod(std::abs(a - b), period);
        return std::min(d, period - d);
    };
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& a = proposals[i];
        if (!a.barsLike)
            continue;
        const float radians = a.acrossDegrees * static_cast<float>(CV_PI) / 180.f;
        const cv::Point2f across(std::cos(radians), std::sin(radians)), along(-across.y, across.x);
        for (std::size_t j = i + 1; j < n; ++j) {
            const auto& b = proposals[j];
            if (!b.barsLike || angleDiff(a.acrossDegrees, b.acrossDegrees, 180.f) > kMaxMergeTiltDegrees)
                continue;
            const auto [aLo, aHi] = extent(a.box, along);
            const auto [bLo, bHi] = extent(b.box, along);
            const float shorter = std::min(aHi - aLo, bHi - bLo);
            if (std::min(aHi, bHi) - std::max(aLo, bLo) < kMinMergeBarOverlap * shorter)
                continue;
            const auto [aFrom, aTo] = extent(a.box, across);
            const auto [bFrom, bTo] = extent(b.box, across);
            if (std::max(aFrom, bFrom) - std::min(aTo, bTo) > kMaxMergeGap * shorter)
                continue;
            parent[root(i)] = root(j);
            any = true;
        }
    }
    std::vector<RegionProposal> merged;
    if (!any)
        return merged;
    for (std::size_t r = 0; r < n; ++r) {
        if (root(r) != r || !proposals[r].barsLike)
            continue;
        std::vector<cv::Point2f> points;
        for (std::size_t i = 0; i < n; ++i) {
            if (root(i) != r)
                continue;
            cv::Point2f corners[4];
            proposals[i].box.points(corners);
            points.insert(points.end(), corners, corners + 4);
        }
        if (points.size() <= 4)
            continue;
        // The box along the pieces' common tilt (the bars' own direction).
        const RegionProposal& first = proposals[r];
        const cv::RotatedRect box = boxAt(points, first.box.angle);
        merged.push_back({normalised(box), true, first.acrossDegrees});
    }
    return merged;
}

} // namespace

std::vector<RegionProposal> proposeBarcodeRegions(const cv::Mat& grey, const cv::Mat& halved) {
    CV_Assert(grey.type() == CV_8UC1);
    if (grey.cols < 2 * kFineScale || grey.rows < 2 * kFineScale)
        return {};

    Buffers& buffers = threadBuffers();
    cv::Mat& coarse = buffers.coarse;
    static_assert(kFineScale == 2);
    const bool given =
        halved.type() == CV_8UC1 && halved.cols == grey.cols / 2 && halved.rows == grey.rows / 2;
    if (!given)
        half(grey, buffers.fine);
    const cv::Mat& fine = given ? halved : buffers.fine;
    std::vector<RegionProposal> proposals;
    proposeAtLevel(fine, kFineScale, buffers.fineLevel, proposals);
    for (auto& merged : mergedBarFragments(proposals))
        proposals.push_back(merged);

    // Codes with large modules (a 2 cm DataMatrix of 10 x 10 modules) are mostly solid
    // black and white at the fine level; four times coarser they look like the others.
    constexpr int ratio = kCoarseScale / kFineScale;
    if (fine.cols < ratio * 2 * kCell || fine.rows < ratio * 2 * kCell)
        return proposals;
    shrink(fine, coarse, ratio, buffers.coarseLevel.scratch);
    std::vector<RegionProposal> large;
    proposeAtLevel(coarse, kCoarseScale, buffers.coarseLevel, large);
    // A region found at both levels is decoded once, from the finer (tighter) box.
    for (const auto& candidate : large) {
        const bool known = std::any_of(proposals.begin(), proposals.end(), [&](const RegionProposal& p) {
            return covers(candidate.box, p.box) && covers(p.box, candidate.box);
        });
        if (!known)
            proposals.push_back(candidate);
    }
    return proposals;
}

} // namespace docdesk::barcode
