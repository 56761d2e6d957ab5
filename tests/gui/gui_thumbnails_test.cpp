#define BOOST_TEST_MODULE gui_thumbnails
// The real docdesk under Xvfb: started with two generated images on its command line, it must
// draw their thumbnails (checked on a screenshot taken with ImageMagick's import), close
// cleanly on Ctrl+Q (sent with xdotool), and show the same pages when started again.
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class Xvfb {
public:
    Xvfb() {
        platform::ChildOptions opts;
        opts.pipeStdout = true;
        opts.discardStderr = true;
        server_.emplace(std::vector<std::string>{"Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"},
                        opts);
        const auto number = server_->readLine(20s);
        BOOST_REQUIRE_MESSAGE(number && !number->empty(), "Xvfb did not start");
        display_ = ":" + *number;
    }
    const std::string& display() const { return display_; }

private:
    std::optional<platform::ChildProcess> server_;
    std::string display_;
};

int run(const std::vector<std::string>& argv, const std::string& display, std::string* out = nullptr) {
    platform::ChildOptions opts;
    opts.environment["DISPLAY"] = display;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p(argv, opts);
    std::string text = p.readAll();
    if (out)
        *out = text;
    const auto st = p.waitFor(30s);
    return st ? st->code : -1;
}

// Pixels within `tolerance` of the BGR colour.
int countColour(const cv::Mat& img, cv::Vec3b bgr, int tolerance = 40) {
    int n = 0;
    for (int y = 0; y < img.rows; ++y)
        for (int x = 0; x < img.cols; ++x) {
            const auto& p = img.at<cv::Vec3b>(y, x);
            if (std::abs(p[0] - bgr[0]) < tolerance && std::abs(p[1] - bgr[1]) < tolerance &&
                std::abs(p[2] - bgr[2]) < tolerance)
                ++n;
        }
    return n;
}

struct Seen {
    int red = 0;
    int green = 0;
};

// Takes screenshots until both thumbnails are visible (at most `limit`); keeps the last one.
Seen waitForThumbnails(const std::string& display, const fs::path& shot, std::chrono::seconds limit) {
    Seen seen;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (run({"import", "-window", "root", shot.string()}, display) == 0) {
            const cv::Mat img = cv::imread(shot.string(), cv::IMREAD_COLOR);
            if (!img.empty()) {
                seen = {countColour(img, {30, 30, 220}), countColour(img, {40, 190, 40})};
                if (seen.red > 4000 && seen.green > 4000)
                    return seen;
            }
        }
        std::this_thread::sleep_for(300ms);
    }
    return seen;
}

void closeWithCtrlQ(const std::string& display, platform::ChildProcess& app) {
    std::string windows;
    BOOST_REQUIRE(run({"xdotool", "search", "--sync", "--onlyvisible", "--name", "^docdesk"}, display, &windows) == 0);
    const std::string window = windows.substr(0, windows.find('\n'));
    run({"xdotool", "windowfocus", "--sync", window}, display);
    run({"xdotool", "key", "--clearmodifiers", "ctrl+q"}, display);
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
    BOOST_TEST(status->success(), "docdesk exit code " << status->code << " signal " << status->signal);
}

} // namespace

BOOST_AUTO_TEST_CASE(thumbnails_are_drawn_and_the_session_comes_back) {
    test::TempDir home;
    test::writeTestImage(home / "red-page.png", 1240, 1754, 30, 30, 220);
    test::writeTestImage(home / "green-page.jpg", 1240, 1754, 40, 190, 40);
    Xvfb x;
    platform::ChildOptions opts;
    opts.environment = {{"DISPLAY", x.display()},
                        {"XDG_DATA_HOME", (home / "data").string()},
                        {"XDG_CONFIG_HOME", (home / "config").string()},
                        {"XDG_CACHE_HOME", (home / "cache").string()},
                        {"HOME", home.path().string()},
                        {"LANG", "C.UTF-8"},
                        {"GTK_A11Y", "none"},
                        {"NO_AT_BRIDGE", "1"}};
    opts.stderrFile = test::artifactsDir() / "gui_thumbnails_test.stderr.log";
    const fs::path firstShot = test::artifactsDir() / "gui-thumbnails-first-start.png";
    const fs::path secondShot = test::artifactsDir() / "gui-thumbnails-second-start.png";
    {
        platform::ChildProcess app({test::guiPath().string(), (home / "red-page.png").string(),
                                    (home / "green-page.jpg").string()},
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
