#define BOOST_TEST_MODULE decode_faults
// Issue 18, item 4: the CLI and the hot folder decode nothing themselves. Run with a
// docdesk-worker that crashes, exits or hangs on files marked so (tests/support/
// fault_injecting_worker.cpp, in front of the real worker), each such file or page is marked
// "could not be read" with the reason, the good files beside it are imported, inspected and
// filed, and the command ends normally with exit code 1. The hot folder moves such a file to
// failed/ with the reason and does not take it again when it starts anew.
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

using namespace docdesk;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void writePage(const fs::path& file, int colour);

struct Fixture {
    test::TempDir home;
    fs::path cli = test::programWithFaultInjectingWorker(test::cliPath(), home / "bin");

    test::CliRun run(std::vector<std::string> args, const std::string& language = "") {
        return test::runCliAt(cli, home.path(), std::move(args), language);
    }
    std::string page(const std::string& name) {
        writePage(home / name, pagesWritten++);
        return (home / name).string();
    }
    int pagesWritten = 0;
};

// A plain page of its own colour (files with the same bytes would be taken for one file),
// poisoned as its name says. Plain, so analysis proposes no crop: the page is filed by
// rendering its original, the request the tests make crash.
void writePage(const fs::path& file, int colour) {
    cv::imwrite(file.string(), cv::Mat(800, 600, CV_8UC3, cv::Scalar(40, 120 + 20 * colour, 40)));
    test::poisonFileAsNamed(file);
}

// The hot folder's line for each file it took (watch --json also prints a line per document).
std::vector<json> fileEvents(const std::string& out) {
    std::vector<json> events;
    for (auto& line : test::jsonLines(out))
        if (line.contains("moved_to"))
            events.push_back(std::move(line));
    return events;
}

bool contains(const json& value, const std::string& part) {
    return value.is_string() && value.get<std::string>().find(part) != std::string::npos;
}

size_t filesIn(const fs::path& folder) {
    std::error_code ec;
    size_t n = 0;
    for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        n += it->is_regular_file() ? 1 : 0;
    return n;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(import_marks_a_file_whose_probe_crashes_and_stores_the_others, Fixture) {
    const auto good = page("good.png");
    const auto crashes = page("fault-segv-count.png");
    const auto exits = page("fault-exit-count.png");
    const auto imported = run({"import", "--json", "--new-session", crashes, good, exits});
    BOOST_TEST(imported.status.exitedNormally());
    BOOST_TEST(imported.status.code == 1); // some files failed
    const auto lines = test::jsonLines(imported.out);
    BOOST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(contains(lines[0]["error"], "could not be read: the decoder crashed (SIGSEGV)"),
               lines[0].dump());
    BOOST_TEST(lines[1]["pages"].size() == 1u);
    BOOST_TEST(contains(lines[2]["error"], "could not be read: the worker ended unexpectedly (exit code 7)"),
               lines[2].dump());
    BOOST_TEST(test::sessionPageCount(home.path()) == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_reason_is_translated, Fixture) {
    const auto crashes = page("fault-abort-count.png");
    const auto imported = run({"import", "--json", "--new-session", crashes}, "de");
    BOOST_TEST(imported.status.code == 1);
    const auto lines = test::jsonLines(imported.out);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(
        contains(lines[0]["error"], "konnte nicht gelesen werden: der Decoder ist abgestürzt (SIGABRT)"),
        lines[0].dump());
}

BOOST_FIXTURE_TEST_CASE(inspect_reports_each_failing_page_and_goes_on, Fixture) {
    const auto good = page("good.png");
    const auto probe = page("fault-abort-count.png");
    const auto analysis = page("fault-segv-analyse.png");
    const auto inspected = run({"inspect", "--json", probe, analysis, good});
    BOOST_TEST(inspected.status.code == 1);
    const auto lines = test::jsonLines(inspected.out);
    BOOST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(contains(lines[0]["error"], "could not be read: the decoder crashed (SIGABRT)"),
               lines[0].dump());
    BOOST_TEST(contains(lines[1]["error"], "the decoder crashed (SIGSEGV)"), lines[1].dump());
    BOOST_TEST(lines[2]["width"] == 600);
}

BOOST_FIXTURE_TEST_CASE(file_fails_the_document_whose_render_crashes_and_files_the_others, Fixture) {
    const fs::path archive = home / "archive";
    const auto good = page("good.png");
    const auto crashes = page("fault-abort-encode.png");
    const auto filed = run({"file", "--json", "--target", archive.string(), good, crashes});
    BOOST_TEST(filed.status.exitedNormally());
    BOOST_TEST(filed.status.code == 1);
    const auto lines = test::jsonLines(filed.out);
    BOOST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[0].contains("file"), lines[0].dump());
    BOOST_TEST(contains(lines[1]["error"], "fault-abort-encode.png"), lines[1].dump());
    BOOST_TEST(contains(lines[1]["error"], "could not be read: the decoder crashed (SIGABRT)"),
               lines[1].dump());
    BOOST_TEST(filesIn(archive) == 1u);
    BOOST_TEST(test::pdfPageCount(lines[0]["file"].get<std::string>()) == 1);
}

BOOST_FIXTURE_TEST_CASE(file_as_tiff_renders_pixels_in_the_worker_too, Fixture) {
    const fs::path archive = home / "archive";
    const auto good = page("good.png");
    const auto crashes = page("fault-segv-raster.png");
    const auto filed =
        run({"file", "--json", "--format", "tiff", "--target", archive.string(), crashes, good});
    BOOST_TEST(filed.status.code == 1);
    const auto lines = test::jsonLines(filed.out);
    BOOST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(contains(lines[0]["error"], "could not be read: the decoder crashed (SIGSEGV)"),
               lines[0].dump());
    BOOST_TEST(lines[1].contains("file"), lines[1].dump());
    BOOST_TEST(filesIn(archive) == 1u);
}

BOOST_FIXTURE_TEST_CASE(watch_moves_what_crashes_to_failed_with_the_reason_and_not_again, Fixture) {
    const fs::path hot = home / "hot";
    const fs::path archive = home / "archive";
    fs::create_directories(hot);
    writePage(hot / "a-good.png", 0);
    writePage(hot / "b-fault-segv-count.png", 1);
    writePage(hot / "c-fault-abort-encode.png", 2);
    writePage(hot / "d-fault-hang-encode.png", 3);
    const std::vector<std::string> watch{"watch",         "--once",   "--settle",       "0.2",       "--json",
                                         "--new-session", "--target", archive.string(), hot.string()};
    const auto first = run(watch);
    BOOST_TEST(first.status.exitedNormally());
    BOOST_TEST(first.status.code == 1);
    const auto lines = fileEvents(first.out);
    BOOST_REQUIRE_MESSAGE(lines.size() == 4u, first.out);
    BOOST_TEST(!lines[0].contains("error"), lines[0].dump());
    BOOST_TEST(fs::exists(hot / "done" / "a-good.png"));
    BOOST_TEST(filesIn(archive) == 1u);
    const std::pair<std::string, std::string> failures[] = {
        {"b-fault-segv-count.png", "could not be read: the decoder crashed (SIGSEGV)"},
        {"c-fault-abort-encode.png", "could not be read: the decoder crashed (SIGABRT)"},
        {"d-fault-hang-encode.png", "could not be read: it took longer than 60 seconds and was stopped"}};
    for (size_t k = 0; k < 3; ++k) {
        const auto& [name, reason] = failures[k];
        BOOST_TEST(contains(lines[k + 1]["error"], reason), lines[k + 1].dump());
        BOOST_TEST(fs::exists(hot / "failed" / name), name);
        std::ifstream note(hot / "failed" / (name + ".error.txt"));
        const std::string text((std::istreambuf_iterator<char>(note)), std::istreambuf_iterator<char>());
        BOOST_TEST(text.find(reason) != std::string::npos, name << ": " << text);
    }
    // Started again (as a station does after a restart): nothing is taken again.
    const auto second =
        run({"watch", "--once", "--settle", "0.2", "--json", "--target", archive.string(), hot.string()});
    BOOST_TEST(second.status.code == 0);
    BOOST_TEST(second.out.empty(), second.out);
    BOOST_TEST(filesIn(hot / "failed") == 6u); // three files and their notes
}
