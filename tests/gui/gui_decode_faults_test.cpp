#define BOOST_TEST_MODULE gui_decode_faults
// Issue 18, item 4, in the window: the real docdesk under Xvfb, started from a folder whose
// docdesk-worker crashes on files marked so (tests/support/fault_injecting_worker.cpp, in front
// of the real worker). A file whose page count crashes is reported as not imported; a page
// whose thumbnail and preview crash is marked "Could not be read"; the good page beside them
// is shown, the window stays up and closes normally. The same for the watched folder, which
// moves the crashing file to failed/ with the reason.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const cv::Vec3b kRed{30, 30, 220}; // BGR of the good page
// The good page has a rectangle of the inverse colour inside (test::writeTestImage), which
// auto-crop cuts out once the page is analysed as it arrives: its thumbnail is then this colour.
const cv::Vec3b kRedCutOut{225, 225, 35}; // BGR
const cv::Vec3b kGreen{40, 190, 40};      // BGR of the page whose decoding crashes

struct Window {
    const test::Xvfb& x;
    platform::ChildProcess process;

    Window(const test::Xvfb& xvfb, const test::TempDir& home, std::vector<std::string> args)
        : x(xvfb), process(command(home, std::move(args)), options(xvfb, home)) {}

    static std::vector<std::string> command(const test::TempDir& home, std::vector<std::string> args) {
        const fs::path gui = test::programWithFaultInjectingWorker(test::guiPath(), home / "bin");
        args.insert(args.begin(), gui.string());
        return args;
    }
    static platform::ChildOptions options(const test::Xvfb& x, const test::TempDir& home) {
        platform::ChildOptions opts;
        opts.environment = test::appEnvironment(x.display(), home.path());
        opts.stderrFile = test::artifactsDir() / "gui_decode_faults_test.stderr.log";
        return opts;
    }

    static bool goodPageShown(const cv::Mat& img) {
        return test::countColour(img, kRed) > 4000 || test::countColour(img, kRedCutOut) > 4000;
    }

    // Screenshots until the good page's thumbnail is drawn (at most `limit`); the last one.
    cv::Mat waitForRedThumbnail(const std::string& name, std::chrono::seconds limit) {
        cv::Mat img;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            img = cv::imread(test::screenshot(x.display(), name).string(), cv::IMREAD_COLOR);
            if (!img.empty() && goodPageShown(img))
                return img;
            std::this_thread::sleep_for(300ms);
        }
        return img;
    }

    void closeWithCtrlQ() {
        const std::string window = test::findWindow(x.display(), "^docdesk");
        BOOST_REQUIRE(!window.empty());
        test::pressKeys(x.display(), window, "ctrl+q");
        const auto status = process.waitFor(15s);
        BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
        BOOST_TEST(status->success(), "docdesk exit code " << status->code << " signal " << status->signal);
    }
};

std::string readAllOf(const fs::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

BOOST_AUTO_TEST_CASE(opened_files_that_crash_the_decoder_are_marked_and_the_good_page_is_shown) {
    test::TempDir home;
    // Counted fine, but its thumbnail and its preview crash the decoder.
    const fs::path poisoned = home / "green-fault-abort-thumbnail-fault-segv-raster.png";
    test::writeTestImage(poisoned, 1240, 1754, kGreen[0], kGreen[1], kGreen[2]);
    test::poisonFileAsNamed(poisoned);
    const fs::path good = home / "red-page.png";
    test::writeTestImage(good, 1240, 1754, kRed[0], kRed[1], kRed[2]);
    // Its page count already crashes: it is not imported, and the window says so.
    const fs::path unreadable = home / "blue-fault-segv-count.png";
    test::writeTestImage(unreadable, 1240, 1754, 220, 30, 30);
    test::poisonFileAsNamed(unreadable);
    test::Xvfb x;
    Window app(x, home, {"--new-session", poisoned.string(), good.string(), unreadable.string()});

    const std::string dialog = test::findWindow(x.display(), "not imported");
    BOOST_REQUIRE_MESSAGE(!dialog.empty(), "no message about the file that could not be imported");
    std::this_thread::sleep_for(1s);
    const auto dialogShot = test::screenshot(x.display(), "gui-decode-faults-import-message.png");
    const std::string said =
        test::readScreenText(dialogShot, cv::Rect(0, 0, 4000, 4000), "gui-decode-faults-import-ocr.png");
    BOOST_TEST_MESSAGE("the import message reads: " << said);
    BOOST_TEST(said.find("segv-count") != std::string::npos); // the file is named
    BOOST_TEST(said.find("crashed") != std::string::npos);    // with the reason
    test::pressKeys(x.display(), dialog, "Return");

    const cv::Mat shot = app.waitForRedThumbnail("gui-decode-faults-window.png", 60s);
    BOOST_REQUIRE(!shot.empty());
    BOOST_TEST(Window::goodPageShown(shot));           // the good page is shown (whole or cut out)
    BOOST_TEST(test::countColour(shot, kGreen) < 500); // the poisoned one never was
    BOOST_REQUIRE_MESSAGE(app.process.running(), "the window went down with the decoder");
    const auto marked = test::screenshot(x.display(), "gui-decode-faults-marked.png");
    const std::string text =
        test::readScreenText(marked, cv::Rect(0, 0, 4000, 4000), "gui-decode-faults-marked-ocr.png");
    BOOST_TEST_MESSAGE("the window reads: " << text);
    BOOST_TEST(text.find("not be read") != std::string::npos); // "Could not be read" on the page
    app.closeWithCtrlQ();
}

BOOST_AUTO_TEST_CASE(the_watched_folder_moves_a_file_that_crashes_the_decoder_to_failed) {
    test::TempDir home;
    const fs::path hot = home / "hot";
    fs::create_directories(hot);
    test::Xvfb x;
    Window app(x, home, {"--new-session", "--watch", hot.string()});
    BOOST_REQUIRE(!test::findWindow(x.display(), "^docdesk").empty());
    // Written under another name, then renamed in, as scanners do.
    test::writeTestImage(home / "b-fault-abort-count.png", 1240, 1754, kGreen[0], kGreen[1], kGreen[2]);
    test::poisonFileAsNamed(home / "b-fault-abort-count.png");
    test::writeTestImage(home / "a.png", 1240, 1754, kRed[0], kRed[1], kRed[2]);
    fs::rename(home / "b-fault-abort-count.png", hot / "b-fault-abort-count.png");
    fs::rename(home / "a.png", hot / "a-good.png");
    const cv::Mat shot = app.waitForRedThumbnail("gui-decode-faults-watched.png", 60s);
    BOOST_TEST(Window::goodPageShown(shot));
    for (int i = 0; i < 100 && !fs::exists(hot / "failed" / "b-fault-abort-count.png.error.txt"); ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_TEST(fs::exists(hot / "done" / "a-good.png"));
    BOOST_REQUIRE(fs::exists(hot / "failed" / "b-fault-abort-count.png"));
    const std::string reason = readAllOf(hot / "failed" / "b-fault-abort-count.png.error.txt");
    BOOST_TEST(reason.find("could not be read: the decoder crashed (SIGABRT)") != std::string::npos, reason);
    BOOST_REQUIRE_MESSAGE(app.process.running(), "the window went down with the decoder");
    app.closeWithCtrlQ();
}
