#include "capture/camera/CameraCapture.h"

#include "capture/PageSource.h"
#include "capture/camera/VideoPlugin.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/DocumentFinder.h"
#include "core/imaging/ImageCodecs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

namespace docdesk::capture {
namespace {

// Frames are searched for documents at this width: fast enough for every frame of a
// 1080p stream, and far finer than the steadiness tolerance.
constexpr int kDetectionWidth = 800;

constexpr double kMinScore = 0.6;
constexpr double kMinAreaShare = 0.08;

bool isNumber(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::unique_ptr<VideoStream> openDevice(const CameraOptions& options) {
    std::error_code ec;
    if (!isNumber(options.device) && !std::filesystem::exists(options.device, ec))
        throw Error(trf("The camera or video {} does not exist.", options.device));
    const bool askSize = isNumber(options.device) || options.device.starts_with("/dev/");
    return std::make_unique<VideoStream>(options.device, isNumber(options.device), options.width,
                                         options.height, askSize);
}

// The main document of a frame reduced for detection, in its pixels.
std::optional<Quad> mainDocument(const cv::Mat& small) {
    const ImageView view{small.data, small.cols, small.rows, std::ptrdiff_t(small.step), small.channels()};
    const auto found = imaging::findDocuments(view);
    // Something must clearly be a sheet, and a good part of the view, to be captured: a
    // notebook or a box on the desk is not a page held under the camera.
    if (found.empty() || found.front().score < kMinScore ||
        quadArea(found.front().corners) < kMinAreaShare * small.cols * small.rows)
        return std::nullopt;
    return found.front().corners;
}

// The page edit that crops a frame to `corners` (in frame pixels, to a tenth).
std::string cropTransforms(const Quad& corners) {
    nlohmann::json crop = nlohmann::json::array();
    for (const auto& p : corners)
        crop.push_back({std::round(p.x * 10) / 10, std::round(p.y * 10) / 10});
    return nlohmann::json{{"crop", crop}}.dump();
}

} // namespace

struct DocumentCamera::Device {
    std::unique_ptr<VideoStream> video;
    double fps = 0;
    bool isFile = false;
    DocumentSteadiness::Clock::time_point started;
    cv::Mat frame;
};

DocumentCamera::DocumentCamera(const CameraOptions& options)
    : device_(std::make_unique<Device>()), options_(options), steadiness_(options.steadiness) {
    device_->video = openDevice(options);
    device_->fps = device_->video->fps();
    device_->isFile = !isNumber(options.device) && !options.device.starts_with("/dev/");
    device_->started = DocumentSteadiness::Clock::now();
}

DocumentCamera::~DocumentCamera() = default;

void DocumentCamera::setHoldStill(std::chrono::milliseconds holdStill) {
    options_.steadiness.holdStill = holdStill;
    steadiness_ = DocumentSteadiness(options_.steadiness);
}

std::optional<CameraFrame> DocumentCamera::next(PageSink& sink, bool autoCapture) {
    cv::Mat& frame = device_->frame;
    if (!device_->video->read(frame) || frame.empty())
        return std::nullopt; // end of the file, or the camera went away
    ++progress_.frames;
    // Video files are timed by their frame rate, cameras by the clock.
    const auto frameTime =
        device_->isFile && device_->fps > 0
            ? device_->started + std::chrono::duration_cast<DocumentSteadiness::Clock::duration>(
                                     std::chrono::duration<double>(progress_.frames / device_->fps))
            : DocumentSteadiness::Clock::now();
    const double scale = frame.cols > kDetectionWidth ? double(kDetectionWidth) / frame.cols : 1.0;
    cv::Mat small;
    if (scale < 1.0)
        cv::resize(frame, small, cv::Size(), scale, scale, cv::INTER_AREA);
    else
        small = frame;
    CameraFrame out;
    out.document = mainDocument(small);
    std::optional<Quad> inFrame = out.document;
    if (inFrame)
        for (auto& p : *inFrame) {
            p.x /= scale;
            p.y /= scale;
        }
    const bool steady = steadiness_.update(frameTime, inFrame, std::hypot(frame.cols, frame.rows));
    if ((autoCapture && steady) || captureRequested_.exchange(false)) {
        std::vector<std::uint8_t> jpeg;
        imaging::codecs::encodeJpeg(frame, options_.jpegQuality, jpeg);
        const auto bytes = std::as_bytes(std::span(jpeg.data(), jpeg.size()));
        AcquiredPage page;
        page.number = progress_.captures + 1;
        page.bytes.assign(bytes.begin(), bytes.end());
        page.mediaType = "image/jpeg";
        page.source = "camera:" + options_.device;
        page.width = frame.cols;
        page.height = frame.rows;
        // The frame stays as it was taken; the document's corners become the page's crop.
        if (inFrame)
            page.transformsJson = cropTransforms(*inFrame);
        const auto pages = sink.page(std::move(page));
        if (!pages.empty())
            out.stored = pages.front();
        ++progress_.captures;
    }
    cv::Mat rgb;
    cv::cvtColor(small, rgb, small.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
    out.preview.width = rgb.cols;
    out.preview.height = rgb.rows;
    out.preview.pixels.assign(rgb.data, rgb.data + rgb.total() * 3);
    return out;
}

} // namespace docdesk::capture
