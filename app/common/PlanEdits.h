#pragma once
// The user's corrections of a filing plan (Split Here, Merge with Next, typed fields), kept in
// the session as they are made and applied again to every new plan of the session's pages:
// after F5, after a restart, and when new pages arrive. Each edit is anchored on a page's
// journal id (stable), not on document numbers (which change).
#include "app/common/PlanFiling.h"
#include "core/journal/Session.h"
#include "core/rules/FilingPlan.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace docdesk::app {

struct PlanEdit {
    enum class Kind { SplitBefore, MergeAfter, Fields };
    Kind kind = Kind::SplitBefore;
    std::int64_t pageId = 0; // SplitBefore: the new document's first page; MergeAfter: the last
                             // page of the first document; Fields: the document's first page
    std::map<std::string, std::string> fields; // Fields: all of the document's user fields

    std::string toJson() const;
    static std::optional<PlanEdit> fromJson(const std::string& json); // nullopt when unreadable
};

// The edits for what the user just did to `plan` (made from `batch`).
PlanEdit splitEdit(const PreparedBatch& batch, const rules::FilingPlan& plan, size_t document, size_t at);
PlanEdit mergeEdit(const PreparedBatch& batch, const rules::FilingPlan& plan, size_t first);
PlanEdit fieldsEdit(const PreparedBatch& batch, const rules::FilingPlan& plan, size_t document,
                    const std::map<std::string, std::string>& fields);

// Applies `edits` in order to `plan`; an edit whose pages are gone or no longer fit (e.g. a
// split before a page that starts a document anyway) is skipped.
rules::FilingPlan applyPlanEdits(const rules::FilingPlanner& planner, rules::FilingPlan plan,
                                 const PreparedBatch& batch, const std::vector<PlanEdit>& edits);

// The session's edits, in order (unreadable ones skipped).
std::vector<PlanEdit> storedPlanEdits(const journal::Session& session);

} // namespace docdesk::app
