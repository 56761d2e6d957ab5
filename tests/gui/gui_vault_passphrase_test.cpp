#define BOOST_TEST_MODULE gui_vault_passphrase
// The profile vault made by docdesk-cli with a master passphrase (no desktop keyring), opened
// in the window: Upload > Gateway Profiles asks for the passphrase, typed with xdotool (spaces
// included), and the profile's settings appear — read off the screenshot with tesseract. A wrong
// passphrase is refused with the vault's message. (The window once read the typed text from
// freed memory and refused every passphrase.)
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kPassphrase = "correct horse battery staple";

std::string ocr(const fs::path& image) {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"tesseract", image.string(), "stdout"}, opts);
    std::string text = p.readAll();
    p.wait();
    return text;
}

// Starts docdesk, opens Upload > Gateway Profiles, types `passphrase` into the vault's
// question and returns the screen's text afterwards.
std::string unlockInWindow(const test::Xvfb& x, const fs::path& home, const std::string& passphrase,
                           const std::string& shotName) {
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home);
    opts.environment["DOCDESK_NO_KEYRING"] = "1";
    opts.stderrFile = test::artifactsDir() / (shotName + ".stderr.log");
    platform::ChildProcess app({test::guiPath().string(), "--new-session"}, opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE(!window.empty());
    test::pressKeys(x.display(), window, "alt+u");
    test::pressKeys(x.display(), window, "p");
    const std::string question = test::findWindow(x.display(), "^Profile vault$");
    BOOST_REQUIRE_MESSAGE(!question.empty(), "the vault's passphrase was not asked for");
    test::runOnDisplay({"xdotool", "windowfocus", "--sync", question}, x.display());
    test::runOnDisplay({"xdotool", "type", "--delay", "20", passphrase}, x.display());
    test::runOnDisplay({"xdotool", "key", "Return"}, x.display());
    std::this_thread::sleep_for(3s); // Argon2id (128 MiB) and the dialog
    const fs::path shot = test::screenshot(x.display(), shotName + ".png");
    const std::string text = ocr(shot);
    app.signal(SIGTERM);
    if (!app.waitFor(10s)) {
        app.signal(SIGKILL);
        app.wait();
    }
    return text;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_passphrase_typed_in_the_window_opens_the_vault_the_cli_made) {
    test::TempDir home;
    const auto made = test::runProfileCli(
        home.path(),
        {"profile", "add", "mailroom-archive", "--url", "https://127.0.0.1:9/dav/", "--user", "clerk"},
        {{kPassphrase}, {}});
    BOOST_REQUIRE_MESSAGE(made.status.success(), made.err);
    test::Xvfb x;

    const std::string opened = unlockInWindow(x, home.path(), kPassphrase, "gui-vault-passphrase-right");
    BOOST_TEST_MESSAGE("screen after the right passphrase:\n" << opened);
    // The profile's settings are shown (its name in the list is selected: white on blue, which
    // tesseract does not read).
    BOOST_TEST(opened.find("127.0.0.1:9/dav") != std::string::npos, opened);
    BOOST_TEST(opened.find("clerk") != std::string::npos, opened);
    BOOST_TEST(opened.find("cannot be opened") == std::string::npos, opened);

    const std::string refused =
        unlockInWindow(x, home.path(), kPassphrase + "!", "gui-vault-passphrase-wrong");
    BOOST_TEST_MESSAGE("screen after a wrong passphrase:\n" << refused);
    BOOST_TEST(refused.find("cannot be opened") != std::string::npos, refused);
    BOOST_TEST(refused.find("clerk") == std::string::npos, refused);
}
