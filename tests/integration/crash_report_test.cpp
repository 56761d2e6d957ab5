#define BOOST_TEST_MODULE crash_report
// Crash reports of the real docdesk-cli: the CLI waits in `watch`, gets SIGSEGV or SIGABRT
// from outside, must still die by that signal, and must leave one report in
// $XDG_STATE_HOME/docdesk/crash-reports naming the signal, with a backtrace, and without the
// secrets the process had in its environment and arguments.
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

const std::string kEnvSecret = "envSecret-7f3a9c-Passphrase";
const std::string kArgSecret = "argSecret-41d2e8";

struct Crash {
    platform::ExitStatus status;
    std::vector<fs::path> reports;
};

Crash crashCli(const test::TempDir& home, int sig) {
    const fs::path watched = home / ("in-" + kArgSecret);
    fs::create_directories(watched);
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    opts.environment["XDG_STATE_HOME"] = (home / "state").string();
    opts.environment["XDG_CONFIG_HOME"] = (home / "config").string();
    opts.environment["DOCDESK_PASSPHRASE"] = kEnvSecret;
    opts.environment["LANG"] = "C";
    platform::ChildProcess cli({test::cliPath().string(), "watch", "--new-session", watched.string()}, opts);
    // "Watching ..." is printed after start-up, so the handler is installed by then.
    const auto line = cli.readLine(std::chrono::seconds(30));
    BOOST_REQUIRE_MESSAGE(line && line->find("Watching") != std::string::npos,
                          "the CLI did not start watching");
    // To the main thread, as a crash in it would arrive: a signal sent to the process goes to
    // any of its threads that is not blocking it, and one of the CLI's waiting threads has no
    // main() in its backtrace (1 run in about 50 failed so).
    BOOST_REQUIRE(::syscall(SYS_tgkill, cli.pid(), cli.pid(), sig) == 0);
    const auto status = cli.waitFor(std::chrono::seconds(30));
    BOOST_REQUIRE_MESSAGE(status.has_value(), "the CLI did not end after the signal");
    Crash c{*status, {}};
    const fs::path folder = home / "state" / "docdesk" / "crash-reports";
    if (fs::exists(folder))
        for (const auto& e : fs::directory_iterator(folder))
            c.reports.push_back(e.path());
    return c;
}

std::string readText(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void checkReport(const Crash& c, int sig, const std::string& signalName) {
    BOOST_TEST(c.status.signal == sig); // the exit status still says "killed by the signal"
    BOOST_REQUIRE_EQUAL(c.reports.size(), 1u);
    const fs::path report = c.reports.front();
    BOOST_TEST_MESSAGE("report " << report.filename().string());
    BOOST_TEST(report.filename().string().starts_with("docdesk-cli-"));
    BOOST_TEST(report.extension() == ".txt");
    const std::string text = readText(report);
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(text.find("program: docdesk-cli") != std::string::npos);
    BOOST_TEST(text.find("version: " DOCDESK_VERSION) != std::string::npos);
    BOOST_TEST(text.find("signal: " + signalName) != std::string::npos);
    BOOST_TEST(text.find("time: 20") != std::string::npos);
    // A frame from backtrace_symbols_fd: "<binary>(<symbol>+0x..)[0x...]".
    BOOST_TEST(text.find("backtrace:\n") != std::string::npos);
    BOOST_TEST(text.find(")[0x") != std::string::npos);
    BOOST_TEST(text.find("(main+0x") != std::string::npos); // frames are named (exported symbols)
    BOOST_TEST(text.find("end of report") != std::string::npos);
    // No secrets: nothing from the environment or the arguments.
    BOOST_TEST(text.find(kEnvSecret) == std::string::npos);
    BOOST_TEST(text.find(kArgSecret) == std::string::npos);
    BOOST_TEST(text.find("XDG_") == std::string::npos);
    struct stat st {};
    BOOST_REQUIRE(::stat(report.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 077) == 0); // readable by the user only
}

} // namespace

BOOST_AUTO_TEST_CASE(sigsegv_leaves_a_report_and_a_crash_status) {
    test::TempDir home;
    checkReport(crashCli(home, SIGSEGV), SIGSEGV, "SIGSEGV");
}

BOOST_AUTO_TEST_CASE(sigabrt_leaves_a_report_and_a_crash_status) {
    test::TempDir home;
    checkReport(crashCli(home, SIGABRT), SIGABRT, "SIGABRT");
}

BOOST_AUTO_TEST_CASE(each_crash_gets_its_own_report) {
    test::TempDir home;
    crashCli(home, SIGBUS);
    const Crash second = crashCli(home, SIGFPE);
    BOOST_TEST(second.status.signal == SIGFPE);
    BOOST_TEST(second.reports.size() == 2u);
}
