#define BOOST_TEST_MODULE install
// The installable product: builds the .deb with cpack from this build tree, checks its control
// data and file list, unpacks it into a temporary root with dpkg -x (no root needed), and runs
// what it installed there: the CLI with its installed worker, the desktop entry and AppStream
// validators, the man pages through groff, and the GUI under Xvfb started the way the desktop
// entry starts it. The package is built once, by the first test that needs it.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string appId = DOCDESK_APP_ID;

struct Run {
    std::string out;
    std::string err;
    platform::ExitStatus status;
};

// Runs a program to its end, bounded by coreutils' timeout (the pipe is read to its end, so the
// bound has to come from outside); stdout and stderr captured separately.
Run run(std::vector<std::string> argv, const fs::path& scratch, int seconds = 60,
        const std::map<std::string, std::string>& environment = {}) {
    argv.insert(argv.begin(), {"timeout", "-k", "5", std::to_string(seconds)});
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.environment = environment;
    const fs::path errFile = scratch / "stderr.txt";
    fs::remove(errFile);
    opts.stderrFile = errFile;
    platform::ChildProcess child(argv, opts);
    Run r;
    r.out = child.readAll();
    r.status = child.wait();
    std::ifstream in(errFile);
    std::stringstream err;
    err << in.rdbuf();
    r.err = err.str();
    return r;
}

std::string readText(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The .deb, built and unpacked once for all test cases.
struct Package {
    test::TempDir dir;
    fs::path deb;
    fs::path root; // what dpkg -x unpacked: root / "usr" / ...

    Package() {
        const fs::path out = dir / "cpack";
        const auto cpack = run({DOCDESK_CPACK, "-G", "DEB", "--config",
                                DOCDESK_BUILD_DIR "/CPackConfig.cmake", "-B", out.string()},
                               dir.path(), 180);
        BOOST_TEST_MESSAGE("cpack: " << cpack.out);
        BOOST_REQUIRE_MESSAGE(cpack.status.success(), "cpack failed: " << cpack.out << cpack.err);
        for (const auto& entry : fs::directory_iterator(out))
            if (entry.path().extension() == ".deb")
                deb = entry.path();
        BOOST_REQUIRE_MESSAGE(!deb.empty(), "cpack made no .deb in " << out);
        root = dir / "root";
        const auto unpack = run({"dpkg", "-x", deb.string(), root.string()}, dir.path());
        BOOST_REQUIRE_MESSAGE(unpack.status.success(), "dpkg -x failed: " << unpack.err);
    }
};

std::optional<Package>& packageSlot() {
    static std::optional<Package> package;
    return package;
}

Package& package() {
    auto& slot = packageSlot();
    // Building takes a while: after one failed attempt the other cases fail at once.
    static bool failed = false;
    if (!slot) {
        BOOST_REQUIRE_MESSAGE(!failed, "the package could not be built (see the first failure)");
        failed = true;
        slot.emplace();
        failed = false;
    }
    return *slot;
}

// The roff source of an installed (gzip-compressed) man page.
std::string manSource(const Package& pkg, const std::string& page) {
    const auto unzip =
        run({"gzip", "-dc", (pkg.root / "usr/share/man/man1" / (page + ".gz")).string()}, pkg.dir.path());
    BOOST_REQUIRE_MESSAGE(unzip.status.success(), page << ": " << unzip.err);
    return unzip.out;
}

// The value of `field` in dpkg-deb -I's control listing.
std::string controlField(const std::string& info, const std::string& field) {
    const std::regex line("^ " + field + ": (.*)$", std::regex::multiline);
    std::smatch m;
    return std::regex_search(info, m, line) ? m[1].str() : std::string();
}

// The key's value in the [Desktop Entry] group.
std::string desktopKey(const std::string& entry, const std::string& key) {
    const std::regex line("^" + key + "=(.*)$", std::regex::multiline);
    std::smatch m;
    return std::regex_search(entry, m, line) ? m[1].str() : std::string();
}

} // namespace

BOOST_AUTO_TEST_CASE(the_package_declares_its_runtime_dependencies) {
    auto& pkg = package();
    const auto info = run({"dpkg-deb", "-I", pkg.deb.string()}, pkg.dir.path());
    BOOST_REQUIRE(info.status.success());
    BOOST_TEST_MESSAGE(info.out);
    BOOST_TEST(controlField(info.out, "Package") == "docdesk");
    BOOST_TEST(controlField(info.out, "Version") == DOCDESK_VERSION "-1");
    BOOST_TEST(!controlField(info.out, "Maintainer").empty());
    BOOST_TEST(!controlField(info.out, "Architecture").empty());
    // From dpkg-shlibdeps: the shared libraries the programs actually link, with versions.
    const std::string depends = controlField(info.out, "Depends");
    for (const std::string lib : {"libc6 (", "libwxgtk3", "libopencv-core", "libsane1 (", "libzxing",
                                  "libsodium", "libsqlite3", "libpoppler-cpp", "libhpdf"})
        BOOST_TEST(depends.find(lib) != std::string::npos, "Depends lacks " << lib << ": " << depends);
    // Development packages are never runtime dependencies.
    BOOST_TEST(depends.find("-dev") == std::string::npos, depends);
    // Driverless network scanners for "Search the network" (issue 18).
    BOOST_TEST(controlField(info.out, "Recommends") == "sane-airscan", info.out);
}

BOOST_AUTO_TEST_CASE(the_package_holds_the_programs_and_desktop_files_in_fhs_places) {
    auto& pkg = package();
    const auto list = run({"dpkg-deb", "-c", pkg.deb.string()}, pkg.dir.path());
    BOOST_REQUIRE(list.status.success());
    std::set<std::string> files;
    std::istringstream lines(list.out);
    for (std::string line; std::getline(lines, line);) {
        const auto at = line.find(" ./");
        if (at != std::string::npos && line.front() != 'd')
            files.insert(line.substr(at + 2));
        // Everything below /usr: nothing in /usr/local, /opt or /etc.
        if (at != std::string::npos)
            BOOST_TEST(line.substr(at + 1).starts_with("./usr/"), line);
    }
    std::vector<std::string> expected = {
        "/usr/bin/docdesk",
        "/usr/bin/docdesk-cli",
        "/usr/libexec/docdesk/docdesk-worker",
        "/usr/libexec/docdesk/docdesk-scan-worker",
        "/usr/libexec/docdesk/docdesk-videoio.so",
        "/usr/libexec/docdesk/docdesk-imgcodecs.so", // BMP and WebP (core/imaging/CodecPlugin.h)
        "/usr/libexec/docdesk/docdesk-ocr.so",       // Tesseract (app/worker/OcrPlugin.h)
        "/usr/libexec/docdesk/docdesk-pdf.so",       // poppler and qpdf (core/imaging/PdfPlugin.h)
        "/usr/share/applications/" + appId + ".desktop",
        "/usr/share/metainfo/" + appId + ".metainfo.xml",
        "/usr/share/icons/hicolor/scalable/apps/" + appId + ".svg",
        "/usr/share/man/man1/docdesk.1.gz",
        "/usr/share/man/man1/docdesk-cli.1.gz",
        "/usr/share/locale/de/LC_MESSAGES/docdesk.mo",
        "/usr/share/doc/docdesk/copyright",
    };
    for (const int size : {16, 24, 32, 48, 64, 128, 256, 512}) {
        const std::string dim = std::to_string(size) + "x" + std::to_string(size);
        expected.push_back("/usr/share/icons/hicolor/" + dim + "/apps/" + appId + ".png");
    }
    for (const auto& file : expected)
        BOOST_TEST(files.contains(file), "the package lacks " << file);
    // Helpers are started by docdesk, never by users: not in PATH.
    BOOST_TEST(!files.contains("/usr/bin/docdesk-worker"));
    BOOST_TEST(!files.contains("/usr/bin/docdesk-scan-worker"));
    BOOST_TEST(files.size() == expected.size(), "unexpected files in the package: " << list.out);

    // The PNG icons are what their folder says (rendered from the SVG at build time).
    for (const int size : {16, 48, 256}) {
        const std::string dim = std::to_string(size) + "x" + std::to_string(size);
        const cv::Mat icon =
            cv::imread((pkg.root / "usr/share/icons/hicolor" / dim / "apps" / (appId + ".png")).string(),
                       cv::IMREAD_UNCHANGED);
        BOOST_TEST(icon.cols == size);
        BOOST_TEST(icon.rows == size);
    }
}

BOOST_AUTO_TEST_CASE(the_installed_cli_analyses_a_page_with_its_installed_worker) {
    auto& pkg = package();
    const fs::path cli = pkg.root / "usr/bin/docdesk-cli";
    test::TempDir home;
    const std::map<std::string, std::string> env = {{"HOME", home.path().string()},
                                                    {"XDG_DATA_HOME", (home / "data").string()},
                                                    {"XDG_CONFIG_HOME", (home / "config").string()},
                                                    {"XDG_CACHE_HOME", (home / "cache").string()},
                                                    {"LANG", "C.UTF-8"},
                                                    {"LANGUAGE", ""}};
    const auto version = run({cli.string(), "--version"}, home.path(), 30, env);
    BOOST_TEST(version.status.success());
    BOOST_TEST(version.out.starts_with("docdesk-cli " DOCDESK_VERSION), version.out);

    // Analysis runs in docdesk-worker: the installed CLI must find /usr/libexec/docdesk's copy
    // (nothing sits beside it in the temporary root's usr/bin).
    BOOST_REQUIRE(!fs::exists(cli.parent_path() / "docdesk-worker"));
    test::writeTestImage(home / "page.png", 1240, 1754, 230, 230, 230);
    const auto inspect =
        run({cli.string(), "inspect", "--json", (home / "page.png").string()}, home.path(), 60, env);
    BOOST_TEST(inspect.status.success(), "inspect failed: " << inspect.out << inspect.err);
    const auto pages = test::jsonLines(inspect.out);
    BOOST_REQUIRE_EQUAL(pages.size(), 1u);
    BOOST_TEST(!pages[0].contains("error"), inspect.out);
    BOOST_TEST(pages[0].value("width", 0) == 1240);
    BOOST_TEST(pages[0].value("height", 0) == 1754);
    BOOST_TEST(pages[0].contains("blank"));
    BOOST_TEST(pages[0].contains("skew_degrees"));
}

BOOST_AUTO_TEST_CASE(the_desktop_entry_and_appstream_metadata_validate) {
    auto& pkg = package();
    const fs::path desktop = pkg.root / "usr/share/applications" / (appId + ".desktop");
    const fs::path metainfo = pkg.root / "usr/share/metainfo" / (appId + ".metainfo.xml");
    const auto entry = run({"desktop-file-validate", desktop.string()}, pkg.dir.path());
    BOOST_TEST(entry.status.success());
    // Hints count too: a clean entry prints nothing.
    BOOST_TEST(entry.out.empty(), entry.out);
    const auto appstream =
        run({"appstreamcli", "validate", "--no-net", "--strict", metainfo.string()}, pkg.dir.path());
    BOOST_TEST(appstream.status.success(), appstream.out << appstream.err);

    // "Open with docdesk" needs the MIME types; the icon name must be one the package installs.
    const std::string text = readText(desktop);
    const std::string mime = desktopKey(text, "MimeType");
    for (const std::string type : {"application/pdf;", "image/jpeg;", "image/png;", "image/tiff;"})
        BOOST_TEST(mime.find(type) != std::string::npos, "MimeType lacks " << type);
    BOOST_TEST(desktopKey(text, "Icon") == appId);
    BOOST_TEST(desktopKey(text, "Exec").find("%F") != std::string::npos);

    // The AppStream screenshots are files in installer/screenshots (update-screenshots.sh).
    const std::string xml = readText(metainfo);
    const std::regex image("<image[^>]*>[^<]*/([^/<]+)</image>"); // localised ones (xml:lang) too
    int screenshots = 0;
    for (std::sregex_iterator it(xml.begin(), xml.end(), image), end; it != end; ++it, ++screenshots) {
        const fs::path shot = fs::path(DOCDESK_SOURCE_DIR) / "installer/screenshots" / (*it)[1].str();
        BOOST_TEST(fs::exists(shot), shot << " is referenced by the metainfo but missing");
    }
    BOOST_TEST(screenshots >= 1);
    // Issue 20: the pictures of real work, each with a caption, in English and German.
    for (const std::string shot : {"receipt.png", "receipt-de.png", "plan.png", "plan-de.png", "privacy.png",
                                   "privacy-de.png", "welcome.png"})
        BOOST_TEST(xml.find("/" + shot + "</image>") != std::string::npos, "the metainfo lacks " << shot);
    BOOST_TEST(std::regex_search(xml, std::regex("<caption xml:lang=\"de\">")));
}

// Issue 20: docdesk is GPL-3.0-or-later (poppler is GPL-2.0-or-later), said the same way in the
// source tree, the package's copyright file and the AppStream metadata.
BOOST_AUTO_TEST_CASE(the_package_and_the_metadata_name_the_licence) {
    auto& pkg = package();
    const std::string license = readText(fs::path(DOCDESK_SOURCE_DIR) / "LICENSE");
    BOOST_TEST(license.find("GNU GENERAL PUBLIC LICENSE") != std::string::npos);
    BOOST_TEST(license.find("Version 3, 29 June 2007") != std::string::npos);
    BOOST_TEST(fs::exists(fs::path(DOCDESK_SOURCE_DIR) / "THIRD-PARTY.md"));

    // Debian's machine-readable copyright file (DEP-5) with the SPDX identifier.
    const std::string copyright = readText(pkg.root / "usr/share/doc/docdesk/copyright");
    BOOST_TEST(
        copyright.starts_with("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"),
        copyright);
    BOOST_TEST(
        std::regex_search(copyright, std::regex("\\nFiles: \\*\\n(.*\\n)*License: GPL-3\\.0-or-later\\n")),
        copyright);
    BOOST_TEST(copyright.find("LicenseRef") == std::string::npos, copyright);

    const std::string xml = readText(pkg.root / "usr/share/metainfo" / (appId + ".metainfo.xml"));
    BOOST_TEST(xml.find("<project_license>GPL-3.0-or-later</project_license>") != std::string::npos, xml);
    BOOST_TEST(xml.find("<metadata_license>CC0-1.0</metadata_license>") != std::string::npos, xml);

    // The program says it too (the About box shows this string).
    const std::string binary = readText(pkg.root / "usr/bin/docdesk");
    BOOST_TEST(binary.find("GPL-3.0-or-later") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_man_pages_render_and_cover_every_command) {
    auto& pkg = package();
    for (const std::string page : {"docdesk.1", "docdesk-cli.1"}) {
        const fs::path plain = pkg.dir / page;
        test::writeFile(plain, manSource(pkg, page));
        // -ww: every warning; -z: no output, only the diagnostics.
        const auto groff = run({"groff", "-man", "-Tutf8", "-ww", "-z", plain.string()}, pkg.dir.path());
        BOOST_TEST(groff.status.success());
        BOOST_TEST(groff.err.empty(), page << ": " << groff.err);
    }
    // Each command 'docdesk-cli --help' lists has a subsection in docdesk-cli(1).
    test::TempDir home;
    const auto help = run({(pkg.root / "usr/bin/docdesk-cli").string(), "--help"}, home.path(), 30,
                          {{"HOME", home.path().string()}, {"LANG", "C.UTF-8"}, {"LANGUAGE", ""}});
    BOOST_REQUIRE(help.status.success());
    const std::string manText = manSource(pkg, "docdesk-cli.1");
    const std::regex command("^  ([a-z]+) ", std::regex::multiline);
    std::set<std::string> commands;
    const std::string listing = help.out.substr(0, help.out.find("\nOptions:"));
    for (std::sregex_iterator it(listing.begin(), listing.end(), command), end; it != end; ++it)
        commands.insert((*it)[1].str());
    BOOST_TEST(commands.size() >= 10u, help.out);
    for (const auto& name : commands)
        BOOST_TEST(manText.find("\n.SS " + name) != std::string::npos,
                   "docdesk-cli.1 does not describe '" << name << "'");
}

BOOST_AUTO_TEST_CASE(the_installed_gui_opens_a_file_the_way_the_desktop_entry_starts_it) {
    auto& pkg = package();
    test::TempDir home;
    test::writeTestImage(home / "red-page.png", 1240, 1754, 30, 30, 220);
    test::Xvfb x;
    const auto env = test::appEnvironment(x.display(), home.path());

    // The command line the desktop entry gives, with the program from the temporary root and
    // %F replaced by the file a file manager would pass.
    const std::string exec =
        desktopKey(readText(pkg.root / "usr/share/applications" / (appId + ".desktop")), "Exec");
    std::vector<std::string> argv;
    std::istringstream words(exec);
    for (std::string word; words >> word;) {
        if (word == "docdesk")
            argv.push_back((pkg.root / "usr/bin/docdesk").string());
        else if (word == "%F")
            argv.push_back((home / "red-page.png").string());
        else
            argv.push_back(word);
    }
    BOOST_REQUIRE_EQUAL(argv.size(), 2u);

    // --version and --help work without a display (packaging scripts, SSH).
    auto noDisplay = env;
    noDisplay.erase("DISPLAY");
    const auto version = run({argv[0], "--version"}, home.path(), 30, noDisplay);
    BOOST_TEST(version.out.starts_with("docdesk " DOCDESK_VERSION), version.out << version.err);
    // Every option 'docdesk --help' lists is in docdesk(1).
    const auto help = run({argv[0], "--help"}, home.path(), 30, noDisplay);
    BOOST_TEST(help.out.find("--new-session") != std::string::npos, help.out << help.err);
    const std::string usage = help.out + help.err;
    const std::string manText = manSource(pkg, "docdesk.1");
    const std::regex option("--([a-z-]+)");
    int options = 0;
    for (std::sregex_iterator it(usage.begin(), usage.end(), option), end; it != end; ++it, ++options) {
        const std::string escaped = std::regex_replace((*it)[0].str(), std::regex("-"), "\\-");
        BOOST_TEST(manText.find(escaped) != std::string::npos, "docdesk.1 does not describe " << (*it)[0]);
    }
    BOOST_TEST(options >= 6, usage);

    platform::ChildOptions opts;
    opts.environment = env;
    opts.stderrFile = test::artifactsDir() / "install_test.stderr.log";
    platform::ChildProcess app(argv, opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    BOOST_REQUIRE_MESSAGE(!window.empty(), "the installed docdesk shows no window");
    // Docks match windows to the entry by StartupWMClass: it must be the window's WM_CLASS.
    const std::string wmClass =
        desktopKey(readText(pkg.root / "usr/share/applications" / (appId + ".desktop")), "StartupWMClass");
    std::string byClass;
    test::runOnDisplay({"xdotool", "search", "--onlyvisible", "--classname", "^" + wmClass + "$"},
                       x.display(), &byClass);
    BOOST_TEST(byClass.substr(0, byClass.find('\n')) == window, "no window of class '" << wmClass << "'");

    // The page's thumbnail appears: the file argument reached the installed program, and its
    // decoding worked from the installed files.
    const fs::path shot = test::artifactsDir() / "install-gui.png";
    int red = 0;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (red <= 4000 && std::chrono::steady_clock::now() < deadline) {
        if (test::runOnDisplay({"import", "-window", "root", shot.string()}, x.display()) == 0) {
            const cv::Mat img = cv::imread(shot.string(), cv::IMREAD_COLOR);
            if (!img.empty())
                red = test::countColour(img, {30, 30, 220});
        }
        if (red <= 4000)
            std::this_thread::sleep_for(300ms);
    }
    BOOST_TEST(red > 4000, "red thumbnail pixels: " << red);

    test::runOnDisplay({"xdotool", "windowfocus", "--sync", window}, x.display());
    test::runOnDisplay({"xdotool", "key", "--clearmodifiers", "ctrl+q"}, x.display());
    const auto status = app.waitFor(15s);
    BOOST_REQUIRE_MESSAGE(status.has_value(), "the installed docdesk did not close on Ctrl+Q");
    BOOST_TEST(status->success());
}

// Last (test cases run in the order written): the temporary root goes away completely.
BOOST_AUTO_TEST_CASE(the_temporary_root_is_removed_cleanly) {
    const fs::path dir = package().dir.path();
    BOOST_REQUIRE(fs::exists(dir / "root/usr/bin/docdesk-cli"));
    packageSlot().reset();
    if (!std::getenv("DOCDESK_KEEP_TEST_FILES")) // kept on purpose for inspecting a failure
        BOOST_TEST(!fs::exists(dir), dir << " is still there");
}
