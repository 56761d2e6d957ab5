#pragma once
// The one way the window runs work off the UI thread (issue 21). A BackgroundTask owns its
// thread (a std::jthread: the work gets a std::stop_token, and the thread is joined before the
// task goes), and brings results back to the UI thread only while the window it belongs to
// still exists: calls go through the application's queue and are dropped there, on the UI
// thread, when the window is gone (a wxWeakRef, as Poedit's `then_on_window` does) or the run
// was discarded. An exception leaving the work does not cross the thread as an exception: it
// arrives as a TaskFailure, a summary for the user and the details for a report.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <type_traits>
#include <typeinfo>
#include <utility>

class wxWindow;

namespace docdesk::gui {

// An exception caught at the edge of a background task, as data.
struct TaskFailure {
    std::string summary; // what went wrong, in the exception's own words (what())
    std::string details; // the exception's type and the causes nested in it, one a line
    // Of the exception being handled (call inside a catch block).
    static TaskFailure fromCurrentException();
};

// What a run of a task brought back: its value, or why there is none (`value` is then
// default-made).
template <class T> struct TaskResult {
    T value{};
    std::optional<TaskFailure> failure;
};
template <> struct TaskResult<void> { std::optional<TaskFailure> failure; };

// Calls from any thread, run on the UI thread in the order posted while `window` exists.
// Made on the UI thread; copies are cheap and may go to any thread.
class WindowQueue {
  public:
    explicit WindowQueue(wxWindow* window);
    // Any thread. `call` runs later on the UI thread, or never when the window is gone or the
    // queue was closed by then.
    void post(std::function<void()> call) const;
    // UI thread: calls posted before or after are dropped.
    void close() const;
    // UI thread: `observer` hears of every posted call run from now on (when it began and the
    // call's type), since wx runs them without wxApp::CallEventHandler (the latency probe).
    using CallObserver = void (*)(std::chrono::steady_clock::time_point started, const std::type_info& call);
    static void observeCalls(CallObserver observer);

  private:
    struct Target; // the weak reference to the window; touched on the UI thread only
    std::shared_ptr<Target> target_;
};

class BackgroundTask {
  public:
    // `window` is the one whose lifetime bounds the follow-ups (usually the owner).
    explicit BackgroundTask(wxWindow* window) : window_(window) {}
    // Discards the run still going (see discard()).
    ~BackgroundTask() { discard(); }
    // Movable also while a run goes (a vector of them): the thread uses none of its members.
    BackgroundTask(BackgroundTask&&) noexcept = default;
    BackgroundTask& operator=(BackgroundTask&&) = delete;
    BackgroundTask(const BackgroundTask&) = delete;
    BackgroundTask& operator=(const BackgroundTask&) = delete;

    // UI thread. Discards the previous run, if any, then runs `work(stop, queue)` on a new
    // thread; `queue` posts progress to the window. When the work returns or throws,
    // `then(TaskResult<R>)` runs on the UI thread (R: what the work returns), after
    // everything the work posted, unless the window is gone or the run was discarded by then.
    // `then` and R travel through the queue by copy: both must be copyable.
    template <class Work, class Then> void start(Work work, Then then);

    // Asks the work to stop (a cancellation: `then` still runs, with what the work made).
    void requestStop();
    // Waits for the work to end; what it posted and `then` are still delivered.
    void wait();
    // Stops and waits for the work, and drops what it posted and its `then` if not yet run:
    // for a result nobody wants any more (the window closes, the work is superseded).
    void discard();
    // A run was started, not waited for or discarded, and its `then` has not returned yet.
    bool running() const { return thread_.joinable() && run_ && !run_->finished; }

  private:
    struct Run {
        bool finished = false; // `then` has returned (UI thread only)
    };

    wxWindow* window_;
    std::optional<WindowQueue> queue_; // of the current run
    std::shared_ptr<Run> run_;
    std::jthread thread_; // last: joined before the rest goes
};

template <class Work, class Then> void BackgroundTask::start(Work work, Then then) {
    using Value = std::invoke_result_t<Work&, std::stop_token, const WindowQueue&>;
    discard();
    queue_.emplace(window_);
    run_ = std::make_shared<Run>();
    thread_ = std::jthread([queue = *queue_, run = run_, work = std::move(work),
                            then = std::move(then)](std::stop_token stop) mutable {
        TaskResult<Value> result;
        try {
            if constexpr (std::is_void_v<Value>)
                work(stop, queue);
            else
                result.value = work(stop, queue);
        } catch (...) {
            result.failure = TaskFailure::fromCurrentException();
        }
        queue.post([run, then = std::move(then), result = std::move(result)]() mutable {
            then(std::move(result));
            run->finished = true;
        });
    });
}

} // namespace docdesk::gui
