#pragma once
// The camera or video file behind DocumentCamera, read through OpenCV's videoio in a plugin
// (docdesk-videoio.so, built from VideoPlugin.cpp) that is loaded only when a camera is opened:
// videoio pulls in FFmpeg, GStreamer and some 150 further libraries, whose loading would cost
// every start of docdesk-cli a third of its time. The plugin is found like the helper programs
// (beside the executable, else ../libexec/docdesk), and in the build tree.
#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>

namespace docdesk::capture {

// The plugin's entry points; kVersion changes whenever this table does.
struct VideoPluginApi {
    static constexpr int kVersion = 1;
    int version;
    // Opens a camera index ("0") or a path; nullptr when it cannot be opened.
    void* (*open)(const char* device, bool isIndex, int width, int height, bool askSize);
    bool (*read)(void* video, cv::Mat* frame); // false at the end of the stream
    double (*fps)(void* video);                // 0 when unknown
    void (*close)(void* video);
};

// An opened camera or video file.
class VideoStream {
  public:
    // Throws docdesk::Error when the plugin cannot be loaded or the device not opened.
    VideoStream(const std::string& device, bool isIndex, int width, int height, bool askSize);
    VideoStream(const VideoStream&) = delete;
    VideoStream& operator=(const VideoStream&) = delete;
    ~VideoStream();

    bool read(cv::Mat& frame) { return api_->read(video_, &frame); }
    double fps() const { return api_->fps(video_); }

  private:
    const VideoPluginApi* api_ = nullptr;
    void* video_ = nullptr;
};

} // namespace docdesk::capture

extern "C" const docdesk::capture::VideoPluginApi* docdesk_video_plugin();
