#include "capture/camera/VideoPlugin.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "platform/HelperProgram.h"
#include "platform/SharedLibrary.h"

#include <filesystem>
#include <mutex>
#include <vector>

namespace docdesk::capture {
namespace {

constexpr const char* kPluginFile = "docdesk-videoio.so";

struct LoadedPlugin {
    const VideoPluginApi* api = nullptr;
    std::string error;
};

LoadedPlugin loadPlugin() {
    std::vector<std::filesystem::path> places{platform::helperProgram(kPluginFile)};
#ifdef DOCDESK_BUILD_PLUGIN_DIR
    // Test programs run from another folder of the build tree than the plugin.
    places.push_back(std::filesystem::path(DOCDESK_BUILD_PLUGIN_DIR) / kPluginFile);
#endif
    LoadedPlugin loaded;
    loaded.api = platform::loadPluginApi<VideoPluginApi>(places, "docdesk_video_plugin", loaded.error);
    return loaded;
}

const VideoPluginApi& plugin() {
    static const LoadedPlugin loaded = loadPlugin();
    if (loaded.api == nullptr)
        throw Error(trf("Camera support could not be loaded ({}). Reinstall docdesk.", loaded.error));
    return *loaded.api;
}

} // namespace

VideoStream::VideoStream(const std::string& device, bool isIndex, int width, int height, bool askSize)
    : api_(&plugin()), video_(api_->open(device.c_str(), isIndex, width, height, askSize)) {
    if (video_ == nullptr)
        throw Error(trf("The camera or video {} could not be opened. Is it connected, and not in use by "
                        "another program?",
                        device));
}

VideoStream::~VideoStream() {
    api_->close(video_);
}

} // namespace docdesk::capture
