#define BOOST_TEST_MODULE page_edits
// The page edit commands and their undo stack over a real session on disk: rotate, delete,
// move and crop, each undone and redone, several pages at once, and the state checked again
// after the session is closed and opened anew (what a crash or restart would find).
#include "app/common/PageEdits.h"
#include "core/journal/Session.h"
#include "core/model/PageTransforms.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

using namespace docdesk;
using journal::Session;
namespace fs = std::filesystem;

namespace {

std::vector<std::byte> bytesOf(const std::string& s) {
    std::vector<std::byte> b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

struct Fixture {
    test::TempDir root;
    ports::DurableFiles& files = platform::durableFiles();
    std::unique_ptr<Session> session = Session::create(root.path(), files);
    std::vector<std::int64_t> ids; // pages A, B, C, D, E in their first order

    Fixture() {
        for (const char* name : {"a", "b", "c", "d", "e"})
            ids.push_back(session
                              ->addOriginal(bytesOf(std::string("page ") + name), std::string(name) + ".png",
                                            "image/png", 1)
                              .front()
                              .id);
    }
    std::vector<std::int64_t> order() const {
        std::vector<std::int64_t> out;
        for (const auto& p : session->pages())
            out.push_back(p.id);
        return out;
    }
    std::vector<std::int64_t> expect(std::initializer_list<int> letters) const {
        std::vector<std::int64_t> out;
        for (int i : letters)
            out.push_back(ids[static_cast<size_t>(i)]);
        return out;
    }
    PageTransforms transformsOf(std::int64_t id) const {
        for (const auto& p : session->pages())
            if (p.id == id)
                return PageTransforms::parse(p.transformsJson);
        BOOST_FAIL("page " << id << " is not in the session");
        return {};
    }
    void reopen() {
        const fs::path dir = session->directory();
        session.reset();
        session = Session::open(dir, files);
    }
};

enum { A, B, C, D, E };

} // namespace

BOOST_FIXTURE_TEST_CASE(rotation_is_undone_and_redone_for_several_pages, Fixture) {
    app::PageEditStack stack;
    BOOST_TEST(!stack.canUndo());
    BOOST_TEST(stack.perform(*session, app::rotatePages({ids[A], ids[C]}, 90)));
    BOOST_TEST(stack.undoName() == "Rotate");
    BOOST_TEST(stack.perform(*session, app::rotatePages({ids[A]}, 90)));
    BOOST_TEST(transformsOf(ids[A]).rotation == 180);
    BOOST_TEST(transformsOf(ids[C]).rotation == 90);
    BOOST_TEST(transformsOf(ids[B]).rotation == 0);
    BOOST_TEST(stack.perform(*session, app::rotatePages({ids[C]}, -90)));
    BOOST_TEST(transformsOf(ids[C]).rotation == 0);
    BOOST_TEST(stack.lastTouched() == std::vector<std::int64_t>{ids[C]});

    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(transformsOf(ids[C]).rotation == 90);
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(transformsOf(ids[A]).rotation == 90);
    BOOST_TEST(stack.redoName() == "Rotate");
    BOOST_TEST(stack.redo(*session));
    BOOST_TEST(transformsOf(ids[A]).rotation == 180);

    // Left from 0 is 270; a new edit forgets what could be redone.
    BOOST_TEST(stack.perform(*session, app::rotatePages({ids[E]}, -90)));
    BOOST_TEST(!stack.canRedo());
    reopen();
    BOOST_TEST(transformsOf(ids[A]).rotation == 180);
    BOOST_TEST(transformsOf(ids[C]).rotation == 90);
    BOOST_TEST(transformsOf(ids[E]).rotation == 270);
    BOOST_TEST(transformsOf(ids[B]).isIdentity());
}

BOOST_FIXTURE_TEST_CASE(deleted_pages_come_back_at_their_places, Fixture) {
    app::PageEditStack stack;
    BOOST_TEST(stack.perform(*session, app::deletePages({ids[B], ids[D]})));
    BOOST_TEST(order() == expect({A, C, E}));
    BOOST_TEST(stack.undoName() == "Delete");
    // A move after the delete renumbers the positions of the pages still shown.
    BOOST_TEST(stack.perform(*session, app::movePages({ids[E]}, 0)));
    BOOST_TEST(order() == expect({E, A, C}));
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(order() == expect({A, C, E}));
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(order() == expect({A, B, C, D, E}));
    BOOST_TEST(stack.redo(*session));
    BOOST_TEST(order() == expect({A, C, E}));
    reopen();
    BOOST_TEST(order() == expect({A, C, E}));
    BOOST_TEST(session->pageCount() == 3);
}

BOOST_FIXTURE_TEST_CASE(moves_of_one_and_several_pages_are_undone_exactly, Fixture) {
    app::PageEditStack stack;
    // One page to the end, by index (the page count).
    BOOST_TEST(stack.perform(*session, app::movePages({ids[A]}, 5)));
    BOOST_TEST(order() == expect({B, C, D, E, A}));
    // Two separate pages before the page now at index 1 (C): they stand together there.
    BOOST_TEST(stack.perform(*session, app::movePages({ids[E], ids[B]}, 1)));
    BOOST_TEST(order() == expect({B, E, C, D, A}));
    // A block one place later, then one place earlier.
    BOOST_TEST(stack.perform(*session, app::shiftPages({ids[B], ids[E]}, +1)));
    BOOST_TEST(order() == expect({C, B, E, D, A}));
    BOOST_TEST(stack.perform(*session, app::shiftPages({ids[C]}, -1)) == false); // already first
    BOOST_TEST(stack.undoName() == "Move");

    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(order() == expect({B, E, C, D, A}));
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(order() == expect({B, C, D, E, A}));
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(order() == expect({A, B, C, D, E}));
    BOOST_TEST(!stack.undo(*session));
    BOOST_TEST(stack.redo(*session));
    BOOST_TEST(stack.redo(*session));
    BOOST_TEST(order() == expect({B, E, C, D, A}));
    reopen();
    BOOST_TEST(order() == expect({B, E, C, D, A}));
}

BOOST_FIXTURE_TEST_CASE(a_crop_keeps_the_rotation_and_is_undone, Fixture) {
    app::PageEditStack stack;
    BOOST_TEST(stack.perform(*session, app::rotatePages({ids[B]}, 90)));
    const Quad quad{{{10, 20}, {300, 25}, {310, 400}, {5, 390}}};
    BOOST_TEST(stack.perform(*session, app::cropPage(ids[B], quad)));
    BOOST_TEST(stack.undoName() == "Crop");
    auto t = transformsOf(ids[B]);
    BOOST_REQUIRE(t.crop.has_value());
    BOOST_TEST((*t.crop)[2].x == 310);
    BOOST_TEST(t.rotation == 90);
    // The same crop again changes nothing and is not kept.
    BOOST_TEST(!stack.perform(*session, app::cropPage(ids[B], quad)));
    BOOST_TEST(stack.undo(*session));
    t = transformsOf(ids[B]);
    BOOST_TEST(!t.crop.has_value());
    BOOST_TEST(t.rotation == 90);
    BOOST_TEST(stack.redo(*session));
    reopen();
    t = transformsOf(ids[B]);
    BOOST_REQUIRE(t.crop.has_value());
    BOOST_TEST((*t.crop)[0].y == 20);
    BOOST_TEST(t.rotation == 90);
}

BOOST_FIXTURE_TEST_CASE(the_queue_writes_in_order_on_its_thread_and_reports_each_outcome, Fixture) {
    std::mutex m;
    std::condition_variable cv;
    std::vector<app::PageEditQueue::Outcome> outcomes;
    const auto caller = std::this_thread::get_id();
    bool otherThread = true;
    {
        app::PageEditQueue queue(*session, [&](app::PageEditQueue::Outcome o) {
            std::lock_guard g(m);
            otherThread = otherThread && std::this_thread::get_id() != caller;
            outcomes.push_back(std::move(o));
            cv.notify_all();
        });
        queue.perform(app::rotatePages({ids[A]}, 90));
        queue.perform(app::deletePages({ids[C]}));
        queue.undo();
        queue.perform(app::movePages({ids[E]}, 0));
        queue.undo();
        queue.redo();
        queue.redo(); // nothing to redo: reported as nothing done
        std::unique_lock lock(m);
        BOOST_REQUIRE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return outcomes.size() == 7; }));
    }
    BOOST_TEST(otherThread);
    BOOST_TEST(outcomes[0].done == "Rotate");
    BOOST_TEST(outcomes[0].touched == std::vector<std::int64_t>{ids[A]});
    BOOST_TEST(outcomes[2].done == "Undo Delete");
    BOOST_TEST(outcomes[4].done == "Undo Move");
    BOOST_TEST(outcomes[5].done == "Redo Move");
    BOOST_TEST(outcomes[5].undoName == "Move");
    BOOST_TEST(outcomes[5].redoName == "");
    BOOST_TEST(outcomes[6].done == "");
    BOOST_TEST(outcomes[6].error == "");
    BOOST_TEST(outcomes[6].pages.size() == 5u);
    BOOST_TEST(outcomes[6].pages.front().id == ids[E]);
    reopen();
    BOOST_TEST(order() == expect({E, A, B, C, D}));
    BOOST_TEST(transformsOf(ids[A]).rotation == 90);
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_the_stack_as_it_was) {
    test::TempDir root;
    auto& files = platform::durableFiles();
    fs::path dir;
    std::int64_t id = 0;
    {
        auto s = Session::create(root.path(), files);
        dir = s->directory();
        id = s->addOriginal(bytesOf("x"), "x.png", "image/png", 1).front().id;
    }
    auto readOnly = Session::openReadOnly(dir);
    app::PageEditStack stack;
    BOOST_CHECK_THROW(stack.perform(*readOnly, app::rotatePages({id}, 90)), std::exception);
    BOOST_TEST(!stack.canUndo());
}

BOOST_FIXTURE_TEST_CASE(remove_crop_takes_a_proposed_crop_off_several_pages_and_undo_brings_it_back,
                        Fixture) {
    // The crops the analysis proposed (stored with it), on pages A and C.
    const std::string cropped = R"({"crop":[[10,10],[90,12],[88,300],[12,298]],"rotation":90})";
    session->storeAnalysis(ids[0], R"({"width":100})", std::vector<std::string>{cropped});
    session->storeAnalysis(ids[2], R"({"width":100})", std::vector<std::string>{cropped});
    app::PageEditStack stack;
    BOOST_TEST(stack.perform(*session, app::removeCrops({ids[0], ids[1], ids[2]})));
    BOOST_TEST(stack.undoName() == "Remove Crop");
    BOOST_TEST((stack.lastTouched() == std::vector<std::int64_t>{ids[0], ids[2]})); // B had no crop
    for (const int page : {0, 2}) {
        BOOST_TEST(!transformsOf(ids[size_t(page)]).crop.has_value());
        BOOST_TEST(transformsOf(ids[size_t(page)]).rotation == 90); // the rest of the edits stays
    }
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST((transformsOf(ids[0]) == PageTransforms::parse(cropped)));
    BOOST_TEST((transformsOf(ids[2]) == PageTransforms::parse(cropped)));
    BOOST_TEST(!stack.perform(*session, app::removeCrops({ids[1]}))); // nothing to take off
}

BOOST_FIXTURE_TEST_CASE(page_mode_is_set_on_several_pages_keeps_their_other_edits_and_is_undone, Fixture) {
    app::PageEditStack stack;
    BOOST_TEST(stack.perform(*session, app::rotatePages({ids[0]}, 90)));
    BOOST_TEST(stack.perform(*session, app::setPageMode({ids[0], ids[1]}, PageMode::BlackWhite)));
    BOOST_TEST(stack.undoName() == "Page Mode");
    BOOST_TEST((stack.lastTouched() == std::vector<std::int64_t>{ids[0], ids[1]}));
    BOOST_TEST(int(transformsOf(ids[0]).mode) == int(PageMode::BlackWhite));
    BOOST_TEST(int(transformsOf(ids[1]).mode) == int(PageMode::BlackWhite));
    BOOST_TEST(transformsOf(ids[0]).rotation == 90); // the rotation stays
    BOOST_TEST(int(transformsOf(ids[2]).mode) == int(PageMode::Original));
    BOOST_TEST(stack.perform(*session, app::setPageMode({ids[1]}, PageMode::Gray)));
    BOOST_TEST(int(transformsOf(ids[1]).mode) == int(PageMode::Gray));
    BOOST_TEST(!stack.perform(*session, app::setPageMode({ids[1]}, PageMode::Gray))); // nothing to change
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(int(transformsOf(ids[1]).mode) == int(PageMode::BlackWhite));
    BOOST_TEST(stack.undo(*session));
    BOOST_TEST(int(transformsOf(ids[0]).mode) == int(PageMode::Original));
    BOOST_TEST(int(transformsOf(ids[1]).mode) == int(PageMode::Original));
    BOOST_TEST(transformsOf(ids[0]).rotation == 90);
    BOOST_TEST(stack.redo(*session));
    BOOST_TEST(int(transformsOf(ids[0]).mode) == int(PageMode::BlackWhite));
    // As the session on disk has it after a restart.
    const auto dir = session->directory();
    session.reset();
    session = Session::open(dir, files);
    BOOST_TEST(int(transformsOf(ids[0]).mode) == int(PageMode::BlackWhite));
    BOOST_TEST(transformsOf(ids[0]).rotation == 90);
}
