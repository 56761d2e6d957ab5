#define BOOST_TEST_MODULE gui_unattended
// The window and the unattended station (issue 19), in the real window under Xvfb:
// - a `docdesk-cli watch --profile gw --upload` running beside the window is shown with a banner
//   (this station sends), and the banner goes once the watch is killed;
// - the window is SIGKILLed while it files a plan the user corrected (Split Here): after the
//   restart the correction is still there (also after F5), filing again files what was not
//   filed and nothing twice, and Ctrl+Z on the plan takes the correction back, which is then
//   filed as planned;
// - the window is SIGKILLed twice while it files into the outbox of a gateway profile: each
//   restart moves what the killed filing left in staging into the outbox, and in the end every
//   document is in the outbox exactly once, with nothing left in staging.
#include "app/common/RunningWatches.h"
#include "core/journal/Session.h"
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <csignal>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kPassphrase = "test passphrase 123";
const cv::Vec3b kBannerBgr(32, 0, 176); // WatchBanner's dark red

int bannerPixels(const std::string& display, const std::string& name) {
    return test::countColour(cv::imread(test::screenshot(display, name).string()), kBannerBgr, 12);
}

// The newest session below `home`, read-only.
std::unique_ptr<journal::Session> newestSession(const fs::path& home) {
    const auto dirs = journal::sessionDirectories(home / "data" / "docdesk" / "sessions");
    BOOST_REQUIRE(!dirs.empty());
    return journal::Session::openReadOnly(dirs.front());
}

std::vector<int> pdfPages(const fs::path& archive) {
    std::vector<int> pages;
    for (const auto& p : test::filesBelow(archive, ".pdf"))
        pages.push_back(test::pdfPageCount(p));
    std::sort(pages.begin(), pages.end());
    return pages;
}

// Waits until the archive holds `count` PDFs (and a moment for the round to finish).
size_t waitForPdfs(const fs::path& archive, size_t count, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline && test::filesBelow(archive, ".pdf").size() < count)
        std::this_thread::sleep_for(200ms);
    std::this_thread::sleep_for(800ms);
    return test::filesBelow(archive, ".pdf").size();
}

std::unique_ptr<platform::ChildProcess> startWindow(const test::Xvfb& x, const fs::path& home,
                                                    const std::vector<std::string>& args,
                                                    const std::string& log) {
    std::vector<std::string> argv{test::guiPath().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home);
    opts.stderrFile = test::artifactsDir() / log;
    return std::make_unique<platform::ChildProcess>(argv, opts);
}

size_t storedPlanEdits(const fs::path& home) {
    return newestSession(home)->planEdits().size();
}

// The outbox as `upload --list --json` shows it: one object per item.
std::vector<nlohmann::json> outboxItems(const fs::path& home) {
    return test::jsonLines(test::runCli(home, {"upload", "--list", "--json"}).out);
}

// Files in the outbox folder and in staging: documents on their way, whatever their state.
size_t filesOnTheirWay(const fs::path& home) {
    size_t count = 0;
    for (const auto* folder : {"outbox", "outbox-staging"}) {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(home / "data" / "docdesk" / folder, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            count += it->is_regular_file() && it->path().extension() == ".pdf" ? 1 : 0;
    }
    return count;
}

std::vector<fs::path> filesInStaging(const fs::path& home) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(home / "data" / "docdesk" / "outbox-staging", ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file())
            out.push_back(it->path());
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_watch_that_uploads_is_shown_with_a_banner_until_it_ends) {
    test::TempDir home;
    // A profile with its password stored, as `watch --upload` needs (nothing is ever sent here:
    // no file arrives, and the URL is a closed port on this machine).
    const auto added = test::runProfileCli(
        home.path(),
        {"profile", "add", "gw", "--url", "http://127.0.0.1:9/dav/", "--user", "u", "--remember-password"},
        {{kPassphrase}, {"secret-password"}});
    BOOST_REQUIRE_MESSAGE(added.status.success(), added.out + added.err);
    const fs::path hot = home / "hot";
    fs::create_directories(hot);

    test::Xvfb x;
    auto window = startWindow(x, home.path(), {"--new-session"}, "gui_unattended_banner.stderr.log");
    const std::string id = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!id.empty());
    std::this_thread::sleep_for(1500ms);
    BOOST_TEST(bannerPixels(x.display(), "gui-unattended-1-no-watch.png") < 100);

    platform::ChildOptions opts;
    opts.environment = {{"XDG_DATA_HOME", (home / "data").string()},
                        {"XDG_CONFIG_HOME", (home / "config").string()},
                        {"HOME", home.path().string()},
                        {"LC_ALL", "C"},
                        {"LANGUAGE", "C"},
                        {"DOCDESK_NO_KEYRING", "1"},
                        {"DOCDESK_PASSPHRASE_FD", "0"}};
    opts.pipeStdin = true;
    opts.discardStdout = true;
    opts.stderrFile = test::artifactsDir() / "gui_unattended_watch.stderr.log";
    platform::ChildProcess watch(
        {test::cliPath().string(), "watch", "--new-session", "--profile", "gw", "--upload", hot.string()},
        opts);
    watch.writeStdin(kPassphrase + "\n");
    watch.closeStdin();
    for (int i = 0; i < 100 && app::runningWatches(home / "data" / "docdesk").empty(); ++i)
        std::this_thread::sleep_for(100ms);
    const auto watches = app::runningWatches(home / "data" / "docdesk");
    BOOST_REQUIRE_EQUAL(watches.size(), 1u);
    BOOST_TEST(watches.front().uploads);
    BOOST_TEST(watches.front().profile == "gw");

    // The window looks every 3 s.
    int shown = 0;
    for (int i = 0; i < 20 && (shown = bannerPixels(x.display(), "gui-unattended-2-banner.png")) < 5000; ++i)
        std::this_thread::sleep_for(500ms);
    BOOST_TEST(shown >= 5000, "no banner for the uploading watch (" << shown << " banner pixels)");
    const auto screen = test::artifactsDir() / "gui-unattended-2-banner.png";
    auto text = test::readScreenText(screen, cv::Rect(0, 0, 1100, 140), "gui-unattended-2-banner-text.png");
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    BOOST_TEST((text.find("station sends") != std::string::npos || text.find("upload") != std::string::npos),
               text);

    // Killed (no chance to clean up): the banner goes all the same.
    watch.signal(SIGKILL);
    watch.wait();
    for (int i = 0; i < 20 && (shown = bannerPixels(x.display(), "gui-unattended-3-killed.png")) >= 100; ++i)
        std::this_thread::sleep_for(500ms);
    BOOST_TEST(shown < 100, "the banner stayed after the watch was killed");
    BOOST_TEST(app::runningWatches(home / "data" / "docdesk").empty());

    test::pressKeys(x.display(), id, "ctrl+q");
    BOOST_TEST(window->waitFor(15s).has_value());
}

BOOST_AUTO_TEST_CASE(plan_corrections_survive_a_kill_during_filing_and_are_undone_with_ctrl_z) {
    test::TempDir home;
    std::vector<std::string> args{"--new-session"};
    for (int n = 1; n <= 6; ++n) {
        const fs::path page = home / ("page-" + std::to_string(n) + ".jpg");
        test::writeBatchPage(page, n, n == 3 ? "PATCHT" : "", "Code128");
        args.push_back(page.string());
    }
    const fs::path archive = home / "archive";
    fs::create_directories(home / "config" / "docdesk");
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf")
        << "[plan]\narchive=" << archive.string() << "\n";

    test::Xvfb x;
    auto window = startWindow(x, home.path(), args, "gui_unattended_plan-1.stderr.log");
    std::string id = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!id.empty());
    for (int i = 0; i < 100 && test::sessionPageCount(home.path()) < 6; ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_REQUIRE_EQUAL(test::sessionPageCount(home.path()), 6u);
    test::pressKeys(x.display(), id, "ctrl+2");
    bool analysed = false;
    for (int i = 0; i < 120 && !(analysed = test::allPagesAnalysed(home.path(), 6)); ++i)
        std::this_thread::sleep_for(250ms);
    BOOST_REQUIRE_MESSAGE(analysed, "the pages were not analysed within 30 s");
    std::this_thread::sleep_for(1500ms);

    // Planned: pages 1-2 and 4-6 (the separator left out). Split the first before its page 2.
    test::pressKeys(x.display(), id, "Right");
    test::pressKeys(x.display(), id, "ctrl+b");
    BOOST_TEST(storedPlanEdits(home.path()) == 1u);
    test::screenshot(x.display(), "gui-unattended-4-split.png");

    // File, and kill the window as soon as the first document is in the archive (the key is
    // sent without pressKeys' pause after it, so the kill can land while the others are filed).
    test::runOnDisplay({"xdotool", "windowfocus", "--sync", id}, x.display());
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "ctrl+shift+f"}, x.display());
    for (int i = 0; i < 3000 && test::filesBelow(archive, ".pdf").empty(); ++i)
        std::this_thread::sleep_for(2ms);
    window->signal(SIGKILL);
    window->wait();
    const size_t filedBeforeKill = test::filesBelow(archive, ".pdf").size();
    BOOST_TEST_MESSAGE("documents in the archive when the window was killed: " << filedBeforeKill);

    // Restarted on the same session: the correction is there, also after F5.
    window = startWindow(x, home.path(), {}, "gui_unattended_plan-2.stderr.log");
    id = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!id.empty());
    test::pressKeys(x.display(), id, "ctrl+2");
    std::this_thread::sleep_for(3s);
    test::pressKeys(x.display(), id, "F5");
    std::this_thread::sleep_for(3s);
    BOOST_TEST(storedPlanEdits(home.path()) == 1u);
    test::screenshot(x.display(), "gui-unattended-5-restarted.png");
    test::pressKeys(x.display(), id, "ctrl+shift+f");
    if (filedBeforeKill > 0) { // asked about what was filed before the kill: Return skips those
        const std::string ask = test::findWindow(x.display(), "^File Documents$");
        BOOST_REQUIRE_MESSAGE(!ask.empty(), "no question about the documents filed before the kill");
        test::pressKeys(x.display(), ask, "Return");
    }
    // The corrected plan, each document exactly once: pages 1 | 2 | 4-6.
    BOOST_TEST(waitForPdfs(archive, 3, 60s) == 3u);
    BOOST_TEST(pdfPages(archive) == (std::vector<int>{1, 1, 3}), boost::test_tools::per_element());
    BOOST_TEST(newestSession(home.path())->filings().size() == 3u);

    // Ctrl+Z on the plan takes the split back (a correction made before the restart); filed,
    // only the merged first document is new.
    test::pressKeys(x.display(), id, "ctrl+z");
    BOOST_TEST(storedPlanEdits(home.path()) == 0u);
    test::screenshot(x.display(), "gui-unattended-6-undone.png");
    test::pressKeys(x.display(), id, "ctrl+shift+f");
    const std::string ask = test::findWindow(x.display(), "^File Documents$");
    BOOST_REQUIRE_MESSAGE(!ask.empty(), "no question about the document filed before");
    test::pressKeys(x.display(), ask, "Return");
    BOOST_TEST(waitForPdfs(archive, 4, 60s) == 4u);
    BOOST_TEST(pdfPages(archive) == (std::vector<int>{1, 1, 2, 3}), boost::test_tools::per_element());

    test::pressKeys(x.display(), id, "ctrl+q");
    const auto status = window->waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
}

BOOST_AUTO_TEST_CASE(kills_while_filing_into_an_outbox_lose_and_double_nothing) {
    test::TempDir home;
    // Six plain pages: six documents (an image file is a document of its own).
    constexpr size_t kDocuments = 6;
    std::vector<std::string> args{"--new-session"};
    for (size_t n = 1; n <= kDocuments; ++n) {
        const fs::path page = home / ("letter-" + std::to_string(n) + ".jpg");
        test::writeBatchPage(page, int(n));
        args.push_back(page.string());
    }
    // The Filing Plan files into the outbox of gateway profile "gw" (chosen there before).
    fs::create_directories(home / "config" / "docdesk");
    std::ofstream(home / "config" / "docdesk" / "docdesk.conf") << "[plan]\nprofile=gw\nto_outbox=1\n";

    test::Xvfb x;
    auto window = startWindow(x, home.path(), args, "gui_unattended_outbox-1.stderr.log");
    std::string id = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!id.empty());
    for (int i = 0; i < 100 && test::sessionPageCount(home.path()) < kDocuments; ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_REQUIRE_EQUAL(test::sessionPageCount(home.path()), kDocuments);

    // Two kills, each as soon as one more document is on its way (staging or outbox); the
    // restart after each must first move what the killed filing left in staging.
    int kills = 0;
    for (int round = 1; round <= 3; ++round) {
        test::pressKeys(x.display(), id, "ctrl+2");
        if (round == 1) {
            bool analysed = false;
            for (int i = 0; i < 120 && !(analysed = test::allPagesAnalysed(home.path(), kDocuments)); ++i)
                std::this_thread::sleep_for(250ms);
            BOOST_REQUIRE_MESSAGE(analysed, "the pages were not analysed within 30 s");
        }
        std::this_thread::sleep_for(1500ms);
        test::pressKeys(x.display(), id, "F5");
        std::this_thread::sleep_for(1500ms);
        const size_t before = filesOnTheirWay(home.path());
        const bool filedBefore = !newestSession(home.path())->filings().empty();
        test::runOnDisplay({"xdotool", "windowfocus", "--sync", id}, x.display());
        test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "ctrl+shift+f"}, x.display());
        if (filedBefore) { // asked about the documents filed before the kill: Return skips those
            const std::string ask = test::findWindow(x.display(), "^File Documents$");
            BOOST_REQUIRE_MESSAGE(!ask.empty(), "no question about the documents filed before the kill");
            test::runOnDisplay({"xdotool", "windowfocus", "--sync", ask}, x.display());
            test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "Return"}, x.display());
        }
        if (round == 3)
            break;
        for (int i = 0; i < 5000 && filesOnTheirWay(home.path()) <= before; ++i)
            std::this_thread::sleep_for(2ms);
        window->signal(SIGKILL);
        window->wait();
        ++kills;
        BOOST_TEST_MESSAGE("kill " << kills << ": " << filesOnTheirWay(home.path())
                                   << " documents on their way, " << filesInStaging(home.path()).size()
                                   << " files in staging");

        // Restarted on the same session: what waited in staging reaches the outbox on its own.
        window = startWindow(x, home.path(), {},
                             "gui_unattended_outbox-" + std::to_string(round + 1) + ".stderr.log");
        id = test::findWindow(x.display(), "^docdesk");
        BOOST_REQUIRE(!id.empty());
        for (int i = 0; i < 50 && !filesInStaging(home.path()).empty(); ++i)
            std::this_thread::sleep_for(200ms);
        BOOST_TEST(filesInStaging(home.path()).empty(), "the restarted window left files in staging");
    }

    test::screenshot(x.display(), "gui-unattended-outbox-filed.png");
    // Every document in the outbox exactly once.
    std::vector<nlohmann::json> items;
    for (int i = 0; i < 300 && (items = outboxItems(home.path())).size() < kDocuments; ++i)
        std::this_thread::sleep_for(200ms);
    std::this_thread::sleep_for(1s); // a late duplicate would show now
    items = outboxItems(home.path());
    std::set<std::string> documents;
    for (const auto& item : items)
        documents.insert(item.value("sha256", std::string()));
    BOOST_TEST_MESSAGE("kills " << kills << ", documents " << kDocuments << ", outbox items " << items.size()
                                << ", distinct " << documents.size());
    BOOST_TEST(kills == 2);
    BOOST_TEST(items.size() == kDocuments);
    BOOST_TEST(documents.size() == kDocuments, "the same document is in the outbox twice");
    BOOST_TEST(newestSession(home.path())->filings().size() == kDocuments);
    BOOST_TEST(filesInStaging(home.path()).empty());
    for (const auto& item : items)
        BOOST_TEST(item.value("profile", std::string()) == "gw");

    test::pressKeys(x.display(), id, "ctrl+q");
    const auto status = window->waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q");
}
