#define BOOST_TEST_MODULE gui_scan
// The scan dialog of the real docdesk under Xvfb, with the SANE `test` backend as the scanner
// (a SANE_CONFIG_DIR of the test's own): the scanner is listed, Enter scans, and the page is
// stored in the session and shown in the main window.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(a_page_scanned_in_the_dialog_lands_in_the_session) {
    test::TempDir home;
    const fs::path sane = home.path() / "sane";
    fs::create_directories(sane);
    test::writeFile(sane / "dll.conf", "test\n");
    test::writeFile(sane / "test.conf", "number_of_devices 1\n");
    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.environment["SANE_CONFIG_DIR"] = sane.string();
    opts.stderrFile = test::artifactsDir() / "gui_scan_test.stderr.log";
    platform::ChildProcess app({test::guiPath().string(), "--new-session", "--scan"}, opts);
    const std::string dialog = test::findWindow(x.display(), "^Scan$");
    BOOST_REQUIRE_MESSAGE(!dialog.empty(), "the scan dialog did not open");
    // Enter once the scanner is listed (the Scan button becomes the default then).
    size_t pages = 0;
    for (int i = 0; i < 40 && pages == 0; ++i) {
        std::this_thread::sleep_for(500ms);
        test::runOnDisplay({"xdotool", "windowfocus", "--sync", dialog}, x.display());
        if (i % 4 == 1)
            test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "Return"}, x.display());
        pages = test::sessionPageCount(home.path());
    }
    BOOST_TEST(pages == 1u);
    test::runOnDisplay({"import", "-window", "root", (test::artifactsDir() / "gui-scan.png").string()},
                       x.display());
    // Done (Alt+D) closes the dialog.
    test::runOnDisplay({"xdotool", "windowfocus", "--sync", dialog}, x.display());
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "alt+d"}, x.display());
    std::this_thread::sleep_for(500ms);
    const std::string main = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!main.empty());
    test::runOnDisplay({"xdotool", "windowfocus", "--sync", main}, x.display());
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "ctrl+q"}, x.display());
    const auto status = app.waitFor(20s);
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(status->success());
}
