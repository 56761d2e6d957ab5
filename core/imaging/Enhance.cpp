#include "core/imaging/Enhance.h"

#include "core/imaging/PageRasterCv.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace docdesk::imaging {
namespace {

constexpr double kShearedSkew = 10;                      // degrees: deskewed by shears up to this
constexpr std::size_t kShearedBytes = 40u * 1024 * 1024; // ... on pages of at most this many bytes

cv::Point2d toCv(const PointF& p) {
    return {p.x, p.y};
}

// Width/height of the rectangle the quad images. Under perspective, averaging opposite sides
// is biased; with the principal point at the image centre the focal length and the true
// ratio follow from the quad (Zhang & He, "Whiteboard scanning and image enhancement").
// Falls back to averaged sides when the quad is (nearly) affine or the estimate is invalid.
double aspectRatio(const Quad& q, cv::Size image) {
    const cv::Point2d tl = toCv(q[0]), tr = toCv(q[1]), br = toCv(q[2]), bl = toCv(q[3]);
    const double avgW = (cv::norm(tr - tl) + cv::norm(br - bl)) / 2;
    const double avgH = (cv::norm(bl - tl) + cv::norm(br - tr)) / 2;
    const double fallback = avgH > 0 ? avgW / avgH : 1;
    const cv::Point2d c(image.width / 2.0, image.height / 2.0);
    const cv::Vec3d m1(tl.x - c.x, tl.y - c.y, 1), m2(tr.x - c.x, tr.y - c.y, 1),
        m3(bl.x - c.x, bl.y - c.y, 1), m4(br.x - c.x, br.y - c.y, 1);
    const double d2 = m2.cross(m4).dot(m3), d3 = m3.cross(m4).dot(m2);
    if (std::abs(d2) < 1e-9 || std::abs(d3) < 1e-9)
        return fallback;
    const double k2 = m1.cross(m4).dot(m3) / d2, k3 = m1.cross(m4).dot(m2) / d3;
    const cv::Vec3d n2 = k2 * m2 - m1, n3 = k3 * m3 - m1;
    const double nz = n2[2] * n3[2];
    const double scale = std::max(image.width, image.height);
    if (std::abs(nz) < 1e-9 * scale)
        return fallback; // parallel sides: no perspective to undo
    const double f2 = -(n2[0] * n3[0] + n2[1] * n3[1]) / nz;
    if (!(f2 > 0) || std::sqrt(f2) < 0.2 * scale || std::sqrt(f2) > 20 * scale)
        return fallback;
    const double num = (n2[0] * n2[0] + n2[1] * n2[1]) / f2 + n2[2] * n2[2];
    const double den = (n3[0] * n3[0] + n3[1] * n3[1]) / f2 + n3[2] * n3[2];
    if (!(num > 0) || !(den > 0))
        return fallback;
    const double ratio = std::sqrt(num / den);
    // Guard against a wild estimate from a badly placed quad.
    return ratio > fallback * 0.5 && ratio < fallback * 2 ? ratio : fallback;
}

// The black-and-white mode: white where a pixel is less than 12 levels darker than the
// Gaussian-weighted mean around it, as OpenCV's adaptiveThreshold with a block of 1/30 of the
// short side (larger than a glyph, smaller than a shadow). That mean is smooth, so it is
// computed at a quarter of the size and scaled back: the full-size 83-tap blur took ~300 ms
// on an A4 page at 300 dpi, this takes a tenth of it.
// `bw` is written in place when it already has the grey image's size and type.
void thresholdInto(const cv::Mat& grey, cv::Mat& bw) {
    const int block = std::max(15, std::min(grey.cols, grey.rows) / 30) | 1;
    const double sigma = 0.3 * ((block - 1) * 0.5 - 1) + 0.8; // OpenCV's sigma for that block
    constexpr int kFactor = 4;
    cv::Mat mean;
    if (grey.cols < 32 * kFactor || grey.rows < 32 * kFactor) {
        cv::GaussianBlur(grey, mean, cv::Size(block, block), sigma, sigma, cv::BORDER_REPLICATE);
    } else {
        // Two exact halvings: OpenCV's area averaging by four took 3 ms of a 300-dpi page, these
        // 0.3 (the mean differs by rounding at most).
        static_assert(kFactor == 4);
        cv::Mat small = detail::halvedExactly(detail::halvedExactly(grey));
        cv::GaussianBlur(small, small, cv::Size(0, 0), sigma / kFactor, sigma / kFactor,
                         cv::BORDER_REPLICATE);
        cv::resize(small, mean, grey.size(), 0, 0, cv::INTER_LINEAR);
    }
    // grey - mean > -12 is mean - grey < 12, and with 8-bit saturation (a negative difference
    // becomes 0, still < 12) it needs no 16-bit difference image. One pass of OpenCV's vector
    // intrinsics, where cv::subtract and cv::compare wrote and read a whole difference image in
    // between.
    bw.create(grey.size(), CV_8UC1);
    for (int y = 0; y < grey.rows; ++y) {
        const std::uint8_t* g = grey.ptr<std::uint8_t>(y);
        const std::uint8_t* m = mean.ptr<std::uint8_t>(y);
        std::uint8_t* o = bw.ptr<std::uint8_t>(y);
        int x = 0;
#if CV_SIMD128
        const cv::v_uint8x16 twelve = cv::v_setall_u8(12);
        for (; x + 16 <= grey.cols; x += 16) // u8 subtraction saturates; the comparison gives 255 or 0
            cv::v_store(o + x, (cv::v_load(m + x) - cv::v_load(g + x)) < twelve);
#endif
        for (; x < grey.cols; ++x)
            o[x] = m[x] > g[x] && m[x] - g[x] >= 12 ? 0 : 255;
    }
}

cv::Mat thresholded(const cv::Mat& grey) {
    cv::Mat bw;
    thresholdInto(grey, bw);
    return bw;
}

// The warped page's size and transform (warpToRectangle's geometry).
struct RectangleWarp {
    cv::Size size;
    cv::Mat homography;
};

RectangleWarp rectangleWarp(const cv::Size& source, const Quad& corners) {
    const double ratio = aspectRatio(corners, source);
    const double avgW =
        (cv::norm(toCv(corners[1]) - toCv(corners[0])) + cv::norm(toCv(corners[2]) - toCv(corners[3]))) / 2;
    const double avgH =
        (cv::norm(toCv(corners[3]) - toCv(corners[0])) + cv::norm(toCv(corners[2]) - toCv(corners[1]))) / 2;
    // Keep the resolution of the larger dimension, capped at twice the source size.
    double h = std::max(avgH, avgW / ratio);
    const double cap = 2.0 * std::max(source.width, source.height);
    h = std::min(h, cap);
    double w = h * ratio;
    if (w > cap) {
        w = cap;
        h = w / ratio;
    }
    const int outW = std::max(1, int(std::lround(w))), outH = std::max(1, int(std::lround(h)));
    const std::array<cv::Point2f, 4> from{cv::Point2f(float(corners[0].x), float(corners[0].y)),
                                          cv::Point2f(float(corners[1].x), float(corners[1].y)),
                                          cv::Point2f(float(corners[2].x), float(corners[2].y)),
                                          cv::Point2f(float(corners[3].x), float(corners[3].y))};
    const std::array<cv::Point2f, 4> to{cv::Point2f(0, 0), cv::Point2f(float(outW), 0),
                                        cv::Point2f(float(outW), float(outH)), cv::Point2f(0, float(outH))};
    return {cv::Size(outW, outH), cv::getPerspectiveTransform(from.data(), to.data())};
}

// `out` as a cv::Mat of `size` with `src`'s type, over its own packed pixels (the warps write
// straight into them).
cv::Mat sameLayoutTarget(const cv::Mat& src, const cv::Size& size, DecodedPage& out) {
    out.width = size.width;
    out.height = size.height;
    out.channels = src.channels();
    out.bgr.resize(size_t(size.width) * size_t(size.height) * size_t(out.channels));
    return cv::Mat(size, src.type(), out.bgr.data());
}

void warpToRectangleInto(const cv::Mat& src, const Quad& corners, cv::Mat& out) {
    const RectangleWarp warp = rectangleWarp(src.size(), corners);
    cv::warpPerspective(src, out, warp.homography, warp.size, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
}

void deskewInto(const cv::Mat& src, double skewDegrees, cv::Mat& out) {
    // Turned about the centre as cv::getRotationMatrix2D does, counter-clockwise for positive
    // angles, which undoes a clockwise skew; white where no page was. The shears take twice the
    // page's memory again between them: a scanned page's skew on pages up to 300-dpi colour A4
    // or 600-dpi grey; others the one-step warp.
    const cv::Point2f centre(float(src.cols) / 2, float(src.rows) / 2);
    if (std::abs(skewDegrees) <= kShearedSkew && src.total() * src.elemSize() <= kShearedBytes) {
        detail::rotateByShears(src, cv::Point2d(centre.x, centre.y), skewDegrees, out);
        return;
    }
    cv::warpAffine(src, out, cv::getRotationMatrix2D(centre, skewDegrees, 1), src.size(), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT, cv::Scalar::all(255));
}

} // namespace

RgbImage warpToRectangle(const ImageView& image, const Quad& corners) {
    const cv::Mat src = detail::asMat(image);
    if (src.empty())
        return {};
    cv::Mat out;
    warpToRectangleInto(src, corners, out);
    return detail::toRgb(out);
}

RgbImage deskew(const ImageView& image, double skewDegrees) {
    const cv::Mat src = detail::asMat(image);
    if (src.empty())
        return {};
    cv::Mat out;
    deskewInto(src, skewDegrees, out);
    return detail::toRgb(out);
}

DecodedPage warpToRectangleKeepingLayout(const ImageView& image, const Quad& corners) {
    DecodedPage result;
    const cv::Mat src = detail::asMat(image);
    if (src.empty())
        return result;
    cv::Mat out = sameLayoutTarget(src, rectangleWarp(src.size(), corners).size, result);
    warpToRectangleInto(src, corners, out);
    return result;
}

DecodedPage deskewKeepingLayout(const ImageView& image, double skewDegrees) {
    DecodedPage result;
    const cv::Mat src = detail::asMat(image);
    if (src.empty())
        return result;
    cv::Mat out = sameLayoutTarget(src, src.size(), result);
    deskewInto(src, skewDegrees, out);
    return result;
}

PixelBytes blackAndWhite(const ImageView& image) {
    const cv::Mat src = detail::asMat(image);
    if (src.empty())
        return {};
    PixelBytes out(src.total());
    cv::Mat packed(src.rows, src.cols, CV_8UC1, out.data()); // written in place, not copied
    thresholdInto(detail::toGrey(src), packed);
    return out;
}

RgbImage enhance(const ImageView& image, EnhanceMode mode) {
    const cv::Mat src = detail::asMat(image);
    if (src.empty())
        return {};
    switch (mode) {
    case EnhanceMode::Color:
        return detail::toRgb(src);
    case EnhanceMode::Gray:
        return detail::toRgb(detail::toGrey(src));
    case EnhanceMode::BlackWhite:
        return detail::toRgb(thresholded(detail::toGrey(src)));
    case EnhanceMode::ShadowRemoval: {
        // Background per channel: a morphological close (removes dark text) on a small copy,
        // smoothed and scaled back; dividing by it flattens shadows and lighting gradients.
        const double factor = std::min(1.0, 600.0 / std::max(src.cols, src.rows));
        cv::Mat small;
        cv::resize(src, small,
                   cv::Size(std::max(1, int(src.cols * factor)), std::max(1, int(src.rows * factor))), 0, 0,
                   cv::INTER_AREA);
        const int k = std::max(3, int(std::lround(std::max(small.cols, small.rows) / 40.0)) | 1);
        cv::morphologyEx(small, small, cv::MORPH_CLOSE,
                         cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k)));
        cv::GaussianBlur(small, small, cv::Size(0, 0), k / 2.0);
        cv::Mat bg;
        cv::resize(small, bg, src.size(), 0, 0, cv::INTER_LINEAR);
        cv::Mat out;
        cv::divide(src, cv::max(bg, 1), out, 255.0);
        return detail::toRgb(out);
    }
    }
    return detail::toRgb(src);
}

} // namespace docdesk::imaging
