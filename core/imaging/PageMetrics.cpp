#include "core/imaging/PageMetrics.h"

#include "core/imaging/PageRasterCv.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

// Blank pages: the page is analysed at about half size. The paper's own brightness is
// estimated locally (a large max filter on a small copy, so gradients and yellowed paper do not
// count), and ink is what is clearly darker than it (show-through is faint and stays out).
// Ink components are then cleaned: specks too small for a glyph, anything touching the page
// border or lying as a thin strip along it (scanner edge noise), and round blobs near an edge
// (punch holes). Whatever remains is content; a page is blank when it covers less than a small
// share of the page.
//
// Skew: dark pixels of a quarter-size copy are projected onto the normal of candidate text
// line directions; the angle whose row profile is the most peaked (sum of squared counts) wins,
// first coarsely over ±15°, then finely around the best.

namespace docdesk::imaging {
namespace {

constexpr double kInkContrast = 0.62;                      // ink is darker than 62 % of the local paper
constexpr double kBlankInkFraction = 2e-4;                 // content below this share of the page is blank
constexpr double kClearlyContent = 20 * kBlankInkFraction; // at 75 dpi: certainly not blank

// Downscales by a whole factor so that the longest edge is at most maxEdge (INTER_AREA is
// fastest and exact for whole factors; the last rows and columns that do not fill a whole
// block are left out, else a page of odd width takes OpenCV's several times slower path).
cv::Mat downscale(const cv::Mat& grey, int maxEdge) {
    const int divisor = (std::max(grey.cols, grey.rows) + maxEdge - 1) / maxEdge;
    if (divisor <= 1 || grey.cols < divisor || grey.rows < divisor)
        return grey;
    const cv::Mat whole =
        grey(cv::Rect(0, 0, grey.cols - grey.cols % divisor, grey.rows - grey.rows % divisor));
    cv::Mat out;
    cv::resize(whole, out, cv::Size(whole.cols / divisor, whole.rows / divisor), 0, 0, cv::INTER_AREA);
    return out;
}

// Ink: clearly darker than the local paper brightness, which is a max filter on an 1/8 copy
// (removes text and holes), blurred. The threshold (kInkContrast of the paper) is computed on
// that small copy and only then enlarged, so the page itself sees one 8-bit comparison. Paper
// that is itself dark (a black scanner border) gets a threshold of 0: no ink on it.
cv::Mat inkMask(const cv::Mat& grey) {
    constexpr int kBlock = 8;
    const int cols = std::max(1, grey.cols / kBlock), rows = std::max(1, grey.rows / kBlock);
    // Whole 8 x 8 blocks take OpenCV's fast area path; the few rows and columns left over are
    // covered by the enlargement below.
    const cv::Mat whole = grey.cols >= kBlock && grey.rows >= kBlock
                              ? grey(cv::Rect(0, 0, cols * kBlock, rows * kBlock))
                              : grey;
    cv::Mat tiny, threshold, mask;
    cv::resize(whole, tiny, cv::Size(cols, rows), 0, 0, cv::INTER_AREA);
    cv::dilate(tiny, tiny, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(9, 9)));
    cv::GaussianBlur(tiny, tiny, cv::Size(9, 9), 0);
    cv::Mat darkPaper;
    cv::compare(tiny, 60, darkPaper, cv::CMP_LE);
    tiny.convertTo(tiny, CV_8U, kInkContrast);
    tiny.setTo(0, darkPaper);
    cv::resize(tiny, threshold, grey.size(), 0, 0, cv::INTER_LINEAR);
    cv::compare(grey, threshold, mask, cv::CMP_LT);
    return mask;
}

// Share of the page `grey` covered by content: its ink components (`mask`, inkMask(grey)) after
// cleaning (see the top).
double contentFraction(const cv::Mat& grey, const cv::Mat& mask) {
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
    const double mmPerPx = 210.0 / std::min(grey.cols, grey.rows); // assume A4-ish width
    const double pxPerMm = 1 / mmPerPx;
    const int minGlyphArea = std::max(3, int(std::lround(0.35 * pxPerMm * pxPerMm))); // ~0.35 mm²
    const int border = std::max(2, int(0.01 * std::min(grey.cols, grey.rows)));
    double content = 0;
    for (int i = 1; i < n; ++i) {
        const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        const int area = stats.at<int>(i, cv::CC_STAT_AREA);
        if (area < minGlyphArea)
            continue; // speck
        if (x <= border || y <= border || x + w >= grey.cols - border || y + h >= grey.rows - border)
            continue; // touches the border: scanner edge, shadow of the page edge
        const double edgeDist =
            std::min({double(x), double(y), double(grey.cols - x - w), double(grey.rows - y - h)});
        const double longSide = std::max(w, h), shortSide = std::min(w, h);
        if (edgeDist < 12 * pxPerMm && longSide > 8 * shortSide && shortSide < 3 * pxPerMm)
            continue; // thin strip along an edge
        // Punch hole: round, filled, 4-9 mm across, within 25 mm of an edge.
        const double fillRatio = double(area) / (double(w) * h);
        if (edgeDist < 25 * pxPerMm && std::abs(w - h) <= 0.2 * longSide && fillRatio > 0.6 &&
            fillRatio < 0.9 && longSide > 3.5 * pxPerMm && longSide < 10 * pxPerMm)
            continue;
        content += area;
    }
    return content / double(grey.total());
}

} // namespace

namespace {

// The blank verdict of a page from its ~75-dpi copy `small` and that copy's ink mask. A page of
// text is plainly not blank at about 75 dpi, where the ink components cost a quarter; only a
// page with little on it is looked at again at about 150 dpi, where a short handwritten note or
// a stamp still makes whole glyphs.
BlankVerdict blankVerdict(const cv::Mat& grey, const cv::Mat& small, const cv::Mat& smallInk) {
    BlankVerdict verdict;
    const double coarse = contentFraction(small, smallInk);
    if (coarse >= kClearlyContent) {
        verdict.inkFraction = coarse;
    } else {
        const cv::Mat finer = downscale(grey, 1800);
        verdict.inkFraction = contentFraction(finer, inkMask(finer));
    }
    verdict.blank = verdict.inkFraction < kBlankInkFraction;
    return verdict;
}

// The skew of the text lines of `grey` (~75 dpi) from its ink mask.
double skewOfInk(const cv::Mat& grey, const cv::Mat& mask) {
    std::vector<cv::Point2f> ink;
    cv::Mat nz;
    cv::findNonZero(mask, nz);
    if (nz.total() < 200)
        return 0;
    // A bounded, evenly spread sample keeps the search cheap on dense pages: at most 40,000
    // points for the fine search, a quarter of them for the coarse one.
    const size_t step = std::max<size_t>(1, nz.total() / 40000);
    const cv::Point2f centre(float(grey.cols) / 2, float(grey.rows) / 2);
    for (size_t i = 0; i < nz.total(); i += step) {
        const cv::Point p = nz.at<cv::Point>(int(i));
        ink.emplace_back(float(p.x) - centre.x, float(p.y) - centre.y);
    }
    const size_t coarseStep = ink.size() >= 40000 ? 4 : 1;
    const int bins = int(std::hypot(grey.cols, grey.rows)) + 4;
    std::vector<int> hist(static_cast<size_t>(bins));
    auto sharpness = [&](double degrees, size_t every) {
        std::fill(hist.begin(), hist.end(), 0);
        const double a = degrees * CV_PI / 180;
        const float s = float(std::sin(a)), c = float(std::cos(a));
        const float offset = float(bins) / 2;
        for (size_t i = 0; i < ink.size(); i += every) {
            const int b = int(-ink[i].x * s + ink[i].y * c + offset);
            if (b >= 0 && b < bins)
                ++hist[size_t(b)];
        }
        double sum = 0;
        for (int v : hist)
            sum += double(v) * v;
        return sum;
    };
    double best = 0, bestScore = -1, total = 0;
    int count = 0;
    for (double a = -15; a <= 15.001; a += 0.5) {
        const double v = sharpness(a, coarseStep);
        total += v;
        ++count;
        if (v > bestScore) {
            bestScore = v;
            best = a;
        }
    }
    // A page without text lines has a flat response: skew unknown.
    if (bestScore < 1.15 * total / count)
        return 0;
    double fine = best;
    double fineScore = sharpness(best, 1);
    for (double a = best - 0.5; a <= best + 0.5001; a += 0.05) {
        const double v = sharpness(a, 1);
        if (v > fineScore) {
            fineScore = v;
            fine = a;
        }
    }
    // Parabolic interpolation around the fine maximum.
    const double l = sharpness(fine - 0.05, 1), r = sharpness(fine + 0.05, 1);
    const double denom = l - 2 * fineScore + r;
    if (std::abs(denom) > 1e-9)
        fine += std::clamp(0.5 * (l - r) / denom, -0.5, 0.5) * 0.05;
    return std::clamp(fine, -15.0, 15.0);
}

} // namespace

BlankVerdict detectBlank(const ImageView& page) {
    const cv::Mat src = detail::asMat(page);
    if (src.empty())
        return {true, 0};
    const cv::Mat grey = detail::toGrey(src);
    const cv::Mat small = downscale(grey, 900);
    return blankVerdict(grey, small, inkMask(small));
}

double estimateSkewDegrees(const ImageView& page) {
    const cv::Mat src = detail::asMat(page);
    if (src.empty())
        return 0;
    const cv::Mat grey = downscale(detail::toGrey(src), 900);
    return skewOfInk(grey, inkMask(grey));
}

PageMeasures measurePage(const ImageView& page) {
    const cv::Mat src = detail::asMat(page);
    if (src.empty())
        return {{true, 0}, 0};
    const cv::Mat grey = detail::toGrey(src);
    const cv::Mat small = downscale(grey, 900);
    const cv::Mat ink = inkMask(small);
    return {blankVerdict(grey, small, ink), skewOfInk(small, ink)};
}

} // namespace docdesk::imaging
