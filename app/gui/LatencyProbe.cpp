#include "app/gui/LatencyProbe.h"

#include "app/gui/BackgroundTask.h"

#include <algorithm>
#include <cstdlib>
#include <cxxabi.h>
#include <memory>
#include <mutex>
#include <typeinfo>
#include <vector>

namespace docdesk::gui {
namespace {
constexpr int kIntervalMs = 20;
constexpr std::chrono::milliseconds kReportOver{50};

// What the UI thread ran since the probe's last tick, by kind (handler class and event type, or
// posted call): a stall made of many short pieces, none slow alone, is named by its sum. UI
// thread only. A nested handler is counted in its own line and in the outer one's.
struct Spent {
    const std::type_info* type = nullptr;
    int eventType = -1; // -1: a posted call
    int count = 0;
    std::chrono::steady_clock::duration time{};
};
std::vector<Spent>& spentSinceTick() {
    static std::vector<Spent> spent;
    return spent;
}

void tally(const std::type_info& type, int eventType, std::chrono::steady_clock::duration time) {
    auto& spent = spentSinceTick();
    for (auto& s : spent)
        if (*s.type == type && s.eventType == eventType) {
            ++s.count;
            s.time += time;
            return;
        }
    spent.push_back({&type, eventType, 1, time});
}

std::string typeName(const char* mangled);
} // namespace

LatencyProbe::LatencyProbe() {
    const char* path = std::getenv("DOCDESK_UI_LATENCY_LOG");
    if (path == nullptr || *path == '\0')
        return;
    log_ = std::fopen(path, "a");
    if (log_ == nullptr)
        return;
    last_ = std::chrono::steady_clock::now();
    WindowQueue::observeCalls(&LatencyProbe::noteCall);
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
    auto& spent = spentSinceTick();
    if (late > kReportOver) {
        std::fprintf(log_, "stall_ms %lld\n", static_cast<long long>(late.count()));
        // The three kinds of work that took longest in it: "stall_in MS xCOUNT KIND".
        std::sort(spent.begin(), spent.end(), [](const Spent& a, const Spent& b) { return a.time > b.time; });
        for (size_t i = 0; i < spent.size() && i < 3; ++i)
            std::fprintf(log_, "stall_in %lld x%d %s(%d) %s\n",
                         static_cast<long long>(
                             std::chrono::duration_cast<std::chrono::milliseconds>(spent[i].time).count()),
                         spent[i].count, spent[i].eventType < 0 ? "call" : "event", spent[i].eventType,
                         typeName(spent[i].type->name()).substr(0, 200).c_str());
        std::fflush(log_);
    }
    spent.clear();
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
    const auto spent = std::chrono::steady_clock::now() - started;
    tally(call, -1, spent);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(spent);
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
    const auto spent = std::chrono::steady_clock::now() - started;
    tally(handler != nullptr ? typeid(*handler) : typeid(wxEvtHandler), event.GetEventType(), spent);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(spent);
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
