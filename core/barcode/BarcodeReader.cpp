// The ZXing-C++ adapter. A full 300-dpi page is not handed to ZXing as a whole: that costs
// ~100 ms and ZXing 1.4's DataMatrix detector only searches along the centre lines. Instead,
// RegionProposals finds the few places that look like codes (a few ms, nothing on an empty
// page), and each is cut out with a margin, turned upright (so that a scan line crosses
// every bar of a skewed linear code) and decoded on its own.
//
// ZXing 1.4.0 aborts the process on some Code 128 pages when tryDownscale is on (upstream
// issue 740), so it is only ever enabled for a whole-page pass without linear formats.
#include "core/barcode/BarcodeReader.h"

#include "core/barcode/RegionProposals.h"

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace docdesk::barcode {
namespace {

using Format = ZXing::BarcodeFormat;
using Formats = ZXing::BarcodeFormats;

// Images up to this size are also decoded whole: cheap, and a code filling most of a small
// photo or label crop has no quiet surroundings for the proposals to stand out from.
constexpr double kSmallImagePixels = 1.5e6;
// Regions tilted less than this are cut out as they are; ZXing reads small skews itself.
constexpr float kUprightDegrees = 2.f;
// Bars turned exactly upright give every scan line the same pixels, so one bad edge defeats
// them all; when that happens the region is read again slightly tilted.
constexpr float kRetryTiltDegrees = 2.5f;
// 2D symbols whose modules are so large (12 px and more) that ZXing's local binarizer fails
// on their solid areas are at least this large; they are read again at half size.
constexpr float kLargeSymbolPx = 120.f;
// Bars this long (3.4 cm) often come with wide bars and spaces, whose wavy or ragged edges
// (a distorted print) defeat the scan lines at full size; such a region is read again at a
// quarter of its size.
constexpr float kLongBarsPx = 400.f;

// A PDF417 whose rows break its bars up so much that its region has no dominant gradient
// direction has few rows, i.e. is clearly wider than high (as on labels and forms).
constexpr float kMinStackedAspect = 1.8f;
// Read in 2D modules (PDF417, stacked rows of bars, is read with the bars).
const Formats kMatrixFormats =
    Format::Aztec | Format::DataMatrix | Format::MaxiCode | Format::QRCode | Format::MicroQRCode;

struct Crop {
    cv::Mat image;
    cv::Matx23d toPage; // crop pixel -> page pixel
};

// A decoded symbol and how much evidence ZXing had for it (scan lines, for linear codes).
struct Read {
    BarcodeHit hit;
    Format format = Format::None;
    int lineCount = 0;
};

bool isReadable(const ImageView& page) {
    if (page.empty() || (page.channels != 1 && page.channels != 3))
        return false;
    const auto rowBytes = static_cast<std::ptrdiff_t>(page.width) * page.channels;
    return page.stride >= rowBytes && page.width < (1 << 16) && page.height < (1 << 16);
}

Formats parseFormats(const std::vector<std::string>& names) {
    Formats formats;
    for (const auto& name : names) {
        const auto format = ZXing::BarcodeFormatFromString(name);
        if (format == Format::None)
            throw std::invalid_argument("unknown barcode format: \"" + name + "\"");
        formats |= format;
    }
    return formats.empty() ? Formats(Format::Any) : formats;
}

// The page as a grey cv::Mat: wrapped without copying when it already is grey; a BGR page is
// converted into a per-thread buffer (a fresh 8-megabyte image per page costs page faults).
cv::Mat greyPage(const ImageView& page) {
    // cv::Mat does not write through this pointer; it only lacks a const constructor.
    auto* data = const_cast<std::uint8_t*>(page.data);
    const auto step = static_cast<std::size_t>(page.stride);
    if (page.channels == 1)
        return cv::Mat(page.height, page.width, CV_8UC1, data, step);
    thread_local cv::Mat grey;
    cv::cvtColor(cv::Mat(page.height, page.width, CV_8UC3, data, step), grey, cv::COLOR_BGR2GRAY);
    return grey;
}

// The region's bounding box with a margin, as it lies on the page.
Crop cropAsIs(const cv::Mat& grey, const cv::RotatedRect& box, float pad) {
    const cv::Rect2f bounds = box.boundingRect2f();
    const cv::Rect wanted(cvFloor(bounds.x - pad), cvFloor(bounds.y - pad), cvCeil(bounds.width + 2 * pad),
                          cvCeil(bounds.height + 2 * pad));
    const cv::Rect inside = wanted & cv::Rect(0, 0, grey.cols, grey.rows);
    return {grey(inside), cv::Matx23d(1, 0, inside.x, 0, 1, inside.y)};
}

// The region with a margin, turned so that its sides are horizontal and vertical.
Crop cropUpright(const cv::Mat& grey, const cv::RotatedRect& box, float pad) {
    if (std::abs(box.angle) < kUprightDegrees)
        return cropAsIs(grey, cv::RotatedRect(box.center, box.size, 0.f), pad);
    // crop (u, v) -> page centre + R(angle) * (u - w/2, v - h/2)
    const double radians = box.angle * CV_PI / 180.0;
    const double c = std::cos(radians), s = std::sin(radians);
    const double w = std::ceil(box.size.width + 2 * pad), h = std::ceil(box.size.height + 2 * pad);
    const cv::Matx23d toPage(c, -s, box.center.x - c * w / 2 + s * h / 2, //
                             s, c, box.center.y - s * w / 2 - c * h / 2);
    cv::Mat upright;
    cv::warpAffine(grey, upright, toPage, cv::Size(static_cast<int>(w), static_cast<int>(h)),
                   cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar(255));
    return {upright, toPage};
}

// Room for the quiet zone (10 modules of a linear code) and for the coarse region edge.
float paddingFor(const cv::RotatedRect& box) {
    return 40.f + 0.05f * std::max(box.size.width, box.size.height);
}

// Twice the signed area; positive for corners clockwise on the page (y down).
double signedArea(const Quad& quad) {
    double twice = 0;
    for (std::size_t i = 0; i < quad.size(); ++i) {
        const auto& a = quad[i];
        const auto& b = quad[(i + 1) % quad.size()];
        twice += a.x * b.y - b.x * a.y;
    }
    return twice;
}

Quad toPageQuad(const ZXing::Position& position, const cv::Matx23d& toPage) {
    Quad quad;
    for (std::size_t i = 0; i < quad.size(); ++i) {
        const cv::Vec2d q = toPage * cv::Vec3d(position[i].x, position[i].y, 1.0);
        quad[i] = {q[0], q[1]};
    }
    // ZXing 1.4 lists a linear code read bottom-up (turned by 180 degrees) counter-clockwise:
    // bottom-left, bottom-right, top-right, top-left. Reversing keeps the reading direction.
    if (signedArea(quad) < 0)
        std::reverse(quad.begin(), quad.end());
    return quad;
}

// `crop` followed by `then` (pixels of a derived image -> pixels of the crop).
cv::Matx23d composed(const cv::Matx23d& toPage, const cv::Matx33d& then) {
    const cv::Matx33d first(toPage(0, 0), toPage(0, 1), toPage(0, 2), //
                            toPage(1, 0), toPage(1, 1), toPage(1, 2), 0, 0, 1);
    const cv::Matx33d combined = first * then;
    return {combined(0, 0), combined(0, 1), combined(0, 2), combined(1, 0), combined(1, 1), combined(1, 2)};
}

// The crop at half size, for 2D codes with large modules: ZXing's local binarizer fails on
// wide solid areas. (Not ZXing's own tryDownscale, see the top of this file; it also places
// Aztec codes less precisely and misses some.)
Crop halved(const Crop& crop) {
    Crop half;
    cv::resize(crop.image, half.image, cv::Size(crop.image.cols / 2, crop.image.rows / 2), 0, 0,
               cv::INTER_AREA);
    half.toPage = composed(crop.toPage, cv::Matx33d(2, 0, 0, 0, 2, 0, 0, 0, 1));
    return half;
}

// The crop of a region with bars, turned by 90 degrees when its bars lie horizontally, so that
// ZXing's scan lines (rows) cross them and it need not try the turned image itself: that
// halves the work on every region with bars. (ZXing reads each row both ways, so a code
// upside down needs nothing more.) `acrossDegrees` is the gradient direction on the page,
// `cropDegrees` the tilt of the crop's rows on the page.
Crop barsAcrossRows(const Crop& crop, float acrossDegrees, float cropDegrees) {
    float off = std::fmod(std::abs(acrossDegrees - cropDegrees), 180.f);
    off = std::min(off, 180.f - off); // 0: gradients along the rows, i.e. bars upright
    if (off < 45.f)
        return crop;
    Crop turned;
    cv::rotate(crop.image, turned.image, cv::ROTATE_90_CLOCKWISE);
    // turned (u, v) is crop (v, rows - 1 - u)
    const double last = crop.image.rows - 1;
    turned.toPage = composed(crop.toPage, cv::Matx33d(0, 1, 0, -1, 0, last, 0, 0, 1));
    return turned;
}

// How ZXing looks at an image: also turned by 90 degrees (for bars and stacked rows in any
// orientation), and also downscaled (2D codes on a whole page only, see the top of this file).
struct Look {
    bool rotate = true;
    bool downscale = false;
};

ZXing::DecodeHints hintsFor(Formats formats, Look look) {
    ZXing::DecodeHints hints;
    hints.setFormats(formats).setTryHarder(true).setTryRotate(look.rotate).setTryDownscale(look.downscale);
    return hints;
}

// Decodes one image; a failure inside ZXing costs only this image's reads. Returns whether
// it found anything.
bool decodeInto(const Crop& crop, Formats formats, std::vector<Read>& reads, Look look = {}) {
    if (formats.empty() || crop.image.cols < 8 || crop.image.rows < 8)
        return false;
    const std::size_t before = reads.size();
    try {
        const ZXing::ImageView view(crop.image.data, crop.image.cols, crop.image.rows,
                                    ZXing::ImageFormat::Lum, static_cast<int>(crop.image.step));
        for (const auto& result : ZXing::ReadBarcodes(view, hintsFor(formats, look))) {
            if (!result.isValid())
                continue;
            reads.push_back({{ZXing::ToString(result.format()), result.text(),
                              toPageQuad(result.position(), crop.toPage)},
                             result.format(),
                             result.lineCount()});
        }
    } catch (const std::exception&) {
        // ZXing throws on inputs it cannot handle; that is "no code here", not a page failure.
    }
    return reads.size() > before;
}

// A region with bars, turned upright (ZXing 1.4 reads bars only nearly horizontal or
// vertical) with its scan lines across the bars: linear formats first, PDF417 (stacked rows)
// when they find nothing; bars long enough to be wide are also read at a quarter of the size,
// and bars turned exactly upright also slightly tilted (one bad edge then defeats every line).
void readBars(const cv::Mat& grey, const RegionProposal& proposal, Formats formats,
              std::vector<Read>& reads) {
    const Formats linear = formats & Format::LinearCodes;
    const Formats stacked = formats & Format::PDF417;
    const float pad = paddingFor(proposal.box);
    const auto oriented = [&](const cv::RotatedRect& box) {
        const float cropDegrees = std::abs(box.angle) < kUprightDegrees ? 0.f : box.angle;
        return barsAcrossRows(cropUpright(grey, box, pad), proposal.acrossDegrees, cropDegrees);
    };
    const Crop upright = oriented(proposal.box);
    if (decodeInto(upright, linear, reads, {.rotate = false}) || decodeInto(upright, stacked, reads))
        return;
    if (std::min(proposal.box.size.width, proposal.box.size.height) >= kLongBarsPx &&
        decodeInto(halved(halved(upright)), linear | stacked, reads))
        return;
    cv::RotatedRect tilted = proposal.box;
    tilted.angle += kRetryTiltDegrees;
    decodeInto(oriented(tilted), linear, reads, {.rotate = false});
}

// A region without one dominant gradient direction holds a 2D code, or a small PDF417 whose
// rows break up its bars: it is read turned upright (ZXing misses or misplaces skewed Aztec
// codes) with 2D formats, large symbols also at half size; an elongated one then as PDF417.
void readMatrix(const cv::Mat& grey, const RegionProposal& proposal, Formats formats,
                std::vector<Read>& reads) {
    const Formats matrix = formats & kMatrixFormats;
    const Crop upright = cropUpright(grey, proposal.box, paddingFor(proposal.box));
    const float longSide = std::max(proposal.box.size.width, proposal.box.size.height);
    const float shortSide = std::min(proposal.box.size.width, proposal.box.size.height);
    // Modules large enough to need the halved copy only come in large symbols.
    if (decodeInto(upright, matrix, reads) ||
        (shortSide >= kLargeSymbolPx && decodeInto(halved(upright), matrix, reads)))
        return;
    if (longSide >= kMinStackedAspect * shortSide)
        decodeInto(upright, formats & Format::PDF417, reads);
}

void readRegion(const cv::Mat& grey, const RegionProposal& proposal, Formats formats,
                std::vector<Read>& reads) {
    if (proposal.barsLike)
        readBars(grey, proposal, formats, reads);
    else
        readMatrix(grey, proposal, formats, reads);
}

// The whole image: linear formats at full resolution, 2D formats also downscaled (by ZXing:
// a large page takes too long at full resolution).
void readWhole(const cv::Mat& grey, Formats formats, std::vector<Read>& reads) {
    const Crop whole{grey, cv::Matx23d(1, 0, 0, 0, 1, 0)};
    decodeInto(whole, formats & Format::LinearCodes, reads);
    decodeInto(whole, formats & Format::MatrixCodes, reads, {.downscale = true});
}

cv::Rect2d boundsOf(const Quad& quad) {
    double left = std::numeric_limits<double>::max(), top = left;
    double right = std::numeric_limits<double>::lowest(), bottom = right;
    for (const auto& p : quad) {
        left = std::min(left, p.x);
        top = std::min(top, p.y);
        right = std::max(right, p.x);
        bottom = std::max(bottom, p.y);
    }
    return {left, top, right - left, bottom - top};
}

cv::Point2d centreOf(const Quad& quad) {
    cv::Point2d sum;
    for (const auto& p : quad)
        sum += cv::Point2d(p.x, p.y);
    return sum / 4.0;
}

// Whether two reads lie on the same place of the page: one's centre inside the other's
// outline, with some slack because a linear code's outline can be a single scan line.
bool samePlace(const Quad& a, const Quad& b) {
    constexpr double slack = 6;
    const auto within = [](const cv::Point2d& point, const Quad& quad) {
        std::vector<cv::Point2f> outline;
        for (const auto& p : quad)
            outline.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
        return cv::pointPolygonTest(outline, cv::Point2f(point), true) >= -slack;
    };
    return within(centreOf(a), b) || within(centreOf(b), a);
}

bool isLinear(Format format) {
    return Formats(Format::LinearCodes).testFlag(format);
}

// One hit per symbol. The same code read from two overlapping crops (or twice by ZXing)
// counts once, keeping the read with the most evidence. Two linear codes cannot share a
// place, so of two different reads there the weaker is a misread (EAN-8, with one check
// digit, occasionally reads a turned symbol backwards) and is dropped; so is a read of part
// of a code's bars (ITF, which has no check digit, does that), whose text is in the full one.
std::vector<BarcodeHit> distinct(std::vector<Read> reads) {
    const auto partOf = [](const Read& part, const Read& whole) {
        return part.format == whole.format && whole.hit.text.size() > part.hit.text.size() &&
               whole.hit.text.find(part.hit.text) != std::string::npos &&
               samePlace(part.hit.corners, whole.hit.corners);
    };
    std::vector<Read> complete;
    for (const auto& read : reads) {
        if (std::none_of(reads.begin(), reads.end(), [&](const Read& other) { return partOf(read, other); }))
            complete.push_back(read);
    }

    std::stable_sort(complete.begin(), complete.end(), [](const Read& a, const Read& b) {
        if (a.lineCount != b.lineCount)
            return a.lineCount > b.lineCount;
        return std::abs(signedArea(a.hit.corners)) > std::abs(signedArea(b.hit.corners));
    });
    std::vector<BarcodeHit> hits;
    std::vector<const Read*> kept;
    for (const auto& read : complete) {
        const bool redundant = std::any_of(kept.begin(), kept.end(), [&](const Read* other) {
            if (!samePlace(read.hit.corners, other->hit.corners))
                return false;
            const bool sameSymbol = other->format == read.format && other->hit.text == read.hit.text;
            const bool misread = isLinear(read.format) && isLinear(other->format);
            return sameSymbol || misread;
        });
        if (!redundant) {
            kept.push_back(&read);
            hits.push_back(read.hit);
        }
    }
    return hits;
}

void sortReadingOrder(std::vector<BarcodeHit>& hits) {
    std::sort(hits.begin(), hits.end(), [](const BarcodeHit& a, const BarcodeHit& b) {
        const cv::Rect2d ra = boundsOf(a.corners), rb = boundsOf(b.corners);
        return ra.y != rb.y ? ra.y < rb.y : ra.x < rb.x;
    });
}

} // namespace

std::vector<BarcodeHit> readBarcodes(const ImageView& page, const ReadOptions& options) {
    const Formats formats = parseFormats(options.formats);
    if (!isReadable(page))
        return {};

    std::vector<Read> reads;
    try {
        const cv::Mat grey = greyPage(page);
        if (options.wholePage || static_cast<double>(grey.total()) <= kSmallImagePixels)
            readWhole(grey, formats, reads);
        const ImageView& h = options.halved;
        const cv::Mat halved = isReadable(h) && h.channels == 1 ? greyPage(h) : cv::Mat();
        for (const auto& proposal : proposeBarcodeRegions(grey, halved))
            readRegion(grey, proposal, formats, reads);
    } catch (const cv::Exception&) {
        // Out of memory or a view OpenCV rejects: report what was found so far.
    }

    auto hits = distinct(std::move(reads));
    sortReadingOrder(hits);
    return hits;
}

} // namespace docdesk::barcode
