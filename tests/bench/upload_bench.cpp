// Upload throughput of the WebDAV connector against `curl -T` of the same 200 MB file to the
// same Apache (HTTP and HTTPS, loopback), medians of 3 runs each, and the peak memory above
// idle while uploading a 1 GB file (the body is streamed from disk, so it should stay flat).
// Run by hand: build/tests/upload_bench [MB] [GB-file MB]
#include "core/common/Sha256.h"
#include "core/gateway/WebDavConnector.h"
#include "tests/support/ApacheServer.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

long rssKiB() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("VmRSS:"))
            return std::stol(line.substr(6));
    return 0;
}

void writeFileOfSize(const fs::path& file, size_t mb) {
    std::ofstream out(file, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (size_t i = 0; i < mb; ++i) {
        for (size_t j = 0; j < block.size(); j += 64)
            block[j] = char(i * 31 + j);
        out.write(block.data(), std::streamsize(block.size()));
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

gateway::GatewayConnection connectionTo(const test::ApacheServer& s, bool https) {
    gateway::GatewayConnection c;
    c.baseUrl = https ? s.httpsUrl() : s.httpUrl();
    c.user = s.options().user;
    c.password = std::make_shared<const vault::Secret>(s.options().password);
    c.caBundle = https ? s.certificate().string() : "";
    return c;
}

double docdeskSeconds(const test::ApacheServer& s, bool https, const fs::path& file,
                      const std::string& name) {
    gateway::WebDavConnector dav(connectionTo(s, https));
    gateway::DocumentToDeliver d;
    d.file = file;
    d.fileName = name;
    d.bytes = fs::file_size(file);
    d.sha256 = "not-needed-for-a-fresh-name";
    const auto t0 = Clock::now();
    dav.deliver(d, {}, {});
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    fs::remove(s.davRoot() / name);
    return secs;
}

double curlSeconds(const test::ApacheServer& s, bool https, const fs::path& file, const std::string& name) {
    std::vector<std::string> argv{"curl",
                                  "-sS",
                                  "-o",
                                  "/dev/null",
                                  "-T",
                                  file.string(),
                                  "-u",
                                  s.options().user + ":" + s.options().password,
                                  (https ? s.httpsUrl() : s.httpUrl()) + name};
    if (https) {
        argv.push_back("--cacert");
        argv.push_back(s.certificate().string());
    }
    platform::ChildOptions o;
    o.discardStdout = true;
    const auto t0 = Clock::now();
    platform::ChildProcess p(argv, o);
    p.wait();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    fs::remove(s.davRoot() / name);
    return secs;
}

} // namespace

int main(int argc, char** argv) {
    const size_t mb = argc > 1 ? std::stoul(argv[1]) : 200;
    const size_t bigMb = argc > 2 ? std::stoul(argv[2]) : 1024;
    test::ApacheServer server;
    test::TempDir tmp;
    const fs::path file = tmp / "bench.bin";
    writeFileOfSize(file, mb);
    for (const bool https : {false, true}) {
        std::vector<double> ours, theirs;
        for (int run = 0; run < 3; ++run) {
            theirs.push_back(curlSeconds(server, https, file, "curl-" + std::to_string(run) + ".bin"));
            ours.push_back(docdeskSeconds(server, https, file, "dd-" + std::to_string(run) + ".bin"));
        }
        const double a = double(mb) / median(ours), b = double(mb) / median(theirs);
        std::printf("%-5s %zu MB: docdesk %.1f MB/s, curl -T %.1f MB/s, ratio %.2f (median of 3)\n",
                    https ? "HTTPS" : "HTTP", mb, a, b, a / b);
    }
    fs::remove(file);

    const fs::path big = tmp / "big.bin";
    writeFileOfSize(big, bigMb);
    const long idle = rssKiB();
    std::atomic<bool> done = false;
    std::atomic<long> peak = idle;
    std::thread sampler([&] {
        while (!done) {
            peak = std::max(peak.load(), rssKiB());
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    const double secs = docdeskSeconds(server, true, big, "big.bin");
    done = true;
    sampler.join();
    std::printf(
        "HTTPS %zu MB upload: %.1f s, resident memory idle %.1f MB, peak %.1f MB, +%.1f MB while uploading\n",
        bigMb, secs, double(idle) / 1024, double(peak) / 1024, double(peak - idle) / 1024);
    return 0;
}
