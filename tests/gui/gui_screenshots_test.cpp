#define BOOST_TEST_MODULE gui_screenshots
// The pictures of the README and the AppStream metadata (issue 20), taken from the real
// docdesk under Xvfb with realistic generated paper (never the corpus): a phone photo of a
// receipt on a wooden desk (tests/support/PaperScenes) whose edges docdesk found, and a
// feeder batch of letters with a PATCHT separator sheet
// and an ASN label, split into documents in the Filing Plan; then the Privacy page. In
// English and in German. The test checks what each picture must show (the pages analysed,
// the plan's documents, the window titles) so a broken screen fails here rather than in a
// software centre; installer/update-screenshots.sh copies the pictures.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/PaperScenes.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The receipt photo first, then the feeder batch: two letters, the separator sheet, a page
// with an ASN label starting the next document, one more letter.
std::vector<std::string> writeMaterial(const fs::path& dir) {
    std::vector<std::string> files;
    const test::Paper receipt = test::syntheticReceipt(11);
    const test::Scene scene = test::makeScene(test::SceneKind::PhotoWood, {receipt}, {}, 11);
    files.push_back((dir / "receipt-photo.jpg").string());
    cv::imwrite(files.back(), scene.image, {cv::IMWRITE_JPEG_QUALITY, 90});
    // Office letters with photos and stamps read as several documents on one page to the
    // document finder, so the batch pages are plain letters with text (writeBatchPage).
    const auto page = [&](int number, const std::string& code) {
        const fs::path file = dir / ("batch-0" + std::to_string(number) + ".jpg");
        test::writeBatchPage(file, number, code, "Code128");
        files.push_back(file.string());
    };
    page(1, "");
    page(2, "");
    page(3, "PATCHT");
    page(4, "ASN00042");
    page(5, "");
    return files;
}

void takeScreenshots(const std::string& lang) {
    test::TempDir home;
    const std::vector<std::string> files = writeMaterial(home.path());
    fs::create_directories(home / "config" / "docdesk");
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf")
        << "[preferences]\nlanguage=" << lang << "\n";
    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / ("gui_screenshots_test." + lang + ".stderr.log");
    std::vector<std::string> argv{test::guiPath().string(), "--new-session"};
    argv.insert(argv.end(), files.begin(), files.end());
    platform::ChildProcess app(argv, opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!window.empty());
    for (int i = 0; i < 150 && test::sessionPageCount(home.path()) < files.size(); ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_REQUIRE_EQUAL(test::sessionPageCount(home.path()), files.size());

    // The plan analyses the pages (edges, barcodes) and groups them.
    test::pressKeys(x.display(), window, "ctrl+2");
    bool analysed = false;
    for (int i = 0; i < 240 && !(analysed = test::allPagesAnalysed(home.path(), files.size())); ++i)
        std::this_thread::sleep_for(250ms);
    BOOST_REQUIRE_MESSAGE(analysed, "the pages were not analysed within 60 s");
    std::this_thread::sleep_for(2s);
    test::runOnDisplay({"xdotool", "mousemove", "1279", "899"}, x.display());
    const fs::path plan = test::screenshot(x.display(), "gui-shot-" + lang + "-plan.png");
    const std::string planText = test::readScreenText(plan, cv::Rect(0, 140, 720, 590), "gui-shot-" + lang + "-plan-ocr.png");
    BOOST_TEST_MESSAGE(lang << " plan reads: " << planText);
    // The separator sheet is left out and the ASN label starts a document; both are named.
    BOOST_TEST(planText.find("PATCHT") != std::string::npos, "the plan does not show the separator sheet");
    BOOST_TEST(planText.find("ASN") != std::string::npos, "the plan does not show the ASN reason");

    // The Pages tab: thumbnails, and the receipt (the first page) in the preview, cut out.
    test::pressKeys(x.display(), window, "ctrl+1");
    std::this_thread::sleep_for(2s);
    test::screenshot(x.display(), "gui-shot-" + lang + "-receipt.png");

    test::pressKeys(x.display(), window, "ctrl+shift+p");
    const std::string privacy = test::findWindow(x.display(), "^(Privacy|Datenschutz)");
    BOOST_REQUIRE_MESSAGE(!privacy.empty(), "the Privacy page did not open");
    std::this_thread::sleep_for(1500ms);
    test::screenshot(x.display(), "gui-shot-" + lang + "-privacy.png");
    test::pressKeys(x.display(), privacy, "Escape");
    std::this_thread::sleep_for(500ms);
    test::pressKeys(x.display(), window, "ctrl+q");
    const auto status = app.waitFor(20s);
    BOOST_TEST(status.has_value(), "docdesk did not close on Ctrl+Q");
}

} // namespace

BOOST_AUTO_TEST_CASE(screenshots_in_english) { takeScreenshots("en"); }

BOOST_AUTO_TEST_CASE(screenshots_in_german) { takeScreenshots("de"); }
