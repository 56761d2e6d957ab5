#include "tests/support/GuiSupport.h"

#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

namespace docdesk::test {
using namespace std::chrono_literals;

Xvfb::Xvfb() {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    server_.emplace(std::vector<std::string>{"Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24",
                                             "-nolisten", "tcp"},
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

std::map<std::string, std::string> appEnvironment(const std::string& display,
                                                  const std::filesystem::path& home) {
    return {{"DISPLAY", display},
            {"XDG_DATA_HOME", (home / "data").string()},
            {"XDG_CONFIG_HOME", (home / "config").string()},
            {"XDG_CACHE_HOME", (home / "cache").string()},
            {"XDG_STATE_HOME", (home / "state").string()},
            {"HOME", home.string()},
            {"LANG", "C.UTF-8"},
            {"GTK_A11Y", "none"},
            {"NO_AT_BRIDGE", "1"}};
}

std::string findWindow(const std::string& display, const std::string& titleRegex) {
    // xdotool's search stops with an X error when a window it is looking at goes away during
    // the search (a dialog just closed): it is tried again a few times before giving up.
    for (int attempt = 0; attempt < 5; ++attempt) {
        std::string windows;
        if (runOnDisplay({"xdotool", "search", "--sync", "--onlyvisible", "--name", titleRegex}, display,
                         &windows) == 0)
            return windows.substr(0, windows.find('\n'));
        std::this_thread::sleep_for(300ms);
    }
    return {};
}

void pressKeys(const std::string& display, const std::string& window, const std::string& keys) {
    runOnDisplay({"xdotool", "windowfocus", "--sync", window}, display);
    runOnDisplay({"xdotool", "key", "--clearmodifiers", keys}, display);
    std::this_thread::sleep_for(400ms);
}

std::filesystem::path screenshot(const std::string& display, const std::string& name) {
    const auto file = artifactsDir() / name;
    runOnDisplay({"import", "-window", "root", file.string()}, display);
    return file;
}

std::string readScreenText(const std::filesystem::path& screenshot, cv::Rect area, const std::string& name) {
    const cv::Mat img = cv::imread(screenshot.string());
    if (img.empty())
        return {};
    area &= cv::Rect(0, 0, img.cols, img.rows);
    cv::Mat crop = img(area).clone();
    cv::resize(crop, crop, {}, 3, 3, cv::INTER_CUBIC);
    const auto file = artifactsDir() / name;
    cv::imwrite(file.string(), crop);
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"tesseract", file.string(), "stdout"}, opts);
    std::string text = p.readAll();
    p.waitFor(std::chrono::seconds(60));
    return text;
}

void typeText(const std::string& display, const std::string& window, const std::string& text) {
    runOnDisplay({"xdotool", "windowfocus", "--sync", window}, display);
    runOnDisplay({"xdotool", "type", "--clearmodifiers", "--delay", "30", text}, display);
    std::this_thread::sleep_for(300ms);
}

std::set<std::filesystem::path> filesBelow(const std::filesystem::path& folder,
                                           const std::string& extension) {
    std::set<std::filesystem::path> found;
    if (std::filesystem::exists(folder))
        for (const auto& e : std::filesystem::recursive_directory_iterator(folder))
            if (e.is_regular_file() && e.path().extension() == extension)
                found.insert(e.path());
    return found;
}

bool allPagesAnalysed(const std::filesystem::path& home, size_t pages) {
    const auto session =
        nlohmann::json::parse(runCli(home, {"session", "show", "--json"}).out, nullptr, false);
    if (!session.is_object() || !session.contains("pages"))
        return false;
    size_t analysed = 0;
    for (const auto& page : session["pages"])
        if (page.contains("analysis") && page["analysis"].is_object() && page["analysis"].contains("width"))
            ++analysed;
    return analysed >= pages;
}

UiStalls readUiStalls(const std::filesystem::path& log) {
    UiStalls stalls;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("max_stall_ms "))
            stalls.longestMs = std::stoll(line.substr(13));
        else if (line.starts_with("stall_ms "))
            ++stalls.over50ms;
        // "ready" (start-up done) carries no figure
    }
    return stalls;
}

std::optional<cv::Rect> paperThumbnail(const cv::Mat& img, cv::Vec3b paper) {
    if (img.empty())
        return std::nullopt;
    cv::Mat mask;
    const int t = 30;
    cv::inRange(img, cv::Scalar(paper[0] - t, paper[1] - t, paper[2] - t),
                cv::Scalar(paper[0] + t, paper[1] + t, paper[2] + t), mask);
    cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {5, 5}));
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids);
    for (int i = 1; i < n; ++i) {
        const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                           stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        if (box.x < img.cols / 2 && box.height >= 130 && box.height <= 170 && box.width >= 30)
            return box;
    }
    return std::nullopt;
}

} // namespace docdesk::test
