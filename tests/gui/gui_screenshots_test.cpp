#define BOOST_TEST_MODULE gui_screenshots
// The pictures of the README and the AppStream metadata (issue 20), taken from the real
// docdesk under Xvfb with realistic generated paper (never the corpus), in English and in
// German, in three starts of docdesk: the welcome of a first start (empty session); phone
// photos of receipts and a letter on desks (tests/support/PaperScenes), their edges found, the
// receipt's crop in the preview; a feeder batch of letters with a PATCHT separator sheet and an
// ASN label, split into documents in the Filing Plan; the Privacy page; and the Outbox sending
// three documents to a real Apache on 127.0.0.1 through a proxy that slows the transfer, so
// its progress bars are caught moving.
//
// docdesk runs as a user would have it: its home is /home/anna (the test's own folder,
// bind-mounted there in a private mount namespace, with the usual ~/.config, ~/.local and
// ~/Documents), so no temporary path shows in the pictures. Without a mount namespace (not
// root, or no unshare) the pictures are still taken, from the temporary home, and the test
// says so.
//
// The test checks what each picture must show (the welcome's archive folder, the pages
// analysed, the plan's reasons, the upload under way) so a broken screen fails here rather
// than in a software centre; installer/update-screenshots.sh copies the pictures.
#include "platform/ChildProcess.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/FaultProxy.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/KeyringSession.h"
#include "tests/support/PaperScenes.h"
#include "tests/support/ProfileCli.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path kShownHome = "/home/anna";
const std::string kProfile = "office";

// Makes $1 the folder /home/anna in a private mount namespace (over an empty /home), then
// runs the rest.
const char* kEnterHome = R"(set -e
src=$1; shift
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /home
mkdir /home/anna
mount --bind "$src" /home/anna
exec "$@"
)";

// The user's home as docdesk sees it, and where it is on disk.
struct Home {
    test::TempDir dir;
    fs::path real;                   // the folder on disk
    fs::path shown;                  // /home/anna in the namespace, else `real`
    std::vector<std::string> prefix; // the command entering the namespace (empty: none)

    Home() : real(dir / "anna"), shown(real) {
        for (const char* folder :
             {".config/docdesk", ".local/share", ".local/state", ".cache", "Documents", "Pictures"})
            fs::create_directories(real / folder);
        // The folders of a desktop session (xdg-user-dirs): the default archive folder is
        // below Documents.
        std::ofstream(real / ".config" / "user-dirs.dirs")
            << "XDG_DOCUMENTS_DIR=\"$HOME/Documents\"\nXDG_PICTURES_DIR=\"$HOME/Pictures\"\n";
        // The test's CLI helpers look for config/ and data/ below the home they are given.
        fs::create_directory_symlink(".config", real / "config");
        fs::create_directory_symlink(".local/share", real / "data");
        test::writeFile(dir / "enter-home.sh", kEnterHome);
        // Only root may make a mount namespace without a user namespace, and in a user
        // namespace docdesk's user would not match the desktop keyring's.
        if (::geteuid() != 0) {
            BOOST_TEST_MESSAGE("not root: the pictures show the temporary home " << real);
            return;
        }
        const std::vector<std::string> enter{"unshare", "-m", "sh", (dir / "enter-home.sh").string(),
                                             real.string()};
        std::vector<std::string> probe = enter;
        probe.insert(probe.end(), {"test", "-d", (kShownHome / "Documents").string()});
        platform::ChildOptions opts;
        opts.discardStderr = true;
        platform::ChildProcess p(probe, opts);
        const auto status = p.waitFor(20s);
        if (status && status->success()) {
            prefix = enter;
            shown = kShownHome;
        } else {
            BOOST_TEST_MESSAGE("no mount namespace here: the pictures show the temporary home " << real);
        }
    }

    void setLanguage(const std::string& lang) const {
        std::ofstream(real / ".config" / "docdesk" / "docdesk.conf")
            << "[preferences]\nlanguage=" << lang << "\n";
    }

    std::map<std::string, std::string> environment(const std::string& display) const {
        auto env = test::appEnvironment(display, shown);
        env["XDG_CONFIG_HOME"] = (shown / ".config").string();
        env["XDG_DATA_HOME"] = (shown / ".local" / "share").string();
        env["XDG_STATE_HOME"] = (shown / ".local" / "state").string();
        env["XDG_CACHE_HOME"] = (shown / ".cache").string();
        return env;
    }
};

// The material, written below the home; the paths as docdesk sees them. Phone photos: the
// receipt on a wooden desk first, a second receipt on a dark desk, a letter on the wooden
// desk. The feeder batch: two letters, the separator sheet, a page with an ASN label starting
// the next document, one more letter.
struct Material {
    std::vector<std::string> photos; // as docdesk sees them
    std::vector<std::string> batch;  // as docdesk sees them
    std::vector<std::string> realBatch;
    std::string realReceipt;

    explicit Material(const Home& home) {
        const auto photo = [&](const std::string& name, test::SceneKind kind,
                               const std::vector<test::Paper>& receipts,
                               const std::vector<test::Paper>& pages, std::uint32_t seed) {
            const test::Scene scene = test::makeScene(kind, receipts, pages, seed);
            cv::imwrite((home.real / "Pictures" / name).string(), scene.image,
                        {cv::IMWRITE_JPEG_QUALITY, 90});
            photos.push_back((home.shown / "Pictures" / name).string());
            return (home.real / "Pictures" / name).string();
        };
        realReceipt =
            photo("receipt-photo.jpg", test::SceneKind::PhotoWood, {test::syntheticReceipt(11)}, {}, 11);
        photo("parking-receipt.jpg", test::SceneKind::PhotoDark, {test::syntheticReceipt(12)}, {}, 12);
        photo("letter-photo.jpg", test::SceneKind::PhotoWood, {}, {test::syntheticPage(13)}, 13);
        fs::create_directories(home.real / "Documents" / "Scans");
        // Office letters with photos and stamps read as several documents on one page to the
        // document finder, so the batch pages are plain letters with text (writeBatchPage).
        const auto page = [&](int number, const std::string& code) {
            const std::string name = "batch-0" + std::to_string(number) + ".jpg";
            test::writeBatchPage(home.real / "Documents" / "Scans" / name, number, code, "Code128");
            realBatch.push_back((home.real / "Documents" / "Scans" / name).string());
            batch.push_back((home.shown / "Documents" / "Scans" / name).string());
        };
        page(1, "");
        page(2, "");
        page(3, "PATCHT");
        page(4, "ASN00042");
        page(5, "");
    }
};

// docdesk on the display, in the home, until quit() (Ctrl+Q).
struct App {
    const test::Xvfb& x;
    std::optional<platform::ChildProcess> process;
    std::string window;

    App(const test::Xvfb& xvfb, const Home& home, const std::map<std::string, std::string>& extraEnvironment,
        const std::vector<std::string>& files, const std::string& log)
        : x(xvfb) {
        platform::ChildOptions opts;
        opts.environment = home.environment(x.display());
        for (const auto& [k, v] : extraEnvironment)
            opts.environment[k] = v;
        opts.stderrFile = test::artifactsDir() / log;
        std::vector<std::string> argv = home.prefix;
        argv.insert(argv.end(), {test::guiPath().string(), "--new-session"});
        argv.insert(argv.end(), files.begin(), files.end());
        process.emplace(argv, opts);
        window = test::findWindow(x.display(), "^docdesk");
        BOOST_REQUIRE_MESSAGE(!window.empty(), "the main window did not open");
    }

    void quit() {
        test::pressKeys(x.display(), window, "ctrl+q");
        const auto status = process->waitFor(20s);
        BOOST_TEST(status.has_value(), "docdesk did not close on Ctrl+Q");
    }
};

void parkPointer(const std::string& display) {
    test::runOnDisplay({"xdotool", "mousemove", "1279", "899"}, display);
}

// Uploads Apache finished (PUT answered 2xx), from its access log.
int finishedPuts(const test::ApacheServer& server) {
    std::istringstream log(server.accessLog());
    int puts = 0;
    for (std::string line; std::getline(log, line);)
        if (line.find("\"PUT ") != std::string::npos &&
            (line.find("\" 201 ") != std::string::npos || line.find("\" 204 ") != std::string::npos))
            ++puts;
    return puts;
}

// Opens the Filing Plan, which has the session's `pages` analysed (edges, barcodes) and
// grouped; waits for both.
void waitForAnalysis(const test::Xvfb& x, const App& app, const Home& home, size_t pages) {
    for (int i = 0; i < 150 && test::sessionPageCount(home.real) < pages; ++i)
        std::this_thread::sleep_for(200ms);
    BOOST_REQUIRE_EQUAL(test::sessionPageCount(home.real), pages);
    test::pressKeys(x.display(), app.window, "ctrl+2");
    bool analysed = false;
    for (int i = 0; i < 240 && !(analysed = test::allPagesAnalysed(home.real, pages)); ++i)
        std::this_thread::sleep_for(250ms);
    BOOST_REQUIRE_MESSAGE(analysed, "the pages were not analysed within 60 s");
}

void takeScreenshots(const std::string& lang) {
    const bool german = lang == "de";
    Home home;
    home.setLanguage(lang);
    const Material material(home);

    // A gateway profile whose password the vault remembers, its key in a private desktop
    // keyring (so Upload asks nothing), pointing at the slowing proxy in front of Apache.
    test::ApacheServer::Options serverOptions;
    serverOptions.name = "apache-gui-screenshots-" + lang;
    test::ApacheServer server(serverOptions);
    test::FaultProxy proxy(server.httpPort(),
                           [](const std::string&, const std::string&, int) { return test::Fault::none(); });
    proxy.throttle(250'000); // a few seconds per document on loopback
    test::KeyringSession keyring;
    std::map<std::string, std::string> keyringAccess;
    for (const char* k : {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "DOCDESK_NO_KEYRING"})
        keyringAccess[k] = keyring.environment().at(k);
    const auto added = test::runProfileCli(home.real,
                                           {"profile", "add", kProfile, "--url", proxy.url(), "--user",
                                            server.options().user, "--remember-password", "--default"},
                                           {{}, {server.options().password}}, keyringAccess);
    BOOST_REQUIRE_MESSAGE(added.status.success(), added.err);
    // Three documents waiting in the outbox: the receipt, and the batch's two letters.
    for (std::vector<std::string> files :
         {std::vector<std::string>{material.realReceipt}, material.realBatch}) {
        std::vector<std::string> args{"file", "--profile", kProfile};
        args.insert(args.end(), files.begin(), files.end());
        const auto filed = test::runProfileCli(home.real, args, {}, keyringAccess);
        BOOST_REQUIRE_MESSAGE(filed.status.success(), filed.out << filed.err);
    }

    test::Xvfb x;
    // The first start: an empty session shows the welcome, naming the archive folder.
    {
        App app(x, home, keyringAccess, {}, "gui_screenshots_test." + lang + ".welcome.stderr.log");
        std::this_thread::sleep_for(2s);
        parkPointer(x.display());
        const fs::path shot = test::screenshot(x.display(), "gui-shot-" + lang + "-welcome.png");
        const std::string text =
            test::readScreenText(shot, cv::Rect(0, 0, 620, 750), "gui-shot-" + lang + "-welcome-ocr.png");
        BOOST_TEST_MESSAGE(lang << " welcome reads: " << text);
        BOOST_TEST(text.find(german ? "Willkommen" : "Welcome") != std::string::npos);
        BOOST_TEST(text.find((home.shown / "Documents" / "docdesk").string()) != std::string::npos,
                   "the welcome does not name the archive folder below " << home.shown);
        app.quit();
    }

    // Phone photos: analysed (the plan asks for it), their documents found and cut out; the
    // Pages tab shows the receipt (the first page) in the preview with its crop.
    {
        App app(x, home, keyringAccess, material.photos,
                "gui_screenshots_test." + lang + ".photos.stderr.log");
        waitForAnalysis(x, app, home, material.photos.size());
        test::pressKeys(x.display(), app.window, "ctrl+1");
        std::this_thread::sleep_for(2s);
        parkPointer(x.display());
        const fs::path receipt = test::screenshot(x.display(), "gui-shot-" + lang + "-receipt.png");
        // The preview's buttons, whole (German labels are longer: they wrap, never cut).
        const std::string previewBar = test::readScreenText(receipt, cv::Rect(600, 60, 680, 90),
                                                            "gui-shot-" + lang + "-receipt-bar-ocr.png");
        BOOST_TEST_MESSAGE(lang << " preview bar reads: " << previewBar);
        for (const std::string& label :
             german ? std::vector<std::string>{"Einpassen", "Zuschnitt entfernen", "Ergebnis anzeigen"}
                    : std::vector<std::string>{"Fit", "Remove Crop", "Show Result"})
            BOOST_TEST(previewBar.find(label) != std::string::npos,
                       "the preview bar lacks \"" << label << "\"");
        app.quit();
    }

    // The feeder batch in the Filing Plan.
    App app(x, home, keyringAccess, material.batch, "gui_screenshots_test." + lang + ".stderr.log");
    waitForAnalysis(x, app, home, material.batch.size());
    std::this_thread::sleep_for(2s);
    parkPointer(x.display());
    const fs::path plan = test::screenshot(x.display(), "gui-shot-" + lang + "-plan.png");
    const std::string planText =
        test::readScreenText(plan, cv::Rect(0, 140, 720, 590), "gui-shot-" + lang + "-plan-ocr.png");
    BOOST_TEST_MESSAGE(lang << " plan reads: " << planText);
    // The separator sheet is left out and the ASN label starts a document; both are named.
    BOOST_TEST(planText.find("PATCHT") != std::string::npos, "the plan does not show the separator sheet");
    BOOST_TEST(planText.find("ASN") != std::string::npos, "the plan does not show the ASN reason");
    const std::string planTop =
        test::readScreenText(plan, cv::Rect(0, 60, 1100, 90), "gui-shot-" + lang + "-plan-top-ocr.png");
    BOOST_TEST_MESSAGE(lang << " plan's top reads: " << planTop);
    BOOST_TEST(planTop.find(german ? "Durchsuchen" : "Browse") != std::string::npos);
    BOOST_TEST(planTop.find((home.shown / "Documents" / "docdesk").string()) != std::string::npos);

    test::pressKeys(x.display(), app.window, "ctrl+shift+p");
    const std::string privacy = test::findWindow(x.display(), "^(Privacy|Datenschutz)");
    BOOST_REQUIRE_MESSAGE(!privacy.empty(), "the Privacy page did not open");
    std::this_thread::sleep_for(1500ms);
    test::screenshot(x.display(), "gui-shot-" + lang + "-privacy.png");
    test::pressKeys(x.display(), privacy, "Escape");
    std::this_thread::sleep_for(500ms);

    // Upload All: caught once the first document has arrived, while the next is on its way.
    BOOST_REQUIRE_EQUAL(finishedPuts(server), 0);
    // The Outbox tab and its Upload All button, clicked: GTK takes Ctrl+Shift+U for typing a
    // character by its code, and Alt+A is the German View menu. The button is the second of
    // the row, at x 98-198 in English and 113-242 in German.
    test::pressKeys(x.display(), app.window, "ctrl+3");
    std::this_thread::sleep_for(1s);
    test::runOnDisplay({"xdotool", "mousemove", "--sync", "150", "85"}, x.display());
    test::runOnDisplay({"xdotool", "click", "1"}, x.display());
    for (int i = 0; i < 300 && finishedPuts(server) < 1; ++i)
        std::this_thread::sleep_for(100ms);
    if (finishedPuts(server) < 1)
        test::screenshot(x.display(), "gui-shot-" + lang + "-outbox-nothing-sent.png");
    BOOST_REQUIRE_MESSAGE(finishedPuts(server) >= 1, "no document arrived within 30 s");
    std::this_thread::sleep_for(600ms);
    parkPointer(x.display());
    const fs::path outbox = test::screenshot(x.display(), "gui-shot-" + lang + "-outbox.png");
    const int arrivedAtShot = finishedPuts(server);
    const std::string outboxText =
        test::readScreenText(outbox, cv::Rect(0, 60, 1100, 690), "gui-shot-" + lang + "-outbox-ocr.png");
    BOOST_TEST_MESSAGE(lang << " outbox reads: " << outboxText);
    BOOST_TEST(arrivedAtShot < 3, "every document had arrived before the picture was taken");
    BOOST_TEST(outboxText.find(german ? "hochgeladen" : "Uploaded") != std::string::npos,
               "the outbox does not show the upload under way");
    BOOST_TEST(outboxText.find("receipt-photo") != std::string::npos);
    for (int i = 0; i < 600 && finishedPuts(server) < 3; ++i)
        std::this_thread::sleep_for(100ms);
    BOOST_TEST(finishedPuts(server) == 3, "not all three documents arrived within 60 s");
    std::this_thread::sleep_for(1s); // verified and recorded in the ledger before quitting
    app.quit();
}

} // namespace

BOOST_AUTO_TEST_CASE(screenshots_in_english) {
    takeScreenshots("en");
}

BOOST_AUTO_TEST_CASE(screenshots_in_german) {
    takeScreenshots("de");
}
