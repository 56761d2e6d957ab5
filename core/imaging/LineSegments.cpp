#include "core/imaging/LineSegments.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace docdesk::imaging::detail {
namespace {

constexpr double kAngleTolerance = 22.5 * std::numbers::pi / 180; // level lines that agree
constexpr double kQuantisation = 1.2; // grey levels of rounding noise in the gradient
constexpr double kDensity = 0.7;      // share of a region's rectangle its pixels must fill
constexpr int kBins = 1024;           // gradient levels of the strongest-first ordering

enum : std::uint8_t { kNoDirection = 0, kFree = 1, kUsed = 2 };

struct Field {
    int width = 0, height = 0;
    std::vector<float> ux, uy;       // unit level-line direction (cos, sin of LSD's angle)
    std::vector<float> magnitude;    // gradient norm
    std::vector<std::uint8_t> state; // kNoDirection, kFree or kUsed
};

struct Rect {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0, width = 0;
};

// Gradient on 2x2 blocks, as LSD takes it: the pixel (x, y) stands for the block whose top-left
// pixel it is. Returns the pixels with a direction, strongest first (by bins, raster order
// within a bin).
std::vector<int> gradientField(const std::uint8_t* pixels, int w, int h, std::ptrdiff_t stride, Field& f) {
    f.width = w;
    f.height = h;
    const size_t n = size_t(w) * size_t(h);
    f.ux.resize(n);
    f.uy.resize(n);
    f.magnitude.resize(n);
    f.state.assign(n, kNoDirection);
    const double rho = kQuantisation / std::sin(kAngleTolerance);
    const int minSquared = int(std::floor(4 * rho * rho)) + 1; // norm > rho, norm = |g| / 2
    std::vector<int> strong;
    float maxMagnitude = 0;
    for (int y = 0; y + 1 < h; ++y) {
        const std::uint8_t* r0 = pixels + std::ptrdiff_t(y) * stride;
        const std::uint8_t* r1 = r0 + stride;
        const size_t row = size_t(y) * size_t(w);
        for (int x = 0; x + 1 < w; ++x) {
            const int da = int(r1[x + 1]) - int(r0[x]);
            const int bc = int(r0[x + 1]) - int(r1[x]);
            const int gx = da + bc, gy = da - bc;
            const int squared = gx * gx + gy * gy;
            if (squared < minSquared)
                continue;
            const float length = std::sqrt(float(squared));
            const size_t i = row + size_t(x);
            f.ux[i] = float(-gy) / length;
            f.uy[i] = float(gx) / length;
            f.magnitude[i] = 0.5f * length;
            f.state[i] = kFree;
            maxMagnitude = std::max(maxMagnitude, f.magnitude[i]);
            strong.push_back(int(i));
        }
    }
    if (strong.empty())
        return strong;
    const float toBin = float(kBins - 1) / maxMagnitude;
    std::array<int, kBins + 1> start{};
    auto binOf = [&](int i) { return kBins - 1 - std::min(kBins - 1, int(f.magnitude[size_t(i)] * toBin)); };
    for (const int i : strong)
        ++start[size_t(binOf(i)) + 1];
    for (int b = 0; b < kBins; ++b)
        start[size_t(b) + 1] += start[size_t(b)];
    std::vector<int> ordered(strong.size());
    for (const int i : strong)
        ordered[size_t(start[size_t(binOf(i))]++)] = i;
    return ordered;
}

// The 8-connected free pixels reached from `seed` whose direction lies within the tolerance
// (cosine `minCos`) of the region's mean direction, which follows each pixel added.
void growRegion(Field& f, int seed, double minCos, std::vector<int>& region, double& dx, double& dy) {
    region.clear();
    region.push_back(seed);
    f.state[size_t(seed)] = kUsed;
    double sx = f.ux[size_t(seed)], sy = f.uy[size_t(seed)];
    dx = sx;
    dy = sy;
    for (size_t k = 0; k < region.size(); ++k) {
        const int x = region[k] % f.width, y = region[k] / f.width;
        for (int yy = std::max(y - 1, 0); yy <= std::min(y + 1, f.height - 1); ++yy) {
            for (int xx = std::max(x - 1, 0); xx <= std::min(x + 1, f.width - 1); ++xx) {
                const size_t i = size_t(yy) * size_t(f.width) + size_t(xx);
                if (f.state[i] != kFree || f.ux[i] * dx + f.uy[i] * dy < minCos)
                    continue;
                f.state[i] = kUsed;
                region.push_back(int(i));
                sx += f.ux[i];
                sy += f.uy[i];
                const double norm = std::hypot(sx, sy);
                if (norm > 1e-9) {
                    dx = sx / norm;
                    dy = sy / norm;
                }
            }
        }
    }
}

// The rectangle of the region: centre and axis of its gradient-weighted inertia, extents of
// its pixels along and across the axis. (dx, dy) is the region's direction, which the axis
// follows rather than its opposite.
Rect regionRect(const Field& f, const std::vector<int>& region, double dx, double dy) {
    double cx = 0, cy = 0, sum = 0;
    for (const int i : region) {
        const double m = f.magnitude[size_t(i)];
        cx += double(i % f.width) * m;
        cy += double(i / f.width) * m;
        sum += m;
    }
    cx /= sum;
    cy /= sum;
    double ixx = 0, iyy = 0, ixy = 0;
    for (const int i : region) {
        const double m = f.magnitude[size_t(i)];
        const double ex = double(i % f.width) - cx, ey = double(i / f.width) - cy;
        ixx += ey * ey * m;
        iyy += ex * ex * m;
        ixy -= ex * ey * m;
    }
    double theta = std::atan2(dy, dx);
    if (ixx != 0 || iyy != 0 || ixy != 0) {
        const double lambda = 0.5 * (ixx + iyy - std::sqrt((ixx - iyy) * (ixx - iyy) + 4 * ixy * ixy));
        theta = std::abs(ixx) > std::abs(iyy) ? std::atan2(lambda - ixx, ixy) : std::atan2(ixy, lambda - iyy);
        if (std::cos(theta) * dx + std::sin(theta) * dy < std::cos(kAngleTolerance))
            theta += std::numbers::pi;
    }
    const double ax = std::cos(theta), ay = std::sin(theta);
    double lMin = 0, lMax = 0, wMin = 0, wMax = 0;
    for (const int i : region) {
        const double ex = double(i % f.width) - cx, ey = double(i / f.width) - cy;
        const double l = ex * ax + ey * ay, w = -ex * ay + ey * ax;
        lMin = std::min(lMin, l);
        lMax = std::max(lMax, l);
        wMin = std::min(wMin, w);
        wMax = std::max(wMax, w);
    }
    return {cx + lMin * ax, cy + lMin * ay, cx + lMax * ax, cy + lMax * ay, std::max(1.0, wMax - wMin)};
}

double density(const std::vector<int>& region, const Rect& r) {
    const double area = std::hypot(r.x2 - r.x1, r.y2 - r.y1) * r.width;
    return area > 0 ? double(region.size()) / area : 1.0;
}

// A region too sparse for its rectangle (a curve, two edges meeting) is grown again from its
// seed with the spread of directions near the seed as the tolerance; still too sparse, it is
// cut down to the pixels ever closer to the seed. False when nothing dense is left.
bool refine(Field& f, std::vector<int>& region, double& dx, double& dy, Rect& rect) {
    if (density(region, rect) >= kDensity)
        return true;
    const int seed = region.front();
    const double sx = seed % f.width, sy = seed / f.width;
    const double seedX = f.ux[size_t(seed)], seedY = f.uy[size_t(seed)];
    double sum = 0, squares = 0;
    int n = 0;
    for (const int i : region) {
        f.state[size_t(i)] = kFree;
        if (std::hypot(double(i % f.width) - sx, double(i / f.width) - sy) < rect.width) {
            const double cross = seedX * f.uy[size_t(i)] - seedY * f.ux[size_t(i)];
            const double dot = seedX * f.ux[size_t(i)] + seedY * f.uy[size_t(i)];
            const double d = std::atan2(cross, dot);
            sum += d;
            squares += d * d;
            ++n;
        }
    }
    const double mean = sum / n;
    const double tolerance = 2 * std::sqrt(std::max(0.0, squares / n - mean * mean));
    growRegion(f, seed, std::cos(std::min(tolerance, std::numbers::pi)), region, dx, dy);
    if (region.size() < 2)
        return false;
    rect = regionRect(f, region, dx, dy);
    double fill = density(region, rect);
    double radius = std::max(std::hypot(sx - rect.x1, sy - rect.y1), std::hypot(sx - rect.x2, sy - rect.y2));
    while (fill < kDensity) {
        radius *= 0.75;
        std::erase_if(region, [&](int i) {
            const bool far = std::hypot(double(i % f.width) - sx, double(i / f.width) - sy) > radius;
            if (far)
                f.state[size_t(i)] = kFree;
            return far;
        });
        if (region.size() < 2)
            return false;
        rect = regionRect(f, region, dx, dy);
        fill = density(region, rect);
    }
    return true;
}

} // namespace

std::vector<LineSegment> detectLineSegments(const std::uint8_t* pixels, int width, int height,
                                            std::ptrdiff_t stride) {
    std::vector<LineSegment> segments;
    if (pixels == nullptr || width < 2 || height < 2)
        return segments;
    Field f;
    const std::vector<int> ordered = gradientField(pixels, width, height, stride, f);
    // Fewer pixels than this cannot make a line that stands out of noise at this tolerance.
    const double logTests = 2.5 * (std::log10(double(width)) + std::log10(double(height))) + std::log10(11.0);
    const size_t minRegion = size_t(-logTests / std::log10(kAngleTolerance / std::numbers::pi));
    const double minCos = std::cos(kAngleTolerance);
    std::vector<int> region;
    for (const int seed : ordered) {
        if (f.state[size_t(seed)] != kFree)
            continue;
        double dx = 0, dy = 0;
        growRegion(f, seed, minCos, region, dx, dy);
        if (region.size() < minRegion)
            continue;
        Rect rect = regionRect(f, region, dx, dy);
        if (!refine(f, region, dx, dy, rect))
            continue;
        segments.push_back({float(rect.x1 + 0.5), float(rect.y1 + 0.5), float(rect.x2 + 0.5),
                            float(rect.y2 + 0.5), float(rect.width)});
    }
    return segments;
}

} // namespace docdesk::imaging::detail
