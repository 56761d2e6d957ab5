#define BOOST_TEST_MODULE gui_auto_crop
// Auto-crop in the real window under Xvfb, driven with xdotool: a phone photo of a receipt
// (pale yellow paper on a dark desk) is opened; once the plan has analysed it (Ctrl+2), the
// Pages tab's thumbnail is the cut-out receipt (tall, the receipt's shape), Edit > Remove Crop
// (Ctrl+Shift+X) takes the crop off (the session's page is whole again) and Undo (Ctrl+Z)
// brings it back; filed (Ctrl+Shift+F), the PDF's page has the receipt's proportions.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const cv::Vec3b kPaper{150, 225, 245}; // pale yellow, BGR

json sessionPages(const fs::path& home) {
    const auto j = json::parse(test::runCli(home, {"session", "show", "--json"}).out, nullptr, false);
    return j.is_object() && j.contains("pages") ? j["pages"] : json::array();
}

// Polls the session until `ok` holds for its pages (at most 30 s); the last state read.
json waitForSession(const fs::path& home, const std::function<bool(const json&)>& ok) {
    json pages;
    for (int i = 0; i < 120; ++i) {
        pages = sessionPages(home);
        if (ok(pages))
            return pages;
        std::this_thread::sleep_for(250ms);
    }
    return pages;
}

bool cropped(const json& pages) {
    return pages.size() == 1 && pages[0].value("transforms", json::object()).contains("crop");
}

// Screenshots until the receipt thumbnail is there (or not); whether it was.
bool waitForReceiptThumbnail(const test::Xvfb& x, bool wanted, const std::string& name,
                             std::optional<cv::Rect>& found) {
    for (int i = 0; i < 30; ++i) {
        found = test::paperThumbnail(cv::imread(test::screenshot(x.display(), name).string()), kPaper);
        if (found.has_value() == wanted)
            return true;
        std::this_thread::sleep_for(300ms);
    }
    return false;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_receipt_photo_shows_and_files_cut_out_and_remove_crop_and_undo_work) {
    test::TempDir home;
    test::writeReceiptPhoto(home / "receipt.jpg", kPaper[0], kPaper[1], kPaper[2]);
    const fs::path archive = home / "archive";
    fs::create_directories(home / "config" / "docdesk");
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf")
        << "[plan]\narchive=" << archive.string() << "\n";

    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_auto_crop_test.stderr.log";
    platform::ChildProcess app({test::guiPath().string(), "--new-session", (home / "receipt.jpg").string()},
                               opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!window.empty());
    BOOST_REQUIRE_EQUAL(waitForSession(home.path(), [](const json& p) { return p.size() == 1; }).size(), 1u);

    // 1. Planning analyses the photo; the analysis proposes the crop, and the thumbnail shows it.
    test::pressKeys(x.display(), window, "ctrl+2");
    BOOST_REQUIRE_MESSAGE(cropped(waitForSession(home.path(), cropped)), "no crop was proposed");
    test::pressKeys(x.display(), window, "ctrl+1");
    std::optional<cv::Rect> thumb;
    BOOST_REQUIRE_MESSAGE(waitForReceiptThumbnail(x, true, "gui-auto-crop-1-cut-out.png", thumb),
                          "the thumbnail does not show the cut-out receipt");
    const double shape = double(thumb->height) / thumb->width;
    BOOST_TEST(std::abs(shape / 2.5 - 1) < 0.12, "the thumbnail's height / width is " << shape);

    // 2. Remove Crop on the selected page: the page is whole again, in the session and on screen.
    test::runOnDisplay({"xdotool", "mousemove", std::to_string(thumb->x + thumb->width / 2),
                        std::to_string(thumb->y + thumb->height / 2), "click", "1"},
                       x.display());
    std::this_thread::sleep_for(400ms);
    test::pressKeys(x.display(), window, "ctrl+shift+x");
    BOOST_TEST(!cropped(waitForSession(home.path(), [](const json& p) { return !cropped(p); })));
    BOOST_TEST(waitForReceiptThumbnail(x, false, "gui-auto-crop-2-removed.png", thumb),
               "the thumbnail still shows the cut-out receipt");

    // 3. Undo brings the crop back.
    test::pressKeys(x.display(), window, "ctrl+z");
    BOOST_TEST(cropped(waitForSession(home.path(), cropped)));
    BOOST_TEST(waitForReceiptThumbnail(x, true, "gui-auto-crop-3-undone.png", thumb));

    // 4. Filed: the PDF's page is the receipt's shape.
    test::pressKeys(x.display(), window, "ctrl+2");
    std::this_thread::sleep_for(1500ms);
    test::pressKeys(x.display(), window, "ctrl+shift+f");
    std::set<fs::path> pdfs;
    for (int i = 0; i < 120 && pdfs.empty(); ++i) {
        std::this_thread::sleep_for(250ms);
        pdfs = test::filesBelow(archive, ".pdf");
    }
    BOOST_REQUIRE_EQUAL(pdfs.size(), 1u);
    std::this_thread::sleep_for(500ms);
    std::string info;
    BOOST_REQUIRE(test::runOnDisplay({"pdfinfo", pdfs.begin()->string()}, "", &info) == 0);
    std::smatch m;
    BOOST_REQUIRE(std::regex_search(info, m, std::regex(R"(Page size:\s+([0-9.]+)\s+x\s+([0-9.]+))")));
    const double ratio = std::stod(m[2]) / std::stod(m[1]);
    BOOST_TEST(std::abs(ratio / 2.5 - 1) < 0.05, "the filed page's height / width is " << ratio);

    test::pressKeys(x.display(), window, "ctrl+q");
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
}
