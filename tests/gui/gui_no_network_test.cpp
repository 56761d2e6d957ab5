#define BOOST_TEST_MODULE gui_no_network
// The window opens no network connection on its own: docdesk starts under
// `strace -f -e trace=connect` with a page on its command line (import), the plan is shown
// (analysis in docdesk-worker, a child process, also traced) and the document is filed into the
// archive folder; then it quits. No connect() to an AF_INET or AF_INET6 address may appear.
// AF_UNIX connects (the X server, D-Bus, the accessibility bus) stay on the machine.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(start_up_import_analysis_and_filing_in_the_window_connect_to_nothing) {
    test::TempDir home;
    test::writeBatchPage(home / "page.jpg", 1, "ASN000009");
    const fs::path archive = home / "archive";
    fs::create_directories(home / "config" / "docdesk");
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf")
        << "[plan]\narchive=" << archive.string() << "\n";
    const fs::path log = test::artifactsDir() / "gui_no_network.strace.log";
    fs::remove(log);

    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_no_network_test.stderr.log";
    platform::ChildProcess app({"strace", "-f", "-qq", "-e", "trace=connect", "-o", log.string(),
                                test::guiPath().string(), "--new-session", (home / "page.jpg").string()},
                               opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!window.empty());
    for (int i = 0; i < 100 && test::sessionPageCount(home.path()) < 1; ++i)
        std::this_thread::sleep_for(200ms);
    test::pressKeys(x.display(), window, "ctrl+2");
    bool analysed = false;
    for (int i = 0; i < 120 && !(analysed = test::allPagesAnalysed(home.path(), 1)); ++i)
        std::this_thread::sleep_for(250ms);
    BOOST_REQUIRE_MESSAGE(analysed, "the page was not analysed within 30 s");
    std::this_thread::sleep_for(1s);
    test::pressKeys(x.display(), window, "ctrl+shift+f");
    for (int i = 0; i < 100 && test::filesBelow(archive, ".pdf").empty(); ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_TEST(test::filesBelow(archive, ".pdf").size() == 1u);
    test::pressKeys(x.display(), window, "ctrl+q");
    const auto status = app.waitFor(20s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");

    size_t connects = 0;
    const auto network = test::networkConnectsInTrace(log, connects);
    BOOST_TEST_MESSAGE("connect() calls traced: " << connects << ", to the network: " << network.size());
    BOOST_TEST(connects > 0u); // the trace worked: the window at least reached the X server
    BOOST_TEST(network.empty(), (network.empty() ? std::string() : network.front()));
}
