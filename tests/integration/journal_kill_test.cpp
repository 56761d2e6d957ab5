#define BOOST_TEST_MODULE journal_kill
// Crash safety of the journal: the real docdesk-cli imports files into a session and is
// killed with SIGKILL. Most kills come at random moments; every third waits (inotify) for a
// temporary file to appear, and every third for a file to be renamed into place, so that
// kills land inside the two windows recovery exists for on every machine, however fast.
// After every kill the session is reopened (which runs recovery) and must be consistent:
// every page the CLI reported as stored is there and intact, every visible page matches one
// of the inputs byte for byte, and no partial or temporary file is left.
#include "core/common/Sha256.h"
#include "core/journal/Session.h"
#include "platform/ChildProcess.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <map>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <random>
#include <set>
#include <sys/inotify.h>
#include <unistd.h>

using namespace docdesk;
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kKillsRequired = 50;
constexpr int kMaxIterations = 200;

std::string newSession(const test::TempDir& home) {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    platform::ChildProcess p({test::cliPath().string(), "session", "new"}, opts);
    std::string id = p.readAll();
    while (!id.empty() && id.back() == '\n')
        id.pop_back();
    BOOST_REQUIRE(p.wait().success());
    return id;
}

// Where a targeted kill waits: a temporary file being written, or a file just renamed into
// place (its record is still 'pending' until the index commits).
enum class KillAt { Random, TemporaryFile, RenamedIntoPlace };

// Blocks until the `nth` event of the kind `at` waits for in `folder`, or until `limit`.
// Returns whether it came.
bool awaitFileEvent(int inotifyFd, KillAt at, int nth, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    int seen = 0;
    alignas(inotify_event) char buffer[4096];
    while (Clock::now() < deadline) {
        pollfd pfd{inotifyFd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (::poll(&pfd, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0)
            continue;
        const ssize_t n = ::read(inotifyFd, buffer, sizeof buffer);
        for (ssize_t off = 0; off < n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buffer + off);
            const std::string name = ev->len > 0 ? ev->name : "";
            const bool temporary = name.starts_with(".tmp-");
            if ((at == KillAt::TemporaryFile && (ev->mask & IN_CREATE) && temporary) ||
                (at == KillAt::RenamedIntoPlace && (ev->mask & IN_MOVED_TO) && !temporary))
                if (++seen == nth)
                    return true;
            off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        }
    }
    return false;
}

int countTemporaryFiles(const fs::path& folder) {
    int n = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec))
        n += entry.path().filename().string().starts_with(".tmp-") ? 1 : 0;
    return n;
}

} // namespace

BOOST_AUTO_TEST_CASE(sigkill_during_import_never_loses_or_corrupts_a_page) {
    test::TempDir home;
    fs::create_directories(home / "in");
    std::vector<std::string> inputs;
    std::set<std::string> inputHashes;
    for (int i = 0; i < 12; ++i) {
        const bool large = i % 3 == 0;
        const fs::path f = home / "in" / ("page" + std::to_string(i) + ".png");
        test::writeTestImage(f, large ? 1200 : 300, large ? 1200 : 400, static_cast<unsigned char>(i * 20),
                             80, 160, large, static_cast<unsigned>(i));
        inputs.push_back(f.string());
        inputHashes.insert(sha256HexOfFile(f));
    }

    std::mt19937 rng(12345);
    std::string session = newSession(home);
    const fs::path sessionsRoot = home / "data" / "docdesk" / "sessions";

    // How long one uninterrupted import takes, to spread the kills over all of it.
    auto runImport = [&](const std::string& id) {
        std::vector<std::string> argv = {test::cliPath().string(), "import", "--json", "--session", id};
        argv.insert(argv.end(), inputs.begin(), inputs.end());
        platform::ChildOptions opts;
        opts.pipeStdout = true;
        opts.discardStderr = true;
        opts.environment["XDG_DATA_HOME"] = (home / "data").string();
        return platform::ChildProcess(argv, opts);
    };
    const auto t0 = Clock::now();
    {
        auto p = runImport(newSession(home));
        p.readAll();
        BOOST_REQUIRE(p.wait().success());
    }
    const auto fullRun = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    BOOST_TEST_MESSAGE("one uninterrupted import of 12 files: " << fullRun.count() << " ms");

    int kills = 0, finishedByRecovery = 0, discardedByRecovery = 0, iterations = 0;
    int temporaryFilesLeft = 0, targetedKills = 0;
    std::map<std::int64_t, std::string> reported; // page id -> sha256, for the current session
    auto collect = [&](const std::string& line) {
        const auto j = json::parse(line);
        if (j.contains("pages"))
            for (const auto& page : j["pages"])
                reported[page["id"].get<std::int64_t>()] = page["sha256"].get<std::string>();
    };
    const int inotifyFd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    BOOST_REQUIRE(inotifyFd >= 0);
    while (kills < kKillsRequired && iterations < kMaxIterations) {
        ++iterations;
        if (iterations % 10 == 0) { // bound the disk use: a fresh session now and then
            session = newSession(home);
            reported.clear();
        }
        const KillAt at = iterations % 3 == 1   ? KillAt::TemporaryFile
                          : iterations % 3 == 2 ? KillAt::RenamedIntoPlace
                                                : KillAt::Random;
        alignas(inotify_event) char stale[4096];
        while (::read(inotifyFd, stale, sizeof stale) > 0) {
            // events of the previous run
        }
        const int watch = ::inotify_add_watch(inotifyFd, (sessionsRoot / session / "originals").c_str(),
                                              IN_CREATE | IN_MOVED_TO);
        BOOST_REQUIRE(watch >= 0);
        auto child = runImport(session);
        if (at == KillAt::Random) {
            const auto delay = std::chrono::milliseconds(
                std::uniform_int_distribution<long>(0, std::max<long>(1, fullRun.count()))(rng));
            const auto deadline = Clock::now() + delay;
            while (Clock::now() < deadline) {
                const auto left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
                if (const auto line = child.readLine(std::max(left, std::chrono::milliseconds(1))))
                    collect(*line);
            }
        } else {
            // The stdout pipe holds far more than 12 report lines, so the child never blocks on
            // it while the test watches the folder instead.
            const int nth = std::uniform_int_distribution<int>(1, static_cast<int>(inputs.size()))(rng);
            targetedKills +=
                awaitFileEvent(inotifyFd, at, nth, fullRun * 3 + std::chrono::seconds(2)) ? 1 : 0;
        }
        child.signal(SIGKILL);
        const auto status = child.wait();
        if (status.signal == SIGKILL)
            ++kills;
        // Lines written before the kill may still be in the pipe: they count as reported too.
        while (const auto line = child.readLine(std::chrono::milliseconds(0))) {
            try {
                if (!line->empty())
                    collect(*line);
            } catch (const json::parse_error&) {
                // a line cut off by the kill was never a report
            }
        }

        ::inotify_rm_watch(inotifyFd, watch);
        temporaryFilesLeft += countTemporaryFiles(sessionsRoot / session / "originals");
        auto s = journal::Session::open(sessionsRoot / session, platform::durableFiles());
        finishedByRecovery += s->recovery().finished;
        discardedByRecovery += s->recovery().discarded;
        const auto pages = s->pages();
        std::map<std::int64_t, const PageRecord*> byId;
        std::set<fs::path> referenced;
        for (const auto& p : pages) {
            byId[p.id] = &p;
            referenced.insert(p.originalFile.filename());
            BOOST_TEST(inputHashes.count(p.sha256) == 1u, "page " << p.id << " is not one of the inputs");
        }
        for (const auto& [id, sha] : reported) {
            const auto it = byId.find(id);
            BOOST_TEST_REQUIRE((it != byId.end()), "reported page " << id << " missing after kill " << kills);
            BOOST_TEST(it->second->sha256 == sha);
        }
        BOOST_TEST(s->verify().empty(), "a stored original does not match its hash");
        for (const auto& entry : fs::directory_iterator(sessionsRoot / session / "originals")) {
            const auto name = entry.path().filename();
            BOOST_TEST(!name.string().starts_with(".tmp-"), "temporary file left: " << name);
            BOOST_TEST(referenced.count(name) == 1u, "file without a page: " << name);
        }
    }
    ::close(inotifyFd);
    BOOST_TEST_MESSAGE(iterations << " runs, " << kills << " killed (" << targetedKills
                                  << " at a file event); recovery completed " << finishedByRecovery
                                  << " and rolled back " << discardedByRecovery
                                  << " interrupted writes and removed " << temporaryFilesLeft
                                  << " temporary files");
    BOOST_TEST(kills >= kKillsRequired);
    BOOST_TEST(targetedKills > kKillsRequired / 4,
               "the file events the targeted kills wait for did not come");
    // The kills must actually land in the middle of writes: inside a temporary file's writing,
    // and between a file's placing and the index's commit.
    BOOST_TEST(temporaryFilesLeft > 0);
    BOOST_TEST(finishedByRecovery + discardedByRecovery > 0);
}

BOOST_AUTO_TEST_CASE(a_second_writer_gets_a_clear_message_and_changes_nothing) {
    test::TempDir home;
    const std::string id = newSession(home);
    auto held = journal::Session::open(home / "data" / "docdesk" / "sessions" / id, platform::durableFiles());
    test::writeTestImage(home / "a.png", 100, 100, 1, 2, 3);
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.environment["XDG_DATA_HOME"] = (home / "data").string();
    opts.environment["LANGUAGE"] = "";
    opts.environment["LANG"] = "C.UTF-8";
    platform::ChildProcess p({"sh", "-c", "\"$0\" import --session \"$1\" \"$2\" 2>&1",
                              test::cliPath().string(), id, (home / "a.png").string()},
                             opts);
    const std::string out = p.readAll();
    BOOST_TEST(p.wait().code == 1);
    BOOST_TEST(out.find("open in another docdesk window") != std::string::npos, out);
    BOOST_TEST(held->pageCount() == 0);
}
