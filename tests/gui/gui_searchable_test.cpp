#define BOOST_TEST_MODULE gui_searchable
// "Make searchable" in the Filing Plan tab, in the real window under Xvfb, driven with the
// keyboard through xdotool: a generated letter (DejaVu Sans, known words) is planned (Ctrl+2),
// the box is ticked (Alt+K) and the document filed (Ctrl+Shift+F); pdftotext finds the letter's
// words in the filed PDF. The choice is remembered for the rules profile: after a restart the
// same page filed without touching the box is searchable too, and docdesk.conf holds the choice
// under the profile's name. Filing with the box left unticked (a fresh home) gives no text.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kWords{"Quarterly", "invoice", "Hamburg", "delivery", "warehouse", "Mittwoch"};

// An A4 page at 150 dpi with the words in a real font, large enough for any OCR, and a footer
// that makes each round's page another document (not one filed before).
void writeLetter(const fs::path& file, const std::string& footer) {
    cv::Mat page(1754, 1240, CV_8UC3, cv::Scalar::all(250));
    auto font = cv::freetype::createFreeType2();
    font->loadFontData("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0);
    int y = 260;
    for (size_t i = 0; i < kWords.size(); i += 2, y += 120)
        font->putText(page, kWords[i] + " " + kWords[i + 1], {160, y}, 56, cv::Scalar::all(20), -1,
                      cv::LINE_AA, false);
    font->putText(page, footer, {160, 1500}, 40, cv::Scalar::all(20), -1, cv::LINE_AA, false);
    BOOST_REQUIRE(cv::imwrite(file.string(), page));
}

std::string pdfText(const fs::path& pdf) {
    platform::ChildOptions opts;
    opts.pipeStdout = true;
    opts.discardStderr = true;
    platform::ChildProcess p({"pdftotext", pdf.string(), "-"}, opts);
    std::string text = p.readAll();
    p.wait();
    return text;
}

std::string readFile(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t wordsFound(const std::string& text) {
    size_t found = 0;
    for (const auto& w : kWords)
        found += text.find(w) != std::string::npos ? 1 : 0;
    return found;
}

// The window on one letter: planned, optionally ticked, filed; the new PDF's path (empty if
// none came within the time).
struct Round {
    const test::Xvfb& x;
    const test::TempDir& home;
    const fs::path& archive;
    std::string name;

    fs::path file(bool tick) {
        const fs::path letter = home / (name + ".jpg");
        writeLetter(letter, "Round " + name);
        platform::ChildOptions opts;
        opts.environment = test::appEnvironment(x.display(), home.path());
        opts.stderrFile = test::artifactsDir() / ("gui-searchable-" + name + "-stderr.log");
        platform::ChildProcess app({test::guiPath().string(), "--new-session", letter.string()}, opts);
        const std::string window = test::findWindow(x.display(), "^docdesk");
        BOOST_REQUIRE_MESSAGE(!window.empty(), "the main window did not open (" << name << ")");
        for (int i = 0; i < 100 && test::sessionPageCount(home.path()) < 1; ++i)
            std::this_thread::sleep_for(200ms);
        test::pressKeys(x.display(), window, "ctrl+2");
        bool analysed = false;
        for (int i = 0; i < 240 && !(analysed = test::allPagesAnalysed(home.path(), 1)); ++i)
            std::this_thread::sleep_for(250ms);
        BOOST_REQUIRE_MESSAGE(analysed, "the page was not analysed within 60 s (" << name << ")");
        std::this_thread::sleep_for(1500ms);
        if (tick)
            test::pressKeys(x.display(), window, "alt+k");
        test::screenshot(x.display(), "gui-searchable-" + name + "-planned.png");
        const auto before = test::filesBelow(archive, ".pdf");
        test::pressKeys(x.display(), window, "ctrl+shift+f");
        fs::path filed;
        // OCR of one page takes seconds; on a loaded machine, more.
        for (int i = 0; i < 600 && filed.empty(); ++i) {
            for (const auto& p : test::filesBelow(archive, ".pdf"))
                if (!before.count(p))
                    filed = p;
            if (filed.empty())
                std::this_thread::sleep_for(200ms);
        }
        std::this_thread::sleep_for(500ms);
        test::screenshot(x.display(), "gui-searchable-" + name + "-filed.png");
        test::pressKeys(x.display(), window, "ctrl+q");
        const auto status = app.waitFor(20s);
        BOOST_REQUIRE_MESSAGE(status.has_value(), "docdesk did not close on Ctrl+Q (" << name << ")");
        return filed;
    }
};

// A home whose settings file names `archive` as the archive folder, and a display.
struct SearchableHome {
    test::TempDir home;
    fs::path archive = home / "archive";
    fs::path conf = home / "config" / "docdesk" / "docdesk.conf";
    test::Xvfb x;
    SearchableHome() {
        fs::create_directories(conf.parent_path());
        std::ofstream(conf) << "[plan]\narchive=" << archive.string() << "\n";
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(ticking_make_searchable_files_a_pdf_with_the_words_and_is_remembered,
                        SearchableHome) {
    const fs::path first = Round{x, home, archive, "1-ticked"}.file(true);
    BOOST_REQUIRE_MESSAGE(!first.empty(), "nothing was filed after ticking Make searchable");
    const std::string text = pdfText(first);
    BOOST_TEST(wordsFound(text) == kWords.size(), "pdftotext read: " << text);
    const std::string settings = readFile(conf);
    // [plan/searchable] Standard rules=1 (wxFileConfig may escape the space).
    BOOST_TEST(settings.find("[plan/searchable]") != std::string::npos, settings);
    BOOST_TEST(settings.find("rules=1") != std::string::npos, settings);

    // A restart: the box keeps its tick for the profile, so the next filing is searchable too.
    const fs::path second = Round{x, home, archive, "2-remembered"}.file(false);
    BOOST_REQUIRE_MESSAGE(!second.empty(), "nothing was filed in the second run");
    BOOST_TEST(wordsFound(pdfText(second)) == kWords.size());
}

BOOST_FIXTURE_TEST_CASE(left_unticked_the_filed_pdf_has_no_text, SearchableHome) {
    const fs::path filed = Round{x, home, archive, "3-unticked"}.file(false);
    BOOST_REQUIRE_MESSAGE(!filed.empty(), "nothing was filed");
    BOOST_TEST(wordsFound(pdfText(filed)) == 0u);
}
