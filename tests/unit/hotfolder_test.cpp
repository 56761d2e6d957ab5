#define BOOST_TEST_MODULE hotfolder
// The hot folder against the real file system and inotify: files are taken only when
// complete, moved aside afterwards, and nothing is lost or deleted.
#include "capture/PageSources.h"
#include "core/common/Error.h"
#include "core/common/Sha256.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <mutex>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(once_takes_what_is_there_and_leaves_temporary_and_hidden_files) {
    test::TempDir dir;
    const fs::path hot = dir / "hot";
    fs::create_directories(hot / capture::HotFolder::kDoneDir);
    test::writeTestImage(hot / "001.png", 120, 160, 0, 0, 255);
    test::writeTestImage(hot / "002.jpg", 120, 160, 0, 255, 0);
    test::writeTestImage(hot / capture::HotFolder::kDoneDir / "001.png", 10, 10, 0, 0,
                         0); // an earlier 001.png
    test::writeFile(hot / "003.jpg", std::string("\xFF\xD8\xFF\xE0 truncated", 14));
    test::writeFile(hot / "scan.pdf.part", "%PDF-1.4 still being written");
    test::writeFile(hot / ".hidden.png", "not yet");
    const std::string firstHash = sha256HexOfFile(hot / "001.png");

    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    // As the window and `docdesk-cli watch` run it: the factory's source, into the session's sink.
    capture::AcquireSettings settings;
    capture::HotFolderOptions& options = settings.hotFolder.options;
    options.countPages = capture::countPagesInThisProcess;
    options.once = true;
    options.settle = 200ms;
    options.poll = 100ms;
    std::vector<capture::HotFolderEvent> events;
    settings.hotFolder.onFile = [&](const capture::HotFolderEvent& e) { events.push_back(e); };
    const auto source = capture::makePageSource(capture::SourceKind::HotFolder, {{hot}, {}});
    BOOST_TEST(source->devices({}).front().name == hot.string());
    capture::JournalPageSink sink(*session);
    const auto summary = source->acquire(settings, {}, sink);
    BOOST_TEST(summary.pages == 2);
    BOOST_TEST(sink.storedPages() == 2u);

    BOOST_REQUIRE(events.size() == 3u);
    BOOST_TEST(events[0].outcome.ok());
    BOOST_TEST(events[1].outcome.ok());
    BOOST_TEST(!events[2].outcome.ok());
    // Never overwritten: the second 001.png gets a free name beside the first.
    BOOST_TEST(events[0].movedTo == hot / "done" / "001 (2).png");
    BOOST_TEST(sha256HexOfFile(events[0].movedTo) == firstHash);
    BOOST_TEST(fs::exists(hot / "done" / "002.jpg"));
    BOOST_TEST(fs::exists(hot / "failed" / "003.jpg"));
    BOOST_TEST(test::readFile(hot / "failed" / "003.jpg.error.txt").size() > 5u);
    BOOST_TEST(fs::exists(hot / "scan.pdf.part"));
    BOOST_TEST(fs::exists(hot / ".hidden.png"));
    BOOST_TEST(!fs::exists(hot / "001.png"));
    BOOST_TEST(session->pageCount() == 2);
    BOOST_TEST(session->verify().empty());
}

BOOST_AUTO_TEST_CASE(a_file_being_written_is_taken_only_when_complete) {
    test::TempDir dir;
    const fs::path hot = dir / "hot";
    fs::create_directories(hot);
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    capture::HotFolderOptions options;
    options.countPages = capture::countPagesInThisProcess;
    options.settle = 600ms;
    options.poll = 200ms;
    capture::JournalPageSink sink(*session);
    capture::HotFolder folder(hot, sink, options);
    std::mutex m;
    std::vector<capture::HotFolderEvent> events;
    std::jthread watcher([&](std::stop_token stop) {
        folder.run(stop, [&](const capture::HotFolderEvent& e) {
            std::lock_guard g(m);
            events.push_back(e);
        });
    });
    const auto eventCount = [&] {
        std::lock_guard g(m);
        return events.size();
    };
    // A slow writer: a PNG arriving in five pieces, 250 ms apart (less than the settle time).
    test::writeTestImage(dir / "slow.png", 900, 1200, 10, 120, 240);
    const auto whole = test::readFile(dir / "slow.png");
    {
        std::ofstream out(hot / "slow.png", std::ios::binary);
        const size_t piece = whole.size() / 5 + 1;
        for (size_t at = 0; at < whole.size(); at += piece) {
            out.write(reinterpret_cast<const char*>(whole.data() + at),
                      static_cast<std::streamsize>(std::min(piece, whole.size() - at)));
            out.flush();
            std::this_thread::sleep_for(250ms);
            BOOST_TEST(eventCount() == 0u); // not taken while it grows
        }
    }
    // A well-behaved writer: a temporary name, renamed when done.
    test::writeTestImage(dir / "quick.png", 100, 140, 200, 0, 0);
    fs::copy_file(dir / "quick.png", hot / "quick.png.part");
    fs::rename(hot / "quick.png.part", hot / "quick.png");
    // Both arrive within a bounded time.
    for (int i = 0; i < 100 && eventCount() < 2; ++i)
        std::this_thread::sleep_for(50ms);
    watcher.request_stop();
    watcher.join();
    BOOST_REQUIRE(events.size() == 2u);
    for (const auto& e : events) {
        BOOST_TEST(e.outcome.ok());
        BOOST_TEST(e.movedTo.parent_path() == hot / "done");
    }
    // The slow file was stored whole: its stored original is the complete file.
    const auto pages = session->pages();
    BOOST_REQUIRE(pages.size() == 2u);
    const auto slow = std::find_if(pages.begin(), pages.end(), [](const PageRecord& p) {
        return fs::path(p.source).filename() == "slow.png";
    });
    BOOST_REQUIRE(slow != pages.end());
    BOOST_TEST(sha256HexOfFile(slow->originalFile) == sha256HexOfFile(dir / "slow.png"));
}

BOOST_AUTO_TEST_CASE(names_left_alone_and_a_missing_folder) {
    for (const char* name : {".x.png", "a.part", "b.TMP", "c.crdownload", "~$d.docx", "done", "failed", "e~"})
        BOOST_TEST(capture::HotFolder::isIgnoredName(name), name);
    for (const char* name : {"scan_0001.pdf", "letter.docx", "part.png"})
        BOOST_TEST(!capture::HotFolder::isIgnoredName(name), name);
    test::TempDir dir;
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    BOOST_CHECK_THROW(capture::makePageSource(capture::SourceKind::HotFolder, {{dir / "nowhere"}, {}}),
                      Error);
}

BOOST_AUTO_TEST_CASE(a_file_stored_before_a_crash_or_dropped_twice_is_not_stored_again) {
    test::TempDir dir;
    const fs::path hot = dir / "hot";
    fs::create_directories(hot);
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    // The watcher stored this file, then died before moving it away.
    test::writeTestImage(hot / "stored-then-crashed.png", 120, 160, 0, 0, 255);
    capture::JournalPageSink sink(*session);
    BOOST_REQUIRE(
        capture::importFile(sink, hot / "stored-then-crashed.png", capture::countPagesInThisProcess).ok());
    // The same scan dropped again under another name.
    test::writeTestImage(hot / "first.png", 120, 160, 255, 0, 0);
    fs::copy_file(hot / "first.png", hot / "first-again.png");
    capture::HotFolderOptions options;
    options.countPages = capture::countPagesInThisProcess;
    options.once = true;
    options.settle = 100ms;
    capture::HotFolder folder(hot, sink, options);
    std::vector<capture::HotFolderEvent> events;
    folder.run({}, [&](const capture::HotFolderEvent& e) { events.push_back(e); });
    BOOST_REQUIRE(events.size() == 3u);
    BOOST_TEST(!events[0].duplicate); // first-again.png, sorted first: stored
    BOOST_TEST(events[1].duplicate);  // first.png: the same bytes
    BOOST_TEST(events[2].duplicate);  // stored-then-crashed.png
    BOOST_TEST(session->pageCount() == 2);
    for (const char* name : {"first.png", "first-again.png", "stored-then-crashed.png"})
        BOOST_TEST(fs::exists(hot / "done" / name), name);
}

BOOST_AUTO_TEST_CASE(a_file_stored_but_not_processed_goes_through_after_stored_again) {
    // Stored is not filed: a file the session holds (stored before a kill, or put back from
    // failed/ after the target was fixed) is handed to afterStored again with its earlier
    // pages, and moves to done/ only when that succeeds.
    test::TempDir dir;
    const fs::path hot = dir / "hot";
    fs::create_directories(hot);
    auto session = journal::Session::create(dir / "sessions", platform::durableFiles());
    test::writeTestImage(hot / "scan.png", 120, 160, 0, 0, 255);
    capture::HotFolderOptions options;
    options.countPages = capture::countPagesInThisProcess;
    options.once = true;
    options.settle = 100ms;
    std::vector<std::vector<std::int64_t>> handed;
    std::string failWith = "the archive is not writable";
    options.afterStored = [&](const capture::ImportOutcome& o) {
        handed.emplace_back();
        for (const auto& p : o.pages)
            handed.back().push_back(p.id);
        return failWith;
    };
    std::vector<capture::HotFolderEvent> events;
    const auto collect = [&](const capture::HotFolderEvent& e) { events.push_back(e); };
    capture::JournalPageSink sink(*session);
    capture::HotFolder(hot, sink, options).run({}, collect);
    BOOST_REQUIRE(events.size() == 1u);
    BOOST_TEST(events[0].processError == failWith);
    BOOST_TEST(fs::exists(hot / "failed" / "scan.png"));
    // The user fixes the target and puts the file back.
    fs::rename(hot / "failed" / "scan.png", hot / "scan.png");
    failWith.clear();
    capture::HotFolder(hot, sink, options).run({}, collect);
    BOOST_REQUIRE(events.size() == 2u);
    BOOST_TEST(events[1].duplicate);
    BOOST_TEST(events[1].processError.empty());
    BOOST_REQUIRE(handed.size() == 2u);
    BOOST_TEST((handed[1] == handed[0])); // the same pages, not stored a second time
    BOOST_TEST(session->pageCount() == 1);
    BOOST_TEST(fs::exists(hot / "done" / "scan.png"));
}
