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
    pipeline::FilingOptions withText = options;
    withText.pdfa = options.pdfa || planner.rules().output.pdfa;
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

} // namespace docdesk::app
