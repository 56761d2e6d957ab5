#include "platform/VideoDevices.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace docdesk::platform {

// V4L2 lists every device node in sysfs; metadata nodes of the same camera (index > 0 of a
// physical device) cannot capture frames and are left out.
std::vector<VideoDevice> listVideoDevices() {
    namespace fs = std::filesystem;
    std::vector<VideoDevice> devices;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/sys/class/video4linux", ec)) {
        const std::string node = entry.path().filename().string();
        if (!node.starts_with("video"))
            continue;
        std::string index;
        std::ifstream(entry.path() / "index") >> index;
        if (!index.empty() && index != "0")
            continue;
        std::string name;
        std::getline(std::ifstream(entry.path() / "name"), name);
        devices.push_back({"/dev/" + node, name.empty() ? node : name});
    }
    std::sort(devices.begin(), devices.end(),
              [](const VideoDevice& a, const VideoDevice& b) { return a.path < b.path; });
    return devices;
}

} // namespace docdesk::platform
