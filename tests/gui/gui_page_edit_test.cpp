#define BOOST_TEST_MODULE gui_page_edit
// Page editing in the real window under Xvfb, driven with xdotool as a user would: four
// coloured pages (red, green, blue, purple) are imported; the red one is selected with a click
// and turned right (Ctrl+R), the green one deleted (Delete) and brought back (Ctrl+Z), the
// purple one dragged in front of the red one, and in the preview of the blue page two corners
// of the outline are dragged inwards (a crop, undone with Ctrl+Z and redone with Ctrl+Y); the
// green one is set to grey with Edit > Page Mode (undone and redone; filed as a grey image).
// After each step the session is read through docdesk-cli; the thumbnails on screenshots
// must show the turn. Finally the pages are planned and filed (Ctrl+2, Ctrl+Shift+F), each
// image file a document of its own, and the PDFs' page sizes must show the turn and the crop. Back on the
// Pages tab, the preview of a fifth page with a QR code outlines the code and shows its value (the analysis
// the plan stored). Screenshots are kept as test artefacts.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <sstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const cv::Vec3b kRed{30, 30, 220}, kGreen{40, 190, 40}, kBlue{200, 80, 20}, kPurple{160, 40, 120};

struct Ui {
    std::string display;
    std::string window;

    void keys(const std::string& k) const { test::pressKeys(display, window, k); }
    void move(int x, int y) const {
        test::runOnDisplay({"xdotool", "mousemove", std::to_string(x), std::to_string(y)}, display);
    }
    void click(cv::Point p) const {
        move(p.x, p.y);
        test::runOnDisplay({"xdotool", "click", "1"}, display);
        std::this_thread::sleep_for(400ms);
    }
    // Presses at `from`, moves there in steps (so the app sees a drag), releases at `to`.
    void drag(cv::Point from, cv::Point to) const {
        move(from.x, from.y);
        std::this_thread::sleep_for(150ms);
        test::runOnDisplay({"xdotool", "mousedown", "1"}, display);
        std::this_thread::sleep_for(150ms);
        const int steps = 8;
        for (int i = 1; i <= steps; ++i) {
            move(from.x + (to.x - from.x) * i / steps, from.y + (to.y - from.y) * i / steps);
            std::this_thread::sleep_for(60ms);
        }
        std::this_thread::sleep_for(150ms);
        test::runOnDisplay({"xdotool", "mouseup", "1"}, display);
        std::this_thread::sleep_for(400ms);
    }
    cv::Mat shot(const std::string& name) const {
        return cv::imread(test::screenshot(display, name).string(), cv::IMREAD_COLOR);
    }
};

// The areas of the screenshot in this colour, largest first.
std::vector<cv::Rect> regionsOf(const cv::Mat& img, cv::Vec3b bgr, int minArea = 400) {
    std::vector<cv::Rect> out;
    if (img.empty())
        return out;
    cv::Mat mask;
    const int t = 30;
    cv::inRange(img, cv::Scalar(bgr[0] - t, bgr[1] - t, bgr[2] - t),
                cv::Scalar(bgr[0] + t, bgr[1] + t, bgr[2] + t), mask);
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids);
    for (int i = 1; i < n; ++i) {
        const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                           stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        // Solid areas only: a thin frame of a similar colour (anti-aliased edges) is not a page.
        const int pixels = stats.at<int>(i, cv::CC_STAT_AREA);
        if (pixels >= minArea && pixels > box.area() / 2)
            out.push_back(box);
    }
    std::sort(out.begin(), out.end(),
              [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
    return out;
}

// A thumbnail in the grid: the region of this colour that is thumbnail-sized (the preview's is larger).
std::optional<cv::Rect> thumbnailOf(const cv::Mat& img, cv::Vec3b bgr) {
    for (const auto& r : regionsOf(img, bgr))
        if (r.width <= 170 && r.height <= 170 && r.width >= 60 && r.height >= 60)
            return r;
    return std::nullopt;
}

cv::Point centre(const cv::Rect& r) {
    return {r.x + r.width / 2, r.y + r.height / 2};
}

json sessionPages(const fs::path& home) {
    const auto j = json::parse(test::runCli(home, {"session", "show", "--json"}).out, nullptr, false);
    return j.is_object() && j.contains("pages") ? j["pages"] : json::array();
}

// The file names of the session's pages in order ("red", "green", ...).
std::vector<std::string> order(const json& pages) {
    std::vector<std::string> names;
    for (const auto& p : pages)
        names.push_back(fs::path(p.value("source", std::string())).stem().string());
    return names;
}

json pageNamed(const json& pages, const std::string& stem) {
    for (const auto& p : pages)
        if (fs::path(p.value("source", std::string())).stem() == stem)
            return p;
    return json();
}

// Polls the session until `ok` holds (at most `limit`); the last state read.
json waitForSession(const fs::path& home, const std::function<bool(const json&)>& ok,
                    std::chrono::seconds limit = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    json pages;
    for (int i = 0; i < 200 && std::chrono::steady_clock::now() < deadline; ++i) {
        pages = sessionPages(home);
        if (ok(pages))
            return pages;
        std::this_thread::sleep_for(250ms);
    }
    return pages;
}

// Screenshots until the thumbnail of this colour has the wanted shape (landscape or not).
std::optional<cv::Rect> waitForThumbnail(const Ui& ui, cv::Vec3b colour, bool landscape,
                                         const std::string& name) {
    std::optional<cv::Rect> r;
    for (int i = 0; i < 30; ++i) {
        r = thumbnailOf(ui.shot(name), colour);
        if (r && (r->width > r->height) == landscape)
            return r;
        std::this_thread::sleep_for(300ms);
    }
    return r;
}

struct PdfPage {
    double width = 0, height = 0;
};

std::vector<PdfPage> pdfPageSizes(const fs::path& pdf) {
    std::vector<PdfPage> sizes;
    std::string out;
    if (test::runOnDisplay({"pdfinfo", "-f", "1", "-l", "100", pdf.string()}, "", &out) != 0)
        return sizes;
    const std::regex line(R"(Page\s+\d+\s+size:\s+([0-9.]+)\s+x\s+([0-9.]+))");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator(); ++it)
        sizes.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
    return sizes;
}

// The colour space pdfimages names for the first image of the PDF ("rgb", "gray", ...).
std::string pdfImageColour(const fs::path& pdf) {
    std::string out;
    if (test::runOnDisplay({"pdfimages", "-list", pdf.string()}, "", &out) != 0)
        return {};
    std::istringstream lines(out);
    std::string line;
    for (int i = 0; i < 3 && std::getline(lines, line); ++i) {
    }
    std::istringstream cells(line);
    std::string cell;
    for (int i = 0; i < 6; ++i)
        cells >> cell;
    return cell;
}

} // namespace

BOOST_AUTO_TEST_CASE(pages_are_turned_deleted_restored_moved_and_cropped_in_the_window) {
    test::TempDir home;
    const int W = 1240, H = 1754;
    test::writeTestImage(home / "red.png", W, H, kRed[0], kRed[1], kRed[2]);
    test::writeTestImage(home / "green.png", W, H, kGreen[0], kGreen[1], kGreen[2]);
    test::writeTestImage(home / "blue.png", W, H, kBlue[0], kBlue[1], kBlue[2]);
    test::writeTestImage(home / "purple.png", W, H, kPurple[0], kPurple[1], kPurple[2]);
    test::writeBatchPage(home / "code.jpg", 5, "INVOICE-42", "QRCode"); // for the barcode outline
    const fs::path archive = home / "archive";
    fs::create_directories(home / "config" / "docdesk");
    // The edits here are the user's own: no auto-crop (the block on each coloured page would be
    // taken for a document on it).
    test::writeFile(home / "rules.jsonc", R"({"profiles": {"by-hand": {"crop": "off"}}})");
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf")
        << "[plan]\narchive=" << archive.string() << "\nrules=" << (home / "rules.jsonc").string() << "\n";

    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_page_edit_test.stderr.log";
    const fs::path latencyLog = test::artifactsDir() / "gui_page_edit_test.latency.log";
    fs::remove(latencyLog);
    opts.environment["DOCDESK_UI_LATENCY_LOG"] = latencyLog.string();
    // One file at a time, so the session order is the command line's.
    platform::ChildProcess app({test::guiPath().string(), "--new-session", (home / "red.png").string(),
                                (home / "green.png").string(), (home / "blue.png").string(),
                                (home / "purple.png").string(), (home / "code.jpg").string()},
                               opts);
    Ui ui{x.display(), test::findWindow(x.display(), "^docdesk")};
    BOOST_REQUIRE(!ui.window.empty());
    auto pages = waitForSession(
        home.path(), [](const json& p) { return p.size() == 5; }, 30s);
    BOOST_REQUIRE_EQUAL(pages.size(), 5u);
    const auto firstOrder = order(pages);
    BOOST_TEST_MESSAGE("order: " << firstOrder[0] << " " << firstOrder[1] << " " << firstOrder[2] << " "
                                 << firstOrder[3]);

    // 1. Select the red page with a click and turn it right; its thumbnail turns too.
    const auto red = waitForThumbnail(ui, kRed, false, "gui-page-edit-0-start.png");
    BOOST_REQUIRE_MESSAGE(red.has_value(), "the red page's thumbnail is not on screen");
    ui.click(centre(*red));
    ui.keys("ctrl+r");
    pages = waitForSession(home.path(), [](const json& p) {
        return pageNamed(p, "red").value("transforms", json::object()).value("rotation", 0) == 90;
    });
    BOOST_TEST(pageNamed(pages, "red")["transforms"].value("rotation", 0) == 90);
    const auto turned = waitForThumbnail(ui, kRed, true, "gui-page-edit-1-rotated.png");
    BOOST_TEST((turned && turned->width > turned->height), "the red thumbnail was not redrawn turned");

    // 2. Delete the green page, then undo the delete.
    const auto green = thumbnailOf(ui.shot("gui-page-edit-2-before-delete.png"), kGreen);
    BOOST_REQUIRE(green.has_value());
    ui.click(centre(*green));
    ui.keys("Delete");
    pages = waitForSession(home.path(), [](const json& p) { return p.size() == 4; });
    BOOST_TEST(pages.size() == 4u);
    BOOST_TEST(pageNamed(pages, "green").is_null());
    ui.shot("gui-page-edit-3-deleted.png");
    ui.keys("ctrl+z");
    pages = waitForSession(home.path(), [](const json& p) { return p.size() == 5; });
    BOOST_TEST((order(pages) == std::vector<std::string>{"red", "green", "blue", "purple", "code"}));

    // 3. Drag the purple page in front of the red one.
    auto shot = ui.shot("gui-page-edit-4-before-drag.png");
    const auto purple = thumbnailOf(shot, kPurple);
    const auto redNow = thumbnailOf(shot, kRed);
    BOOST_REQUIRE(purple.has_value());
    BOOST_REQUIRE(redNow.has_value());
    ui.click(centre(*purple));
    ui.drag(centre(*purple), {redNow->x + 4, redNow->y + redNow->height / 2});
    pages = waitForSession(home.path(),
                           [](const json& p) { return order(p).size() == 5 && order(p)[0] == "purple"; });
    BOOST_TEST((order(pages) == std::vector<std::string>{"purple", "red", "green", "blue", "code"}));
    ui.shot("gui-page-edit-5-dragged.png");

    // 4. The blue page in the preview: drag the top-left and bottom-right corners inwards.
    const auto blueThumb = thumbnailOf(ui.shot("gui-page-edit-6-before-crop.png"), kBlue);
    BOOST_REQUIRE(blueThumb.has_value());
    BOOST_TEST_MESSAGE("blue thumbnail at " << blueThumb->x << "," << blueThumb->y << " " << blueThumb->width
                                            << "x" << blueThumb->height);
    ui.click(centre(*blueThumb));
    std::optional<cv::Rect> preview;
    for (int i = 0; i < 30; ++i) {
        const auto regions = regionsOf(ui.shot("gui-page-edit-7-preview.png"), kBlue, 20000);
        if (!regions.empty() && regions.front().height > 250) {
            preview = regions.front();
            break;
        }
        std::this_thread::sleep_for(300ms);
    }
    BOOST_REQUIRE_MESSAGE(preview.has_value(), "the blue page is not shown in the preview");
    const cv::Rect p = *preview;
    BOOST_TEST_MESSAGE("preview of the blue page at " << p.x << "," << p.y << " " << p.width << "x"
                                                      << p.height);
    ui.drag({p.x + 1, p.y + 1}, {p.x + p.width / 4, p.y + p.height / 4});
    pages = waitForSession(home.path(),
                           [](const json& j) { return pageNamed(j, "blue")["transforms"].contains("crop"); });
    ui.drag({p.x + p.width - 2, p.y + p.height - 2}, {p.x + p.width * 3 / 4, p.y + p.height * 3 / 4});
    pages = waitForSession(home.path(), [&](const json& j) {
        const auto t = pageNamed(j, "blue")["transforms"];
        return t.contains("crop") && t["crop"][2][0].get<double>() < W * 0.9;
    });
    ui.shot("gui-page-edit-8-cropped.png");
    const auto crop = pageNamed(pages, "blue")["transforms"].value("crop", json());
    BOOST_REQUIRE_MESSAGE(crop.is_array() && crop.size() == 4, "no crop on the blue page: " << pages.dump());
    const double tolerance = 0.03 * H; // a screen pixel is about three page pixels here
    BOOST_TEST(std::abs(crop[0][0].get<double>() - W / 4.0) < tolerance, "top-left x " << crop[0][0]);
    BOOST_TEST(std::abs(crop[0][1].get<double>() - H / 4.0) < tolerance, "top-left y " << crop[0][1]);
    BOOST_TEST(std::abs(crop[2][0].get<double>() - W * 3 / 4.0) < tolerance, "bottom-right x " << crop[2][0]);
    BOOST_TEST(std::abs(crop[2][1].get<double>() - H * 3 / 4.0) < tolerance, "bottom-right y " << crop[2][1]);
    BOOST_TEST(std::abs(crop[1][0].get<double>() - W) < tolerance, "the top-right corner stays");

    // Undo takes the second corner back; Redo (Ctrl+Y) puts it there again.
    ui.keys("ctrl+z");
    pages = waitForSession(home.path(), [&](const json& j) {
        const auto t = pageNamed(j, "blue")["transforms"];
        return t.contains("crop") && t["crop"][2][0].get<double>() > W * 0.95;
    });
    BOOST_TEST(pageNamed(pages, "blue")["transforms"]["crop"][2][0].get<double>() > W * 0.95);
    ui.keys("ctrl+y");
    pages = waitForSession(home.path(), [&](const json& j) {
        const auto t = pageNamed(j, "blue")["transforms"];
        return t.contains("crop") && t["crop"][2][0].get<double>() < W * 0.9;
    });
    BOOST_TEST(pageNamed(pages, "blue")["transforms"]["crop"][2][0].get<double>() < W * 0.9);
    BOOST_TEST(pageNamed(pages, "red")["transforms"].value("rotation", 0) == 90);
    BOOST_TEST((order(pages) == std::vector<std::string>{"purple", "red", "green", "blue", "code"}));

    // 4b. The green page in grey (Edit > Page Mode > Grey, by the menus' mnemonics): its
    // thumbnail loses its colour; Undo gives it back, Redo takes it again.
    const auto greenAgain = thumbnailOf(ui.shot("gui-page-edit-8b-before-mode.png"), kGreen);
    BOOST_REQUIRE(greenAgain.has_value());
    ui.click(centre(*greenAgain));
    const auto pageMode = [&](const json& j) {
        return pageNamed(j, "green")["transforms"].value("mode", std::string());
    };
    test::runOnDisplay({"xdotool", "windowfocus", "--sync", ui.window}, ui.display);
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "--delay", "400", "alt+e", "m", "g"},
                       ui.display);
    pages = waitForSession(home.path(), [&](const json& j) { return pageMode(j) == "gray"; });
    BOOST_TEST(pageMode(pages) == "gray");
    // Screenshots until a green thumbnail is shown (or not); whether it came to that.
    const auto greenThumbnailShown = [&](bool shown, const std::string& name) {
        for (int i = 0; i < 30; ++i) {
            if (thumbnailOf(ui.shot(name), kGreen).has_value() == shown)
                return true;
            std::this_thread::sleep_for(300ms);
        }
        return false;
    };
    BOOST_TEST(greenThumbnailShown(false, "gui-page-edit-8c-grey.png"),
               "the green thumbnail did not turn grey");
    ui.keys("ctrl+z");
    pages = waitForSession(home.path(), [&](const json& j) { return pageMode(j).empty(); });
    BOOST_TEST(pageMode(pages).empty());
    BOOST_TEST(greenThumbnailShown(true, "gui-page-edit-8d-mode-undone.png"),
               "undo did not bring the green thumbnail back");
    ui.keys("ctrl+y");
    pages = waitForSession(home.path(), [&](const json& j) { return pageMode(j) == "gray"; });
    BOOST_TEST(pageMode(pages) == "gray");

    // 5. Plan and file: the red page landscape, the blue one cut, the green one grey.
    ui.keys("ctrl+2");
    bool analysed = false;
    for (int i = 0; i < 120 && !(analysed = test::allPagesAnalysed(home.path(), 5)); ++i)
        std::this_thread::sleep_for(250ms);
    BOOST_REQUIRE_MESSAGE(analysed, "the pages were not analysed within 30 s");
    BOOST_REQUIRE(test::allPagesAnalysed(home.path(), 5));
    std::this_thread::sleep_for(1500ms);
    ui.keys("ctrl+shift+f");
    std::set<fs::path> pdfs;
    int filedPages = 0;
    for (int i = 0; i < 120 && filedPages < 5; ++i) {
        std::this_thread::sleep_for(250ms);
        pdfs = test::filesBelow(archive, ".pdf");
        filedPages = 0;
        for (const auto& pdf : pdfs)
            filedPages += std::max(0, test::pdfPageCount(pdf));
    }
    std::this_thread::sleep_for(500ms);
    ui.shot("gui-page-edit-9-filed.png");
    BOOST_REQUIRE_EQUAL(filedPages, 5);
    // Each image file is a document of its own: the pages by the name of their PDF, in order
    // purple, red, green, blue.
    std::vector<PdfPage> sizes;
    for (const std::string name : {"purple", "red", "green", "blue"})
        for (const auto& pdf : pdfs)
            if (auto s = pdfPageSizes(pdf); pdf.filename().string().starts_with(name) && s.size() == 1)
                sizes.push_back(s[0]);
    BOOST_REQUIRE_EQUAL(sizes.size(), 4u);
    const PdfPage plain = sizes[0]; // purple, untouched
    BOOST_TEST(plain.height > plain.width);
    BOOST_TEST(std::abs(sizes[1].width - plain.height) < 2,
               "the turned page is " << sizes[1].width << " wide");
    BOOST_TEST(std::abs(sizes[1].height - plain.width) < 2);
    BOOST_TEST(sizes[3].width < plain.width * 0.92, "the cropped page is " << sizes[3].width << " wide");
    BOOST_TEST(sizes[3].height < plain.height * 0.92, "the cropped page is " << sizes[3].height << " high");
    BOOST_TEST(sizes[3].width > plain.width * 0.5);
    for (const auto& pdf : pdfs)
        if (pdf.filename().string().starts_with("green"))
            BOOST_TEST(pdfImageColour(pdf) == "gray", pdf.filename()
                                                          << " holds a " << pdfImageColour(pdf) << " image");
        else if (pdf.filename().string().starts_with("red"))
            BOOST_TEST(pdfImageColour(pdf) == "rgb");

    // 6. Back on the Pages tab the analysis is there: the code page's preview outlines its
    // QR code and shows its value (green outline and label).
    ui.keys("ctrl+1");
    std::this_thread::sleep_for(1s);
    const auto blueAgain = thumbnailOf(ui.shot("gui-page-edit-10-pages-again.png"), kBlue);
    BOOST_REQUIRE(blueAgain.has_value());
    // The thumbnail shows the crop: the shape of the filed page, not of the original.
    const double thumbShape = double(blueAgain->width) / blueAgain->height;
    BOOST_TEST_MESSAGE("cropped thumbnail " << blueAgain->width << "x" << blueAgain->height << ", filed page "
                                            << sizes[3].width << "x" << sizes[3].height);
    BOOST_TEST(std::abs(thumbShape - sizes[3].width / sizes[3].height) < 0.03);
    BOOST_TEST(std::abs(thumbShape - double(W) / H) > 0.03);
    ui.click(centre(*blueAgain));
    ui.keys("Right"); // the next page: the code page
    int outline = 0;
    for (int i = 0; i < 30 && outline < 150; ++i) {
        std::this_thread::sleep_for(300ms);
        const cv::Mat img = ui.shot("gui-page-edit-11-barcode.png");
        if (img.empty())
            continue;
        const cv::Mat previewSide = img(cv::Rect(img.cols / 2, 0, img.cols / 2, img.rows));
        outline = test::countColour(previewSide, {60, 170, 0}, 25) +
                  test::countColour(previewSide, {40, 120, 0}, 25);
    }
    BOOST_TEST_MESSAGE("barcode outline and label pixels: " << outline);
    BOOST_TEST(outline >= 150, "no barcode outline in the preview of the code page");

    ui.keys("ctrl+q");
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
    BOOST_TEST(status->success());
    const auto stalls = test::readUiStalls(latencyLog);
    BOOST_TEST_MESSAGE("longest UI stall: " << stalls.longestMs
                                            << " ms; stalls over 50 ms: " << stalls.over50ms);
}
