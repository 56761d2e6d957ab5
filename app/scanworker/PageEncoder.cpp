#include "app/scanworker/PageEncoder.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/ImageCodecs.h"
#include "core/imaging/ResolutionTags.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace docdesk::scanworker {
namespace {

// One frame's samples as an OpenCV matrix of 8- or 16-bit samples (1-bit samples unpacked to
// 0/255 with `oneIsBlack` saying which way round the device counts).
cv::Mat toMat(const RawFrame& f, int channels, bool oneIsBlack) {
    const int samplesPerLine = f.width * channels;
    const auto minBytes = f.depth == 1 ? (samplesPerLine + 7) / 8 : samplesPerLine * (f.depth / 8);
    if (f.width <= 0 || f.height <= 0 || f.bytesPerLine < minBytes ||
        f.data.size() < std::size_t(f.bytesPerLine) * std::size_t(f.height))
        throw Error(tr("The scanner delivered an incomplete page."));
    if (f.depth == 8 || f.depth == 16) {
        const int type = CV_MAKETYPE(f.depth == 8 ? CV_8U : CV_16U, channels);
        // The matrix borrows the frame's rows; clone() packs them.
        return cv::Mat(f.height, f.width, type, const_cast<std::uint8_t*>(f.data.data()),
                       std::size_t(f.bytesPerLine))
            .clone();
    }
    if (f.depth != 1)
        throw Error(trf("The scanner delivered {} bits per sample, which docdesk cannot store.", f.depth));
    cv::Mat out(f.height, f.width, CV_MAKETYPE(CV_8U, channels));
    for (int y = 0; y < f.height; ++y) {
        const std::uint8_t* row = f.data.data() + std::size_t(y) * std::size_t(f.bytesPerLine);
        std::uint8_t* dst = out.ptr<std::uint8_t>(y);
        for (int i = 0; i < samplesPerLine; ++i) {
            const bool set = (row[i >> 3] >> (7 - (i & 7))) & 1;
            dst[i] = (set != oneIsBlack) ? 255 : 0;
        }
    }
    return out;
}

} // namespace

EncodedPage encodePage(const std::vector<RawFrame>& frames, capture::PageEncoding encoding, double dpi) {
    if (frames.empty())
        throw Error(tr("The scanner delivered no image."));
    cv::Mat image; // grey or BGR, 8 or 16 bit
    bool bilevel = false;
    const RawFrame& first = frames.front();
    if (first.kind == RawFrame::Kind::Gray) {
        image = toMat(first, 1, true); // SANE: in 1-bit grey a set bit is black
        bilevel = first.depth == 1;
    } else if (first.kind == RawFrame::Kind::Rgb) {
        cv::cvtColor(toMat(first, 3, false), image, cv::COLOR_RGB2BGR);
    } else {
        // Three passes, one band each, in whatever order the scanner sends them.
        cv::Mat bands[3];
        for (const auto& f : frames) {
            const int index = f.kind == RawFrame::Kind::Blue    ? 0
                              : f.kind == RawFrame::Kind::Green ? 1
                              : f.kind == RawFrame::Kind::Red   ? 2
                                                                : -1;
            if (index < 0 || f.width != first.width || f.height != first.height || f.depth != first.depth)
                throw Error(tr("The scanner delivered colour bands that do not fit together."));
            bands[index] = toMat(f, 1, false);
        }
        for (const auto& b : bands)
            if (b.empty())
                throw Error(tr("The scanner delivered an incomplete colour page."));
        cv::merge(bands, 3, image);
    }

    const bool jpeg = encoding == capture::PageEncoding::Jpeg && !bilevel;
    if (jpeg && image.depth() == CV_16U)
        image.convertTo(image, CV_8U, 1.0 / 257.0);
    std::vector<std::uint8_t> out;
    if (!(jpeg ? imaging::codecs::encodeJpeg(image, 90, out)
               : imaging::codecs::encodePng(image, imaging::codecs::PngOptions{.bilevel = bilevel}, out)))
        throw Error(tr("The scanned page could not be encoded."));
    if (jpeg)
        imaging::setJpegResolution(out, dpi);
    else
        imaging::setPngResolution(out, dpi, dpi);
    EncodedPage page;
    page.bytes.resize(out.size());
    std::memcpy(page.bytes.data(), out.data(), out.size());
    page.mediaType = jpeg ? "image/jpeg" : "image/png";
    page.width = image.cols;
    page.height = image.rows;
    return page;
}

} // namespace docdesk::scanworker
