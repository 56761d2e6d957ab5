#include "app/gui/LatencyProbe.h"

#include <cstdlib>
#include <cxxabi.h>
#include <memory>
#include <mutex>
#include <typeinfo>

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
    // Stalls are counted from then on: the time before is start-up, which startup_bench measures.
    CallAfter([this] {
        std::fprintf(log_, "ready\n");
        std::fflush(log_);
        ready_ = true;
        last_ = std::chrono::steady_clock::now();
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
    if (!ready_) {
        last_ = now;
        return;
    }
    const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_) -
                      std::chrono::milliseconds(kIntervalMs);
    last_ = now;
    if (late > maxStall_)
        maxStall_ = late;
    if (late > kReportOver) {
        std::fprintf(log_, "stall_ms %lld\n", static_cast<long long>(late.count()));
        std::fflush(log_);
    }
}

namespace {

// The log for lines written outside the probe's timer (UI thread only); null when off.
std::FILE* eventLog() {
    static std::FILE* const log = [] {
        const char* path = std::getenv("DOCDESK_UI_LATENCY_LOG");
        return (path == nullptr || *path == '\0') ? nullptr : std::fopen(path, "a");
    }();
    return log;
}

} // namespace

void LatencyProbe::mark(const char* event) {
    if (std::FILE* log = eventLog()) {
        std::fprintf(log, "%s\n", event);
        std::fflush(log);
    }
}

namespace {

// "N" of a mangled type name, demangled when it can be.
std::string typeName(const char* mangled) {
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> demangled(
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
    return status == 0 && demangled ? demangled.get() : mangled;
}

} // namespace

void LatencyProbe::noteCall(std::chrono::steady_clock::time_point started, const std::type_info& call) {
    std::FILE* const log = eventLog();
    if (log == nullptr)
        return;
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (took <= kReportOver)
        return;
    std::fprintf(log, "slow_call_ms %lld %s\n", static_cast<long long>(took.count()),
                 typeName(call.name()).c_str());
    std::fflush(log);
}

void LatencyProbe::noteHandler(std::chrono::steady_clock::time_point started, const wxEvtHandler* handler,
                               const wxEvent& event) {
    std::FILE* const log = eventLog();
    if (log == nullptr)
        return;
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (took <= kReportOver)
        return;
    const wxClassInfo* eventClass = event.GetClassInfo();
    const std::string handlerName = handler != nullptr ? typeName(typeid(*handler).name()) : "?";
    std::fprintf(log, "slow_event_ms %lld %s(%d) %s\n", static_cast<long long>(took.count()),
                 eventClass != nullptr
                     ? static_cast<const char*>(wxString(eventClass->GetClassName()).utf8_str())
                     : "event",
                 static_cast<int>(event.GetEventType()), handlerName.c_str());
    std::fflush(log);
}

} // namespace docdesk::gui
