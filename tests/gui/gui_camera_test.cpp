#define BOOST_TEST_MODULE gui_camera
// The camera view of the real docdesk under Xvfb, fed a generated desk video (a camera and a
// video file go through the same capture code): the live picture must show the page outline,
// the two pages held still must be auto-captured into the session, and Escape closes the view
// with the pages in the main window.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(the_camera_view_outlines_the_page_and_captures_each_held_page) {
    test::TempDir home;
    const fs::path video = home / "desk.avi";
    test::writeDeskVideo(video);
    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_camera_test.stderr.log";
    platform::ChildProcess app({test::guiPath().string(), "--new-session", "--camera", video.string()}, opts);
    const std::string dialog = test::findWindow(x.display(), "^Camera$");
    BOOST_REQUIRE_MESSAGE(!dialog.empty(), "the camera view did not open");

    // While the video plays: the outline (green) appears in the live view at some point.
    const fs::path shot = test::artifactsDir() / "gui-camera-outline.png";
    int bestOutline = 0;
    for (int i = 0; i < 40 && bestOutline < 300; ++i) {
        if (test::runOnDisplay({"import", "-window", "root", shot.string() + ".tmp.png"}, x.display()) == 0) {
            const cv::Mat img = cv::imread(shot.string() + ".tmp.png", cv::IMREAD_COLOR);
            const int green = img.empty() ? 0 : test::countColour(img, {0, 220, 0}, 30);
            if (green > bestOutline) {
                bestOutline = green;
                fs::copy_file(shot.string() + ".tmp.png", shot, fs::copy_options::overwrite_existing);
            }
        }
        std::this_thread::sleep_for(150ms);
    }
    fs::remove(shot.string() + ".tmp.png");
    BOOST_TEST_MESSAGE("outline pixels: " << bestOutline);
    BOOST_TEST(bestOutline >= 300);

    // Both held pages end up in the session (the video lasts about 6 s).
    size_t pages = 0;
    for (int i = 0; i < 60 && pages < 2; ++i) {
        std::this_thread::sleep_for(250ms);
        pages = test::sessionPageCount(home.path());
    }
    BOOST_TEST(pages == 2u);

    test::runOnDisplay({"xdotool", "windowfocus", "--sync", dialog}, x.display());
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "Escape"}, x.display());
    const std::string main = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!main.empty());
    test::runOnDisplay({"xdotool", "windowfocus", "--sync", main}, x.display());
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "ctrl+q"}, x.display());
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(status->success());
}
