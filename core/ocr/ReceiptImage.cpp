#include "core/ocr/ReceiptImage.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace docdesk::ocr {
namespace {

// Pictures are enlarged to at most this many pixels: Tesseract's time and memory grow with it.
constexpr double kMaxPixels = 12e6;
constexpr double kMaxScale = 4;
// Pictures enlarged this much and more are sharpened, by this much.
constexpr double kSharpenFrom = 2;
constexpr double kSharpening = 1.5;
// A receipt's largest print (a logo, a total in double size) is at most a tenth of its width
// high: its paper shows around that.
constexpr int kLargestPrintPerWidth = 10;

} // namespace

// The share of the light at its darkest tenth of the paper (against its brightest) above which
// the paper counts as evenly lit: a scan, where dividing the light out would only change the print.
constexpr double kEvenLight = 0.85;

// The value below which `share` of a grey picture's pixels lie.
int percentile(const cv::Mat& grey, double share) {
    int histogram[256] = {};
    for (int y = 0; y < grey.rows; ++y)
        for (const uchar *p = grey.ptr(y), *end = p + grey.cols; p != end; ++p)
            ++histogram[*p];
    const double wanted = share * double(grey.total());
    double below = 0;
    for (int v = 0; v < 256; ++v)
        if ((below += histogram[v]) >= wanted)
            return v;
    return 255;
}

cv::Mat flattenBackground(const cv::Mat& grey, int largestPrint) {
    CV_Assert(grey.type() == CV_8UC1);
    if (grey.empty())
        return grey.clone();
    // The paper's light is found at a quarter size or less (a closing's cost grows with its
    // kernel), where a closing twice the largest print wide fills all print with the paper
    // around it.
    const int reduce = std::clamp(largestPrint / 12, 1, 8);
    cv::Mat light;
    cv::resize(grey, light, cv::Size(std::max(1, grey.cols / reduce), std::max(1, grey.rows / reduce)), 0, 0,
               cv::INTER_AREA);
    const int kernel = std::max(3, (2 * largestPrint / reduce) | 1);
    cv::morphologyEx(light, light, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(kernel, kernel)));
    // Light changes smoothly; the closing's blocky steps would show as edges in the text.
    cv::GaussianBlur(light, light, cv::Size(0, 0), kernel / 2.0);
    if (percentile(light, 0.1) >= kEvenLight * percentile(light, 0.98))
        return grey.clone();
    cv::resize(light, light, grey.size(), 0, 0, cv::INTER_LINEAR);
    cv::max(light, 1, light); // no division by zero on black
    cv::Mat flat;
    cv::divide(grey, light, flat, 255.0);
    return flat;
}

// The box of a barcode's bars: from their leftmost to their rightmost, from their typical top to
// their typical bottom (a digit printed touching a bar's end must stay).
cv::Rect barcodeBox(const std::vector<cv::Rect>& bars, cv::Size page) {
    std::vector<int> tops, bottoms;
    int left = page.width, right = 0;
    for (const auto& bar : bars) {
        tops.push_back(bar.y);
        bottoms.push_back(bar.y + bar.height);
        left = std::min(left, bar.x);
        right = std::max(right, bar.x + bar.width);
    }
    const auto middle = std::ptrdiff_t(bars.size() / 2);
    std::nth_element(tops.begin(), tops.begin() + middle, tops.end());
    std::nth_element(bottoms.begin(), bottoms.begin() + middle, bottoms.end());
    const int pad = std::max(1, page.width / 300);
    return cv::Rect(cv::Point(left - pad, tops[size_t(middle)] - pad),
                    cv::Point(right + pad, bottoms[size_t(middle)] + pad)) &
           cv::Rect(cv::Point(0, 0), page);
}

// A white band along the top and the bottom of a barcode: print touching its bars (the date line)
// becomes its own line again. The bars themselves stay: whitening them all would move the grey
// level Tesseract's global threshold picks for the whole receipt.
void cutBarcodeFree(cv::Mat& grey, const cv::Rect& code) {
    const int band = std::max(2, code.height / 8);
    const cv::Rect page(0, 0, grey.cols, grey.rows);
    grey(cv::Rect(code.x, code.y, code.width, band) & page).setTo(255);
    grey(cv::Rect(code.x, code.y + code.height - band, code.width, band) & page).setTo(255);
}

void eraseBarcodes(cv::Mat& grey) {
    CV_Assert(grey.type() == CV_8UC1);
    cv::Mat ink, labels, stats, centroids;
    cv::threshold(grey, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    const int count = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
    // A bar: far taller than the text (a tenth of the receipt's width and more), at most an
    // eighth as wide as tall.
    std::vector<cv::Rect> bars;
    for (int i = 1; i < count; ++i) {
        const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                           stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        if (box.height >= grey.cols / 10 && box.width * 8 <= box.height)
            bars.push_back(box);
    }
    // Bars side by side (a gap under a text line's height between them) make a barcode.
    std::sort(bars.begin(), bars.end(), [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
    const int gap = std::max(2, grey.cols / 40);
    std::vector<std::vector<cv::Rect>> codes;
    for (const auto& bar : bars) {
        auto code = std::find_if(codes.begin(), codes.end(), [&](const std::vector<cv::Rect>& c) {
            const cv::Rect& last = c.back();
            const bool beside = bar.x <= last.x + last.width + gap;
            const bool level = std::min(bar.y + bar.height, last.y + last.height) - std::max(bar.y, last.y) >
                               std::min(bar.height, last.height) / 2;
            return beside && level;
        });
        if (code == codes.end())
            codes.push_back({bar});
        else
            code->push_back(bar);
    }
    for (const auto& code : codes)
        if (code.size() >= 8)
            cutBarcodeFree(grey, barcodeBox(code, grey.size()));
}

PreparedReceipt prepareReceipt(const cv::Mat& grey) {
    PreparedReceipt out;
    if (grey.empty())
        return out;
    const cv::Mat flat = flattenBackground(grey, std::max(3, grey.cols / kLargestPrintPerWidth));
    double scale = double(kReceiptWidth) / std::max(grey.cols, 1);
    scale = std::min({scale, kMaxScale, std::sqrt(kMaxPixels / std::max(1.0, double(grey.total())))});
    if (scale <= 1.1) {
        out.grey = flat;
    } else {
        out.scale = scale;
        // Its text is now as tall as a 300-dpi scan's: Tesseract, told a higher resolution,
        // takes large print (a chain's logo) for a picture.
        out.dpi = kReceiptDpi;
        cv::resize(flat, out.grey, cv::Size(), scale, scale, cv::INTER_CUBIC);
        if (scale >= kSharpenFrom) {
            // Print a few pixels high comes out of the enlargement (and the camera) soft: its
            // strokes are sharpened back (an unsharp mask as wide as a source pixel).
            cv::Mat soft;
            cv::GaussianBlur(out.grey, soft, cv::Size(0, 0), std::min(scale, 3.0));
            cv::addWeighted(out.grey, 1 + kSharpening, soft, -kSharpening, 0, out.grey);
        }
    }
    eraseBarcodes(out.grey);
    return out;
}

} // namespace docdesk::ocr
