#include "app/gui/BackgroundTask.h"

#include <chrono>
#include <cstdlib>
#include <cxxabi.h>
#include <exception>
#include <typeinfo>
#include <wx/app.h>
#include <wx/intl.h>
#include <wx/thread.h>
#include <wx/weakref.h>
#include <wx/window.h>

namespace docdesk::gui {
namespace {

std::string typeName(const std::type_info& type) {
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> demangled(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
    return status == 0 && demangled ? demangled.get() : type.name();
}

// One line per exception, outermost first, following std::nested_exception.
void describe(const std::exception& e, std::string& details) {
    details += typeName(typeid(e)) + ": " + e.what() + "\n";
    try {
        std::rethrow_if_nested(e);
    } catch (const std::exception& nested) {
        describe(nested, details);
    } catch (...) {
        details += "(an exception of unknown type)\n";
    }
}

} // namespace

TaskFailure TaskFailure::fromCurrentException() {
    TaskFailure failure;
    try {
        throw;
    } catch (const std::exception& e) {
        failure.summary = e.what();
        describe(e, failure.details);
    } catch (...) {
        failure.summary = _("The work stopped on an unexpected error.").utf8_string();
        failure.details = "(an exception of unknown type)\n";
    }
    return failure;
}

// Made, read and destroyed on the UI thread: wxWeakRef is not thread-safe. Copies of the
// pointer travel with the posted calls; the last one may be let go on a background thread, and
// the target is then deleted on the UI thread.
struct WindowQueue::Target {
    explicit Target(wxWindow* w) : window(w) {}
    bool live() const { return !closed && window && !window->IsBeingDeleted(); }

    wxWeakRef<wxWindow> window;
    bool closed = false;
};

WindowQueue::WindowQueue(wxWindow* window)
    : target_(new Target(window), [](Target* target) {
          if (wxThread::IsMain() || wxTheApp == nullptr)
              delete target;
          else
              wxTheApp->CallAfter([target] { delete target; });
      }) {}

namespace {
WindowQueue::CallObserver callObserver = nullptr; // UI thread only
} // namespace

void WindowQueue::observeCalls(CallObserver observer) {
    callObserver = observer;
}

void WindowQueue::post(std::function<void()> call) const {
    if (wxTheApp == nullptr || !target_)
        return; // the application is shutting down: there is no UI thread to run it
    wxTheApp->CallAfter([target = target_, call = std::move(call)] {
        if (!target->live())
            return;
        const auto started = std::chrono::steady_clock::now();
        call();
        if (callObserver != nullptr)
            callObserver(started, call.target_type());
    });
}

void WindowQueue::close() const {
    if (target_)
        target_->closed = true;
}

void BackgroundTask::requestStop() {
    thread_.request_stop();
}

void BackgroundTask::wait() {
    if (thread_.joinable())
        thread_.join();
}

void BackgroundTask::discard() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
    if (queue_)
        queue_->close();
    queue_.reset();
    run_.reset();
}

} // namespace docdesk::gui
