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
    BOOST_TEST(failed == 2);
    const auto pages = session->pages();
    BOOST_TEST(pages.size() == 4u); // a.png, c.pdf (2), b.jpg
    for (const auto& p : pages)
        BOOST_TEST(sha256HexOfFile(p.originalFile) == sha256HexOfFile(p.source));
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
