#include "capture/camera/CameraSource.h"

#include "platform/VideoDevices.h"

#include <thread>

namespace docdesk::capture {
namespace {

using Clock = DocumentSteadiness::Clock;

// A video file is shown at about this many frames a second when played at pace.
constexpr auto kPacedFrame = std::chrono::milliseconds(66);

// Whether to take frames on: the request's limits, checked before each frame.
bool withinLimits(const AcquireSettings& settings, const DocumentCamera& camera, Clock::time_point started) {
    const auto timeout = settings.camera.options.timeout;
    if (settings.maxPages > 0 && camera.progress().captures >= settings.maxPages)
        return false;
    return timeout.count() <= 0 || Clock::now() - started <= timeout;
}

// Applies the window's switches; returns whether auto-capture is on.
bool applyControl(CameraControl* control, DocumentCamera& camera, int& holdStillMs) {
    if (control == nullptr)
        return true;
    if (const int wanted = control->holdStillMs; wanted > 0 && wanted != holdStillMs) {
        holdStillMs = wanted;
        camera.setHoldStill(std::chrono::milliseconds(wanted));
    }
    if (control->captureRequested.exchange(false))
        camera.requestCapture();
    return control->autoCapture;
}

} // namespace

std::vector<DeviceInfo> CameraSource::devices(std::stop_token) {
    std::vector<DeviceInfo> out;
    for (const auto& d : platform::listVideoDevices())
        out.push_back({d.path, {}, d.name, "camera"});
    return out;
}

AcquireSummary CameraSource::acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) {
    CameraOptions options = settings.camera.options;
    if (!settings.device.empty())
        options.device = settings.device;
    DocumentCamera camera(options);
    const bool paced = settings.camera.playAtPace && !options.device.starts_with("/dev/");
    const auto started = Clock::now();
    int holdStillMs = 0;
    AcquireSummary summary;
    while (withinLimits(settings, camera, started)) {
        if (stop.stop_requested()) {
            summary.end = AcquireEnd::Cancelled;
            break;
        }
        const bool autoCapture = applyControl(settings.camera.control.get(), camera, holdStillMs);
        const auto frameStarted = Clock::now();
        auto frame = camera.next(sink, autoCapture);
        if (!frame)
            break; // the end of the video, or the camera went away
        if (settings.camera.onFrame)
            settings.camera.onFrame(std::move(*frame), camera.progress());
        if (paced)
            std::this_thread::sleep_until(frameStarted + kPacedFrame);
    }
    summary.pages = camera.progress().captures;
    return summary;
}

} // namespace docdesk::capture
