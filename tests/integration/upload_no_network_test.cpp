// Nothing but an explicit upload opens a network connection: start-up, import, analysis and
// filing (to a folder and into a profile's outbox) run under `strace -f -e trace=connect`, and
// no connect() to an AF_INET or AF_INET6 address may appear. AF_UNIX connects (nscd, D-Bus,
// the system journal) stay on the machine and are not network traffic, so they are allowed.
#define BOOST_TEST_MODULE upload_no_network
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

// Runs PROGRAM ARGS under strace; returns the connect() lines that leave the machine.
std::vector<std::string> networkConnects(const fs::path& home, const std::vector<std::string>& args,
                                         int& exitCode, size_t& connectLines,
                                         const std::string& program = test::cliPath().string()) {
    const fs::path log = home / "strace.log";
    fs::remove(log);
    std::vector<std::string> argv{"strace", "-f", "-qq", "-e", "trace=connect", "-o", log.string(), program};
    argv.insert(argv.end(), args.begin(), args.end());
    platform::ChildOptions o;
    o.discardStdout = true;
    o.discardStderr = true;
    o.environment["XDG_DATA_HOME"] = (home / "data").string();
    o.environment["XDG_CONFIG_HOME"] = (home / "config").string();
    o.environment["LANG"] = "C.UTF-8";
    platform::ChildProcess p(argv, o);
    const auto status = p.waitFor(std::chrono::seconds(120));
    BOOST_REQUIRE(status.has_value());
    exitCode = status->code;
    return test::networkConnectsInTrace(log, connectLines);
}

} // namespace

BOOST_AUTO_TEST_CASE(the_trace_does_see_a_network_connection) {
    // The control: without it, a broken trace (strace missing, wrong filter) would pass silently.
    test::TempDir home;
    size_t lines = 0;
    int code = -1;
    const auto bad =
        networkConnects(home.path(), {"-s", "-o", "/dev/null", "http://127.0.0.1:9/"}, code, lines, "curl");
    BOOST_TEST(!bad.empty());
}

BOOST_AUTO_TEST_CASE(start_up_import_analysis_and_filing_connect_to_nothing) {
    test::TempDir home;
    const fs::path in = home / "in";
    fs::create_directories(in);
    test::writeBatchPage(in / "01.jpg", 1, "ASN000007");
    test::writeBatchPage(in / "02.jpg", 2);
    test::writeFile(in / "03.txt", "as it is\n");
    size_t lines = 0;
    int code = -1;
    const std::vector<std::vector<std::string>> runs{
        {"--help"},
        {"import", in.string()},
        {"analyse", "--json"},
        {"file", "--target", (home / "archive").string(), in.string()},
        {"file", "--profile", "gw", in.string()},
        {"upload", "--list"},
        {"ledger"},
    };
    for (const auto& args : runs) {
        const auto bad = networkConnects(home.path(), args, code, lines);
        BOOST_TEST(bad.empty(), args.front() << ": " << (bad.empty() ? "" : bad.front()));
        BOOST_TEST_MESSAGE(args.front()
                           << ": exit " << code << ", " << lines << " connect() calls, all local");
    }
    // The filing really happened (so the trace covered the work, not an early error).
    BOOST_TEST(fs::exists(home / "archive" / "03.txt"));
    BOOST_TEST(fs::exists(home / "data" / "docdesk" / "outbox.sqlite"));
}
