#define BOOST_TEST_MODULE filing
// `docdesk-cli file` end to end on a generated batch: pages with a separator sheet and ASN
// labels become three PDFs in the archive with their JPEG pages embedded byte for byte; a text
// file is placed as it is; filing again never overwrites; an unusable target is a clear error
// and the session keeps every page.
#include "core/common/Sha256.h"
#include "platform/ChildProcess.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

using namespace docdesk;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using test::jsonLines;

test::CliRun cli(const fs::path& home, const std::vector<std::string>& args) {
    return test::runCli(home, args);
}

void writePage(const fs::path& file, int number, const std::string& code = {},
               const std::string& format = "QRCode") {
    test::writeBatchPage(file, number, code, format);
}

int pdfPages(const fs::path& pdf) {
    return test::pdfPageCount(pdf);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_batch_is_split_named_and_filed_and_filing_again_overwrites_nothing) {
    test::TempDir home;
    const fs::path in = home.path() / "batch";
    fs::create_directories(in);
    writePage(in / "01.jpg", 1);
    writePage(in / "02.jpg", 2, "PATCHT", "Code128");
    writePage(in / "03.jpg", 3, "ASN000042");
    writePage(in / "04.jpg", 4);
    writePage(in / "05.jpg", 5, "ASN000043");
    writePage(in / "06.jpg", 6);
    test::writeFile(in / "07-notes.txt", "filed as it is\n");
    const fs::path archive = home.path() / "archive";

    const auto first = cli(home.path(), {"file", "--json", "--target", archive.string(), "--name",
                                         "{field:asn|no-asn}", in.string()});
    BOOST_TEST(first.status.code == 0);
    const auto docs = jsonLines(first.out);
    BOOST_REQUIRE(docs.size() == 4u);
    BOOST_TEST(fs::path(docs[0]["file"].get<std::string>()).filename() == "no-asn.pdf");
    BOOST_TEST(docs[0]["pages"] == 1);
    BOOST_TEST(fs::path(docs[1]["file"].get<std::string>()).filename() == "42.pdf");
    BOOST_TEST(docs[1]["pages"] == 2);
    BOOST_TEST(docs[1]["fields"]["asn"] == "42");
    BOOST_TEST(fs::path(docs[2]["file"].get<std::string>()).filename() == "43.pdf");
    BOOST_TEST(docs[2]["pages"] == 2);
    BOOST_TEST(fs::path(docs[3]["file"].get<std::string>()).filename() == "07-notes.txt");
    BOOST_TEST(sha256HexOfFile(archive / "07-notes.txt") == sha256HexOfFile(in / "07-notes.txt"));
    BOOST_TEST(pdfPages(archive / "42.pdf") == 2);
    for (const auto& d : docs)
        BOOST_TEST(sha256HexOfFile(d["file"].get<std::string>()) == d["sha256"].get<std::string>());

    // The JPEG pages are inside the PDF unchanged: pdfimages gets back the very same bytes.
    const fs::path extracted = home.path() / "extracted";
    fs::create_directories(extracted);
    platform::ChildOptions quiet;
    quiet.discardStdout = true;
    quiet.discardStderr = true;
    platform::ChildProcess images(
        {"pdfimages", "-all", (archive / "42.pdf").string(), (extracted / "img").string()}, quiet);
    BOOST_REQUIRE(images.wait().success());
    BOOST_TEST(sha256HexOfFile(extracted / "img-000.jpg") == sha256HexOfFile(in / "03.jpg"));
    BOOST_TEST(sha256HexOfFile(extracted / "img-001.jpg") == sha256HexOfFile(in / "04.jpg"));

    // Filing the same batch again: new names beside the old, nothing overwritten.
    const std::string before = sha256HexOfFile(archive / "42.pdf");
    const auto second = cli(home.path(), {"file", "--json", "--target", archive.string(), "--name",
                                          "{field:asn|no-asn}", in.string()});
    BOOST_TEST(second.status.code == 0);
    BOOST_TEST(fs::exists(archive / "42 (2).pdf"));
    BOOST_TEST(fs::exists(archive / "07-notes (2).txt"));
    BOOST_TEST(sha256HexOfFile(archive / "42.pdf") == before);
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(archive))
        ++files;
    BOOST_TEST(files == 8u);
}

BOOST_AUTO_TEST_CASE(an_unusable_target_is_a_clear_error_and_the_session_keeps_the_pages) {
    test::TempDir home;
    writePage(home / "page.jpg", 1);
    test::writeFile(home / "not-a-folder", "a file where the archive folder should be");
    const auto run = cli(home.path(), {"file", "--json", "--target", (home / "not-a-folder").string(),
                                       (home / "page.jpg").string()});
    BOOST_TEST(run.status.code == 1);
    const auto lines = jsonLines(run.out);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].contains("error"));
    BOOST_TEST(lines[0]["error"].get<std::string>().find("not-a-folder") != std::string::npos);
    // The page is in the session, and can be filed from there once the target is fixed.
    const auto show = json::parse(cli(home.path(), {"session", "show", "--json"}).out);
    BOOST_REQUIRE(show["pages"].size() == 1u);
    const auto again = cli(home.path(), {"file", "--json", "--target", (home / "archive").string(),
                                         "--session", show["id"].get<std::string>()});
    BOOST_TEST(again.status.code == 0);
    BOOST_TEST(jsonLines(again.out).size() == 1u);
    BOOST_TEST(cli(home.path(), {"file", "--target", (home / "archive").string()}).status.code == 2);
}

BOOST_AUTO_TEST_CASE(a_hot_folder_with_a_target_files_each_batch_before_moving_it_to_done) {
    test::TempDir home;
    const fs::path hot = home.path() / "hot", archive = home.path() / "archive";
    fs::create_directories(hot);
    // A scanner's batch as one multi-page TIFF: page, separator, page.
    const fs::path pages = home.path() / "pages";
    fs::create_directories(pages);
    writePage(pages / "1.jpg", 1);
    writePage(pages / "2.jpg", 2, "PATCHT", "Code128");
    writePage(pages / "3.jpg", 3);
    std::vector<cv::Mat> tiff;
    for (const char* name : {"1.jpg", "2.jpg", "3.jpg"})
        tiff.push_back(cv::imread((pages / name).string(), cv::IMREAD_GRAYSCALE));
    BOOST_REQUIRE(cv::imwritemulti((home.path() / "batch.tif").string(), tiff));
    fs::rename(home.path() / "batch.tif", hot / "batch.tif");
    const auto run = cli(home.path(), {"watch", "--once", "--settle", "0.2", "--json", "--target",
                                       archive.string(), "--name", "letter", hot.string()});
    BOOST_TEST(run.status.code == 0);
    BOOST_TEST(fs::exists(hot / "done" / "batch.tif"));
    BOOST_TEST(fs::exists(archive / "letter.pdf"));
    BOOST_TEST(fs::exists(archive / "letter (2).pdf"));
    BOOST_TEST(pdfPages(archive / "letter.pdf") == 1);
    // Filing that fails leaves the file in failed/ with the reason; its pages stay in the session.
    test::writeFile(home.path() / "blocked", "a file where the archive should be");
    writePage(home.path() / "late.jpg", 4);
    fs::rename(home.path() / "late.jpg", hot / "late.jpg");
    const auto blocked = cli(home.path(), {"watch", "--once", "--settle", "0.2", "--json", "--target",
                                           (home.path() / "blocked").string(), hot.string()});
    BOOST_TEST(blocked.status.code == 1);
    BOOST_TEST(fs::exists(hot / "failed" / "late.jpg"));
    BOOST_TEST(fs::exists(hot / "failed" / "late.jpg.error.txt"));
}
