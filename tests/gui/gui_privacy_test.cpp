#define BOOST_TEST_MODULE gui_privacy
// The Privacy page in the real window under Xvfb, driven with xdotool: two real crash reports
// (docdesk-cli killed with SIGSEGV and SIGABRT), a gateway profile on a real Apache with
// mod_dav, a cache. The page (Ctrl+Shift+P) lists them — read off the screenshot with
// tesseract —; one report is viewed (Alt+V) and deleted (End, Alt+D, Enter), the other sent
// (End, Alt+S, Enter)
// and must arrive on the server byte for byte;
// Delete Everything (Alt+E, Enter) closes docdesk and leaves none of its folders behind, nor the
// vault's key in the desktop keyring.
#include "core/vault/VaultFile.h"
#include "platform/ChildProcess.h"
#include "platform/Keyring.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/KeyringSession.h"
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<fs::path> reportsIn(const fs::path& folder) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        found.push_back(it->path());
    std::sort(found.begin(), found.end());
    return found;
}

// A real crash: docdesk-cli waiting in `watch`, killed with `sig`.
void crashCli(const test::TempDir& home, int sig) {
    fs::create_directories(home / "watched");
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    opts.environment = {{"XDG_DATA_HOME", (home / "data").string()},
                        {"XDG_STATE_HOME", (home / "state").string()},
                        {"XDG_CONFIG_HOME", (home / "config").string()},
                        {"HOME", home.path().string()},
                        {"LANG", "C.UTF-8"}};
    platform::ChildProcess cli(
        {test::cliPath().string(), "watch", "--new-session", (home / "watched").string()}, opts);
    const auto line = cli.readLine(30s);
    BOOST_REQUIRE_MESSAGE(line && line->find("Watching") != std::string::npos,
                          "the CLI did not start watching");
    cli.signal(sig);
    const auto status = cli.waitFor(30s);
    BOOST_REQUIRE(status && status->signal == sig);
}

// The keyring entry holding the vault's key (as the profile store files it).
ports::KeyringAttributes vaultKeyEntry(const fs::path& vaultFile) {
    const auto bytes = test::readFile(vaultFile);
    const auto header =
        vault::decodeHeader(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
    std::string salt;
    for (unsigned char b : header.salt) {
        static const char digits[] = "0123456789abcdef";
        salt += digits[b >> 4];
        salt += digits[b & 15];
    }
    return {{"application", "docdesk"}, {"docdesk-vault", salt}};
}

bool inKeyring(const ports::KeyringAttributes& entry) {
    return platform::osKeyring().lookup(entry, [](std::span<const unsigned char>) {});
}

std::string fileText(const fs::path& f) {
    const auto bytes = test::readFile(f);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

} // namespace

BOOST_AUTO_TEST_CASE(list_delete_send_and_delete_everything) {
    test::ApacheServer::Options serverOptions;
    serverOptions.name = "apache-gui-privacy";
    test::ApacheServer server(serverOptions);
    test::TempDir home;
    // The vault's key in a private desktop keyring and the gateway password remembered in the
    // vault, so Send asks for nothing but the confirmation. (The passphrase dialog is not driven
    // here: a passphrase typed with xdotool does not unlock a CLI-made vault, in main as well.)
    test::KeyringSession keyring;
    // Only the way to the keyring: docdesk's own folders stay below `home`.
    std::map<std::string, std::string> keyringAccess;
    for (const char* k : {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DOCDESK_NO_KEYRING"})
        keyringAccess[k] = keyring.environment().at(k);
    const auto added = test::runProfileCli(home.path(),
                                           {"profile", "add", "gw", "--url", server.httpUrl(), "--user",
                                            server.options().user, "--remember-password", "--default"},
                                           {{}, {server.options().password}}, keyringAccess);
    BOOST_REQUIRE_MESSAGE(added.status.success(), added.err);
    const auto keyEntry = vaultKeyEntry(home / "config" / "docdesk" / "profiles.vault");
    BOOST_REQUIRE_MESSAGE(inKeyring(keyEntry), "the vault's key is not in the test keyring");

    const fs::path reportsFolder = home / "state" / "docdesk" / "crash-reports";
    crashCli(home, SIGSEGV);
    std::this_thread::sleep_for(1100ms); // a later second: the second report sorts last
    crashCli(home, SIGABRT);
    const auto reports = reportsIn(reportsFolder);
    BOOST_REQUIRE_EQUAL(reports.size(), 2u);
    fs::create_directories(home / "cache" / "docdesk" / "thumbs");
    test::writeFile(home / "cache" / "docdesk" / "thumbs" / "a.png", std::string(5000, 'x'));
    test::writeFile(home / "not-docdesk.txt", "stays\n");

    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    for (const auto& [k, v] : keyringAccess)
        opts.environment[k] = v;
    opts.stderrFile = test::artifactsDir() / "gui-privacy-stderr.log";
    platform::ChildProcess app({test::guiPath().string(), "--new-session"}, opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE_MESSAGE(!window.empty(), "the main window did not open");
    std::this_thread::sleep_for(1s);

    // The page lists what is there.
    test::pressKeys(x.display(), window, "ctrl+shift+p");
    const std::string privacy = test::findWindow(x.display(), "^Privacy");
    BOOST_REQUIRE_MESSAGE(!privacy.empty(), "the privacy page did not open");
    std::this_thread::sleep_for(1500ms); // sizes are added up in the background
    // Read twice, with the first and with the last row selected (tesseract skips white on blue).
    const fs::path listed = test::screenshot(x.display(), "gui-privacy-1-list.png");
    std::string text = test::readScreenText(listed, cv::Rect(0, 0, 4000, 4000), "gui-privacy-1-list-ocr.png");
    test::pressKeys(x.display(), privacy, "End");
    const fs::path listedEnd = test::screenshot(x.display(), "gui-privacy-1-list-end.png");
    const std::string textEnd =
        test::readScreenText(listedEnd, cv::Rect(0, 0, 4000, 4000), "gui-privacy-1-list-end-ocr.png");
    BOOST_TEST_MESSAGE("the privacy page reads: " << text);
    BOOST_TEST(textEnd.find("Gateway profiles (profile vault)") != std::string::npos);
    BOOST_TEST(text.find("Backup of the profile vault") != std::string::npos);
    BOOST_TEST(text.find("Capture sessions") != std::string::npos);
    BOOST_TEST(text.find("utbox list and delivery ledger") !=
               std::string::npos); // tesseract reads "O" as "Q" at times
    BOOST_TEST(text.find("Caches") != std::string::npos);
    BOOST_TEST(text.find("5.0 KB") != std::string::npos); // the cache's size
    BOOST_TEST(text.find("Other:") == std::string::npos); // every file docdesk made is known by name
    size_t crashRows = 0;
    for (size_t at = text.find("Crash report"); at != std::string::npos;
         at = text.find("Crash report", at + 1))
        ++crashRows;
    BOOST_TEST(crashRows == 2u);

    // View shows the selected (last) report as it is.
    test::pressKeys(x.display(), privacy, "alt+v");
    const std::string view = test::findWindow(x.display(), "^docdesk-cli-.*[.]txt$");
    BOOST_REQUIRE_MESSAGE(!view.empty(), "View did not show the report");
    std::this_thread::sleep_for(500ms);
    const fs::path viewShot = test::screenshot(x.display(), "gui-privacy-1-view.png");
    const std::string viewText =
        test::readScreenText(viewShot, cv::Rect(0, 0, 4000, 4000), "gui-privacy-1-view-ocr.png");
    BOOST_TEST_MESSAGE("the report reads: " << viewText);
    BOOST_TEST(viewText.find("SIGABRT") != std::string::npos);
    BOOST_TEST(viewText.find("backtrace") != std::string::npos);
    test::pressKeys(x.display(), view, "Escape");

    // Delete the last report (the newest, at the end of the list).
    test::pressKeys(x.display(), privacy, "End");
    test::pressKeys(x.display(), privacy, "alt+d");
    const std::string confirmDelete = test::findWindow(x.display(), "^Delete$");
    BOOST_REQUIRE_MESSAGE(!confirmDelete.empty(), "no confirmation before deleting");
    test::screenshot(x.display(), "gui-privacy-2-confirm-delete.png");
    test::pressKeys(x.display(), confirmDelete, "Return");
    for (int i = 0; i < 50 && reportsIn(reportsFolder).size() != 1; ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_REQUIRE(reportsIn(reportsFolder) == std::vector<fs::path>{reports.front()});
    std::this_thread::sleep_for(1s);
    test::screenshot(x.display(), "gui-privacy-3-deleted.png");

    // Send the other one to the default profile, after the confirmation naming it.
    test::pressKeys(x.display(), privacy, "End");
    test::pressKeys(x.display(), privacy, "alt+s");
    const std::string confirmSend = test::findWindow(x.display(), "^Send Crash Report$");
    BOOST_REQUIRE_MESSAGE(!confirmSend.empty(), "no confirmation before sending");
    const fs::path confirmShot = test::screenshot(x.display(), "gui-privacy-4-confirm-send.png");
    const std::string confirmText =
        test::readScreenText(confirmShot, cv::Rect(0, 0, 4000, 4000), "gui-privacy-4-confirm-send-ocr.png");
    BOOST_TEST_MESSAGE("before sending: " << confirmText);
    BOOST_TEST(confirmText.find("gw") != std::string::npos);
    BOOST_TEST(server.storedFiles().empty()); // nothing sent before the user agreed
    test::pressKeys(x.display(), confirmSend, "Return");
    const std::string remote = "docdesk-crash-reports/" + reports.front().filename().string();
    std::vector<std::string> stored;
    for (int i = 0; i < 100 && stored.empty(); ++i) {
        std::this_thread::sleep_for(300ms);
        stored = server.storedFiles();
    }
    BOOST_TEST(stored == std::vector<std::string>{remote}, boost::test_tools::per_element());
    BOOST_TEST(fileText(server.davRoot() / remote) == fileText(reports.front()));
    const std::string sent = test::findWindow(x.display(), "^Send Crash Report$");
    BOOST_REQUIRE_MESSAGE(!sent.empty(), "no message after sending");
    std::this_thread::sleep_for(500ms);
    const fs::path sentShot = test::screenshot(x.display(), "gui-privacy-5-sent.png");
    const std::string sentText =
        test::readScreenText(sentShot, cv::Rect(0, 0, 4000, 4000), "gui-privacy-5-sent-ocr.png");
    BOOST_TEST_MESSAGE("after sending: " << sentText);
    BOOST_TEST(sentText.find("was sent") != std::string::npos);
    test::pressKeys(x.display(), sent, "Return");
    BOOST_TEST(fs::exists(reports.front())); // sending keeps the local report

    // Delete Everything: docdesk closes and its folders are gone.
    test::pressKeys(x.display(), privacy, "alt+e");
    const std::string confirmAll = test::findWindow(x.display(), "^Delete Everything$");
    BOOST_REQUIRE_MESSAGE(!confirmAll.empty(), "no confirmation before deleting everything");
    test::screenshot(x.display(), "gui-privacy-6-confirm-everything.png");
    test::pressKeys(x.display(), confirmAll, "Return");
    const auto status = app.waitFor(30s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close after Delete Everything");
    BOOST_TEST(status->success());
    for (const char* folder : {"data", "config", "cache", "state"}) {
        std::string left;
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(home / folder / "docdesk", ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            left += " " + it->path().lexically_relative(home.path()).string();
        BOOST_TEST(!fs::exists(home / folder / "docdesk"), folder << "/docdesk is still there:" << left);
    }
    BOOST_TEST(fs::exists(home / "not-docdesk.txt"));
    BOOST_TEST(!inKeyring(keyEntry)); // no orphaned vault key left in the desktop keyring
}
