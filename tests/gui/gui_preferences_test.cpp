#define BOOST_TEST_MODULE gui_preferences
// The language preference in the real window under Xvfb, driven with xdotool: in an English
// (C.UTF-8) session the menus are English; Deutsch is chosen in Preferences (Ctrl+, then Alt+D,
// Enter), and after a restart the menu bar — read off a screenshot with tesseract — is German;
// English chosen again (Alt+E) brings English menus back after the next restart.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string readText(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct App {
    const test::Xvfb& x;
    const test::TempDir& home;
    std::string name;
    std::optional<platform::ChildProcess> process;
    std::string window;

    App(const test::Xvfb& xvfb, const test::TempDir& h, const std::string& n) : x(xvfb), home(h), name(n) {
        platform::ChildOptions opts;
        opts.environment = test::appEnvironment(x.display(), home.path());
        opts.stderrFile = test::artifactsDir() / ("gui-preferences-" + name + "-stderr.log");
        process.emplace(std::vector<std::string>{test::guiPath().string(), "--new-session"}, opts);
        window = test::findWindow(x.display(), "^docdesk");
        BOOST_REQUIRE_MESSAGE(!window.empty(), "the main window did not open (" << name << ")");
        std::this_thread::sleep_for(1s);
    }

    // The menu bar's text, read off a screenshot.
    std::string menuBar() const {
        const fs::path shot = test::screenshot(x.display(), "gui-preferences-" + name + ".png");
        const std::string text =
            test::readScreenText(shot, cv::Rect(0, 0, 800, 26), "gui-preferences-" + name + "-menubar.png");
        BOOST_TEST_MESSAGE(name << ": menu bar reads: " << text);
        return text;
    }

    // Preferences (Ctrl+,), the language by its mnemonic, OK (Enter).
    void chooseLanguage(const std::string& mnemonic) {
        test::pressKeys(x.display(), window, "ctrl+comma");
        const std::string dialog = test::findWindow(x.display(), "^(Preferences|Einstellungen)$");
        BOOST_REQUIRE_MESSAGE(!dialog.empty(), "the preferences dialog did not open (" << name << ")");
        test::screenshot(x.display(), "gui-preferences-" + name + "-dialog.png");
        test::pressKeys(x.display(), dialog, mnemonic);
        test::pressKeys(x.display(), dialog, "Return");
    }

    void quit() {
        test::pressKeys(x.display(), window, "ctrl+q");
        const auto status = process->waitFor(15s);
        BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q (" << name << ")");
        BOOST_TEST(status->success());
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(deutsch_chosen_in_preferences_gives_german_menus_after_a_restart) {
    test::TempDir home;
    test::Xvfb x;
    const fs::path conf = home / "config" / "docdesk" / "docdesk.conf";
    {
        App app(x, home, "1-english");
        const std::string text = app.menuBar();
        BOOST_TEST(text.find("File") != std::string::npos);
        BOOST_TEST(text.find("Capture") != std::string::npos);
        BOOST_TEST(text.find("Datei") == std::string::npos);
        app.chooseLanguage("alt+d");
        BOOST_TEST(readText(conf).find("language=de") != std::string::npos, readText(conf));
        // Still English until the restart, as the dialog says.
        BOOST_TEST(app.menuBar().find("Capture") != std::string::npos);
        app.quit();
    }
    {
        App app(x, home, "2-deutsch");
        const std::string text = app.menuBar();
        BOOST_TEST(text.find("Datei") != std::string::npos);
        BOOST_TEST(text.find("Erfassen") != std::string::npos);
        BOOST_TEST(text.find("Capture") == std::string::npos);
        app.chooseLanguage("alt+e");
        BOOST_TEST(readText(conf).find("language=en") != std::string::npos, readText(conf));
        app.quit();
    }
    {
        App app(x, home, "3-english-again");
        const std::string text = app.menuBar();
        BOOST_TEST(text.find("Capture") != std::string::npos);
        BOOST_TEST(text.find("Erfassen") == std::string::npos);
        app.quit();
    }
}
