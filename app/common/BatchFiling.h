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

#include <condition_variable>
#include <functional>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
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

// The options fileBatch files with: `options`, PDF/A when the rules ask for it.
pipeline::FilingOptions batchFilingOptions(const pipeline::FilingOptions& options,
                                           const rules::FilingPlanner& planner);

// Documents filed while the rest of the batch is still being analysed (issue 16), as `file`
// does. The rules plan in one pass from the first page on (FilingPlanner::plan: a page joins
// the open document, starts one or is dropped; names are numbered in order), so the plan of
// the batch's first pages already holds its first documents exactly as the whole batch's plan
// will (FilingPlanner::settledDocuments: all but the last, as a rule). Those are filed on a thread of their
// own while the analysis goes on, recorded in the session as fileBatch records them; fileBatch then takes
// their results (FilingRecordOptions::ahead) instead of filing them again, so only the last documents are
// left once the last page is analysed. Not for rules that need text (OCR runs before the plan).
class FilingAhead {
  public:
    FilingAhead(journal::Session& session, const rules::FilingPlanner& planner, output::LocalArchive& archive,
                const pipeline::FilingOptions& options, const FilingRecordOptions& record);
    FilingAhead(const FilingAhead&) = delete;
    FilingAhead& operator=(const FilingAhead&) = delete;
    ~FilingAhead(); // stops; documents being written are placed whole or not at all

    // Any thread. The records of the batch's next pages, analysed (a page cut into several
    // gives several), in the batch's order after those given before.
    void analysed(std::span<const PageRecord> records);
    // Lets the document being filed finish, stops, and returns what was filed ahead. Then
    // `archive` and the session are the caller's alone again.
    const FiledAhead& finish();

  private:
    void run(std::stop_token stop);
    // Files the documents of the plan of `pages` (all analysed) that are finished.
    void fileFinished(const std::vector<PageRecord>& pages, std::stop_token stop);

    journal::Session& session_;
    const rules::FilingPlanner& planner_;
    output::LocalArchive& archive_;
    const pipeline::FilingOptions options_;
    const FilingRecordOptions record_;
    std::mutex mutex_;
    std::condition_variable_any changed_;
    std::vector<PageRecord> pages_; // the batch's first pages, analysed
    size_t planned_ = 0;            // of those, the pages the last plan was made of
    bool finishing_ = false;
    FiledAhead filed_;    // written by the thread only; read after it ended
    std::jthread thread_; // last: stopped before the rest goes
};

} // namespace docdesk::app
