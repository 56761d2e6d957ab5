#define BOOST_TEST_MODULE gui_first_start
// Issue 20, what a new user meets: the real docdesk under Xvfb with an empty session shows the
// welcome (read with tesseract), its Open button opens the file dialog, a file chosen there
// replaces the welcome with its page, and New Session brings the welcome back. The About box
// names the licence; Help > Keyboard Shortcuts lists the menus' shortcuts. The hidden
// --audit-controls switch walks every window and dialog opened here: none may have a control
// without a tooltip or an accessible name.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <sstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const cv::Rect wholeScreen(0, 0, 4000, 4000);

struct App {
    const test::Xvfb& x;
    std::optional<platform::ChildProcess> process;
    std::string window;

    App(const test::Xvfb& xvfb, const test::TempDir& home, std::vector<std::string> extra = {}) : x(xvfb) {
        platform::ChildOptions opts;
        opts.environment = test::appEnvironment(x.display(), home.path());
        opts.stderrFile = test::artifactsDir() / "gui_first_start_test.stderr.log";
        std::vector<std::string> argv = {test::guiPath().string(), "--new-session"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        process.emplace(argv, opts);
        window = test::findWindow(x.display(), "^docdesk");
        BOOST_REQUIRE_MESSAGE(!window.empty(), "the main window did not open");
        std::this_thread::sleep_for(1500ms);
    }

    std::string screenText(const std::string& name) const {
        const fs::path shot = test::screenshot(x.display(), name + ".png");
        const std::string text = test::readScreenText(shot, wholeScreen, name + "-ocr.png");
        BOOST_TEST_MESSAGE(name << " reads: " << text);
        return text;
    }

    // Opens a dialog with `keys` in the main window; its X window id, or empty.
    std::string openDialog(const std::string& keys, const std::string& titleRegex) const {
        test::pressKeys(x.display(), window, keys);
        return test::findWindow(x.display(), titleRegex);
    }

    // A menu command by the mnemonics of its menu and item, e.g. ("alt+h", "a") for Help > About.
    void menuCommand(const std::string& menu, const std::string& item) const {
        test::runOnDisplay({"xdotool", "windowfocus", "--sync", window}, x.display());
        test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "--delay", "400", menu, item}, x.display());
        std::this_thread::sleep_for(500ms);
    }

    void closeDialog(const std::string& dialog, const std::string& keys = "Escape") const {
        test::pressKeys(x.display(), dialog, keys);
        std::this_thread::sleep_for(500ms);
    }

    void quit() {
        test::pressKeys(x.display(), window, "ctrl+q");
        const auto status = process->waitFor(20s);
        BOOST_TEST(status.has_value(), "docdesk did not close on Ctrl+Q");
        if (status)
            BOOST_TEST(status->success());
    }
};

// Case-insensitive, and tesseract's usual misreading of small "Ctrl" as "Ctri" forgiven.
std::string normalised(std::string text) {
    for (auto& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (size_t at; (at = text.find("ctri")) != std::string::npos;)
        text.replace(at, 4, "ctrl");
    return text;
}

bool contains(const std::string& text, const std::string& part) {
    return normalised(text).find(normalised(part)) != std::string::npos;
}

// Moves the pointer to the screen's corner, so no tooltip covers what is read next.
void parkPointer(const std::string& display) {
    test::runOnDisplay({"xdotool", "mousemove", "--sync", "1279", "899"}, display);
}

// The centre of the first word tesseract reads as `word` on the screenshot, in screen pixels.
std::optional<cv::Point> findWord(const fs::path& shot, const std::string& word) {
    const fs::path big = test::artifactsDir() / "gui-first-start-find.png";
    cv::Mat img = cv::imread(shot.string());
    if (img.empty())
        return std::nullopt;
    cv::resize(img, img, {}, 2, 2, cv::INTER_CUBIC);
    cv::imwrite(big.string(), img);
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"tesseract", big.string(), "stdout", "tsv"}, opts);
    std::istringstream rows(p.readAll());
    p.waitFor(60s);
    for (std::string row; std::getline(rows, row);) {
        std::vector<std::string> cells;
        std::istringstream fields(row);
        for (std::string cell; std::getline(fields, cell, '\t');)
            cells.push_back(cell);
        // level page block par line word left top width height conf text
        if (cells.size() == 12 && cells[11].starts_with(word) && cells[0] == "5")
            return cv::Point((std::stoi(cells[6]) + std::stoi(cells[8]) / 2) / 2,
                             (std::stoi(cells[7]) + std::stoi(cells[9]) / 2) / 2);
    }
    return std::nullopt;
}

void click(const std::string& display, cv::Point at) {
    test::runOnDisplay({"xdotool", "mousemove", "--sync", std::to_string(at.x), std::to_string(at.y)},
                       display);
    test::runOnDisplay({"xdotool", "click", "1"}, display);
    std::this_thread::sleep_for(500ms);
}

std::string readFile(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(an_empty_session_shows_the_welcome_and_its_open_button_opens_the_file_dialog) {
    test::TempDir home;
    test::writeTestImage(home / "first-page.png", 1240, 1754, 30, 30, 220);
    test::Xvfb x;
    App app(x, home);

    const std::string welcome = app.screenText("gui-first-start-welcome");
    for (const std::string part :
         {"Welcome to docdesk", "Drop image and PDF files here", "Scan", "Ctrl+Shift+S", "Camera", "Ctrl+K",
          "Open", "Ctrl+O", "Documents will be filed in", "Change",
          "Nothing leaves this computer unless you press Upload"})
        BOOST_TEST(contains(welcome, part), "the welcome lacks \"" << part << "\"");
    // Where the documents go: the archive folder's default below the documents folder.
    BOOST_TEST(contains(welcome, "docdesk"));

    const auto open = findWord(test::artifactsDir() / "gui-first-start-welcome.png", "Open...");
    BOOST_REQUIRE_MESSAGE(open.has_value(), "the Open button was not found on the screen");
    click(x.display(), *open);
    const std::string files = test::findWindow(x.display(), "^Add files to the session$");
    BOOST_REQUIRE_MESSAGE(!files.empty(), "the Open button did not open the file dialog");
    test::screenshot(x.display(), "gui-first-start-file-dialog.png");

    // A file chosen there (typed into GTK's location field) replaces the welcome with its page.
    test::pressKeys(x.display(), files, "ctrl+l");
    test::typeText(x.display(), files, (home / "first-page.png").string());
    test::pressKeys(x.display(), files, "Return");
    bool pageShown = false;
    for (int i = 0; i < 40 && !pageShown; ++i) {
        std::this_thread::sleep_for(500ms);
        const cv::Mat img =
            cv::imread(test::screenshot(x.display(), "gui-first-start-first-page.png").string());
        pageShown = !img.empty() && test::countColour(img, {30, 30, 220}) > 4000;
    }
    BOOST_TEST(pageShown, "the chosen file's page did not appear");
    BOOST_TEST(!contains(app.screenText("gui-first-start-first-page"), "Welcome to docdesk"));

    // An empty session again: the welcome comes back.
    test::pressKeys(x.display(), app.window, "ctrl+shift+n");
    std::this_thread::sleep_for(1s);
    BOOST_TEST(contains(app.screenText("gui-first-start-new-session"), "Welcome to docdesk"));
    app.quit();
}

BOOST_AUTO_TEST_CASE(the_about_box_names_the_licence_and_help_lists_the_shortcuts) {
    test::TempDir home;
    test::Xvfb x;
    App app(x, home);

    const std::string shortcuts = app.openDialog("F1", "^Keyboard Shortcuts$");
    BOOST_REQUIRE_MESSAGE(!shortcuts.empty(), "F1 did not open Help > Keyboard Shortcuts");
    parkPointer(x.display());
    std::this_thread::sleep_for(1s);
    const std::string listed = app.screenText("gui-first-start-shortcuts");
    // Taken from the menus: shortcuts of every menu, an extra accelerator (Redo) included; none
    // of these is on the welcome behind the dialog. wxWidgets writes Ctrl+Alt+U as Alt+Ctrl+U.
    for (const std::string part :
         {"New Session", "Ctrl+Shift+N", "Ctrl+Q", "Ctrl+Shift+Z", "Filing Plan", "Ctrl+2", "Split Here",
          "Ctrl+B", "Upload All", "Alt+Ctrl+U", "Privacy", "Ctrl+Shift+P", "Keyboard Shortcuts"})
        BOOST_TEST(contains(listed, part), "the shortcut list lacks \"" << part << "\"");
    app.closeDialog(shortcuts);

    // Help (Alt+H), About (its mnemonic A).
    app.menuCommand("alt+h", "a");
    const std::string about = test::findWindow(x.display(), "^About docdesk$");
    BOOST_REQUIRE_MESSAGE(!about.empty(), "the About box did not open");
    const std::string text = app.screenText("gui-first-start-about");
    BOOST_TEST(contains(text, "GPL-3.0-or-later"), "the About box does not name the licence");
    BOOST_TEST(contains(text, "GNU General Public License"));
    app.closeDialog(about);
    app.quit();
}

BOOST_AUTO_TEST_CASE(every_control_of_every_window_has_a_tooltip_and_an_accessible_name) {
    test::TempDir home;
    const fs::path report = home / "controls.tsv";
    test::Xvfb x;
    App app(x, home, {"--audit-controls=" + report.string()});
    // Each dialog the main window opens by a key; the audit walks each after a moment.
    const std::vector<std::pair<std::string, std::string>> dialogs = {
        {"F1", "^Keyboard Shortcuts$"}, {"ctrl+comma", "^Preferences$"}, {"ctrl+shift+p", "^Privacy"},
        {"ctrl+shift+r", "^Rules$"},    {"ctrl+shift+s", "^Scan$"},      {"ctrl+k", "^Camera$"},
    };
    for (const auto& [keys, title] : dialogs) {
        const std::string dialog = app.openDialog(keys, title);
        test::screenshot(x.display(), "gui-first-start-audit-" + keys + ".png");
        BOOST_TEST(!dialog.empty(), keys << " did not open " << title);
        if (dialog.empty())
            continue;
        std::this_thread::sleep_for(1500ms);
        app.closeDialog(dialog);
    }
    // Upload > Gateway Profiles... and Upload > Ledger..., clicked where tesseract reads them
    // (the menu bar's Upload comes first in reading order).
    for (const auto& [item, title] : std::vector<std::pair<std::string, std::string>>{
             {"Profiles...", "^Gateway profiles"}, {"Ledger...", "^Ledger"}}) {
        parkPointer(x.display());
        const auto menu = findWord(test::screenshot(x.display(), "gui-first-start-audit-menu.png"), "Upload");
        BOOST_REQUIRE_MESSAGE(menu.has_value(), "the Upload menu was not found on the screen");
        click(x.display(), *menu);
        const auto entry = findWord(test::screenshot(x.display(), "gui-first-start-audit-upload.png"), item);
        BOOST_TEST(entry.has_value(), "Upload > " << item << " was not found on the screen");
        if (!entry) {
            test::pressKeys(x.display(), app.window, "Escape");
            continue;
        }
        click(x.display(), *entry);
        const std::string dialog = test::findWindow(x.display(), title);
        BOOST_TEST(!dialog.empty(), "Upload > " << item << " did not open " << title);
        if (dialog.empty())
            continue;
        std::this_thread::sleep_for(1500ms);
        app.closeDialog(dialog,
                        title.find("profiles") != std::string::npos ? "alt+c" : "Escape"); // its Close button
    }
    app.quit();

    const std::string audit = readFile(report);
    BOOST_TEST_MESSAGE("control audit:\n" << audit);
    for (const std::string title :
         {"window\tdocdesk", "window\tKeyboard Shortcuts", "window\tPreferences", "window\tPrivacy",
          "window\tRules", "window\tScan", "window\tCamera", "window\tGateway profiles", "window\tLedger"})
        BOOST_TEST(contains(audit, title), "the audit did not walk " << title.substr(7));
    std::istringstream lines(audit);
    int missing = 0;
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("missing\t")) {
            ++missing;
            BOOST_TEST_MESSAGE(line);
        }
    BOOST_TEST(missing == 0,
               missing << " controls lack a tooltip or an accessible name (see the lines above)");
}
