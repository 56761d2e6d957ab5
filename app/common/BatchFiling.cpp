#include "app/common/BatchFiling.h"

#include "app/common/PageRecognition.h"
#include "app/common/PlanFiling.h"
#include "core/common/Sha256.h"
#include "core/common/Translate.h"
#include "core/rules/PlanJson.h"
#include "core/rules/RulesFile.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace docdesk::app {
namespace fs = std::filesystem;

bool BatchFilingResult::ok() const {
    const auto good = [](const pipeline::FiledDocument& d) { return d.ok(); };
    return analysisErrors.empty() && std::all_of(filed.begin(), filed.end(), good) &&
           std::all_of(passThroughFiled.begin(), passThroughFiled.end(), good);
}

BatchFilingResult fileBatch(journal::Session& session, std::span<const PageRecord> pages,
                            const rules::FilingPlanner& planner, output::LocalArchive& archive,
                            const pipeline::FilingOptions& options, AnalysisWorker& worker,
                            std::stop_token stop, const std::function<void(size_t, size_t)>& onAnalysed,
                            const std::function<void(size_t, size_t)>& onRecognised,
                            const FilingRecordOptions& record) {
    // The window's two steps (prepare, then file the plan) without the user in between.
    BatchFilingResult r;
    const PreparedBatch batch =
        prepareBatch(session, pages, worker, planner.rules().pageEdits, options.pdfDpi, stop, onAnalysed);
    r.planPages = batch.planPages;
    for (const auto& p : batch.imagePages)
        r.planPageIds.push_back(p.id);
    r.passThrough = batch.passThrough;
    r.analysisErrors = batch.analysisErrors;
    if (stop.stop_requested())
        return r;
    pipeline::FilingOptions withText = batchFilingOptions(options, planner);
    if (rules::needsText(planner.rules())) {
        auto texts = recognisePages(batch.imagePages, worker, planner.rules().output.ocrLanguages,
                                    options.pdfDpi, stop, r.analysisErrors, onRecognised);
        if (stop.stop_requested())
            return r;
        attachTexts(r.planPages, batch.imagePages, *texts);
        if (planner.rules().output.ocr)
            withText.pageTexts = std::move(texts);
    }
    r.plan = planner.plan(r.planPages);
    auto filed = fileEditedPlan(session, batch, r.plan, archive, withText, stop, {}, record);
    r.filed = std::move(filed.filed);
    r.passThroughFiled = std::move(filed.passThroughFiled);
    r.filingIds = std::move(filed.filingIds);
    return r;
}

pipeline::FilingOptions batchFilingOptions(const pipeline::FilingOptions& options,
                                           const rules::FilingPlanner& planner) {
    pipeline::FilingOptions out = options;
    out.pdfa = options.pdfa || planner.rules().output.pdfa;
    return out;
}

FilingAhead::FilingAhead(journal::Session& session, const rules::FilingPlanner& planner,
                         output::LocalArchive& archive, const pipeline::FilingOptions& options,
                         const FilingRecordOptions& record)
    : session_(session), planner_(planner), archive_(archive), options_(batchFilingOptions(options, planner)),
      record_(record), thread_([this](std::stop_token stop) { run(stop); }) {}

FilingAhead::~FilingAhead() {
    thread_.request_stop();
}

void FilingAhead::analysed(std::span<const PageRecord> records) {
    {
        const std::lock_guard lock(mutex_);
        pages_.insert(pages_.end(), records.begin(), records.end());
    }
    changed_.notify_all();
}

const FiledAhead& FilingAhead::finish() {
    {
        const std::lock_guard lock(mutex_);
        finishing_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable())
        thread_.join();
    return filed_;
}

void FilingAhead::run(std::stop_token stop) {
    for (;;) {
        std::vector<PageRecord> pages;
        {
            std::unique_lock lock(mutex_);
            // Planned again once a few more pages are in (and an eighth more in a long batch:
            // each plan reads every page's analysis from the first on).
            const auto enough = [&] { return pages_.size() >= planned_ + std::max<size_t>(4, planned_ / 8); };
            if (!changed_.wait(lock, stop, [&] { return finishing_ || enough(); }) || finishing_)
                return;
            pages = pages_;
            planned_ = pages.size();
        }
        fileFinished(pages, stop);
    }
}

void FilingAhead::fileFinished(const std::vector<PageRecord>& pages, std::stop_token stop) {
    try {
        AnalysisWorker unused; // every page is analysed: prepareBatch asks it nothing
        PreparedBatch batch =
            prepareBatch(session_, pages, unused, planner_.rules().pageEdits, options_.pdfDpi, stop);
        batch.passThrough.clear(); // placed by fileBatch, after the documents
        rules::FilingPlan plan = planner_.plan(batch.planPages);
        const size_t done = filed_.filed.size();
        const size_t settled = planner_.settledDocuments(batch.planPages, plan);
        if (settled <= done)
            return;
        plan.documents = {plan.documents.begin() + std::ptrdiff_t(done),
                          plan.documents.begin() + std::ptrdiff_t(settled)};
        const auto documents = documentsToFile(batch, plan);
        auto filing = fileEditedPlan(session_, batch, plan, archive_, options_, stop, {}, record_);
        // A document cancelled by a stop is filed by fileBatch, as is everything after it.
        for (size_t k = 0; k < filing.filed.size() && k < documents.size(); ++k) {
            if (filing.filed[k].status == pipeline::FilingStatus::Cancelled)
                break;
            filed_.documents.push_back(documents[k]);
            filed_.filed.push_back(std::move(filing.filed[k]));
            filed_.filingIds.push_back(filing.filingIds[k]);
        }
    } catch (const std::exception&) {
        // Whatever went wrong here, fileBatch files these documents and reports it.
    }
}

} // namespace docdesk::app
