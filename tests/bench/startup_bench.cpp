// Start-up time to a usable window, and memory and scrolling with a 2,000-page session.
//
// Start-up: from starting the program to the first pass of its event loop with the window
// shown and the session's pages listed (docdesk's latency probe writes "ready" then; see
// app/gui/LatencyProbe) and the window mapped. Medians of RUNS starts under Xvfb, with an
// empty session, against startup_reference (the smallest wxWidgets program showing a window,
// reporting the same way), and with PAGES pages in the session.
// Memory: resident set size of the docdesk process with an empty session, with PAGES pages
// after start-up, and after scrolling the page grid from top to bottom with the mouse wheel
// (every thumbnail requested once), plus the peak; and the longest UI stall while scrolling.
//
// Run by hand: build/tests/startup_bench [RUNS] [PAGES]   (defaults 7 and 2000; generating and
// importing 2,000 scanned pages takes a few minutes the first time).
#include "tests/support/GuiSupport.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct ProcMemory {
    long rssKiB = 0;
    long peakKiB = 0;
};

ProcMemory memoryOf(int pid) {
    ProcMemory m;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("VmRSS:"))
            m.rssKiB = std::stol(line.substr(6));
        else if (line.starts_with("VmHWM:"))
            m.peakKiB = std::stol(line.substr(6));
    }
    return m;
}

std::string readText(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// One start: the program runs until it is closed by `close`. Returns the milliseconds to
// "ready" (negative when it did not get there within 60 s).
struct Started {
    double readyMs = -1;
    std::unique_ptr<platform::ChildProcess> process;
    std::string window;
};

Started start(const std::vector<std::string>& argv, const std::string& display, const fs::path& home,
              const fs::path& log, const std::string& titleRegex) {
    std::error_code ignored;
    fs::remove(log, ignored);
    platform::ChildOptions o;
    o.environment = test::appEnvironment(display, home);
    o.environment["DOCDESK_UI_LATENCY_LOG"] = log.string();
    o.discardStdout = true;
    o.stderrFile = test::artifactsDir() / "startup_bench.stderr.log";
    Started s;
    const auto t0 = Clock::now();
    s.process = std::make_unique<platform::ChildProcess>(argv, o);
    const auto deadline = t0 + 60s;
    while (Clock::now() < deadline && s.process->running()) {
        if (readText(log).find("ready\n") != std::string::npos) {
            s.readyMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            break;
        }
        std::this_thread::sleep_for(1ms);
    }
    s.window = test::findWindow(display, titleRegex); // mapped and visible
    if (s.window.empty())
        s.readyMs = -1;
    return s;
}

void stop(Started& s, const std::string& display, bool ctrlQ) {
    if (ctrlQ && !s.window.empty())
        test::pressKeys(display, s.window, "ctrl+q");
    else
        s.process->signal(SIGTERM);
    if (!s.process->waitFor(15s)) {
        s.process->signal(SIGKILL);
        s.process->wait();
    }
}

// The longest stall the probe logged after `from` bytes of its log.
long long longestStallAfter(const std::string& logText, size_t from) {
    long long longest = 0;
    std::istringstream in(logText.substr(std::min(from, logText.size())));
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("stall_ms "))
            longest = std::max(longest, std::stoll(line.substr(9)));
    return longest;
}

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    const int pages = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2000;
    test::Xvfb x;
    test::TempDir work;
    const fs::path log = work / "latency.log";
    const fs::path bench = test::guiPath().parent_path().parent_path() / "tests";

    // 1. Empty session: docdesk against the toolkit's own start-up.
    std::vector<double> docdeskMs, referenceMs;
    std::vector<long> emptyRss;
    test::TempDir emptyHome;
    for (int i = 0; i < runs; ++i) {
        auto ref = start({(bench / "startup_reference").string()}, x.display(), emptyHome.path(), log,
                         "^startup reference$");
        referenceMs.push_back(ref.readyMs);
        stop(ref, x.display(), false);
        auto s = start({test::guiPath().string()}, x.display(), emptyHome.path(), log, "^docdesk");
        docdeskMs.push_back(s.readyMs);
        std::this_thread::sleep_for(500ms);
        emptyRss.push_back(memoryOf(s.process->pid()).rssKiB);
        stop(s, x.display(), true);
    }
    if (std::any_of(docdeskMs.begin(), docdeskMs.end(), [](double v) { return v < 0; }) ||
        std::any_of(referenceMs.begin(), referenceMs.end(), [](double v) { return v < 0; })) {
        std::cerr << "a start did not reach a usable window within 60 s\n";
        return 1;
    }
    const double dd = median(docdeskMs), ref = median(referenceMs);
    std::printf(
        "start-up to a usable window, empty session, median of %d: docdesk %.0f ms (min %.0f, max %.0f), "
        "wxWidgets reference %.0f ms, ratio %.2f\n",
        runs, dd, *std::min_element(docdeskMs.begin(), docdeskMs.end()),
        *std::max_element(docdeskMs.begin(), docdeskMs.end()), ref, dd / ref);
    std::vector<double> emptyRssD(emptyRss.begin(), emptyRss.end());
    const double emptyMiB = median(emptyRssD) / 1024.0;
    std::printf("resident memory with an empty session: %.1f MiB\n", emptyMiB);

    // 2. A session of `pages` scanned pages (200 dpi A4 grey JPEG, each different).
    test::TempDir bigHome, scans;
    {
        const auto t0 = Clock::now();
        std::atomic<int> next{1};
        std::vector<std::jthread> writers;
        for (int t = 0; t < 2; ++t)
            writers.emplace_back([&] {
                for (int n = next++; n <= pages; n = next++) {
                    char name[32];
                    std::snprintf(name, sizeof name, "page-%05d.jpg", n);
                    test::writeBatchPage(scans / name, n);
                }
            });
        writers.clear();
        const auto t1 = Clock::now();
        const auto imported =
            test::runCli(bigHome.path(), {"import", "--new-session", scans.path().string()});
        const auto t2 = Clock::now();
        if (!imported.status.success()) {
            std::cerr << "import failed\n";
            return 1;
        }
        std::printf("made %d pages in %.1f s; docdesk-cli import stored them in %.1f s (%.0f pages/s)\n",
                    pages, std::chrono::duration<double>(t1 - t0).count(),
                    std::chrono::duration<double>(t2 - t1).count(),
                    pages / std::chrono::duration<double>(t2 - t1).count());
    }
    std::vector<double> bigMs;
    const int bigRuns = std::max(1, std::min(runs, 3));
    for (int i = 0; i < bigRuns; ++i) {
        auto s = start({test::guiPath().string()}, x.display(), bigHome.path(), log, "^docdesk");
        if (s.readyMs < 0) {
            std::cerr << "docdesk did not start with " << pages << " pages\n";
            return 1;
        }
        bigMs.push_back(s.readyMs);
        if (i + 1 < bigRuns) {
            stop(s, x.display(), true);
            continue;
        }
        // The last start stays open: memory, then scroll through the whole grid.
        std::this_thread::sleep_for(3s); // the first screen of thumbnails
        const auto started = memoryOf(s.process->pid());
        const size_t before = readText(log).size();
        const auto t0 = Clock::now();
        test::runOnDisplay({"xdotool", "windowfocus", "--sync", s.window}, x.display());
        test::runOnDisplay({"xdotool", "mousemove", "--window", s.window, "300", "350"}, x.display());
        // Wheel down in steps until the end: 2,000 pages are a few hundred rows.
        const int clicks = pages / 4 + 20;
        for (int done = 0; done < clicks; done += 50)
            test::runOnDisplay({"xdotool", "click", "--repeat", "50", "--delay", "15", "5"}, x.display());
        const double scrollS = std::chrono::duration<double>(Clock::now() - t0).count();
        std::this_thread::sleep_for(3s); // the last screen of thumbnails
        const auto scrolled = memoryOf(s.process->pid());
        const long long stall = longestStallAfter(readText(log), before);
        test::screenshot(x.display(), "startup-bench-scrolled-to-end.png");
        stop(s, x.display(), true);
        std::printf("start-up with %d pages in the session, median of %d: %.0f ms\n", pages, bigRuns,
                    median(bigMs));
        std::printf(
            "resident memory with %d pages: %.1f MiB after start-up, %.1f MiB after scrolling through all "
            "(%.1f s of wheel scrolling), peak %.1f MiB; %.1f MiB above the empty session\n",
            pages, started.rssKiB / 1024.0, scrolled.rssKiB / 1024.0, scrollS, scrolled.peakKiB / 1024.0,
            scrolled.rssKiB / 1024.0 - emptyMiB);
        std::printf("longest UI stall while scrolling: %lld ms (stalls under 50 ms are not logged)\n", stall);
    }
    return 0;
}
