#pragma once
// The cameras attached to this machine (webcams, document cameras), for the user to choose.
#include <string>
#include <vector>

namespace docdesk::platform {

struct VideoDevice {
    std::string path; // what to open: /dev/video0 (Linux)
    std::string name; // what the device calls itself: "HD Pro Webcam C920"
};

// Devices that capture video; empty when there are none (or they cannot be listed).
std::vector<VideoDevice> listVideoDevices();

} // namespace docdesk::platform
