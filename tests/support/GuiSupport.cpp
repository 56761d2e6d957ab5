#include "tests/support/GuiSupport.h"

#include <boost/test/unit_test.hpp>

namespace docdesk::test {
using namespace std::chrono_literals;

Xvfb::Xvfb() {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    server_.emplace(std::vector<std::string>{"Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"},
                    opts);
    const auto number = server_->readLine(20s);
    BOOST_REQUIRE_MESSAGE(number && !number->empty(), "Xvfb did not start");
    display_ = ":" + *number;
}

int runOnDisplay(const std::vector<std::string>& argv, const std::string& display, std::string* out) {
    platform::ChildOptions opts;
    opts.environment["DISPLAY"] = display;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    // readAll() waits for the end of the output: coreutils' timeout bounds the whole run.
    std::vector<std::string> bounded{"timeout", "-k", "5", "30"};
    bounded.insert(bounded.end(), argv.begin(), argv.end());
    platform::ChildProcess p(bounded, opts);
    std::string text = p.readAll();
    if (out)
        *out = text;
    const auto st = p.waitFor(40s);
    return st ? st->code : -1;
}

int countColour(const cv::Mat& img, cv::Vec3b bgr, int tolerance) {
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

std::map<std::string, std::string> appEnvironment(const std::string& display, const std::filesystem::path& home) {
    return {{"DISPLAY", display},
            {"XDG_DATA_HOME", (home / "data").string()},
            {"XDG_CONFIG_HOME", (home / "config").string()},
            {"XDG_CACHE_HOME", (home / "cache").string()},
            {"HOME", home.string()},
            {"LANG", "C.UTF-8"},
            {"GTK_A11Y", "none"},
            {"NO_AT_BRIDGE", "1"}};
}

std::string findWindow(const std::string& display, const std::string& titleRegex) {
    std::string windows;
    if (runOnDisplay({"xdotool", "search", "--sync", "--onlyvisible", "--name", titleRegex}, display, &windows) != 0)
        return {};
    return windows.substr(0, windows.find('\n'));
}

} // namespace docdesk::test
