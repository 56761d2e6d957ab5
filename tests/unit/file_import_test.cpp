#define BOOST_TEST_MODULE file_import
#include "app/common/AppEnvironment.h"
#include "capture/PageSources.h"
#include "capture/files/FileImporter.h"
#include "core/common/Sha256.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <opencv2/imgcodecs.hpp>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

// Imports `paths` as the window and `docdesk-cli import` do: the factory's files source, into
// the session's sink. Returns how many pages the source says it stored.
int importThroughSource(journal::Session& session, const std::vector<fs::path>& paths, std::stop_token stop,
                        std::function<void(const capture::ImportOutcome&, size_t, size_t)> onFile) {
    capture::AcquireSettings settings;
    settings.files.countPages = capture::countPagesInThisProcess;
    settings.files.onFile = std::move(onFile);
    capture::JournalPageSink sink(session);
    return capture::makePageSource(capture::SourceKind::Files, {paths, {}})
        ->acquire(settings, stop, sink)
        .pages;
}

} // namespace

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
    const int stored = importThroughSource(*session, {dir / "in"}, {},
                                           [&](const capture::ImportOutcome& o, size_t done, size_t total) {
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
    BOOST_TEST(stored == 5);
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
    capture::JournalPageSink sink(*session);
    for (size_t i = 0; i < files.size(); ++i) {
        test::writeFile(dir / files[i].first, files[i].second);
        const auto outcome =
            capture::importFile(sink, dir / files[i].first, capture::countPagesInThisProcess);
        BOOST_REQUIRE(outcome.ok());
        BOOST_REQUIRE(outcome.pages.size() == 1u);
        const auto& page = outcome.pages.front();
        BOOST_TEST(page.mediaType == expected[i], files[i].first << ": " << page.mediaType);
        BOOST_TEST(page.isPassThrough());
        BOOST_TEST(sha256HexOfFile(page.originalFile) == sha256HexOfFile(dir / files[i].first));
    }
    // A file that claims to be an image but is damaged stays an error: its pages are expected.
    test::writeFile(dir / "broken.jpg", std::string("\xFF\xD8\xFF\xE0 truncated", 14));
    BOOST_TEST(!capture::importFile(sink, dir / "broken.jpg", capture::countPagesInThisProcess).ok());
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
    importThroughSource(*session, files, stop.get_token(),
                        [&](const capture::ImportOutcome&, size_t done, size_t) {
                            ++seen;
                            if (done == 2)
                                stop.request_stop();
                        });
    BOOST_TEST(seen == 2);
    BOOST_TEST(session->pageCount() == 2);
}

BOOST_AUTO_TEST_CASE(twenty_kinds_of_files_each_become_the_right_kind_of_entry) {
    test::TempDir dir;
    const fs::path in = dir / "dropped";
    fs::create_directories(in);
    // Pages: the image formats and PDF.
    test::writeTestImage(in / "a.jpg", 80, 100, 10, 20, 30);
    test::writeTestImage(in / "b.png", 80, 100, 10, 20, 30);
    docdesk::app::useImageCodecPlugin(); // BMP and WebP come through the plugin, as in the programs
    test::writeTestImage(in / "c.bmp", 80, 100, 10, 20, 30);
    test::writeTestImage(in / "d.webp", 80, 100, 10, 20, 30);
    std::vector<cv::Mat> two(2, cv::Mat(60, 40, CV_8UC1, cv::Scalar(90)));
    BOOST_REQUIRE(cv::imwritemulti((in / "e.tif").string(), two));
    test::writeFile(in / "f.pdf", test::minimalPdf(3));
    // Pass-through documents, typed from content.
    const std::map<std::string, std::pair<std::string, std::string>> documents = {
        {"g.docx",
         {zipStartingWith("[Content_Types].xml", "PK word/document.xml"),
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}},
        {"h.xlsx",
         {zipStartingWith("[Content_Types].xml", "PK xl/workbook.xml"),
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
        {"i.pptx",
         {zipStartingWith("[Content_Types].xml", "PK ppt/presentation.xml"),
          "application/vnd.openxmlformats-officedocument.presentationml.presentation"}},
        {"j.ods",
         {zipStartingWith("mimetype", "application/vnd.oasis.opendocument.spreadsheetPK"),
          "application/vnd.oasis.opendocument.spreadsheet"}},
        {"k.zip", {zipStartingWith("photos/1.txt"), "application/zip"}},
        {"l.msg",
         {std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(64, '\0'),
          "application/vnd.ms-outlook"}},
        {"m.eml", {"From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nbody", "message/rfc822"}},
        {"n.rtf", {"{\\rtf1\\ansi hello}", "application/rtf"}},
        {"o.xml", {"<?xml version=\"1.0\"?><invoice/>", "application/xml"}},
        {"p.gz", {std::string("\x1F\x8B\x08\x00", 4) + std::string(16, '\0'), "application/gzip"}},
        {"q.gif", {"GIF89a" + std::string(20, '\0'), "image/gif"}},
        {"README", {"no extension at all\n", "text/plain"}},
        {"s.csv", {"date;amount\n2026-11-23;12.50\n", "text/csv"}},
        {"t", {std::string("\x00\x10\x20\x30", 4), "application/octet-stream"}},
    };
    for (const auto& [name, content] : documents)
        test::writeFile(in / name, content.first);

    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    const auto files = capture::expandInputs({in}); // dropped as one folder
    BOOST_REQUIRE(files.size() == 20u);
    importThroughSource(*session, {in}, {}, [](const capture::ImportOutcome& o, size_t, size_t) {
        BOOST_TEST(o.ok(), o.file << ": " << o.error);
    });
    std::map<std::string, std::vector<PageRecord>> byName;
    for (const auto& p : session->pages()) {
        byName[fs::path(p.source).filename().string()].push_back(p);
        BOOST_TEST(sha256HexOfFile(p.originalFile) == sha256HexOfFile(p.source)); // bytes unchanged
    }
    BOOST_TEST(byName.size() == 20u);
    for (const char* image : {"a.jpg", "b.png", "c.bmp", "d.webp"}) {
        BOOST_REQUIRE(byName[image].size() == 1u);
        BOOST_TEST(!byName[image].front().isPassThrough(), image);
    }
    BOOST_TEST(byName["e.tif"].size() == 2u);
    BOOST_TEST(byName["f.pdf"].size() == 3u);
    for (const auto& [name, content] : documents) {
        BOOST_REQUIRE(byName[name].size() == 1u);
        BOOST_TEST(byName[name].front().isPassThrough(), name);
        BOOST_TEST(byName[name].front().mediaType == content.second,
                   name << ": " << byName[name].front().mediaType);
    }
}

BOOST_AUTO_TEST_CASE(with_reuse_a_file_the_session_holds_brings_its_earlier_pages) {
    // `docdesk-cli file` run again after an interruption: what is stored is not stored twice.
    test::TempDir dir;
    test::writeFile(dir / "two.pdf", test::minimalPdf(2));
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    capture::AcquireSettings settings;
    settings.files.countPages = capture::countPagesInThisProcess;
    settings.files.reuseStored = true;
    std::vector<capture::ImportOutcome> outcomes;
    settings.files.onFile = [&](const capture::ImportOutcome& o, size_t, size_t) { outcomes.push_back(o); };
    capture::JournalPageSink sink(*session);
    const auto source = capture::makePageSource(capture::SourceKind::Files, {{dir / "two.pdf"}, {}});
    BOOST_TEST(source->acquire(settings, {}, sink).pages == 2);
    BOOST_TEST(source->acquire(settings, {}, sink).pages == 0); // nothing stored again
    BOOST_REQUIRE(outcomes.size() == 2u);
    BOOST_REQUIRE(outcomes[1].pages.size() == 2u);
    BOOST_TEST(outcomes[1].pages[0].id == outcomes[0].pages[0].id);
    BOOST_TEST(outcomes[1].pages[1].id == outcomes[0].pages[1].id);
    BOOST_TEST(session->pageCount() == 2);
    BOOST_TEST(sink.storedPages() == 2u); // the second run stored nothing
}

// Only a file as long as a kept original is hashed to ask whether it is one: a file of the same
// length with other bytes is still stored as new, and one of another length is not read first.
BOOST_AUTO_TEST_CASE(with_reuse_only_files_of_a_kept_originals_length_are_compared) {
    test::TempDir dir;
    std::string pdf = test::minimalPdf(1);
    test::writeFile(dir / "one.pdf", pdf);
    std::string other = pdf;
    other.replace(other.find("%PDF-1."), 8, "%PDF-1.7"); // the same length, other bytes
    BOOST_REQUIRE(other != pdf);
    test::writeFile(dir / "same-length.pdf", other);
    test::writeFile(dir / "longer.pdf", test::minimalPdf(2));
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    capture::AcquireSettings settings;
    settings.files.countPages = capture::countPagesInThisProcess;
    settings.files.reuseStored = true;
    capture::JournalPageSink sink(*session);
    BOOST_TEST(!sink.mayHoldOriginalOfSize(pdf.size()));
    auto import = [&](const char* name) {
        return capture::makePageSource(capture::SourceKind::Files, {{dir / name}, {}})
            ->acquire(settings, {}, sink)
            .pages;
    };
    BOOST_TEST(import("one.pdf") == 1);
    BOOST_TEST(sink.mayHoldOriginalOfSize(pdf.size()));
    BOOST_TEST(!sink.mayHoldOriginalOfSize(pdf.size() + 1));
    BOOST_TEST(import("same-length.pdf") == 1); // compared by its bytes: new
    BOOST_TEST(import("longer.pdf") == 2);
    BOOST_TEST(import("one.pdf") == 0); // kept before
    BOOST_TEST(session->pageCount() == 4);
}
