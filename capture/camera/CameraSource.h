#pragma once
// Cameras as a PageSource: the devices are the machine's video devices (a video file may be
// named as the device too, which is how the tests and demos feed it). acquire() runs a
// DocumentCamera until the stream ends, maxPages pages are taken, the time limit passes or it is
// stopped; each page held still (or asked for with the window's Capture button) goes to the
// sink as a JPEG original with its document's corners as the proposed crop. The live view, if
// any, gets every frame through AcquireSettings::camera.onFrame.
#include "capture/PageSource.h"

namespace docdesk::capture {

class CameraSource final : public PageSource {
  public:
    std::string_view kind() const override { return "camera"; }
    std::vector<DeviceInfo> devices(std::stop_token) override;
    // A camera is asked for a frame size (AcquireSettings::camera) and picks its nearest mode:
    // nothing to choose from beforehand.
    DeviceCapabilities capabilities(const std::string&, std::stop_token) override { return {}; }
    // settings.device: a camera index ("0"), a device path or a video file; empty = the
    // camera options' own. Throws docdesk::Error when it cannot be opened.
    AcquireSummary acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) override;
};

} // namespace docdesk::capture
