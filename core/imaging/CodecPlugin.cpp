// docdesk-imgcodecs.so: OpenCV's imgcodecs behind the C entry point docdesk_codec_plugin(), for
// the image formats docdesk does not decode itself (BMP, WebP; see ImageCodecs.h for why this
// is a plugin). Loaded by the programs on the first such page only.
#include "core/imaging/CodecPlugin.h"

#include <opencv2/imgcodecs.hpp>

namespace {

using docdesk::imaging::codecs::CodecPluginApi;
using docdesk::imaging::codecs::ReadMode;

int imreadFlags(ReadMode mode) {
    switch (mode) {
    case ReadMode::Unchanged:
        return cv::IMREAD_UNCHANGED;
    case ReadMode::Colour:
        return cv::IMREAD_COLOR;
    case ReadMode::Grey:
        return cv::IMREAD_GRAYSCALE;
    case ReadMode::AnyColour:
        return cv::IMREAD_ANYCOLOR;
    }
    return cv::IMREAD_COLOR;
}

bool decodeImage(const std::byte* data, std::size_t size, ReadMode mode, cv::Mat* out) {
    try {
        const cv::Mat raw(1, int(size), CV_8UC1, const_cast<std::byte*>(data));
        *out = cv::imdecode(raw, imreadFlags(mode));
    } catch (const cv::Exception& e) {
        out->release();
        if (e.code == cv::Error::StsNoMem)
            throw std::bad_alloc();
    }
    return !out->empty();
}

const CodecPluginApi kApi{CodecPluginApi::kVersion, decodeImage};

} // namespace

extern "C" __attribute__((visibility("default"))) const CodecPluginApi* docdesk_codec_plugin() {
    return &kApi;
}
