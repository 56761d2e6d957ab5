#pragma once
// The plugin docdesk-imgcodecs.so (built from CodecPlugin.cpp): OpenCV's imgcodecs for the
// image formats docdesk does not decode itself (BMP, WebP; see ImageCodecs.h for why this is a
// plugin), and how core is told where to find it. Without OpenCV's headers: the programs wire
// the loader without linking OpenCV themselves.
#include <cstddef>
#include <string>

namespace cv {
class Mat;
}

namespace docdesk::imaging::codecs {

// Which pixels a decode yields, as OpenCV's IMREAD_* flags of the same names.
enum class ReadMode {
    Unchanged, // the file's own channels and depth (alpha, 16 bits kept); no EXIF orientation
    Colour,    // 8-bit BGR
    Grey,      // 8-bit grey
    AnyColour, // 8-bit, grey when the file is grey, else BGR
};

// The plugin's entry points.
// kVersion changes whenever this table does.
struct CodecPluginApi {
    static constexpr int kVersion = 1;
    int version;
    // cv::imdecode with `mode`; false (and `out` empty) when the data cannot be decoded.
    bool (*decode)(const std::byte* data, std::size_t size, ReadMode mode, cv::Mat* out);
};

// How the plugin is found: set once at start-up by the programs (the loading of shared
// libraries is an OS service, outside core; see app::initialise). The loader returns nullptr
// with `error` set when the plugin cannot be loaded; it is called at most once.
using CodecPluginLoader = const CodecPluginApi* (*)(std::string& error);
void setCodecPluginLoader(CodecPluginLoader loader);

} // namespace docdesk::imaging::codecs

extern "C" const docdesk::imaging::codecs::CodecPluginApi* docdesk_codec_plugin();
