// Memory stays flat for large pass-through files (issue 16): a 300 MB file of random bytes
// (made here) goes through `docdesk-cli import`, `docdesk-cli file --target` and the worker's
// `count` request as whole processes, and each process's peak resident memory (ru_maxrss, as
// the kernel measured it over the process's whole life) stays far below the file's size. The
// filed copy and the journal's original must hold exactly the input's bytes (SHA-256), so a run
// that skipped the work could not pass either.
#define BOOST_TEST_MODULE large_file_memory
#include "core/common/Sha256.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <random>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kFileBytes = 300ull << 20;
// The same commands on a small file take 20-60 MB; a copy of the file in memory takes 300 MB.
constexpr long kBoundKiB = 120 * 1024;

void writeRandomFile(const fs::path& file, std::uint64_t bytes) {
    std::ofstream out(file, std::ios::binary);
    std::mt19937_64 rng(42);
    std::vector<std::uint64_t> block(1 << 17); // 1 MiB
    for (std::uint64_t left = bytes; left > 0;) {
        for (auto& v : block)
            v = rng();
        const auto n = std::min<std::uint64_t>(left, block.size() * 8);
        out.write(reinterpret_cast<const char*>(block.data()), std::streamsize(n));
        left -= n;
    }
    BOOST_REQUIRE(out.good());
}

struct Measured {
    platform::ExitStatus status;
    std::string out;
};

Measured runMeasured(const fs::path& program, const fs::path& home, const std::vector<std::string>& args,
                     const std::string& input = {}) {
    std::vector<std::string> argv{program.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    platform::ChildOptions o;
    o.pipeStdin = true;
    o.pipeStdout = true;
    o.stderrFile = home / "stderr.log";
    o.environment["XDG_DATA_HOME"] = (home / "data").string();
    o.environment["XDG_CONFIG_HOME"] = (home / "config").string();
    o.environment["LANG"] = "C.UTF-8";
    platform::ChildProcess p(argv, o);
    p.writeStdin(input);
    p.closeStdin();
    Measured m;
    m.out = p.readAll();
    m.status = p.wait();
    return m;
}

struct LargeFile {
    test::TempDir home;
    fs::path input = home / "recording.mp4";
    std::string sha256;
    LargeFile() {
        writeRandomFile(input, kFileBytes);
        sha256 = sha256HexOfFile(input);
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(import_stores_a_large_file_with_flat_memory, LargeFile) {
    const auto run =
        runMeasured(test::cliPath(), home.path(), {"import", "--new-session", "--json", input.string()});
    BOOST_REQUIRE_MESSAGE(run.status.success(), run.out);
    const auto lines = test::jsonLines(run.out);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_REQUIRE(lines[0]["pages"].size() == 1u);
    const auto& page = lines[0]["pages"][0];
    BOOST_TEST(page["sha256"].get<std::string>() == sha256);
    // The journal's copy itself, read back.
    const fs::path stored = page["original"].get<std::string>();
    BOOST_REQUIRE(fs::exists(stored));
    BOOST_TEST(fs::file_size(stored) == kFileBytes);
    BOOST_TEST(sha256HexOfFile(stored) == sha256);
    BOOST_TEST_MESSAGE("import peak: " << run.status.peakResidentKiB / 1024 << " MB");
    BOOST_TEST(run.status.peakResidentKiB > 0);
    BOOST_TEST(run.status.peakResidentKiB < kBoundKiB);
}

BOOST_FIXTURE_TEST_CASE(file_target_files_a_large_file_with_flat_memory, LargeFile) {
    const fs::path archive = home / "archive";
    const auto run = runMeasured(test::cliPath(), home.path(),
                                 {"file", "--json", "--target", archive.string(), input.string()});
    BOOST_REQUIRE_MESSAGE(run.status.success(), run.out);
    const auto lines = test::jsonLines(run.out);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0]["sha256"].get<std::string>() == sha256);
    const fs::path filed = archive / "recording.mp4";
    BOOST_REQUIRE(fs::exists(filed));
    BOOST_TEST(fs::file_size(filed) == kFileBytes);
    BOOST_TEST(sha256HexOfFile(filed) == sha256);
    BOOST_TEST_MESSAGE("file --target peak: " << run.status.peakResidentKiB / 1024 << " MB");
    BOOST_TEST(run.status.peakResidentKiB > 0);
    BOOST_TEST(run.status.peakResidentKiB < kBoundKiB);
}

BOOST_FIXTURE_TEST_CASE(worker_count_of_a_large_non_page_file_reads_only_its_head, LargeFile) {
    const fs::path worker = test::cliPath().parent_path() / "docdesk-worker";
    const auto run = runMeasured(worker, home.path(), {"--serve"},
                                 nlohmann::json{{"op", "count"}, {"file", input.string()}}.dump() + "\n");
    BOOST_REQUIRE(run.status.exitedNormally());
    const auto lines = test::jsonLines(run.out);
    BOOST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0]["ok"] == false);
    BOOST_TEST(lines[0]["error"].get<std::string>().find("not an image or PDF") != std::string::npos);
    BOOST_TEST_MESSAGE("worker count peak: " << run.status.peakResidentKiB / 1024 << " MB");
    BOOST_TEST(run.status.peakResidentKiB > 0);
    BOOST_TEST(run.status.peakResidentKiB < kBoundKiB);
}
