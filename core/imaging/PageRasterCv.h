#pragma once
// Private to core/imaging (never included by a public header): wraps docdesk's ImageView as a
// cv::Mat without copying and turns OpenCV results back into RgbImage.
#include "core/model/Image.h"
#include "core/model/ImageView.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace docdesk::imaging::detail {

// A read-only cv::Mat over the view's pixels (1 = grey, 3 = BGR); throws for other layouts.
inline cv::Mat asMat(const ImageView& view) {
    if (view.empty())
        return {};
    if (view.channels != 1 && view.channels != 3)
        throw std::invalid_argument("image view must have 1 or 3 channels");
    // cv::Mat has no const view; callers only read from it.
    return cv::Mat(view.height, view.width, view.channels == 1 ? CV_8UC1 : CV_8UC3,
                   const_cast<std::uint8_t*>(view.data), static_cast<size_t>(view.stride));
}

inline cv::Mat toGrey(const cv::Mat& src) {
    if (src.channels() == 1)
        return src;
    cv::Mat grey;
    cv::cvtColor(src, grey, cv::COLOR_BGR2GRAY);
    return grey;
}

// `src` (8-bit, any channels) turned by `degrees` about `centre` as cv::warpAffine with
// cv::getRotationMatrix2D(centre, degrees, 1), INTER_LINEAR and a white border turns it, made as
// three shears (Rotation.cpp): about twice as fast, within a grey level on average.
void rotateByShears(const cv::Mat& src, cv::Point2d centre, double degrees, cv::Mat& out);

// Area averaging by exactly two. OpenCV's INTER_AREA takes a fast path only for an exact factor
// of two, so an odd last row or column is left out (a 2481-pixel-wide page otherwise costs
// several times more). core/barcode, which may not use imaging, has its own copy.
inline cv::Mat halvedExactly(const cv::Mat& src) {
    cv::Mat half;
    cv::resize(src(cv::Rect(0, 0, src.cols & ~1, src.rows & ~1)), half, cv::Size(src.cols / 2, src.rows / 2),
               0, 0, cv::INTER_AREA);
    return half;
}

// OpenCV's area averaging (INTER_AREA) of a grey picture shrunk by less than 2 in each
// direction, as separable passes over precomputed taps: OpenCV weighs every tap of every pixel
// in a general loop (5.4 ms of the document finder's 1240 x 1754 -> 904 x 1280); this takes about 2.
// The same weights (each output pixel is the mean of the source area it covers), summed in
// float in another order: values differ from OpenCV's by rounding at most.
struct AreaTaps {
    std::vector<int> first;     // per output pixel, its first source pixel
    std::vector<float> weights; // per output pixel, three weights from `first` on (unused: 0)
};

inline std::optional<AreaTaps> areaTaps(int from, int to) {
    const double scale = double(from) / to;
    if (scale <= 1 || scale > 2)
        return std::nullopt;
    AreaTaps t;
    t.first.resize(size_t(to));
    t.weights.assign(size_t(to) * 3, 0.f);
    for (int d = 0; d < to; ++d) {
        const double begin = d * scale, end = begin + scale;
        const double cell = std::min(scale, from - begin);
        const int whole2 = std::min(int(std::floor(end)), from - 1);
        const int whole1 = std::min(int(std::ceil(begin)), whole2);
        std::vector<std::pair<int, double>> taps;
        if (whole1 - begin > 1e-3)
            taps.emplace_back(whole1 - 1, (whole1 - begin) / cell);
        for (int s = whole1; s < whole2; ++s)
            taps.emplace_back(s, 1.0 / cell);
        if (end - whole2 > 1e-3)
            taps.emplace_back(whole2, std::min(std::min(end - whole2, 1.0), cell) / cell);
        if (taps.empty() || taps.size() > 3 || taps.back().first - taps.front().first >= 3)
            return std::nullopt;
        t.first[size_t(d)] = std::min(taps.front().first, from - 3);
        for (const auto& [s, w] : taps)
            t.weights[size_t(d) * 3 + size_t(s - t.first[size_t(d)])] = float(w);
    }
    return t;
}

inline cv::Mat areaShrunk(const cv::Mat& grey, cv::Size to) {
    const auto across = areaTaps(grey.cols, to.width);
    const auto down = areaTaps(grey.rows, to.height);
    if (grey.type() != CV_8UC1 || grey.cols < 3 || grey.rows < 3 || !across || !down) {
        cv::Mat out;
        cv::resize(grey, out, to, 0, 0, cv::INTER_AREA);
        return out;
    }
    cv::Mat out(to, CV_8UC1);
    std::vector<float> column(size_t(grey.cols));
    for (int y = 0; y < to.height; ++y) {
        // Down first (whole rows, which the compiler vectorises), then across the row.
        const int s = down->first[size_t(y)];
        const float* w = &down->weights[size_t(y) * 3];
        const uchar* r0 = grey.ptr<uchar>(s);
        const uchar* r1 = grey.ptr<uchar>(s + 1);
        const uchar* r2 = grey.ptr<uchar>(s + 2);
        for (int x = 0; x < grey.cols; ++x)
            column[size_t(x)] = r0[x] * w[0] + r1[x] * w[1] + r2[x] * w[2];
        uchar* o = out.ptr<uchar>(y);
        for (int x = 0; x < to.width; ++x) {
            const float* a = &across->weights[size_t(x) * 3];
            const float* c = &column[size_t(across->first[size_t(x)])];
            o[x] = cv::saturate_cast<uchar>(c[0] * a[0] + c[1] * a[1] + c[2] * a[2]);
        }
    }
    return out;
}

// Grey or BGR 8-bit to packed RGB.
inline RgbImage toRgb(const cv::Mat& src) {
    RgbImage out;
    if (src.empty())
        return out;
    out.width = src.cols;
    out.height = src.rows;
    out.pixels.resize(size_t(src.cols) * size_t(src.rows) * 3);
    cv::Mat rgb(src.rows, src.cols, CV_8UC3, out.pixels.data(), size_t(src.cols) * 3);
    cv::cvtColor(src, rgb, src.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
    return out;
}

} // namespace docdesk::imaging::detail
