// Benchmark of the camera live view (issue 4): frames per second that DocumentCamera delivers
// with the document search on every frame (what the GUI's live view shows), against reading
// the same frames alone with OpenCV in this process. Prints figures, asserts nothing.
//   camera_bench [repeats=5]
#include "capture/PageSource.h"
#include "platform/DurableFiles.h"
#include "platform/ProcessLimits.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <opencv2/videoio.hpp>

using namespace docdesk;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    platform::keepLargeBuffersOnHeap(); // as the application does
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    test::TempDir dir;
    const auto video = dir / "desk.avi";
    test::writeDeskVideo(video); // 1280x720, 56 frames
    std::vector<double> live, plain;
    int frames = 0, captures = 0;
    for (int r = 0; r < repeats; ++r) {
        auto session =
            journal::Session::create(dir / ("sessions" + std::to_string(r)), platform::durableFiles());
        capture::CameraOptions options;
        options.device = video.string();
        capture::DocumentCamera camera(options);
        capture::JournalPageSink sink(*session);
        auto t0 = Clock::now();
        frames = 0;
        while (auto frame = camera.next(sink, true))
            ++frames;
        live.push_back(frames / std::chrono::duration<double>(Clock::now() - t0).count());
        captures = camera.progress().captures;
        cv::VideoCapture reader(video.string());
        cv::Mat frame;
        int n = 0;
        t0 = Clock::now();
        while (reader.read(frame))
            ++n;
        plain.push_back(n / std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::printf("camera_bench: %d frames of 1280x720, %d repeats\n", frames, repeats);
    std::printf("live view (decode + document search + preview frame): median %.1f frames/s (target >= 15); "
                "%d pages auto-captured per run\n",
                median(live), captures);
    std::printf("reference, OpenCV reading the frames alone: median %.1f frames/s; ratio %.2f\n",
                median(plain), median(live) / std::max(median(plain), 0.001));
    return 0;
}
