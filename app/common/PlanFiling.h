#pragma once
// The filing plan as the window works with it, in two steps with the user in between:
// prepareBatch() analyses what needs it and turns the session's pages into plan pages;
// the user looks at the plan, merges, splits and types fields; fileEditedPlan() renders the
// edited plan into the archive and places pass-through entries as they are. Both run on a
// background thread (no wx here) and take a stop token.
#include "app/common/AnalysisWorker.h"
#include "core/export/LocalArchive.h"
#include "core/journal/Session.h"
#include "core/pipeline/Filing.h"
#include "core/rules/FilingPlan.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::app {

struct PreparedBatch {
    std::vector<rules::PlanPage> planPages;  // the image pages, in session order
    std::vector<PageRecord> imagePages;      // the same pages' records (same index)
    std::vector<PageRecord> passThrough;     // entries filed as they are, in order
    std::vector<std::string> analysisErrors; // "source page N: reason" (the pages stay planned)
};

// True when the page has a stored analysis (not one that failed: that is tried again).
bool hasStoredAnalysis(const PageRecord& p);

// Analyses page `p` in `worker` unless its analysis is stored, and stores the result with the
// edits it proposes under `edits` (core/pipeline/ProposedEdits.h) in one step. Returns the
// page's records afterwards: itself, or the pages it was cut into. Analysis is stored on the
// page, so the window, the CLI and later runs reuse it, and a proposal is made only once: what
// the user does to it afterwards stands. A failed analysis is stored as {"error"} and reported
// in `errors` ("source page N: reason").
std::vector<PageRecord> analyseAndPropose(journal::Session& session, const PageRecord& p,
                                          AnalysisWorker& worker, const rules::PageEditRules& edits,
                                          double pdfDpi, std::vector<std::string>& errors);
// The second half of analyseAndPropose, for an outcome that came from the worker pool
// (AnalysisWorker::analyseMany, ArrivalAnalysis): stores it on page `p` with the edits it
// proposes. The page is read again first, so edits the user made while it was analysed are
// what the proposal builds on (and stand); when its analysis was stored meanwhile (the
// background analysis and the plan met), that one is kept and the page is returned as it is.
std::vector<PageRecord> storeAnalysisOutcome(journal::Session& session, const PageRecord& p,
                                             const AnalysisOutcome& outcome,
                                             const rules::PageEditRules& edits,
                                             std::vector<std::string>& errors);

// Analyses `pages` without a stored analysis in `worker` and stores the result on the page
// with the edits it proposes under `edits` (core/pipeline/ProposedEdits.h): a page cut into
// several documents becomes several pages of the session, all in the batch. Then makes their
// plan pages. `onAnalysed(done, total)` reports progress. When stopped, the result holds the
// pages prepared so far.
PreparedBatch prepareBatch(journal::Session& session, std::span<const PageRecord> pages,
                           AnalysisWorker& worker, const rules::PageEditRules& edits, double pdfDpi,
                           std::stop_token stop,
                           const std::function<void(size_t done, size_t total)>& onAnalysed = {});

// The documents of `plan` as the filing step takes them (pages by journal id, name, fields).
std::vector<pipeline::DocumentToFile> documentsToFile(const PreparedBatch& batch,
                                                      const rules::FilingPlan& plan);

// A pass-through entry placed in the archive root under its own name, bytes unchanged.
pipeline::FiledDocument placeAsItIs(const PageRecord& entry, output::LocalArchive& archive);

struct EditedPlanFiling {
    std::vector<pipeline::FiledDocument> filed;            // one per plan document, in order
    std::vector<pipeline::FiledDocument> passThroughFiled; // one per pass-through entry
    std::vector<std::int64_t> filingIds; // the session's record of each (filed, then pass-through); 0: none
    size_t failures() const;
};

// How a filing is recorded in the session (Session::beginFiling...).
// Documents already filed in this run (app::FilingAhead), with their results and the
// session's record of each.
struct FiledAhead {
    std::vector<pipeline::DocumentToFile> documents;
    std::vector<pipeline::FiledDocument> filed;
    std::vector<std::int64_t> filingIds;
    // The index of `doc` among `documents` (same pages, folder, name, title and fields).
    std::optional<size_t> find(const pipeline::DocumentToFile& doc) const;
};

struct FilingRecordOptions {
    // File documents whose pages were filed before once more (else they are skipped and
    // reported as alreadyFiled with where they went).
    bool again = false;
    // What the record names as the target; empty: the archive's root.
    std::string target;
    // Documents of the plan filed ahead in this run: their results are taken as they are.
    const FiledAhead* ahead = nullptr;
};

// Files the (possibly edited) `plan` of `batch` and its pass-through entries into `archive`,
// each document recorded in the session around its placement, so that a kill leaves it
// filed and recorded or not filed at all. `onProgress` is called on the calling thread.
// Never throws for a failing document: each result says what happened.
EditedPlanFiling fileEditedPlan(journal::Session& session, const PreparedBatch& batch,
                                const rules::FilingPlan& plan, output::LocalArchive& archive,
                                const pipeline::FilingOptions& options, std::stop_token stop,
                                const pipeline::FilingProgressSink& onProgress = {},
                                const FilingRecordOptions& record = {});

// The documents of `plan` whose pages were all filed already, as one document, by index.
std::vector<size_t> alreadyFiledDocuments(const journal::Session& session, const PreparedBatch& batch,
                                          const rules::FilingPlan& plan);

} // namespace docdesk::app
