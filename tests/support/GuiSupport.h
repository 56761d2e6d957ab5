#pragma once
// For the tests that drive the real application under Xvfb: the X server, running the X tools
// (import, xdotool) on its display, and looking at screenshots.
#include "platform/ChildProcess.h"

#include <chrono>
#include <map>
#include <optional>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace docdesk::test {

// An Xvfb server for the test's lifetime, on a display number it picks itself.
class Xvfb {
public:
    Xvfb();
    const std::string& display() const { return display_; }

private:
    std::optional<platform::ChildProcess> server_;
    std::string display_;
};

// Runs a program on `display`; its exit code (-1 when it did not end within 30 s).
int runOnDisplay(const std::vector<std::string>& argv, const std::string& display, std::string* out = nullptr);

// Pixels within `tolerance` of the BGR colour.
int countColour(const cv::Mat& img, cv::Vec3b bgr, int tolerance = 40);

// The environment for the application: its own X display, XDG folders below `home`, C locale.
std::map<std::string, std::string> appEnvironment(const std::string& display, const std::filesystem::path& home);

// The first visible window whose title matches `titleRegex`, waiting for it; empty if none.
std::string findWindow(const std::string& display, const std::string& titleRegex);

} // namespace docdesk::test
