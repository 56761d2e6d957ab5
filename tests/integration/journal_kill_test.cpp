#define BOOST_TEST_MODULE journal_kill
// Crash safety of the journal: the real docdesk-cli imports files into a session and is
// killed with SIGKILL at random moments. After every kill the session is reopened (which
// runs recovery) and must be consistent: every page the CLI reported as stored is there and
// intact, every visible page matches one of the inputs byte for byte, and no partial or
// temporary file is left.
#include "core/common/Sha256.h"
#include "core/journal/Session.h"
#include "platform/ChildProcess.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

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

} // namespace

BOOST_AUTO_TEST_CASE(sigkill_during_import_never_loses_or_corrupts_a_page) {
    test::TempDir home;
    fs::create_directories(home / "in");
    std::vector<std::string> inputs;
    std::set<std::string> inputHashes;
    for (int i = 0; i < 12; ++i) {
        const bool large = i % 3 == 0;
        const fs::path f = home / "in" / ("page" + std::to_string(i) + ".png");
        test::writeTestImage(f, large ? 1200 : 300, large ? 1200 : 400, static_cast<unsigned char>(i * 20), 80, 160,
                             large, static_cast<unsigned>(i));
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
    std::map<std::int64_t, std::string> reported; // page id -> sha256, for the current session
    while (kills < kKillsRequired && iterations < kMaxIterations) {
        ++iterations;
        if (iterations % 10 == 0) { // bound the disk use: a fresh session now and then
            session = newSession(home);
            reported.clear();
        }
        auto child = runImport(session);
        const auto delay = std::chrono::milliseconds(
            std::uniform_int_distribution<long>(0, std::max<long>(1, fullRun.count()))(rng));
        const auto deadline = Clock::now() + delay;
        while (Clock::now() < deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            const auto line = child.readLine(std::max(left, std::chrono::milliseconds(1)));
            if (!line)
                continue;
            const auto j = json::parse(*line);
            if (j.contains("pages"))
                for (const auto& page : j["pages"])
                    reported[page["id"].get<std::int64_t>()] = page["sha256"].get<std::string>();
        }
        child.signal(SIGKILL);
        const auto status = child.wait();
        if (status.signal == SIGKILL)
            ++kills;
        // Lines written before the kill may still be in the pipe: they count as reported too.
        while (const auto line = child.readLine(std::chrono::milliseconds(0))) {
            if (line->empty())
                continue;
            json j;
            try {
                j = json::parse(*line);
            } catch (const json::parse_error&) {
                continue; // a line cut off by the kill was never a report
            }
            if (j.contains("pages"))
                for (const auto& page : j["pages"])
                    reported[page["id"].get<std::int64_t>()] = page["sha256"].get<std::string>();
        }

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
    BOOST_TEST_MESSAGE(iterations << " runs, " << kills << " killed; recovery completed " << finishedByRecovery
                                  << " and rolled back " << discardedByRecovery << " interrupted writes");
    BOOST_TEST(kills >= kKillsRequired);
    // The kills must actually land in the middle of writes some of the time.
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
    platform::ChildProcess p({"sh", "-c", "\"$0\" import --session \"$1\" \"$2\" 2>&1", test::cliPath().string(), id,
                              (home / "a.png").string()},
                             opts);
    const std::string out = p.readAll();
    BOOST_TEST(p.wait().code == 1);
    BOOST_TEST(out.find("open in another docdesk window") != std::string::npos, out);
    BOOST_TEST(held->pageCount() == 0);
}
