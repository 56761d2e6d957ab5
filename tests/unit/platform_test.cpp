#define BOOST_TEST_MODULE platform
#include "platform/AppDirs.h"
#include "platform/ChildProcess.h"
#include "platform/DurableFiles.h"
#include "platform/ProcessLimits.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {
std::span<const std::byte> asBytes(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
} // namespace

BOOST_AUTO_TEST_CASE(atomic_write_replaces_whole_file_and_leaves_no_temp) {
    test::TempDir dir;
    auto& files = platform::durableFiles();
    files.writeAtomically(dir / "a.bin", asBytes("first version"));
    files.writeAtomically(dir / "a.bin", asBytes("second"));
    BOOST_TEST(slurp(dir / "a.bin") == "second");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path()))
        ++entries;
    BOOST_TEST(entries == 1);
}

BOOST_AUTO_TEST_CASE(atomic_write_into_missing_folder_throws_and_creates_nothing) {
    test::TempDir dir;
    BOOST_CHECK_THROW(platform::durableFiles().writeAtomically(dir / "missing" / "a.bin", asBytes("x")),
                      fs::filesystem_error);
    BOOST_TEST(!fs::exists(dir / "missing"));
}

BOOST_AUTO_TEST_CASE(exclusive_lock_is_refused_while_held_and_free_after_release) {
    test::TempDir dir;
    auto& files = platform::durableFiles();
    std::string holder;
    auto first = files.tryLockExclusive(dir / "lock", holder);
    BOOST_REQUIRE(first);
    auto second = files.tryLockExclusive(dir / "lock", holder);
    BOOST_TEST(!second);
    BOOST_TEST(holder.find("process") != std::string::npos);
    first.reset();
    auto third = files.tryLockExclusive(dir / "lock", holder);
    BOOST_TEST(static_cast<bool>(third));
}

BOOST_AUTO_TEST_CASE(app_dirs_follow_xdg_and_ignore_relative_values) {
    ::setenv("XDG_DATA_HOME", "/tmp/xdg-data", 1);
    ::setenv("XDG_CONFIG_HOME", "relative/path", 1);
    ::setenv("HOME", "/home/someone", 1);
    const auto dirs = platform::appDirs();
    BOOST_TEST(dirs.data == fs::path("/tmp/xdg-data/docdesk"));
    BOOST_TEST(dirs.config == fs::path("/home/someone/.config/docdesk"));
    BOOST_TEST(dirs.cache == fs::path("/home/someone/.cache/docdesk"));
}

BOOST_AUTO_TEST_CASE(child_process_pipes_lines_and_reports_exit) {
    platform::ChildOptions opts;
    opts.pipeStdin = true;
    opts.pipeStdout = true;
    opts.environment["DOCDESK_PROBE"] = "hello";
    platform::ChildProcess child({"sh", "-c", "echo $DOCDESK_PROBE; read x; echo got-$x; exit 3"}, opts);
    BOOST_TEST(child.readLine(std::chrono::seconds(5)).value_or("") == "hello");
    child.writeStdin("ping\n");
    BOOST_TEST(child.readLine(std::chrono::seconds(5)).value_or("") == "got-ping");
    const auto status = child.wait();
    BOOST_TEST(status.code == 3);
    BOOST_TEST(!status.success());
}

BOOST_AUTO_TEST_CASE(child_process_kill_is_reported_as_signal) {
    platform::ChildProcess child({"sleep", "30"});
    BOOST_TEST(!child.waitFor(std::chrono::milliseconds(50)).has_value());
    child.signal(9);
    const auto status = child.wait();
    BOOST_TEST(status.signal == 9);
}

BOOST_AUTO_TEST_CASE(child_process_start_failure_throws) {
    BOOST_CHECK_THROW(platform::ChildProcess({"/nonexistent/docdesk-no-such-program"}), std::system_error);
}

#if defined(__linux__)
// branch stall (issue 16): background work sits 10 nice levels behind the window's thread also
// when the whole program was started niced (CI, `nice docdesk`), instead of at nice 10 beside it.
BOOST_AUTO_TEST_CASE(run_in_background_puts_a_thread_ten_nice_levels_behind_the_main_thread) {
    const int mainThread = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::getpid()));
    int background = -100, again = -100;
    std::thread([&] {
        platform::runInBackground();
        background = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
        platform::runInBackground(); // a second call does not push it further back
        again = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    }).join();
    BOOST_TEST(background == std::min(19, std::max(10, mainThread + 10)));
    BOOST_TEST(again == background);
    BOOST_TEST(::getpriority(PRIO_PROCESS, static_cast<id_t>(::getpid())) == mainThread);
}
#endif
