#include "core/export/PageImageFile.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/ImageCodecs.h"
#include "core/imaging/ResolutionTags.h"

#include <array>
#include <cmath>
#include <cstring>
#include <opencv2/core.hpp>
#include <stdexcept>

namespace docdesk::output {
PageImageFile pageImageFile(const EncodedPage& page) {
    if (page.encoding == PageEncoding::Jpeg)
        return {".jpg", page.bytes};
    if (page.encoding == PageEncoding::G4)
        throw std::logic_error("image files are made of uncompressed black-and-white rows, not G4 data");
    const size_t stride = (size_t(page.width) + 7) / 8;
    if (page.width <= 0 || page.height <= 0 || page.bytes.size() < stride * size_t(page.height))
        throw Error(tr("The page has no image to write."));
    cv::Mat grey(page.height, page.width, CV_8UC1);
    for (int y = 0; y < page.height; ++y) {
        const std::byte* in = page.bytes.data() + size_t(y) * stride;
        std::uint8_t* out = grey.ptr<std::uint8_t>(y);
        for (int x = 0; x < page.width; ++x)
            out[x] = (std::to_integer<unsigned>(in[x >> 3]) & (0x80u >> (x & 7))) ? 0 : 255;
    }
    std::vector<std::uint8_t> png;
    if (!imaging::codecs::encodePng(grey, imaging::codecs::PngOptions{.bilevel = true, .compression = 9},
                                    png))
        throw Error(tr("The page could not be encoded as PNG."));
    imaging::setPngResolution(png, page.dpi.x, page.dpi.y);
    PageImageFile file{".png", std::vector<std::byte>(png.size())};
    std::memcpy(file.bytes.data(), png.data(), png.size());
    return file;
}

} // namespace docdesk::output
