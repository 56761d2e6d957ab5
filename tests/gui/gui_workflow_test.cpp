#define BOOST_TEST_MODULE gui_workflow
// A day's work in the real window under Xvfb, driven through the UI with xdotool: a 5-page
// feeder batch is scanned from the SANE `test` backend in the Scan dialog (Enter), its five
// thumbnails appear, the plan is shown (Ctrl+2), split before page 3 (Right, Right, Ctrl+B) and
// filed into the archive folder (Ctrl+Shift+F); the test then reads the PDFs on disk. The same
// run under LANG=de_DE.UTF-8 must show German menus, read off the screenshot with tesseract.
// The app's latency probe reports the longest UI stall; screenshots of each step are kept.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<fs::path> pdfsIn(const fs::path& folder) {
    const auto found = test::filesBelow(folder, ".pdf");
    return {found.begin(), found.end()};
}

// The test backend's default picture is solid black: each page's thumbnail is a black
// rectangle of thumbnail size on the screenshot.
int blackThumbnails(const fs::path& shot) {
    const cv::Mat img = cv::imread(shot.string(), cv::IMREAD_GRAYSCALE);
    if (img.empty())
        return -1;
    cv::Mat mask;
    cv::threshold(img, mask, 25, 255, cv::THRESH_BINARY_INV);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    int count = 0;
    for (const auto& c : contours) {
        const cv::Rect box = cv::boundingRect(c);
        if (box.width >= 60 && box.width <= 170 && box.height >= 80 && box.height <= 170 &&
            cv::contourArea(c) > 0.8 * box.area())
            ++count;
    }
    return count;
}

std::string ocr(const fs::path& image) {
    std::string text;
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"tesseract", image.string(), "stdout"}, opts);
    text = p.readAll();
    p.wait();
    return text;
}

struct Step {
    const std::string& display;
    std::string prefix;
    void shot(const std::string& name, fs::path* where = nullptr) const {
        const fs::path file = test::screenshot(display, prefix + name + ".png");
        if (where)
            *where = file;
    }
    void keys(const std::string& window, const std::string& keys) const {
        test::pressKeys(display, window, keys);
    }
};

void runWorkflow(const std::string& lang) {
    const bool german = lang.starts_with("de");
    test::TempDir home;
    const fs::path sane = home / "sane";
    fs::create_directories(sane);
    test::writeFile(sane / "dll.conf", "test\n");
    test::writeFile(sane / "test.conf", "number_of_devices 1\n");
    const fs::path archive = home / "archive";
    fs::create_directories(home / "config" / "docdesk");
    // The settings a user would have chosen in the dialogs before: feeder, grey, 150 dpi, 5 pages.
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf")
        << "[scan]\npaper=1\nmode=1\nresolution=0\npages=5\n[plan]\narchive=" << archive.string() << "\n";

    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.environment["SANE_CONFIG_DIR"] = sane.string();
    if (german) {
        opts.environment["LANG"] = lang;
        opts.environment["LC_ALL"] = lang;
    }
    const std::string prefix = german ? "gui-workflow-de-" : "gui-workflow-";
    opts.stderrFile = test::artifactsDir() / (prefix + "stderr.log");
    const fs::path latencyLog = test::artifactsDir() / (prefix + "latency.log");
    fs::remove(latencyLog);
    opts.environment["DOCDESK_UI_LATENCY_LOG"] = latencyLog.string();
    const Step step{x.display(), prefix};

    platform::ChildProcess app({test::guiPath().string(), "--new-session", "--scan"}, opts);
    const std::string dialog = test::findWindow(x.display(), german ? "^Scannen$" : "^Scan$");
    BOOST_REQUIRE_MESSAGE(!dialog.empty(), "the scan dialog did not open");
    // Enter once the scanner is listed (Scan is the default button then); 5 pages arrive.
    size_t pages = 0;
    for (int i = 0; i < 80 && pages < 5; ++i) {
        std::this_thread::sleep_for(500ms);
        if (pages == 0 && i % 4 == 1)
            step.keys(dialog, "Return");
        pages = test::sessionPageCount(home.path());
    }
    std::this_thread::sleep_for(1s); // the feeder stops; nothing more may arrive
    BOOST_TEST(test::sessionPageCount(home.path()) == 5u);
    step.shot("1-scan-dialog");
    step.keys(dialog, german ? "alt+f" : "alt+d"); // Done / Fertig
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!window.empty());

    // Five thumbnails in the page grid.
    fs::path shot;
    int thumbnails = 0;
    for (int i = 0; i < 40 && thumbnails < 5; ++i) {
        std::this_thread::sleep_for(300ms);
        step.shot("2-pages", &shot);
        thumbnails = blackThumbnails(shot);
    }
    BOOST_TEST(thumbnails == 5);

    if (german) {
        // The menu bar, read off the screenshot.
        const cv::Mat img = cv::imread(shot.string());
        const fs::path bar = test::artifactsDir() / (prefix + "menubar.png");
        cv::Mat crop = img(cv::Rect(0, 0, std::min(img.cols, 700), 26)).clone();
        cv::resize(crop, crop, {}, 3, 3, cv::INTER_CUBIC); // tesseract reads small UI text better larger
        cv::imwrite(bar.string(), crop);
        const std::string text = ocr(bar);
        BOOST_TEST_MESSAGE("menu bar text: " << text);
        BOOST_TEST(text.find("Datei") != std::string::npos);
        BOOST_TEST(text.find("Erfassen") != std::string::npos);
        BOOST_TEST(text.find("Capture") == std::string::npos);
    }

    // The plan: one document of five pages; split before page 3; filed.
    step.keys(window, "ctrl+2");
    bool analysed = false;
    for (int i = 0; i < 120 && !(analysed = test::allPagesAnalysed(home.path(), 5)); ++i)
        std::this_thread::sleep_for(250ms);
    BOOST_REQUIRE_MESSAGE(analysed, "the pages were not analysed within 30 s");
    std::this_thread::sleep_for(1500ms);
    step.shot("3-plan");
    step.keys(window, "Right");
    step.keys(window, "Right");
    step.keys(window, "ctrl+b");
    step.shot("4-split");
    step.keys(window, "ctrl+shift+f");
    std::vector<fs::path> filed;
    for (int i = 0; i < 150 && filed.size() < 2; ++i) {
        std::this_thread::sleep_for(200ms);
        filed = pdfsIn(archive);
    }
    std::this_thread::sleep_for(500ms);
    step.shot("5-filed");
    BOOST_REQUIRE_EQUAL(filed.size(), 2u);
    std::vector<int> counts;
    for (const auto& pdf : filed)
        counts.push_back(test::pdfPageCount(pdf));
    std::sort(counts.begin(), counts.end());
    BOOST_TEST(counts == (std::vector<int>{2, 3}), boost::test_tools::per_element());

    step.keys(window, "ctrl+q");
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
    BOOST_TEST(status->success());

    const auto stalls = test::readUiStalls(latencyLog);
    BOOST_TEST(stalls.longestMs >= 0, "the latency probe wrote no summary");
    BOOST_TEST_MESSAGE(lang << ": longest UI stall over scanning, planning and filing: " << stalls.longestMs
                            << " ms; stalls over 50 ms: " << stalls.over50ms);
}

} // namespace

BOOST_AUTO_TEST_CASE(scan_five_pages_split_and_file_them_in_english) {
    runWorkflow("C.UTF-8");
}

BOOST_AUTO_TEST_CASE(the_same_in_german_shows_german_menus) {
    runWorkflow("de_DE.UTF-8");
}
