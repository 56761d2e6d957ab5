#pragma once
// `docdesk-cli file FILE...` analyses each page as soon as it is imported (issue 16): one
// persistent single-threaded docdesk-worker per core serves an app::ArrivalAnalysis queue while
// the next files are still being stored, so the import (copy, hash, flush) no longer runs
// before the analysis but beside it. Each result is stored in the session with the edits it
// proposes, as the plan would store it; the filing then finds the pages analysed.
// A JPEG page the filing must render (edited, or black-and-white) is rendered by the same
// worker right after its analysis, from the pixels decoded for it (RenderAfterAnalysis), so
// it is decoded once instead of twice.
#include "app/common/ArrivalAnalysis.h"
#include "app/common/PrerenderedPages.h"
#include "core/export/PageRenderer.h"
#include "core/journal/Session.h"
#include "core/rules/FilingRules.h"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace docdesk::cli {

using app::PrerenderedPages;

// What the filing will ask the renderer for: each page with `mode` set (when given) and
// rendered with `options`; the renders go `into` (none when null).
struct RenderAfterAnalysis {
    PrerenderedPages* into = nullptr;
    output::RenderOptions options;
    std::optional<PageMode> mode;
};

class ImportAnalysis {
  public:
    // `onAnalysed(done, total)` is called after each page (on a serving thread, one call at a
    // time); `total` counts the pages queued so far, `done` those analysed.
    using Progress = std::function<void(size_t done, size_t total)>;
    // `onReady(records)` gets the records of the next pages in the order they were added, as
    // soon as they and every page before them are analysed (and rendered ahead): so the batch
    // can be planned and filed from its first pages on (app::FilingAhead). Called on a
    // serving thread or in add(), one call at a time; it must be quick.
    using Ready = std::function<void(std::span<const PageRecord> records)>;
    ImportAnalysis(journal::Session& session, const rules::PageEditRules& edits, double pdfDpi,
                   Progress onAnalysed = {}, RenderAfterAnalysis render = {}, Ready onReady = {});
    ImportAnalysis(const ImportAnalysis&) = delete;
    ImportAnalysis& operator=(const ImportAnalysis&) = delete;
    ~ImportAnalysis(); // stops the servers (their workers end with them)

    // Queues the pages of a file just imported (pages analysed before are left as they are).
    // With RenderAfterAnalysis::mode, each page analysed here gets that mode in the session
    // right after its analysis (as `file --mode` sets it), so what is ready is final.
    void add(std::span<const PageRecord> pages);
    // Waits until every page queued is analysed and stops the servers. Returns `imported` as
    // the session holds it now: each page replaced by its analysed record(s) (a scan cut into
    // several receipts becomes several pages); a page not analysed here stays as it was (the
    // filing analyses it). `errors` gets the analyses that failed, "FILE page N: reason".
    std::vector<PageRecord> finish(const std::vector<PageRecord>& imported, std::vector<std::string>& errors);

  private:
    // On a serving thread, after each page: its records with the mode set (see add()).
    std::vector<PageRecord> withMode(std::vector<PageRecord> stored);
    // On a serving thread, after each page.
    void analysed(const std::vector<PageRecord>& stored, app::ArrivalAnalysis::Progress progress);
    // Under mutex_: hands the records of the pages now ready in order to onReady_.
    void handOverReady();
    // On a serving thread, after each page: its records rendered by `worker`, which has just
    // analysed them and still holds the decoded page.
    void renderAhead(const std::vector<PageRecord>& stored, app::AnalysisWorker& worker);

    journal::Session& session_;
    app::ArrivalAnalysis analysis_;
    rules::PageEditRules edits_;
    Progress onAnalysed_;
    RenderAfterAnalysis render_;
    Ready onReady_;
    std::mutex mutex_;
    size_t done_ = 0;                                          // pages analysed here
    std::map<std::int64_t, std::vector<PageRecord>> analysed_; // page id -> its records afterwards
    std::vector<std::int64_t> order_;                          // the pages added, in order
    std::map<std::int64_t, std::vector<PageRecord>> ready_;    // page id -> its records, when ready
    size_t handedOver_ = 0;                                    // pages of order_ given to onReady_
    std::vector<std::jthread> servers_;                        // last: stopped before the rest goes
};

} // namespace docdesk::cli
