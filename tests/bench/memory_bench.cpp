// memory_bench: whole docdesk-cli runs on a large pass-through file (random bytes named like a
// video) against the same runs on a 1 KB file: the peak resident memory of each process
// (ru_maxrss of the child) for `import`, `file --target`, `file --profile` (into the outbox) and
// `upload` to a real Apache over WebDAV (HTTPS on loopback). Every filed, queued and uploaded
// copy is checked against the input's SHA-256. Then the upload's speed: whole `upload` runs of
// the large file and of the 1 KB file (the difference is the transfer; the 1 KB run is the
// fixed cost of a run) against `curl -T` of the same files to the same server, medians of 3.
// The vault's key comes from a private Secret Service (gnome-keyring), as on a desktop.
// DOCDESK_BENCH_WRAP="perf record -g --" (any command line) runs each upload run under it, to see
// where the time goes.
// Run by hand: build/tests/memory_bench [MB (512; 0 skips)] [upload MB (256)] [runs (5)]
#include "core/common/Sha256.h"
#include "tests/support/ApacheServer.h"
#include "tests/support/KeyringSession.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

using namespace docdesk;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Run {
    int code = -1;
    double seconds = 0;
    double cpuSeconds = 0;
    double peakMb = 0;
    std::string out;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void writeRandomFile(const fs::path& file, std::uint64_t bytes) {
    std::ofstream out(file, std::ios::binary);
    std::mt19937_64 rng(bytes);
    std::vector<std::uint64_t> block(1 << 17); // 1 MiB
    for (std::uint64_t left = bytes; left > 0;) {
        for (auto& v : block)
            v = rng();
        const auto n = std::min<std::uint64_t>(left, block.size() * 8);
        out.write(reinterpret_cast<const char*>(block.data()), std::streamsize(n));
        left -= n;
    }
}

// docdesk-cli with its own data and config folders below `home`, the vault's key in `keyring`,
// and `input` on stdin (where the password is read from).
class Cli {
  public:
    Cli(fs::path home, const test::KeyringSession& keyring) : home_(std::move(home)), keyring_(keyring) {}

    Run operator()(const std::vector<std::string>& args, const std::string& input = {}) const {
        std::vector<std::string> argv;
        const bool uploading = std::find(args.begin(), args.end(), "--all") != args.end();
        if (const char* wrap = std::getenv("DOCDESK_BENCH_WRAP"); wrap != nullptr && uploading) {
            std::istringstream words(wrap);
            for (std::string w; words >> w;)
                argv.push_back(w);
        }
        argv.push_back(test::cliPath().string());
        argv.insert(argv.end(), args.begin(), args.end());
        platform::ChildOptions o;
        o.pipeStdin = true;
        o.pipeStdout = true;
        o.stderrFile = home_ / "stderr.log";
        o.environment = keyring_.environment();
        o.environment["XDG_DATA_HOME"] = (home_ / "data").string();
        o.environment["XDG_CONFIG_HOME"] = (home_ / "config").string();
        o.environment["DOCDESK_PASSWORD_FD"] = "0";
        o.environment["LANG"] = "C.UTF-8";
        const auto t0 = Clock::now();
        platform::ChildProcess p(argv, o);
        p.writeStdin(input);
        p.closeStdin();
        Run r;
        r.out = p.readAll();
        const auto status = p.wait();
        r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        r.code = status.code;
        r.peakMb = double(status.peakResidentKiB) / 1024;
        r.cpuSeconds = status.cpuSeconds;
        return r;
    }

  private:
    fs::path home_;
    const test::KeyringSession& keyring_;
};

Run mustSucceed(Run r, const std::string& what) {
    if (r.code != 0) {
        std::fprintf(stderr, "%s failed (exit %d): %s\n", what.c_str(), r.code, r.out.c_str());
        std::exit(1);
    }
    return r;
}

void checkSame(const fs::path& copy, const std::string& sha256, const std::string& what) {
    if (!fs::exists(copy) || sha256HexOfFile(copy) != sha256) {
        std::fprintf(stderr, "%s: %s is missing or differs from the input\n", what.c_str(), copy.c_str());
        std::exit(1);
    }
}

struct Peaks {
    double import = 0, fileTarget = 0, fileProfile = 0, upload = 0;
};

// The four commands on `input`; each copy is checked against the input's hash.
Peaks measure(const Cli& cli, const test::ApacheServer& server, const fs::path& home, const fs::path& input) {
    const std::string sha = sha256HexOfFile(input);
    const std::string name = input.filename().string();
    Peaks p;
    p.import = mustSucceed(cli({"import", "--new-session", input.string()}), "import").peakMb;
    const fs::path archive = home / ("archive-" + name);
    p.fileTarget =
        mustSucceed(cli({"file", "--target", archive.string(), input.string()}), "file --target").peakMb;
    checkSame(archive / name, sha, "file --target");
    p.fileProfile = mustSucceed(cli({"file", "--profile", "gw", input.string()}), "file --profile").peakMb;
    p.upload =
        mustSucceed(cli({"upload", "--profile", "gw", "--all"}, server.options().password + "\n"), "upload")
            .peakMb;
    checkSame(server.davRoot() / "Bench" / name, sha, "upload");
    fs::remove(server.davRoot() / "Bench" / name);
    return p;
}

Run uploadRun(const Cli& cli, const test::ApacheServer& server, const fs::path& file) {
    mustSucceed(cli({"file", "--profile", "gw", file.string()}), "file --profile");
    const auto r =
        mustSucceed(cli({"upload", "--profile", "gw", "--all"}, server.options().password + "\n"), "upload");
    fs::remove(server.davRoot() / "Bench" / file.filename());
    return r;
}

double uploadSeconds(const Cli& cli, const test::ApacheServer& server, const fs::path& file) {
    return uploadRun(cli, server, file).seconds;
}

// Where the fixed cost of a run goes, in CPU time (which a busy machine does not inflate) and
// wall time: whole docdesk-cli runs that each go one step further than the one before.
void reportFixedCost(const Cli& cli, const test::ApacheServer& server, const fs::path& small) {
    struct Step {
        const char* what;
        std::vector<std::string> args;
        std::vector<double> wall, cpu;
    };
    std::vector<Step> steps{
        {"starting docdesk-cli (--version)", {"--version"}, {}, {}},
        {"+ opening the outbox (upload --list)", {"upload", "--list", "--profile", "gw"}, {}, {}},
        {"+ unlocking the vault via the keyring (profile list)", {"profile", "list"}, {}, {}},
    };
    std::vector<double> runWall, runCpu;
    for (int i = 0; i < 7; ++i) {
        for (auto& step : steps) {
            const auto r = mustSucceed(cli(step.args), step.what);
            step.wall.push_back(r.seconds);
            step.cpu.push_back(r.cpuSeconds);
        }
        const auto run = uploadRun(cli, server, small);
        runWall.push_back(run.seconds);
        runCpu.push_back(run.cpuSeconds);
    }
    std::printf("fixed cost of an upload run (1 KB): %.3f s wall, %.3f s CPU (medians of 7); of that:\n",
                median(runWall), median(runCpu));
    for (const auto& step : steps)
        std::printf("  %-55s %.3f s wall, %.3f s CPU\n", step.what, median(step.wall), median(step.cpu));
}

double curlSeconds(const test::ApacheServer& s, const fs::path& file) {
    platform::ChildOptions o;
    o.discardStdout = true;
    const auto t0 = Clock::now();
    platform::ChildProcess p({"curl", "-sS", "-o", "/dev/null", "-T", file.string(), "-u",
                              s.options().user + ":" + s.options().password, "--cacert",
                              s.certificate().string(), s.httpsUrl() + "curl-" + file.filename().string()},
                             o);
    p.wait();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    fs::remove(s.davRoot() / ("curl-" + file.filename().string()));
    return secs;
}

void reportSpeed(const Cli& cli, const test::ApacheServer& server, const fs::path& small, const fs::path& big,
                 std::uint64_t mb, int runs) {
    std::vector<double> oursSmall, oursBig, curlSmall, curlBig;
    for (int run = 0; run < runs; ++run) {
        // Alternating order, so neither tool always runs on the heels of the other's writes.
        if (run % 2 == 0) {
            oursSmall.push_back(uploadSeconds(cli, server, small));
            oursBig.push_back(uploadSeconds(cli, server, big));
            curlSmall.push_back(curlSeconds(server, small));
            curlBig.push_back(curlSeconds(server, big));
        } else {
            curlSmall.push_back(curlSeconds(server, small));
            curlBig.push_back(curlSeconds(server, big));
            oursSmall.push_back(uploadSeconds(cli, server, small));
            oursBig.push_back(uploadSeconds(cli, server, big));
        }
        std::printf("  run %d: upload 1 KB %.2f s, %llu MB %.2f s; curl -T 1 KB %.2f s, %llu MB %.2f s\n",
                    run + 1, oursSmall.back(), static_cast<unsigned long long>(mb), oursBig.back(),
                    curlSmall.back(), static_cast<unsigned long long>(mb), curlBig.back());
    }
    const double ours = median(oursBig) - median(oursSmall), theirs = median(curlBig) - median(curlSmall);
    std::printf("upload run of 1 KB (the fixed cost: process, vault unlock via keyring, connection): %.2f s "
                "(curl -T 1 KB: %.2f s)\n",
                median(oursSmall), median(curlSmall));
    std::printf("upload %llu MB over HTTPS, transfer (run minus the 1 KB run): docdesk %.2f s = %.1f MB/s, "
                "curl -T %.2f s = %.1f MB/s, ratio %.2f (medians of %d)\n",
                static_cast<unsigned long long>(mb), ours, double(mb) / ours, theirs, double(mb) / theirs,
                theirs / ours, runs);
}

void reportMemory(const Cli& cli, const test::ApacheServer& server, const fs::path& home,
                  const fs::path& small, std::uint64_t mb) {
    const fs::path big = home / ("clip-" + std::to_string(mb) + "m.mp4");
    writeRandomFile(big, mb << 20);
    const Peaks a = measure(cli, server, home, small);
    const Peaks b = measure(cli, server, home, big);
    std::printf("peak resident memory (MB) of the whole process, 1 KB file vs %llu MB pass-through file:\n",
                static_cast<unsigned long long>(mb));
    const auto row = [](const char* what, double x, double y) {
        std::printf("  %-28s %7.1f  %7.1f  %+7.1f\n", what, x, y, y - x);
    };
    row("import", a.import, b.import);
    row("file --target", a.fileTarget, b.fileTarget);
    row("file --profile (outbox)", a.fileProfile, b.fileProfile);
    row("upload (WebDAV, HTTPS)", a.upload, b.upload);
    fs::remove(big);
}

} // namespace

int main(int argc, char** argv) {
    const std::uint64_t mb = argc > 1 ? std::stoull(argv[1]) : 512;
    const std::uint64_t uploadMb = argc > 2 ? std::stoull(argv[2]) : 256;
    const int runs = argc > 3 ? std::stoi(argv[3]) : 5;
    test::KeyringSession keyring;
    test::ApacheServer server;
    test::TempDir home;
    const Cli cli(home.path(), keyring);
    mustSucceed(cli({"profile", "add", "gw", "--url", server.httpsUrl(), "--user", server.options().user,
                     "--ca-bundle", server.certificate().string(), "--pin", server.publicKeyPin(), "--folder",
                     "Bench"}),
                "profile add");
    const fs::path small = home / "clip-1k.mp4";
    writeRandomFile(small, 1024);
    if (mb > 0)
        reportMemory(cli, server, home.path(), small, mb);
    const fs::path upload = home / ("clip-" + std::to_string(uploadMb) + "m.mp4");
    writeRandomFile(upload, uploadMb << 20);
    reportFixedCost(cli, server, small);
    reportSpeed(cli, server, small, upload, uploadMb, runs);
    return 0;
}
