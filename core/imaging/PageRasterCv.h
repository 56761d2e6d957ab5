#pragma once
// Private to core/imaging (never included by a public header): wraps docdesk's ImageView as a
// cv::Mat without copying and turns OpenCV results back into RgbImage.
#include "core/model/Image.h"
#include "core/model/ImageView.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

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

// Area averaging by exactly two. OpenCV's INTER_AREA takes a fast path only for an exact factor
// of two, so an odd last row or column is left out (a 2481-pixel-wide page otherwise costs
// several times more). core/barcode, which may not use imaging, has its own copy.
inline cv::Mat halvedExactly(const cv::Mat& src) {
    cv::Mat half;
    cv::resize(src(cv::Rect(0, 0, src.cols & ~1, src.rows & ~1)), half, cv::Size(src.cols / 2, src.rows / 2),
               0, 0, cv::INTER_AREA);
    return half;
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
