#pragma once
// Webcams and document cameras (and video files, which behave the same and serve the tests):
// frames are watched for a document; each time a page is held still under the camera, the
// full frame is stored in the session as a JPEG original, with the document's corners as the
// page's crop (non-destructive: the frame itself is kept). OpenCV's videoio stays in the .cpp.
// Frames taken go to a PageSink as JPEG originals with the crop proposed; the camera source
// (CameraSource.h) runs this for the window and the CLI.
#include "capture/camera/DocumentSteadiness.h"
#include "core/journal/Session.h"
#include "core/model/Image.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

namespace docdesk::capture {

class PageSink;

struct CameraOptions {
    std::string device = "0"; // a camera index ("0"), a device path (/dev/video2) or a video file
    int width = 1920;         // asked of cameras; they pick the nearest mode they have
    int height = 1080;
    std::chrono::milliseconds timeout{0}; // stop after this long; 0 = no limit
    int jpegQuality = 92;
    SteadinessOptions steadiness;
};

struct CameraProgress {
    int frames = 0;   // frames looked at so far
    int captures = 0; // pages stored so far
};

// One frame as the live view shows it.
struct CameraFrame {
    RgbImage preview;                 // the frame reduced for display (at most 800 px wide)
    std::optional<Quad> document;     // the main document in preview pixels, when one is seen
    std::optional<PageRecord> stored; // the page stored from this frame, if it was taken
};

// What the window changes while the camera runs (any thread): the live view's switches.
struct CameraControl {
    std::atomic<bool> autoCapture{true};
    std::atomic<int> holdStillMs{0};           // 0 = the steadiness options' own
    std::atomic<bool> captureRequested{false}; // the Capture button: take the next frame
};

// The camera source's part of a request (AcquireSettings::camera). The device and the page
// limit are the request's own (AcquireSettings::device and maxPages).
struct CameraSettings {
    CameraOptions options;
    // The window's switches; none = auto-capture as the steadiness options say.
    std::shared_ptr<CameraControl> control;
    // Each frame looked at, for a live view (on the acquiring thread).
    std::function<void(CameraFrame&&, const CameraProgress&)> onFrame;
    // A video file plays at its own pace, like a camera would (the live view); otherwise as
    // fast as it can be read.
    bool playAtPace = false;
};

// A camera (or video file) opened for capture, frame by frame: what the GUI's live view runs
// on a background thread. Not thread-safe except for requestCapture().
class DocumentCamera {
  public:
    // Opens the device; throws docdesk::Error when it cannot be opened.
    explicit DocumentCamera(const CameraOptions& options);
    DocumentCamera(const DocumentCamera&) = delete;
    DocumentCamera& operator=(const DocumentCamera&) = delete;
    ~DocumentCamera();

    // Reads and looks at the next frame, handing it to `sink` when auto-capture decides so
    // (`autoCapture`) or a capture was requested. nullopt at the end of the stream.
    std::optional<CameraFrame> next(PageSink& sink, bool autoCapture);
    // Takes the next frame whatever the steadiness says (the Capture button); thread-safe.
    void requestCapture() { captureRequested_ = true; }
    void setHoldStill(std::chrono::milliseconds holdStill);
    const CameraProgress& progress() const { return progress_; }

  private:
    struct Device;
    std::unique_ptr<Device> device_;
    CameraOptions options_;
    DocumentSteadiness steadiness_;
    CameraProgress progress_;
    std::atomic<bool> captureRequested_{false};
};

} // namespace docdesk::capture
