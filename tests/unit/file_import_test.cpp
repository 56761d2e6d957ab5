#define BOOST_TEST_MODULE file_import
#include "capture/files/FileImporter.h"
#include "core/common/Sha256.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>

using namespace docdesk;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(images_and_pdfs_become_pages_bad_files_become_errors) {
    test::TempDir dir;
    fs::create_directories(dir / "in" / "sub");
    fs::create_directories(dir / "in" / ".hidden");
    test::writeTestImage(dir / "in" / "a.png", 100, 140, 0, 0, 255);
    test::writeTestImage(dir / "in" / "sub" / "b.jpg", 100, 140, 0, 255, 0);
    test::writeFile(dir / "in" / "c.pdf", test::minimalPdf(2));
    test::writeFile(dir / "in" / "notes.txt", "just text");
    test::writeFile(dir / "in" / "empty.png", "");
    test::writeFile(dir / "in" / ".hidden" / "x.png", "ignored");

    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    const auto files = capture::expandInputs({dir / "in"});
    BOOST_REQUIRE(files.size() == 5u); // hidden folder skipped
    std::vector<capture::ImportOutcome> outcomes;
    capture::importFiles(*session, files, {}, [&](const capture::ImportOutcome& o, size_t done, size_t total) {
        BOOST_TEST(done <= total);
        outcomes.push_back(o);
    });
    BOOST_REQUIRE(outcomes.size() == 5u);
    int failed = 0;
    for (const auto& o : outcomes)
        failed += o.ok() ? 0 : 1;
    BOOST_TEST(failed == 1); // the empty file
    const auto pages = session->pages();
    BOOST_REQUIRE(pages.size() == 5u); // a.png, c.pdf (2), notes.txt (as it is), b.jpg
    for (const auto& p : pages)
        BOOST_TEST(sha256HexOfFile(p.originalFile) == sha256HexOfFile(p.source));
    BOOST_TEST(pages[3].isPassThrough());
    BOOST_TEST(pages[3].mediaType == "text/plain");
    BOOST_TEST(pages[3].originalFile.extension() == ".txt");
    BOOST_TEST(!pages[0].isPassThrough());
}

namespace {

// A ZIP local file header naming `entry` (enough for content detection), then filler.
std::string zipStartingWith(const std::string& entry, const std::string& more = {}) {
    std::string z("PK\x03\x04", 4);
    z += std::string(22, '\0');
    z += char(entry.size());
    z += '\0';
    z += std::string(2, '\0');
    z += entry + more;
    return z;
}

} // namespace

BOOST_AUTO_TEST_CASE(other_files_are_kept_byte_for_byte_with_their_type_from_content) {
    test::TempDir dir;
    // Content decides; the name only refines what content cannot tell.
    const std::vector<std::pair<std::string, std::string>> files = {
        {"letter.docx", zipStartingWith("[Content_Types].xml", "PK word/document.xml")},
        {"budget.bin", zipStartingWith("[Content_Types].xml", "PK xl/workbook.xml")},
        {"minutes.odt", zipStartingWith("mimetype", "application/vnd.oasis.opendocument.textPK")},
        {"archive.zip", zipStartingWith("readme.txt")},
        {"old.doc", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0')},
        {"mail.txt", "Received: from mx\nFrom: a@example.org\nSubject: invoice\n\nbody\n"},
        {"page.htm", "<!DOCTYPE html><html></html>"},
        {"data.csv", "a,b\n1,2\n"},
        {"blob.dat", std::string("\x00\x01\x02\xFF\xFE", 5)},
    };
    const std::vector<std::string> expected = {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/zip",
        "application/msword",
        "message/rfc822",
        "text/html",
        "text/csv",
        "application/octet-stream",
    };
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    for (size_t i = 0; i < files.size(); ++i) {
        test::writeFile(dir / files[i].first, files[i].second);
        const auto outcome = capture::importFile(*session, dir / files[i].first);
        BOOST_REQUIRE(outcome.ok());
        BOOST_REQUIRE(outcome.pages.size() == 1u);
        const auto& page = outcome.pages.front();
        BOOST_TEST(page.mediaType == expected[i], files[i].first << ": " << page.mediaType);
        BOOST_TEST(page.isPassThrough());
        BOOST_TEST(sha256HexOfFile(page.originalFile) == sha256HexOfFile(dir / files[i].first));
    }
    // A file that claims to be an image but is damaged stays an error: its pages are expected.
    test::writeFile(dir / "broken.jpg", std::string("\xFF\xD8\xFF\xE0 truncated", 14));
    BOOST_TEST(!capture::importFile(*session, dir / "broken.jpg").ok());
    BOOST_TEST(session->verify().empty());
}

BOOST_AUTO_TEST_CASE(a_stop_request_ends_the_import_between_files) {
    test::TempDir dir;
    std::vector<fs::path> files;
    for (int i = 0; i < 5; ++i) {
        files.push_back(dir / ("p" + std::to_string(i) + ".png"));
        test::writeTestImage(files.back(), 50, 70, 0, 0, 200);
    }
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    std::stop_source stop;
    int seen = 0;
    capture::importFiles(*session, files, stop.get_token(), [&](const capture::ImportOutcome&, size_t done, size_t) {
        ++seen;
        if (done == 2)
            stop.request_stop();
    });
    BOOST_TEST(seen == 2);
    BOOST_TEST(session->pageCount() == 2);
}
