// docdesk-videoio.so: OpenCV's videoio behind the C entry point docdesk_video_plugin() (see
// VideoPlugin.h for why this is a plugin).
#include "capture/camera/VideoPlugin.h"

#include <opencv2/videoio.hpp>

namespace {

void* openVideo(const char* device, bool isIndex, int width, int height, bool askSize) {
    try {
        auto video = std::make_unique<cv::VideoCapture>();
        if (isIndex)
            video->open(std::stoi(device), cv::CAP_ANY);
        else
            video->open(device, cv::CAP_ANY);
        if (!video->isOpened())
            return nullptr;
        if (askSize) {
            video->set(cv::CAP_PROP_FRAME_WIDTH, width);
            video->set(cv::CAP_PROP_FRAME_HEIGHT, height);
        }
        return video.release();
    } catch (const std::exception&) {
        return nullptr; // an OpenCV backend that throws on open: not opened
    }
}

bool readFrame(void* video, cv::Mat* frame) {
    try {
        return static_cast<cv::VideoCapture*>(video)->read(*frame);
    } catch (const std::exception&) {
        return false; // a stream that breaks mid-way ends there
    }
}

double framesPerSecond(void* video) {
    return static_cast<cv::VideoCapture*>(video)->get(cv::CAP_PROP_FPS);
}

void closeVideo(void* video) {
    delete static_cast<cv::VideoCapture*>(video);
}

const docdesk::capture::VideoPluginApi kApi{docdesk::capture::VideoPluginApi::kVersion, openVideo, readFrame,
                                            framesPerSecond, closeVideo};

} // namespace

extern "C" __attribute__((visibility("default"))) const docdesk::capture::VideoPluginApi*
docdesk_video_plugin() {
    return &kApi;
}
