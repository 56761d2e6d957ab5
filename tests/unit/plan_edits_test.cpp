#define BOOST_TEST_MODULE plan_edits
// The user's corrections of the filing plan, kept in a real session and applied again to new
// plans: after F5, after a restart, and when new pages arrive.
#include "app/common/PlanEdits.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cstring>

using namespace docdesk;
namespace fs = std::filesystem;

namespace {

std::vector<std::byte> bytesOf(const std::string& s) {
    std::vector<std::byte> b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

// The session's pages as a prepared batch: plain pages, the pages of one file each.
app::PreparedBatch batchOf(const journal::Session& session, bool ownDocuments) {
    app::PreparedBatch batch;
    batch.imagePages = session.pages();
    for (const auto& p : batch.imagePages) {
        rules::PlanPage page;
        page.source = p.source;
        page.page = p.sourcePage;
        page.file = p.originalId;
        page.width = 1000;
        page.height = 1400;
        if (ownDocuments)
            page.ownDocument = rules::StartReason::NewFile;
        batch.planPages.push_back(page);
    }
    return batch;
}

std::vector<std::vector<size_t>> documentPages(const rules::FilingPlan& plan) {
    std::vector<std::vector<size_t>> out;
    for (const auto& d : plan.documents)
        out.push_back(d.pages);
    return out;
}

using Pages = std::vector<std::vector<size_t>>;

} // namespace

BOOST_AUTO_TEST_CASE(split_and_fields_survive_a_restart_and_new_pages) {
    test::TempDir root;
    const rules::FilingPlanner planner{rules::FilingRules{}};
    fs::path dir;
    {
        auto session = journal::Session::create(root.path(), platform::durableFiles());
        dir = session->directory();
        session->addOriginal(bytesOf("four pages"), "/in/batch.pdf", "application/pdf", 4);
        const auto batch = batchOf(*session, false);
        auto plan = planner.plan(batch.planPages);
        BOOST_REQUIRE(plan.documents.size() == 1u);
        session->addPlanEdit(app::splitEdit(batch, plan, 0, 2).toJson());
        plan = planner.split(plan, batch.planPages, 0, 2);
        session->addPlanEdit(app::fieldsEdit(batch, plan, 1, {{"vendor", "ACME"}}).toJson());
        session->addPlanEdit("{\"kind\": \"unknown\"}"); // unreadable: skipped
    }
    auto session = journal::Session::open(dir, platform::durableFiles()); // restart
    auto batch = batchOf(*session, false);
    auto plan =
        app::applyPlanEdits(planner, planner.plan(batch.planPages), batch, app::storedPlanEdits(*session));
    BOOST_TEST((documentPages(plan) == Pages{{0, 1}, {2, 3}}));
    BOOST_TEST(plan.documents[1].fieldValues().at("vendor") == "ACME");
    // A page arrives: the plan is made again with it, and the corrections still hold.
    session->addOriginal(bytesOf("one more"), "/in/late.pdf", "application/pdf", 1);
    batch = batchOf(*session, false);
    plan = app::applyPlanEdits(planner, planner.plan(batch.planPages), batch, app::storedPlanEdits(*session));
    BOOST_TEST((documentPages(plan) == Pages{{0, 1}, {2, 3, 4}}));
    BOOST_TEST(plan.documents[1].fieldValues().at("vendor") == "ACME");
}

BOOST_AUTO_TEST_CASE(merge_is_kept_and_undone_by_removing_it) {
    test::TempDir root;
    const rules::FilingPlanner planner{rules::FilingRules{}};
    auto session = journal::Session::create(root.path(), platform::durableFiles());
    for (const char* name : {"/in/a.png", "/in/b.png", "/in/c.png"})
        session->addOriginal(bytesOf(name), name, "image/png", 1);
    const auto batch = batchOf(*session, true);
    const auto plain = planner.plan(batch.planPages);
    BOOST_REQUIRE(plain.documents.size() == 3u);
    const auto id = session->addPlanEdit(app::mergeEdit(batch, plain, 1).toJson());
    auto plan = app::applyPlanEdits(planner, plain, batch, app::storedPlanEdits(*session));
    BOOST_TEST((documentPages(plan) == Pages{{0}, {1, 2}}));
    // Applying the same edits to a plan that has them already changes nothing more.
    plan = app::applyPlanEdits(planner, plan, batch, app::storedPlanEdits(*session));
    BOOST_TEST((documentPages(plan) == Pages{{0}, {1, 2}}));
    session->removePlanEdit(id);
    plan = app::applyPlanEdits(planner, plain, batch, app::storedPlanEdits(*session));
    BOOST_TEST(plan.documents.size() == 3u);
    // A removed page takes its edits with it.
    session->addPlanEdit(app::mergeEdit(batch, plain, 0).toJson());
    session->removePage(batch.imagePages[0].id);
    const auto fewer = batchOf(*session, true);
    plan = app::applyPlanEdits(planner, planner.plan(fewer.planPages), fewer, app::storedPlanEdits(*session));
    BOOST_TEST(plan.documents.size() == 2u);
}
