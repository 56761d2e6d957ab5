#define BOOST_TEST_MODULE gui_scan_no_network
// Issue 18 in the window: opening the Scan dialog (docdesk --scan, the system's SANE backends,
// several of which broadcast discovery probes) under `strace -f` opens no IPv4/IPv6 socket and
// sends nothing to the network; pressing "Search the network" (Alt+N) in a second run does
// open network sockets, so the trace would have seen them.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct Trace {
    std::vector<std::string> networkUse; // connect/sendto/sendmsg/bind with an IPv4/IPv6 address
    int networkSocketsOpened = 0;
};

Trace readTrace(const fs::path& log) {
    Trace t;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
        if (line.find("AF_INET") == std::string::npos)
            continue;
        if (line.find("socket(") != std::string::npos)
            t.networkSocketsOpened += line.find("= -1") == std::string::npos ? 1 : 0;
        else
            t.networkUse.push_back(line);
    }
    return t;
}

// Opens the Scan dialog under strace, optionally presses "Search the network", closes.
Trace openScanDialog(bool searchNetwork) {
    test::TempDir home;
    const fs::path log = home / "strace.log";
    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    opts.stderrFile = test::artifactsDir() / "gui_scan_no_network_test.stderr.log";
    platform::ChildProcess app({"strace", "-f", "-qq", "-e", "trace=socket,connect,sendto,sendmsg,bind", "-o",
                                log.string(), test::guiPath().string(), "--new-session", "--scan"},
                               opts);
    const std::string dialog = test::findWindow(x.display(), "^Scan$");
    BOOST_REQUIRE_MESSAGE(!dialog.empty(), "the scan dialog did not open");
    std::this_thread::sleep_for(3s); // the local listing takes well under a second
    if (searchNetwork) {
        test::pressKeys(x.display(), dialog, "alt+n");
        std::this_thread::sleep_for(8s); // the drivers' network search takes a few seconds
    }
    test::pressKeys(x.display(), dialog, "alt+d");
    std::this_thread::sleep_for(500ms);
    const std::string main = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!main.empty());
    test::pressKeys(x.display(), main, "ctrl+q");
    const auto status = app.waitFor(20s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
    return readTrace(log);
}

} // namespace

BOOST_AUTO_TEST_CASE(the_scan_dialog_searches_the_network_only_on_request) {
    if (!fs::exists("/etc/sane.d/dll.conf")) {
        BOOST_TEST_MESSAGE("skipped: no SANE backends configured on this machine");
        return;
    }
    const Trace opened = openScanDialog(false);
    BOOST_TEST(opened.networkSocketsOpened == 0);
    BOOST_TEST(opened.networkUse.empty(),
               (opened.networkUse.empty() ? std::string() : opened.networkUse.front()));
    const Trace searched = openScanDialog(true);
    BOOST_TEST(searched.networkSocketsOpened > 0, "the control: Search the network lets the drivers search");
    BOOST_TEST_MESSAGE("after Search the network: " << searched.networkSocketsOpened << " network sockets, "
                                                    << searched.networkUse.size() << " sends/binds/connects");
}
