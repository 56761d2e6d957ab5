#define BOOST_TEST_MODULE gui_thumbnails
// The real docdesk under Xvfb: started with two generated images on its command line, it must
// draw their thumbnails (checked on a screenshot taken with ImageMagick's import), close
// cleanly on Ctrl+Q (sent with xdotool), and show the same pages when started again.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct Seen {
    int red = 0;   // of red.png's thumbnail: its red page, or the cyan box auto-crop cuts it to
    int green = 0; // of green.png's (its magenta box has the green's grey: nothing to cut)
};

// Takes screenshots until both thumbnails are visible (at most `limit`); keeps the last one.
// The red test page holds a cyan box that stands out in grey, which auto-crop takes for the
// document once the page is analysed: whether a screenshot sees the thumbnail before or after
// that depended on timing (a failure in about one run of six under load).
Seen waitForThumbnails(const std::string& display, const fs::path& shot, std::chrono::seconds limit) {
    Seen seen;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (test::runOnDisplay({"import", "-window", "root", shot.string()}, display) == 0) {
            const cv::Mat img = cv::imread(shot.string(), cv::IMREAD_COLOR);
            if (!img.empty()) {
                seen = {test::countColour(img, {30, 30, 220}) + test::countColour(img, {225, 225, 35}),
                        test::countColour(img, {40, 190, 40})};
                if (seen.red > 4000 && seen.green > 4000)
                    return seen;
            }
        }
        std::this_thread::sleep_for(300ms);
    }
    return seen;
}

void closeWithCtrlQ(const std::string& display, platform::ChildProcess& app) {
    const std::string window = test::findWindow(display, "^docdesk");
    BOOST_REQUIRE(!window.empty());
    test::runOnDisplay({"xdotool", "windowfocus", "--sync", window}, display);
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "ctrl+q"}, display);
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
    BOOST_TEST(status->success(), "docdesk exit code " << status->code << " signal " << status->signal);
}

} // namespace

BOOST_AUTO_TEST_CASE(thumbnails_are_drawn_and_the_session_comes_back) {
    test::TempDir home;
    test::writeTestImage(home / "red-page.png", 1240, 1754, 30, 30, 220);
    test::writeTestImage(home / "green-page.jpg", 1240, 1754, 40, 190, 40);
    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_thumbnails_test.stderr.log";
    const fs::path firstShot = test::artifactsDir() / "gui-thumbnails-first-start.png";
    const fs::path secondShot = test::artifactsDir() / "gui-thumbnails-second-start.png";
    {
        platform::ChildProcess app(
            {test::guiPath().string(), (home / "red-page.png").string(), (home / "green-page.jpg").string()},
            opts);
        const auto seen = waitForThumbnails(x.display(), firstShot, 30s);
        BOOST_TEST_MESSAGE("first start: red pixels " << seen.red << ", green pixels " << seen.green);
        BOOST_TEST(seen.red > 4000);
        BOOST_TEST(seen.green > 4000);
        BOOST_REQUIRE(app.running());
        closeWithCtrlQ(x.display(), app);
    }
    {
        // No files this time: the pages come from the session on disk.
        platform::ChildProcess app({test::guiPath().string()}, opts);
        const auto seen = waitForThumbnails(x.display(), secondShot, 30s);
        BOOST_TEST_MESSAGE("second start: red pixels " << seen.red << ", green pixels " << seen.green);
        BOOST_TEST(seen.red > 4000);
        BOOST_TEST(seen.green > 4000);
        closeWithCtrlQ(x.display(), app);
    }
}

BOOST_AUTO_TEST_CASE(a_watched_folder_fills_the_window_as_files_arrive) {
    test::TempDir home;
    const fs::path hot = home / "hot";
    fs::create_directories(hot);
    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_thumbnails_test.stderr.log";
    platform::ChildProcess app({test::guiPath().string(), "--new-session", "--watch", hot.string()}, opts);
    BOOST_REQUIRE(!test::findWindow(x.display(), "^docdesk").empty());
    // Two scans arrive while the window is open (written under a temporary name, then renamed).
    test::writeTestImage(home / "red.png", 1240, 1754, 30, 30, 220);
    test::writeTestImage(home / "green.png", 1240, 1754, 40, 190, 40);
    fs::rename(home / "red.png", hot / "red.png");
    fs::rename(home / "green.png", hot / "green.png");
    const auto seen = waitForThumbnails(x.display(), test::artifactsDir() / "gui-watched-folder.png", 30s);
    BOOST_TEST(seen.red > 4000);
    BOOST_TEST(seen.green > 4000);
    BOOST_TEST(fs::exists(hot / "done" / "red.png"));
    closeWithCtrlQ(x.display(), app);
}
