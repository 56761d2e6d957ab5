#pragma once
// For the tests that drive the real application under Xvfb: the X server, running the X tools
// (import, xdotool) on its display, and looking at screenshots.
#include "platform/ChildProcess.h"

#include <chrono>
#include <map>
#include <opencv2/core.hpp>
#include <optional>
#include <set>
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
int runOnDisplay(const std::vector<std::string>& argv, const std::string& display,
                 std::string* out = nullptr);

// Pixels within `tolerance` of the BGR colour.
int countColour(const cv::Mat& img, cv::Vec3b bgr, int tolerance = 40);

// The environment for the application: its own X display, XDG folders below `home`, C locale.
std::map<std::string, std::string> appEnvironment(const std::string& display,
                                                  const std::filesystem::path& home);

// The first visible window whose title matches `titleRegex`, waiting for it; empty if none.
std::string findWindow(const std::string& display, const std::string& titleRegex);

// Focuses `window` and types `keys` (xdotool syntax, e.g. "ctrl+shift+f"), then gives the app
// a moment to react.
void pressKeys(const std::string& display, const std::string& window, const std::string& keys);
// A screenshot of the whole display saved as test artefact `name` (a .png name); its path.
std::filesystem::path screenshot(const std::string& display, const std::string& name);
// Text read by tesseract from `area` of a screenshot (clipped to the image), scaled up 3 times
// (it reads small UI text better larger); the crop is kept beside the screenshot as `name`.
std::string readScreenText(const std::filesystem::path& screenshot, cv::Rect area, const std::string& name);
// In a screenshot, a thumbnail-sized region (130 to 170 px high) of `paper`'s colour (BGR,
// within 30) in the grid (the left half): a receipt shown cut out; none while its thumbnail
// shows the whole photo (the receipt is too small in it then).
std::optional<cv::Rect> paperThumbnail(const cv::Mat& screenshot, cv::Vec3b paper);
// Types `text` into the focused control of `window` (xdotool type).
void typeText(const std::string& display, const std::string& window, const std::string& text);
// The files below `folder` (recursively) with this extension, sorted.
std::set<std::filesystem::path> filesBelow(const std::filesystem::path& folder, const std::string& extension);
// True once the newest session below `home` has `pages` pages with a stored analysis (CLI).
bool allPagesAnalysed(const std::filesystem::path& home, size_t pages);
// The latency probe's log (DOCDESK_UI_LATENCY_LOG): the longest UI stall in ms (-1 without a
// summary line) and how many stalls over 50 ms there were.
struct UiStalls {
    long long longestMs = -1;
    long long over50ms = 0;
};
UiStalls readUiStalls(const std::filesystem::path& log);

} // namespace docdesk::test
