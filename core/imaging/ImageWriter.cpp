#include "core/imaging/ImageWriter.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/ImageCodecs.h"

#include <cstring>
#include <opencv2/imgproc.hpp>

namespace docdesk::imaging {

std::vector<std::byte> encodeImage(const RgbImage& image, ImageFormat format, int jpegQuality) {
    if (image.empty())
        throw Error(tr("There is no image to write."));
    const cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    // Pages that are grey or black-and-white are written with one channel (smaller files).
    cv::Mat channels[3];
    cv::split(bgr, channels);
    const bool grey = cv::countNonZero(channels[0] != channels[1]) == 0 &&
                      cv::countNonZero(channels[1] != channels[2]) == 0;
    std::vector<std::uint8_t> out;
    const cv::Mat& pixels = grey ? channels[0] : bgr;
    if (!(format == ImageFormat::Jpeg ? codecs::encodeJpeg(pixels, jpegQuality, out)
                                      : codecs::encodePng(pixels, codecs::PngOptions{}, out)))
        throw Error(tr("The image could not be encoded."));
    std::vector<std::byte> bytes(out.size());
    std::memcpy(bytes.data(), out.data(), out.size());
    return bytes;
}

} // namespace docdesk::imaging
