#define BOOST_TEST_MODULE place_file
// platform::moveWithoutReplacing (and its link() fallback) with core's numbered free names: the
// one way docdesk gives a finished file a name. Two threads placing files under the same name
// at once must end with every file under a name of its own, none replaced.
#include "core/common/FreeName.h"
#include "platform/DurableFiles.h"
#include "platform/PlaceFile.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <functional>
#include <latch>
#include <set>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

using Move = std::function<bool(const fs::path&, const fs::path&)>;

void writeFile(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::span<const std::byte> asBytes(const std::string& s) {
    return std::as_bytes(std::span(s));
}

void movesOnlyToFreeNames(const Move& move) {
    test::TempDir dir;
    writeFile(dir / "new.txt", "new");
    writeFile(dir / "taken.txt", "precious");
    BOOST_TEST(!move(dir / "new.txt", dir / "taken.txt"));
    BOOST_TEST(slurp(dir / "taken.txt") == "precious"); // not replaced
    BOOST_TEST(slurp(dir / "new.txt") == "new");        // and the file to place is still there
    BOOST_TEST(move(dir / "new.txt", dir / "free.txt"));
    BOOST_TEST(slurp(dir / "free.txt") == "new");
    BOOST_TEST(!fs::exists(dir / "new.txt"));
    BOOST_CHECK_THROW(move(dir / "missing.txt", dir / "other.txt"), fs::filesystem_error);
}

// Two threads, each with kFiles files of their own, place all of them as "doc.txt" (numbered
// when taken) at the same moment. Afterwards every file is there once, under its own name.
void racingPlacementsKeepEveryFile(const Move& move) {
    constexpr int kFiles = 150;
    test::TempDir dir;
    fs::create_directories(dir / "in" / "0");
    fs::create_directories(dir / "in" / "1");
    fs::create_directories(dir / "out");
    for (int t = 0; t < 2; ++t)
        for (int i = 0; i < kFiles; ++i)
            writeFile(dir / "in" / std::to_string(t) / std::to_string(i),
                      std::to_string(t) + "-" + std::to_string(i));

    std::latch start(2);
    std::vector<fs::path> placed[2];
    std::string failure[2];
    auto placeAll = [&](int t) {
        start.arrive_and_wait();
        try {
            for (int i = 0; i < kFiles; ++i) {
                const fs::path from = dir / "in" / std::to_string(t) / std::to_string(i);
                auto at =
                    placeUnderFreeName(dir / "out" / "doc.txt", 2 * kFiles,
                                       [&](const fs::path& candidate) { return move(from, candidate); });
                if (!at)
                    throw std::runtime_error("no free name");
                placed[t].push_back(*at);
            }
        } catch (const std::exception& e) {
            failure[t] = e.what();
        }
    };
    std::thread first(placeAll, 0);
    std::thread second(placeAll, 1);
    first.join();
    second.join();
    BOOST_TEST(failure[0] == "");
    BOOST_TEST(failure[1] == "");

    std::set<fs::path> names;
    std::set<std::string> contents;
    for (const auto& e : fs::directory_iterator(dir / "out")) {
        names.insert(e.path());
        contents.insert(slurp(e.path()));
    }
    BOOST_TEST(names.size() == size_t(2 * kFiles)); // no file replaced another
    BOOST_TEST(contents.size() == size_t(2 * kFiles));
    std::set<fs::path> reported(placed[0].begin(), placed[0].end());
    reported.insert(placed[1].begin(), placed[1].end());
    BOOST_TEST((reported == names)); // each placement got a name of its own, and said which
    for (int t = 0; t < 2; ++t)
        for (size_t i = 0; i < placed[t].size(); ++i)
            BOOST_TEST(slurp(placed[t][i]) == std::to_string(t) + "-" + std::to_string(i));
    BOOST_TEST(fs::is_empty(dir / "in" / "0"));
    BOOST_TEST(fs::is_empty(dir / "in" / "1"));
}

} // namespace

BOOST_AUTO_TEST_CASE(numbered_names) {
    BOOST_TEST(numberedName("Invoice", 1) == "Invoice");
    BOOST_TEST(numberedName("Invoice", 12) == "Invoice (12)");
    BOOST_TEST((numberedPath("out/a.pdf", 1) == fs::path("out/a.pdf")));
    BOOST_TEST((numberedPath("out/a.pdf", 2) == fs::path("out/a (2).pdf")));
    BOOST_TEST((numberedPath("out/b", 3) == fs::path("out/b (3)")));
    BOOST_TEST((numberedPath("a.tar.gz", 2) == fs::path("a.tar (2).gz")));
}

BOOST_AUTO_TEST_CASE(free_name_is_the_first_the_try_accepts_and_none_when_all_are_taken) {
    std::vector<fs::path> tried;
    auto at = placeUnderFreeName("d/x.jpg", 5, [&](const fs::path& p) {
        tried.push_back(p);
        return tried.size() == 3;
    });
    BOOST_TEST((at == fs::path("d/x (3).jpg")));
    BOOST_TEST(tried.size() == 3u);
    tried.clear();
    BOOST_TEST(!placeUnderFreeName("d/x.jpg", 5, [&](const fs::path& p) {
                    tried.push_back(p);
                    return false;
                }).has_value());
    BOOST_TEST((tried.back() == fs::path("d/x (5).jpg")));
}

BOOST_AUTO_TEST_CASE(move_never_replaces) {
    movesOnlyToFreeNames(platform::moveWithoutReplacing);
}

BOOST_AUTO_TEST_CASE(link_fallback_never_replaces) {
    movesOnlyToFreeNames(platform::moveWithoutReplacingByLink);
}

BOOST_AUTO_TEST_CASE(racing_moves_keep_every_file) {
    racingPlacementsKeepEveryFile(platform::moveWithoutReplacing);
}

BOOST_AUTO_TEST_CASE(racing_link_fallback_keeps_every_file) {
    racingPlacementsKeepEveryFile(platform::moveWithoutReplacingByLink);
}

// The journal's and the archive's create-only writes go through the same step: of two writers
// racing for one name exactly one wins, and the file holds the winner's bytes in full.
BOOST_AUTO_TEST_CASE(racing_create_new_durably_has_one_winner) {
    for (int round = 0; round < 20; ++round) {
        test::TempDir dir;
        const std::string text[2] = {std::string(100000, 'a'), std::string(100000, 'b')};
        bool won[2] = {false, false};
        std::latch start(2);
        auto write = [&](int t) {
            start.arrive_and_wait();
            won[t] = platform::durableFiles().createNewDurably(dir / "same.bin", asBytes(text[t]));
        };
        std::thread first(write, 0);
        std::thread second(write, 1);
        first.join();
        second.join();
        BOOST_TEST(won[0] != won[1]);
        BOOST_TEST(slurp(dir / "same.bin") == text[won[0] ? 0 : 1]);
        int entries = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path()))
            ++entries;
        BOOST_TEST(entries == 1); // no temporary file left behind
    }
}
