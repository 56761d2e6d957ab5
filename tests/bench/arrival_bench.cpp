// How long a user waits for the filing plan after dropping pages on the window (issue 16),
// with analysis as pages arrive and without it (DOCDESK_ANALYSE_ON_ARRIVAL=0: the plan
// analyses every page when asked, as before). docdesk runs under its own Xvfb; the pages are
// handed over on the command line, the same import a drop or File > Open starts. The user
// asks for the plan (Ctrl+2) as soon as every page shows in the session, or `think` seconds
// later (looking at the thumbnails first); "plan ready" is the window's own mark in its
// latency log (PlanPanel, LatencyProbe::mark), kept as a test artefact.
//   arrival_bench [pages=60] [think=0] [repeat=1]
// Prints per run: mode, seconds from the drop until all pages were in the session, until the
// plan was shown, the wait after Ctrl+2, and the window's longest UI stall.
#include "platform/ChildProcess.h"
#include "tests/support/GuiSupport.h"
#include "tests/support/OfficePages.h"
#include "tests/support/TestSupport.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

using namespace docdesk;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

bool logHas(const fs::path& log, const std::string& line) {
    std::ifstream in(log);
    for (std::string l; std::getline(in, l);)
        if (l == line)
            return true;
    return false;
}

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Run {
    double imported = -1, planReady = -1, afterAsking = -1;
    long long longestStallMs = -1;
};

Run runOnce(const std::vector<fs::path>& pages, bool onArrival, double think) {
    test::TempDir home;
    test::Xvfb x;
    platform::ChildOptions opts;
    opts.environment = test::appEnvironment(x.display(), home.path());
    // (A std::string, not a literal: GCC 12 reports a bogus -Wrestrict for a literal here.)
    opts.environment["DOCDESK_ANALYSE_ON_ARRIVAL"] = std::string(onArrival ? "1" : "0");
    const fs::path log = home / "latency.log";
    opts.environment["DOCDESK_UI_LATENCY_LOG"] = log.string();
    opts.discardStderr = true;
    std::vector<std::string> argv{test::guiPath().string(), "--new-session"};
    for (const auto& p : pages)
        argv.push_back(p.string());
    Run run;
    const auto dropped = Clock::now();
    platform::ChildProcess app(argv, opts);
    const std::string window = test::findWindow(x.display(), "^docdesk");
    if (window.empty()) {
        std::fprintf(stderr, "the window did not open\n");
        return run;
    }
    // The window's own marks, so that polling touches nothing the window uses (a reader of the
    // session would hold its lock against the window's writes).
    const auto deadline = dropped + 600s;
    while (!logHas(log, "import_finished") && Clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    run.imported = secondsSince(dropped);
    std::this_thread::sleep_for(std::chrono::duration<double>(think));
    const auto asked = Clock::now();
    test::pressKeys(x.display(), window, "ctrl+2");
    while (!logHas(log, "plan_ready") && Clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    if (logHas(log, "plan_ready")) {
        run.planReady = secondsSince(dropped);
        run.afterAsking = secondsSince(asked);
    }
    test::pressKeys(x.display(), window, "ctrl+q");
    app.waitFor(30s);
    run.longestStallMs = test::readUiStalls(log).longestMs;
    fs::copy_file(log,
                  test::artifactsDir() / (std::string("arrival_bench.") +
                                          (onArrival ? "on_arrival" : "at_plan") + ".latency.log"),
                  fs::copy_options::overwrite_existing);
    return run;
}

} // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 60;
    const double think = argc > 2 ? std::atof(argv[2]) : 0;
    const int repeat = argc > 3 ? std::atoi(argv[3]) : 1;
    test::TempDir dir;
    std::vector<fs::path> pages;
    for (int i = 0; i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "page-%03d.jpg", i);
        test::writeOfficeJpeg(test::makeOfficePage(i), dir / name);
        pages.push_back(dir / name);
    }
    std::printf("%d office pages (300 dpi A4), plan asked %.1f s after the import\n", count, think);
    std::printf("%-22s %10s %12s %14s %14s\n", "mode", "import_s", "plan_ready_s", "after_ctrl2_s",
                "max_stall_ms");
    for (int r = 0; r < repeat; ++r)
        for (const bool onArrival : {false, true}) {
            const Run run = runOnce(pages, onArrival, think);
            std::printf("%-22s %10.2f %12.2f %14.2f %14lld\n",
                        onArrival ? "analysis_on_arrival" : "analysis_at_plan", run.imported, run.planReady,
                        run.afterAsking, run.longestStallMs);
            std::fflush(stdout);
        }
    return 0;
}
