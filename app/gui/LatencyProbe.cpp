#include "app/gui/LatencyProbe.h"

#include <cstdlib>

namespace docdesk::gui {
namespace {
constexpr int kIntervalMs = 20;
constexpr std::chrono::milliseconds kReportOver{50};
} // namespace

LatencyProbe::LatencyProbe() {
    const char* path = std::getenv("DOCDESK_UI_LATENCY_LOG");
    if (path == nullptr || *path == '\0')
        return;
    log_ = std::fopen(path, "a");
    if (log_ == nullptr)
        return;
    last_ = std::chrono::steady_clock::now();
    Start(kIntervalMs);
    // The first pass of the event loop: the window is shown with the session's pages listed.
    // startup_bench measures the time from starting the program to this line. (CallAfter on
    // this handler: a pending call dies with the probe.)
    CallAfter([this] {
        std::fprintf(log_, "ready\n");
        std::fflush(log_);
    });
}

LatencyProbe::~LatencyProbe() {
    if (log_ != nullptr) {
        std::fprintf(log_, "max_stall_ms %lld\n", static_cast<long long>(maxStall_.count()));
        std::fclose(log_);
    }
}

void LatencyProbe::Notify() {
    const auto now = std::chrono::steady_clock::now();
    const auto late =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - last_) - std::chrono::milliseconds(kIntervalMs);
    last_ = now;
    if (late > maxStall_)
        maxStall_ = late;
    if (late > kReportOver) {
        std::fprintf(log_, "stall_ms %lld\n", static_cast<long long>(late.count()));
        std::fflush(log_);
    }
}

} // namespace docdesk::gui
