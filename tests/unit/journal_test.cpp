#define BOOST_TEST_MODULE journal
#include "core/common/Error.h"
#include "core/common/Sha256.h"
#include "core/journal/Session.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sqlite3.h>

using namespace docdesk;
using journal::Session;
namespace fs = std::filesystem;

namespace {

std::vector<std::byte> bytesOf(const std::string& s) {
    std::vector<std::byte> b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

void sql(const fs::path& db, const std::string& statement) {
    sqlite3* h = nullptr;
    BOOST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &err);
    const std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(h);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

struct Fixture {
    test::TempDir root;
    ports::DurableFiles& files = platform::durableFiles();
};

} // namespace

BOOST_FIXTURE_TEST_CASE(pages_survive_reopen_in_order_with_hashes, Fixture) {
    fs::path dir;
    {
        auto s = Session::create(root.path(), files, "Receipts");
        const auto a = s->addOriginal(bytesOf("first original"), "/in/a.png", "image/png", 1);
        const auto b = s->addOriginal(bytesOf("a three page pdf"), "/in/b.pdf", "application/pdf", 3);
        BOOST_TEST(a.size() == 1u);
        BOOST_TEST(b.size() == 3u);
        BOOST_TEST(b[2].sourcePage == 3);
        dir = s->directory();
    }
    auto s = Session::open(dir, files);
    const auto pages = s->pages();
    BOOST_REQUIRE(pages.size() == 4u);
    BOOST_TEST(pages[0].source == "/in/a.png");
    BOOST_TEST(pages[1].sourcePage == 1);
    BOOST_TEST(pages[3].sourcePage == 3);
    BOOST_TEST(pages[0].sha256 == sha256Hex(bytesOf("first original")));
    BOOST_TEST(sha256HexOfFile(pages[1].originalFile) == sha256Hex(bytesOf("a three page pdf")));
    BOOST_TEST(s->summary().name == "Receipts");
    BOOST_TEST(s->summary().pageCount == 4);
    BOOST_TEST(s->verify().empty());
}

BOOST_FIXTURE_TEST_CASE(second_writer_is_refused_with_a_clear_message, Fixture) {
    auto s = Session::create(root.path(), files);
    try {
        Session::open(s->directory(), files);
        BOOST_FAIL("second open should have been refused");
    } catch (const SessionLockedError& e) {
        BOOST_TEST(std::string(e.what()).find("open in another docdesk window") != std::string::npos);
    }
    // Reading while another process writes is fine.
    auto reader = Session::openReadOnly(s->directory());
    BOOST_TEST(reader->pageCount() == 0);
    BOOST_CHECK_THROW(reader->addOriginal(bytesOf("x"), "x", "image/png", 1), JournalError);
}

BOOST_FIXTURE_TEST_CASE(recovery_finishes_complete_writes_and_discards_incomplete_ones, Fixture) {
    fs::path dir;
    {
        auto s = Session::create(root.path(), files);
        s->addOriginal(bytesOf("kept"), "kept.png", "image/png", 1);
        dir = s->directory();
    }
    const std::string complete = "complete but not yet committed";
    const std::string completeSha = sha256Hex(bytesOf(complete));
    test::writeFile(dir / "originals" / "aaaa.pdf", complete);
    test::writeFile(dir / "originals" / "bbbb.png", "half of it"); // hash will not match
    test::writeFile(dir / "originals" / ".tmp-cccc.png-1-2-3", "interrupted temp file");
    sql(dir / "session.sqlite", "INSERT INTO originals(file_name, media_type, byte_size, sha256, source, "
                                "page_count, state, created_at) VALUES"
                                "('aaaa.pdf', 'application/pdf', " +
                                    std::to_string(complete.size()) + ", '" + completeSha +
                                    "', 'c.pdf', 2, 'pending', 'now'),"
                                    "('bbbb.png', 'image/png', 100, '" +
                                    completeSha +
                                    "', 'd.png', 1, 'pending', 'now'),"
                                    "('dddd.png', 'image/png', 5, '" +
                                    completeSha + "', 'e.png', 1, 'pending', 'now');");
    // Pending originals are invisible to readers.
    BOOST_TEST(Session::openReadOnly(dir)->pageCount() == 1);

    auto s = Session::open(dir, files);
    BOOST_TEST(s->recovery().finished == 1);
    BOOST_TEST(s->recovery().discarded == 2);
    const auto pages = s->pages();
    BOOST_REQUIRE(pages.size() == 3u);
    BOOST_TEST(pages[1].source == "c.pdf");
    BOOST_TEST(pages[2].sourcePage == 2);
    BOOST_TEST(!fs::exists(dir / "originals" / "bbbb.png"));
    BOOST_TEST(!fs::exists(dir / "originals" / ".tmp-cccc.png-1-2-3"));
    BOOST_TEST(s->verify().empty());
}

BOOST_FIXTURE_TEST_CASE(edits_are_recorded_and_removal_can_be_undone, Fixture) {
    auto s = Session::create(root.path(), files);
    const auto a = s->addOriginal(bytesOf("A"), "a", "image/png", 1)[0];
    const auto b = s->addOriginal(bytesOf("B"), "b", "image/png", 1)[0];
    const auto c = s->addOriginal(bytesOf("C"), "c", "image/png", 1)[0];
    s->movePage(c.id, 0);
    auto pages = s->pages();
    BOOST_TEST(pages[0].id == c.id);
    BOOST_TEST(pages[1].id == a.id);
    s->removePage(a.id);
    BOOST_TEST(s->pageCount() == 2);
    s->restorePage(a.id);
    BOOST_TEST(s->pageCount() == 3);
    s->setTransforms(b.id, R"({"rotate":90})");
    s->setAnalysis(b.id, R"({"blank":false})");
    pages = s->pages();
    BOOST_TEST(pages[2].transformsJson == R"({"rotate":90})");
    BOOST_TEST(pages[2].analysisJson.value_or("") == R"({"blank":false})");
    // The original bytes are untouched by edits.
    BOOST_TEST(sha256HexOfFile(pages[2].originalFile) == sha256Hex(bytesOf("B")));
}

BOOST_FIXTURE_TEST_CASE(verify_detects_a_changed_original, Fixture) {
    auto s = Session::create(root.path(), files);
    const auto p = s->addOriginal(bytesOf("original bytes"), "a", "image/png", 1)[0];
    {
        std::ofstream out(p.originalFile, std::ios::binary | std::ios::trunc);
        out << "tampered";
    }
    BOOST_TEST(s->verify().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_session_from_a_newer_docdesk_is_refused, Fixture) {
    fs::path dir;
    {
        auto s = Session::create(root.path(), files);
        dir = s->directory();
    }
    sql(dir / "session.sqlite", "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    BOOST_CHECK_THROW(Session::open(dir, files), JournalError);
}

BOOST_FIXTURE_TEST_CASE(a_folder_that_is_not_a_session_is_refused, Fixture) {
    fs::create_directories(root / "empty");
    BOOST_CHECK_THROW(Session::open(root / "empty", files), JournalError);
    BOOST_CHECK_THROW(Session::openReadOnly(root / "empty"), JournalError);
}

BOOST_FIXTURE_TEST_CASE(sessions_are_listed_newest_first_and_damaged_ones_flagged, Fixture) {
    auto first = Session::create(root.path(), files);
    first->addOriginal(bytesOf("x"), "x", "image/png", 1);
    first.reset();
    auto second = Session::create(root.path(), files);
    second.reset();
    fs::create_directories(root / "00000000-broken");
    test::writeFile(root / "00000000-broken" / "session.sqlite",
                    "this is not sqlite at all, just text......");
    const auto all = journal::listSessions(root.path());
    BOOST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[0].id > all[1].id);
    BOOST_TEST(all[2].pageCount == -1);
}

BOOST_FIXTURE_TEST_CASE(write_failure_leaves_no_trace, Fixture) {
    auto s = Session::create(root.path(), files);
    s->addOriginal(bytesOf("ok"), "ok", "image/png", 1);
    // Make the originals folder unwritable (skipped as root, who may write anyway).
    const auto originals = s->directory() / "originals";
    fs::permissions(originals, fs::perms::owner_read | fs::perms::owner_exec);
    const bool enforced = !std::ofstream(originals / "probe");
    if (enforced) {
        BOOST_CHECK_THROW(s->addOriginal(bytesOf("fails"), "f", "image/png", 1), JournalError);
        BOOST_TEST(s->pageCount() == 1);
    }
    fs::permissions(originals, fs::perms::owner_all);
    std::error_code ec;
    fs::remove(originals / "probe", ec);
    BOOST_TEST(s->verify().empty());
}

// Bytes handed over in pieces (a large file copied in chunks) are stored exactly, with the hash
// of all of them; a source that fails half-way leaves nothing: no page, no row, no temp file.
BOOST_FIXTURE_TEST_CASE(original_from_pieces_is_stored_exactly_or_not_at_all, Fixture) {
    std::string content;
    for (int i = 0; i < 300000; ++i)
        content += char('a' + i % 23);
    const auto all = bytesOf(content);
    auto s = Session::create(root.path(), files);
    size_t at = 0, calls = 0;
    const ports::DurableFiles::ByteSource pieces = [&](std::span<std::byte> buffer) {
        const size_t n = std::min({buffer.size(), all.size() - at, size_t(70001)}); // odd piece sizes
        std::memcpy(buffer.data(), all.data() + at, n);
        at += n;
        ++calls;
        return n;
    };
    const auto pages = s->addOriginal(pieces, "/in/notes.txt", "text/plain", 1);
    BOOST_REQUIRE(pages.size() == 1u);
    BOOST_TEST(calls > 4u);
    BOOST_TEST(pages[0].sha256 == sha256Hex(all));
    BOOST_TEST(pages[0].byteSize == all.size());
    BOOST_TEST(sha256HexOfFile(pages[0].originalFile) == sha256Hex(all));

    int served = 0;
    const ports::DurableFiles::ByteSource failing = [&](std::span<std::byte> buffer) -> size_t {
        if (++served > 2)
            throw UnreadableFileError("the source went away");
        std::fill(buffer.begin(), buffer.end(), std::byte{'x'});
        return buffer.size();
    };
    BOOST_CHECK_THROW(s->addOriginal(failing, "/in/gone.bin", "application/octet-stream", 1),
                      UnreadableFileError);
    BOOST_TEST(s->pageCount() == 1);
    size_t stored = 0;
    for (const auto& e : fs::directory_iterator(s->directory() / Session::kOriginalsDir)) {
        BOOST_TEST(!e.path().filename().string().starts_with(".tmp-"), e.path());
        ++stored;
    }
    BOOST_TEST(stored == 1u);
    BOOST_TEST(s->verify().empty());
}

BOOST_FIXTURE_TEST_CASE(stored_analysis_cuts_a_page_into_pages_of_the_same_original_page_in_place, Fixture) {
    fs::path dir;
    {
        auto s = Session::create(root.path(), files);
        s->addOriginal(bytesOf("before"), "/in/a.png", "image/png", 1);
        const auto scan = s->addOriginal(bytesOf("three receipts"), "/in/scan.png", "image/png", 1);
        s->addOriginal(bytesOf("after"), "/in/c.png", "image/png", 1);
        const std::vector<std::string> pieces{R"({"crop":[[0,0],[9,0],[9,9],[0,9]]})",
                                              R"({"crop":[[20,0],[29,0],[29,9],[20,9]]})",
                                              R"({"crop":[[40,0],[49,0],[49,9],[40,9]]})"};
        const auto cut = s->storeAnalysis(scan[0].id, R"({"width":50})", pieces);
        BOOST_REQUIRE(cut.size() == 3u);
        BOOST_TEST(cut[0].id == scan[0].id);
        for (size_t k = 0; k < 3; ++k) {
            BOOST_TEST(cut[k].transformsJson == pieces[k]);
            BOOST_TEST(cut[k].originalId == scan[0].originalId);
            BOOST_TEST(cut[k].sourcePage == 1);
            BOOST_TEST(cut[k].analysisJson.value_or("") == R"({"width":50})");
        }
        // A page that stays one page only gets its analysis and edits.
        const auto one = s->storeAnalysis(s->pages()[0].id, R"({"width":1})",
                                          std::vector<std::string>{R"({"deskew":1.5})"});
        BOOST_REQUIRE(one.size() == 1u);
        BOOST_TEST(one[0].transformsJson == R"({"deskew":1.5})");
        dir = s->directory();
    }
    const auto pages = Session::open(dir, files)->pages();
    BOOST_REQUIRE(pages.size() == 5u);
    BOOST_TEST(pages[0].source == "/in/a.png");
    for (size_t k = 1; k <= 3; ++k)
        BOOST_TEST(pages[k].source == "/in/scan.png");
    BOOST_TEST(pages[2].transformsJson == R"({"crop":[[20,0],[29,0],[29,9],[20,9]]})");
    BOOST_TEST(pages[4].source == "/in/c.png");
}

// --- filing state (issue 19) ---

namespace {

std::string plannedJson(const std::vector<std::pair<fs::path, std::string>>& files) {
    std::string j = "[";
    for (const auto& [path, content] : files) {
        if (j.size() > 1)
            j += ",";
        j += "{\"path\":\"" + path.string() + "\",\"bytes\":" + std::to_string(content.size()) +
             ",\"sha256\":\"" + sha256Hex(bytesOf(content)) + "\"}";
    }
    return j + "]";
}

void writeFile(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(filing_is_recorded_with_pages_fields_and_place, Fixture) {
    auto s = Session::create(root.path(), files);
    const auto pages = s->addOriginal(bytesOf("three pages"), "/in/scan.pdf", "application/pdf", 3);
    const std::vector<std::int64_t> doc{pages[0].id, pages[1].id};
    const auto id = s->beginFiling(doc, "Invoice", R"({"asn":"0042"})", "/archive");
    BOOST_TEST(!s->filingOf(doc).has_value()); // being filed is not filed
    s->planFilingFiles(id, "/archive/Invoice.pdf", plannedJson({{"/archive/Invoice.pdf", "pdf"}}));
    s->finishFiling(id, "/archive/Invoice.pdf", plannedJson({{"/archive/Invoice.pdf", "pdf"}}));
    const std::vector<std::int64_t> reversed{pages[1].id, pages[0].id};
    const auto found = s->filingOf(reversed);
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->location == "/archive/Invoice.pdf");
    BOOST_TEST(found->fieldsJson == R"({"asn":"0042"})");
    BOOST_TEST(!found->filedAt.empty());
    BOOST_TEST((found->pageIds == doc));
    const std::vector<std::int64_t> onlyFirst{pages[0].id};
    BOOST_TEST(!s->filingOf(onlyFirst).has_value()); // another set of pages is another document
    BOOST_TEST((s->filedPageIds() == doc));
    const std::vector<std::int64_t> last{pages[2].id};
    s->abandonFiling(s->beginFiling(last, "Letter", "{}", "/archive"));
    BOOST_TEST(!s->filingOf(last).has_value());
    BOOST_TEST(s->filings().size() == 1u);
    s.reset();
    const auto dir = journal::sessionDirectories(root.path()).front();
    BOOST_TEST(Session::openReadOnly(dir)->filings().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(filing_killed_after_its_files_were_placed_counts_as_filed_on_open, Fixture) {
    const fs::path archive = root / "archive";
    fs::create_directories(archive);
    fs::path dir;
    std::vector<std::int64_t> doc;
    {
        auto s = Session::create(root.path() / "sessions", files);
        dir = s->directory();
        doc = {s->addOriginal(bytesOf("page"), "/in/a.png", "image/png", 1).front().id};
        const auto id = s->beginFiling(doc, "A", "{}", archive.string());
        s->planFilingFiles(id, (archive / "A.pdf").string(),
                           plannedJson({{archive / "A.pdf", "the pdf"}, {archive / "A.pdf.json", "{}"}}));
        writeFile(archive / "A.pdf", "the pdf");
        writeFile(archive / "A.pdf.json", "{}");
        // killed here: placed, not yet recorded as filed
    }
    auto s = Session::open(dir, files);
    BOOST_TEST(s->recovery().filingsFinished == 1);
    const auto found = s->filingOf(doc);
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->location == (archive / "A.pdf").string());
    BOOST_TEST(fs::exists(archive / "A.pdf"));
}

BOOST_FIXTURE_TEST_CASE(filing_killed_while_placing_is_undone_on_open, Fixture) {
    const fs::path archive = root / "archive";
    fs::create_directories(archive);
    writeFile(archive / "Other.pdf", "not ours");
    fs::path dir;
    std::vector<std::int64_t> doc;
    {
        auto s = Session::create(root.path() / "sessions", files);
        dir = s->directory();
        doc = {s->addOriginal(bytesOf("page"), "/in/a.png", "image/png", 1).front().id};
        const auto id = s->beginFiling(doc, "B", "{}", archive.string());
        s->planFilingFiles(id, (archive / "B-001.jpg").string(),
                           plannedJson({{archive / "B-001.jpg", "one"},
                                        {archive / "B-002.jpg", "two"},
                                        {archive / "Other.pdf", "ours"}}));
        writeFile(archive / "B-001.jpg", "one");                  // placed
        writeFile(archive / ".tmp-B-002.jpg-4f2a", "half of tw"); // being written
        // killed here
        const std::vector<std::int64_t> nothing{
            s->addOriginal(bytesOf("p2"), "/in/b.png", "image/png", 1).front().id};
        s->beginFiling(nothing, "C", "{}", archive.string()); // killed before any file was planned
    }
    auto s = Session::open(dir, files);
    BOOST_TEST(s->recovery().filingsUndone == 2);
    BOOST_TEST(!s->filingOf(doc).has_value());
    BOOST_TEST(!fs::exists(archive / "B-001.jpg"));
    BOOST_TEST(!fs::exists(archive / ".tmp-B-002.jpg-4f2a"));
    BOOST_TEST(fs::exists(archive / "Other.pdf")); // another file under a planned name stays
    BOOST_TEST(s->filings().empty());
}

BOOST_FIXTURE_TEST_CASE(format_1_session_gets_the_filing_tables, Fixture) {
    fs::path dir;
    {
        auto s = Session::create(root.path(), files);
        dir = s->directory();
        s->addOriginal(bytesOf("page"), "/in/a.png", "image/png", 1);
    }
    sql(dir / Session::kIndexFile,
        "DROP TABLE document_pages; DROP TABLE documents; "
        "CREATE TABLE documents(id INTEGER PRIMARY KEY, position INTEGER NOT NULL, title TEXT, "
        "fields TEXT NOT NULL DEFAULT '{}', starts_because TEXT); "
        "CREATE TABLE document_pages(document_id INTEGER NOT NULL, page_id INTEGER NOT NULL, "
        "position INTEGER NOT NULL, PRIMARY KEY(document_id, page_id)); "
        "UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    auto s = Session::open(dir, files);
    const std::vector<std::int64_t> doc{s->pages().front().id};
    s->finishFiling(s->beginFiling(doc, "A", "{}", "/archive"), "/archive/A.pdf", "[]");
    BOOST_TEST(s->filingOf(doc).has_value());
    BOOST_TEST(s->pageCount() == 1);
}

BOOST_FIXTURE_TEST_CASE(a_filing_whose_record_could_not_be_finished_is_settled_while_open, Fixture) {
    const fs::path archive = root / "archive";
    fs::create_directories(archive);
    auto s = Session::create(root.path() / "sessions", files);
    const std::vector<std::int64_t> doc{
        s->addOriginal(bytesOf("page"), "/in/a.png", "image/png", 1).front().id};
    const auto id = s->beginFiling(doc, "A", "{}", archive.string());
    s->planFilingFiles(id, (archive / "A.pdf").string(), plannedJson({{archive / "A.pdf", "the pdf"}}));
    writeFile(archive / "A.pdf", "the pdf"); // placed; finishing the record failed (say, a full disk)
    BOOST_TEST(!s->filingOf(doc).has_value());
    s->settleFilings();
    BOOST_TEST(s->filingOf(doc).has_value());
    BOOST_TEST(s->recovery().filingsFinished == 1);
}

BOOST_FIXTURE_TEST_CASE(pages_with_ids_reads_only_those_pages_as_pages_does, Fixture) {
    auto s = Session::create(root.path(), files);
    const auto first = s->addOriginal(bytesOf("first"), "/in/a.pdf", "application/pdf", 2);
    const auto second = s->addOriginal(bytesOf("second"), "/in/b.pdf", "application/pdf", 3);
    s->removePage(second[1].id);
    const auto all = s->pages();
    // Asked out of order, twice, with a removed page and one that does not exist.
    const std::vector<std::int64_t> wanted{second[2].id, first[0].id, second[1].id, second[2].id, 999999};
    const auto some = s->pagesWithIds(wanted);
    BOOST_REQUIRE(some.size() == 2u);
    BOOST_TEST(some[0].id == first[0].id); // session order
    BOOST_TEST(some[1].id == second[2].id);
    for (const auto& p : some) {
        const auto same =
            std::find_if(all.begin(), all.end(), [&](const PageRecord& q) { return q.id == p.id; });
        BOOST_REQUIRE(same != all.end());
        BOOST_TEST(p.originalFile == same->originalFile);
        BOOST_TEST(p.sha256 == same->sha256);
        BOOST_TEST(p.sourcePage == same->sourcePage);
        BOOST_TEST(p.transformsJson == same->transformsJson);
        BOOST_TEST(p.source == same->source);
    }
    BOOST_TEST(s->pagesWithIds({}).empty());
}
