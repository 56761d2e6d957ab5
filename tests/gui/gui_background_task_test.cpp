// BackgroundTask (issue 21) with a real wx application on Xvfb: the follow-up runs on the UI
// thread after everything the work posted, an exception arrives as a TaskFailure, and nothing
// reaches a window that is gone or a run that was discarded.
#define BOOST_TEST_MODULE gui_background_task
#include "app/gui/BackgroundTask.h"
#include "tests/support/GuiSupport.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>
#include <wx/app.h>
#include <wx/frame.h>
#include <wx/init.h>
#include <wx/thread.h>

using namespace docdesk;
using namespace std::chrono_literals;

namespace {

// A GUI application on its own X display, once for all the tests (GTK connects to one display
// per process).
struct WxOnXvfb {
    test::Xvfb x;
    WxOnXvfb() {
        ::setenv("DISPLAY", x.display().c_str(), 1);
        ::setenv("GDK_BACKEND", "x11", 1);
        static char name[] = "gui_background_task_test";
        static char* argv[] = {name, nullptr};
        int argc = 1;
        wxApp::SetInstance(new wxApp());
        if (!wxEntryStart(argc, argv))
            throw std::runtime_error("wxWidgets did not start on the Xvfb display");
    }
    ~WxOnXvfb() { wxEntryCleanup(); }
};

// Lets the UI thread run what was posted, until `done` or 10 s; whether `done` came true.
bool runUiUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < end) {
        wxTheApp->ProcessPendingEvents();
        std::this_thread::sleep_for(5ms);
    }
    return done();
}

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(WxOnXvfb);

BOOST_AUTO_TEST_CASE(the_follow_up_comes_last_on_the_ui_thread) {
    auto* frame = new wxFrame(nullptr, wxID_ANY, "background");
    std::vector<int> progress;
    bool progressOnUi = true, thenOnUi = false, finished = false;
    size_t progressSeenByThen = 0;
    int value = 0;
    {
        gui::BackgroundTask task(frame);
        task.start(
            [&](std::stop_token, const gui::WindowQueue& ui) {
                for (int i = 1; i <= 3; ++i)
                    ui.post([&, i] {
                        progressOnUi = progressOnUi && wxThread::IsMain();
                        progress.push_back(i);
                    });
                return 42;
            },
            [&](gui::TaskResult<int> result) {
                thenOnUi = wxThread::IsMain();
                progressSeenByThen = progress.size();
                value = result.value;
                finished = !result.failure;
            });
        BOOST_TEST(task.running());
        BOOST_REQUIRE(runUiUntil([&] { return finished; }));
        BOOST_TEST(!task.running());
    }
    BOOST_TEST(value == 42);
    BOOST_TEST(thenOnUi);
    BOOST_TEST(progressOnUi);
    BOOST_TEST(progressSeenByThen == 3u);
    BOOST_TEST((progress == std::vector<int>{1, 2, 3}));
    delete frame;
}

BOOST_AUTO_TEST_CASE(an_exception_arrives_as_a_failure_with_its_causes) {
    auto* frame = new wxFrame(nullptr, wxID_ANY, "background");
    std::optional<gui::TaskFailure> failure;
    {
        gui::BackgroundTask task(frame);
        task.start(
            [](std::stop_token, const gui::WindowQueue&) {
                try {
                    throw std::invalid_argument("the disk is full");
                } catch (...) {
                    std::throw_with_nested(std::runtime_error("the page was not stored"));
                }
            },
            [&](gui::TaskResult<void> result) { failure = result.failure; });
        BOOST_REQUIRE(runUiUntil([&] { return failure.has_value(); }));
    }
    BOOST_TEST(failure->summary == "the page was not stored");
    BOOST_TEST(failure->details.find("the page was not stored") != std::string::npos);
    BOOST_TEST(failure->details.find("std::invalid_argument: the disk is full") != std::string::npos);
    delete frame;
}

BOOST_AUTO_TEST_CASE(nothing_reaches_a_window_that_is_gone) {
    auto* frame = new wxFrame(nullptr, wxID_ANY, "background");
    std::atomic<bool> release{false};
    bool progressRan = false, thenRan = false;
    gui::BackgroundTask task(frame); // outlives the window on purpose
    task.start(
        [&](std::stop_token, const gui::WindowQueue& ui) {
            while (!release)
                std::this_thread::sleep_for(1ms);
            ui.post([&] { progressRan = true; });
        },
        [&](gui::TaskResult<void>) { thenRan = true; });
    delete frame;
    release = true;
    task.wait();
    runUiUntil([] { return false; }, 300ms); // everything posted has been taken from the queue
    BOOST_TEST(!progressRan);
    BOOST_TEST(!thenRan);
}

BOOST_AUTO_TEST_CASE(a_discarded_run_delivers_nothing_and_sees_its_stop) {
    auto* frame = new wxFrame(nullptr, wxID_ANY, "background");
    std::atomic<bool> stopSeen{false};
    bool progressRan = false, thenRan = false;
    {
        gui::BackgroundTask task(frame);
        task.start(
            [&](std::stop_token stop, const gui::WindowQueue& ui) {
                ui.post([&] { progressRan = true; });
                const auto end = std::chrono::steady_clock::now() + 10s;
                while (!stop.stop_requested() && std::chrono::steady_clock::now() < end)
                    std::this_thread::sleep_for(1ms);
                stopSeen = stop.stop_requested();
            },
            [&](gui::TaskResult<void>) { thenRan = true; });
        task.discard();
        BOOST_TEST(!task.running());
    }
    runUiUntil([] { return false; }, 300ms);
    BOOST_TEST(stopSeen.load());
    BOOST_TEST(!progressRan);
    BOOST_TEST(!thenRan);
    delete frame;
}
