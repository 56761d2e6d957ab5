#define BOOST_TEST_MODULE arrival_analysis
// Analysis as pages arrive (issue 16), with real docdesk-worker processes over a real session
// on disk: pages queued as they are stored are analysed by two serving threads and stored with
// their proposed edits; preparing the plan afterwards makes no worker request (its worker is a
// program that cannot analyse anything, so one request would show as an analysis error); edits
// the user made while a page was analysed stand; a queue stopped midway leaves the session
// whole, and a new queue over the reopened session analyses exactly the pages left; finished
// documents are filed while later pages are still analysed.
#include "app/common/ArrivalAnalysis.h"
#include "app/common/BatchFiling.h"
#include "app/common/PlanFiling.h"
#include "core/journal/Session.h"
#include "core/model/PageTransforms.h"
#include "platform/DurableFiles.h"
#include "tests/support/TestSupport.h"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

using namespace docdesk;
using journal::Session;
namespace fs = std::filesystem;

namespace {

fs::path workerPath() {
    return test::cliPath().parent_path() / "docdesk-worker";
}

std::vector<std::byte> bytesOf(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> b(s.size());
    std::memcpy(b.data(), s.data(), s.size());
    return b;
}

// Stores `file` in the session as one image page and returns it.
PageRecord store(Session& session, const fs::path& file) {
    return session.addOriginal(bytesOf(file), file.string(), "image/jpeg", 1).front();
}

// Serving threads, each with its own single-threaded worker, as the window runs them.
struct Servers {
    explicit Servers(app::ArrivalAnalysis& analysis, unsigned count = 2) {
        for (unsigned i = 0; i < count; ++i)
            threads.emplace_back([&analysis](std::stop_token stop) {
                app::WorkerLimits limits;
                limits.threads = 1;
                app::AnalysisWorker worker(limits, workerPath());
                analysis.serve(stop, worker);
            });
    }
    std::vector<std::jthread> threads;
};

struct Fixture {
    test::TempDir root;
    ports::DurableFiles& files = platform::durableFiles();
    std::unique_ptr<Session> session = Session::create(root.path(), files);
};

bool cropped(const PageRecord& p) {
    return PageTransforms::parse(p.transformsJson).crop.has_value();
}

} // namespace

BOOST_FIXTURE_TEST_CASE(pages_are_analysed_as_they_arrive_and_the_plan_does_not_analyse_them_again, Fixture) {
    app::ArrivalAnalysis arrivals(*session);
    Servers servers(arrivals);
    constexpr int kPages = 6;
    for (int n = 1; n <= kPages; ++n) { // stored and queued one by one, as an import does
        const fs::path file = root / ("page-" + std::to_string(n) + ".jpg");
        test::writeBatchPage(file, n, n == 2 ? "ARRIVAL-2" : "", "Code128");
        arrivals.add(std::vector{store(*session, file)}, {});
    }
    test::writeReceiptPhoto(root / "receipt.jpg");
    arrivals.add(std::vector{store(*session, root / "receipt.jpg")}, {});
    BOOST_REQUIRE(arrivals.waitForQueued({}));

    BOOST_TEST(arrivals.requests() == size_t(kPages + 1));
    BOOST_TEST(arrivals.errors().empty());
    const auto progress = arrivals.progress();
    BOOST_TEST(progress.done == progress.total);
    const auto pages = session->pages();
    BOOST_REQUIRE_EQUAL(pages.size(), size_t(kPages + 1));
    std::vector<std::string> analyses;
    for (const auto& p : pages) {
        BOOST_TEST(app::hasStoredAnalysis(p), p.source << " has no analysis");
        analyses.push_back(p.analysisJson.value_or(""));
    }
    BOOST_TEST(analyses[1].find("ARRIVAL-2") != std::string::npos, "the barcode is in the stored analysis");
    // The proposal is stored with the analysis: the receipt photo is cut out already.
    BOOST_TEST(cropped(pages.back()));

    // Queuing the same pages again asks nothing more.
    arrivals.add(pages, {});
    BOOST_REQUIRE(arrivals.waitForQueued({}));
    BOOST_TEST(arrivals.requests() == size_t(kPages + 1));

    // The plan: its worker runs a program that analyses nothing, so any request it made would
    // come back as an analysis error on that page.
    app::AnalysisWorker unusable(app::WorkerLimits{}, "/bin/false");
    const auto batch = app::prepareBatch(*session, pages, unusable, {}, 300, {});
    BOOST_TEST(batch.analysisErrors.empty());
    BOOST_REQUIRE_EQUAL(batch.planPages.size(), size_t(kPages + 1));
    for (const auto& page : batch.planPages)
        BOOST_TEST(page.analysed);
    const auto after = session->pages();
    for (size_t i = 0; i < after.size(); ++i)
        BOOST_TEST(after[i].analysisJson.value_or("") == analyses[i], "page " << i << " was analysed again");
}

BOOST_FIXTURE_TEST_CASE(edits_made_while_a_page_is_analysed_stand, Fixture) {
    test::writeReceiptPhoto(root / "receipt.jpg");
    const PageRecord turned = store(*session, root / "receipt.jpg");
    const PageRecord croppedByUser = store(*session, root / "receipt.jpg");
    app::AnalysisWorker worker(app::WorkerLimits{}, workerPath());
    const auto outcome = worker.analyse(turned.originalFile, turned.mediaType, 1);
    BOOST_REQUIRE(outcome.ok);

    // While the analysis ran, the user turned one page and drew a crop on the other.
    PageTransforms rotation;
    rotation.rotation = 90;
    session->setTransforms(turned.id, rotation.toJson());
    PageTransforms userCrop;
    userCrop.crop = Quad{PointF{10, 10}, PointF{300, 12}, PointF{298, 400}, PointF{12, 398}};
    session->setTransforms(croppedByUser.id, userCrop.toJson());

    // The results arrive with the records as they were queued.
    std::vector<std::string> errors;
    const auto first = app::storeAnalysisOutcome(*session, turned, outcome, {}, errors);
    const auto second = app::storeAnalysisOutcome(*session, croppedByUser, outcome, {}, errors);
    BOOST_TEST(errors.empty());
    BOOST_REQUIRE_EQUAL(first.size(), 1u);
    BOOST_REQUIRE_EQUAL(second.size(), 1u);
    const auto firstEdits = PageTransforms::parse(first.front().transformsJson);
    BOOST_TEST(firstEdits.rotation == 90, "the user's rotation was lost");
    BOOST_TEST(firstEdits.crop.has_value(), "the proposed crop was not added to the user's rotation");
    BOOST_TEST((PageTransforms::parse(second.front().transformsJson) == userCrop),
               "the user's crop was replaced by the proposal");
    for (const auto& p : session->pages())
        BOOST_TEST(app::hasStoredAnalysis(p));
}

BOOST_FIXTURE_TEST_CASE(deleted_pages_are_skipped_and_a_stopped_queue_leaves_the_rest_for_later, Fixture) {
    constexpr int kPages = 8;
    std::vector<PageRecord> pages;
    for (int n = 1; n <= kPages; ++n) {
        const fs::path file = root / ("page-" + std::to_string(n) + ".jpg");
        test::writeBatchPage(file, n);
        pages.push_back(store(*session, file));
    }
    session->removePage(pages.front().id); // deleted before its turn: not analysed
    const fs::path sessionDir = session->directory();
    {
        app::ArrivalAnalysis arrivals(*session);
        arrivals.add(pages, {});
        // One server, stopped after its second page (the window closing mid-analysis).
        std::stop_source stop;
        size_t seen = 0;
        app::WorkerLimits limits;
        limits.threads = 1;
        app::AnalysisWorker worker(limits, workerPath());
        arrivals.serve(stop.get_token(), worker, [&](const std::vector<PageRecord>&, auto) {
            if (++seen == 3)
                stop.request_stop();
        });
        BOOST_TEST(seen == 3u);
        BOOST_TEST(arrivals.requests() == 2u); // the deleted page cost no request
        // Nobody serves the queue any more: the plan waiting for it goes on at once (and
        // analyses the rest itself).
        BOOST_TEST(arrivals.waitForQueued({}));
        BOOST_TEST(arrivals.progress().done < arrivals.progress().total);
    }
    session.reset(); // closed as the window closes it

    session = Session::open(sessionDir, files);
    auto reopened = session->pages();
    BOOST_REQUIRE_EQUAL(reopened.size(), size_t(kPages - 1));
    size_t analysed = 0;
    for (const auto& p : reopened)
        analysed += app::hasStoredAnalysis(p) ? 1 : 0;
    BOOST_TEST(analysed == 2u);
    app::ArrivalAnalysis again(*session);
    Servers servers(again);
    again.add(reopened, {}); // the next window queues the session's pages
    BOOST_REQUIRE(again.waitForQueued({}));
    BOOST_TEST(again.requests() == size_t(kPages - 1 - 2));
    for (const auto& p : session->pages())
        BOOST_TEST(app::hasStoredAnalysis(p));
}

// `file` files a batch's first documents while its later pages are still analysed
// (app::FilingAhead): given the first pages, the documents the rules have finished are filed
// right away, and the later ones only once pages settle them; the batch filing afterwards takes
// those results instead of filing the documents a second time.
BOOST_FIXTURE_TEST_CASE(settled_documents_are_filed_while_later_pages_are_analysed, Fixture) {
    app::ArrivalAnalysis arrivals(*session);
    Servers servers(arrivals);
    constexpr int kPages = 9; // separator sheets on pages 4 and 7: pages 1-3, 5-6 and 8-9
    for (int n = 1; n <= kPages; ++n) {
        const fs::path file = root / ("page-" + std::to_string(n) + ".jpg");
        test::writeBatchPage(file, n, n == 4 || n == 7 ? "PATCHT" : "", "Code128");
        arrivals.add(std::vector{store(*session, file)}, {});
    }
    BOOST_REQUIRE(arrivals.waitForQueued({}));
    const auto pages = session->pages();
    BOOST_REQUIRE_EQUAL(pages.size(), size_t(kPages));

    const fs::path target = root / "archive";
    output::LocalArchive archive(target, files);
    pipeline::FilingOptions options;
    options.renderer = [](const output::PageSource& page, const output::RenderOptions& render,
                          bool) -> std::variant<output::EncodedPage, output::PageRaster> {
        return output::renderPage(page, render);
    };
    const rules::FilingPlanner planner(rules::FilingRules{});
    const auto pdfsFiled = [&] {
        size_t n = 0;
        for (const auto& e : fs::directory_iterator(target))
            n += e.path().extension() == ".pdf";
        return n;
    };
    app::FilingAhead ahead(*session, planner, archive, options, {});
    // Six pages: pages 1-3 are a finished document; 5-6 may still grow.
    ahead.analysed(std::span(pages).first(6));
    for (int tries = 0; tries < 200 && (!fs::exists(target) || pdfsFiled() < 1); ++tries)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    BOOST_REQUIRE(fs::exists(target));
    BOOST_TEST(pdfsFiled() == 1u, "the first document is filed while the batch is still analysed");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BOOST_TEST(pdfsFiled() == 1u, "the open document is not filed early");
    ahead.analysed(std::span(pages).subspan(6));
    app::FilingRecordOptions record;
    record.ahead = &ahead.finish();
    BOOST_REQUIRE_GE(record.ahead->filed.size(), 1u);
    BOOST_TEST(record.ahead->documents.front().pageIds ==
               (std::vector<std::int64_t>{pages[0].id, pages[1].id, pages[2].id}));

    app::AnalysisWorker unusable(app::WorkerLimits{}, "/bin/false"); // every page is analysed
    const auto result =
        app::fileBatch(*session, pages, planner, archive, options, unusable, {}, {}, {}, record);
    BOOST_TEST(result.ok());
    BOOST_REQUIRE_EQUAL(result.filed.size(), 3u);
    BOOST_TEST(result.filed[0].path == record.ahead->filed[0].path);
    BOOST_TEST(!result.filed[0].alreadyFiled);
    BOOST_TEST(pdfsFiled() == 3u, "nothing is filed twice");
    const std::vector<int> pageCounts{3, 2, 2};
    for (size_t k = 0; k < 3; ++k)
        BOOST_TEST(test::pdfPageCount(result.filed[k].path) == pageCounts[k]);
    BOOST_TEST(session->filings().size() == 3u);
}
