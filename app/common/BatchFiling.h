#pragma once
// From captured pages to filed documents, as the `file` and `watch` commands (and later the
// GUI's File action) do it: pages without analysis are analysed in docdesk-worker (the result
// is stored on the page), the rules make the plan, and the documents are rendered into the
// local archive. Pass-through entries (Office files, e-mails...) are each placed as they are.
#include "app/common/AnalysisWorker.h"
#include "app/common/PlanFiling.h"
#include "core/export/LocalArchive.h"
#include "core/journal/Session.h"
#include "core/pipeline/Filing.h"
#include "core/rules/FilingPlan.h"

#include <functional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::app {

struct BatchFilingResult {
    std::vector<rules::PlanPage> planPages; // the pages planned, in order
    std::vector<std::int64_t> planPageIds;  // their journal ids
    rules::FilingPlan plan;
    std::vector<pipeline::FiledDocument> filed;            // one per plan document, in order
    std::vector<PageRecord> passThrough;                   // pass-through entries, in order
    std::vector<pipeline::FiledDocument> passThroughFiled; // one per entry
    std::vector<std::string> analysisErrors;               // "source page N: reason" (pages stay planned)
    std::vector<std::int64_t> filingIds; // the session's record of each document (filed, then pass-through)
    bool ok() const;
};

// Analyses what needs it, plans `pages` with `planner` and files the result into `archive`,
// recorded in the session; documents filed before are skipped (reported as alreadyFiled)
// unless `record.again`.
// `onAnalysed(done, total)` reports analysis progress; `onRecognised` that of OCR, which runs
// (on the edited pages, before planning) when the rules ask for a searchable PDF.
BatchFilingResult fileBatch(journal::Session& session, std::span<const PageRecord> pages,
                            const rules::FilingPlanner& planner, output::LocalArchive& archive,
                            const pipeline::FilingOptions& options, AnalysisWorker& worker,
                            std::stop_token stop,
                            const std::function<void(size_t done, size_t total)>& onAnalysed = {},
                            const std::function<void(size_t done, size_t total)>& onRecognised = {},
                            const FilingRecordOptions& record = {});

} // namespace docdesk::app
