// Issue 18: listing scanners stays off the network unless the user asks. `scan --list` runs
// under strace with the system's SANE backends (several broadcast discovery probes: BJNP,
// SNMP, Epson, WS-Discovery): no IPv4/IPv6 socket is opened, nothing is sent or connected to
// the network. The control, `scan --list --network`, does open network sockets, so the trace
// would have seen them.
#define BOOST_TEST_MODULE scan_no_network
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

struct Trace {
    std::vector<std::string> networkUse; // connect/sendto/sendmsg/bind with an IPv4/IPv6 address
    int networkSocketsOpened = 0;        // socket(AF_INET*) calls that succeeded
    int networkSocketsRefused = 0;       // ... that failed
    int exitCode = -1;
};

Trace traceCli(const fs::path& home, const std::vector<std::string>& args) {
    const fs::path log = home / "strace.log";
    fs::remove(log);
    std::vector<std::string> argv{"strace",
                                  "-f",
                                  "-qq",
                                  "-e",
                                  "trace=socket,connect,sendto,sendmsg,bind",
                                  "-o",
                                  log.string(),
                                  test::cliPath().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    platform::ChildOptions o;
    o.discardStdout = true;
    o.discardStderr = true;
    o.environment["XDG_DATA_HOME"] = (home / "data").string();
    o.environment["XDG_CONFIG_HOME"] = (home / "config").string();
    platform::ChildProcess p(argv, o);
    const auto status = p.waitFor(std::chrono::seconds(120));
    BOOST_REQUIRE(status.has_value());
    Trace t;
    t.exitCode = status->code;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
        if (line.find("AF_INET") == std::string::npos)
            continue;
        if (line.find("socket(") != std::string::npos)
            (line.find("= -1") != std::string::npos ? t.networkSocketsRefused : t.networkSocketsOpened)++;
        else
            t.networkUse.push_back(line);
    }
    return t;
}

} // namespace

BOOST_AUTO_TEST_CASE(scan_list_searches_the_network_only_when_asked) {
    if (!fs::exists("/etc/sane.d/dll.conf")) {
        BOOST_TEST_MESSAGE("skipped: no SANE backends configured on this machine");
        return;
    }
    test::TempDir home;
    const Trace local = traceCli(home.path(), {"scan", "--list"});
    BOOST_TEST(local.exitCode == 0);
    BOOST_TEST(local.networkSocketsOpened == 0);
    BOOST_TEST(local.networkUse.empty(),
               (local.networkUse.empty() ? std::string() : local.networkUse.front()));
    BOOST_TEST_MESSAGE("scan --list: " << local.networkSocketsRefused << " network sockets refused");

    const Trace network = traceCli(home.path(), {"scan", "--list", "--network"});
    BOOST_TEST(network.exitCode == 0);
    BOOST_TEST(network.networkSocketsOpened > 0, "the control: --network lets the drivers search");
    BOOST_TEST_MESSAGE("scan --list --network: " << network.networkSocketsOpened << " network sockets, "
                                                 << network.networkUse.size() << " sends/binds/connects");
    // --network belongs to --list.
    BOOST_TEST(traceCli(home.path(), {"scan", "--network"}).exitCode == 2);
}
