#include "app/common/PlanEdits.h"

#include <nlohmann/json.hpp>

namespace docdesk::app {
namespace {

const char* kindKey(PlanEdit::Kind kind) {
    switch (kind) {
    case PlanEdit::Kind::SplitBefore:
        return "split_before";
    case PlanEdit::Kind::MergeAfter:
        return "merge_after";
    case PlanEdit::Kind::Fields:
        return "fields";
    }
    return "";
}

std::int64_t pageIdAt(const PreparedBatch& batch, const rules::FilingPlan& plan, size_t document, size_t at) {
    return batch.imagePages.at(plan.documents.at(document).pages.at(at)).id;
}

// The document holding the page with journal id `pageId`, and the page's position in it.
std::optional<std::pair<size_t, size_t>> find(const PreparedBatch& batch, const rules::FilingPlan& plan,
                                              std::int64_t pageId) {
    for (size_t d = 0; d < plan.documents.size(); ++d)
        for (size_t k = 0; k < plan.documents[d].pages.size(); ++k)
            if (batch.imagePages.at(plan.documents[d].pages[k]).id == pageId)
                return std::pair{d, k};
    return std::nullopt;
}

} // namespace

std::string PlanEdit::toJson() const {
    nlohmann::json j{{"kind", kindKey(kind)}, {"page", pageId}};
    if (kind == Kind::Fields)
        j["fields"] = fields;
    return j.dump();
}

std::optional<PlanEdit> PlanEdit::fromJson(const std::string& json) {
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object() || !j.contains("kind") || !j.contains("page") || !j["page"].is_number_integer())
        return std::nullopt;
    PlanEdit e;
    e.pageId = j["page"].get<std::int64_t>();
    const std::string kind = j["kind"].is_string() ? j["kind"].get<std::string>() : "";
    if (kind == "split_before") {
        e.kind = Kind::SplitBefore;
    } else if (kind == "merge_after") {
        e.kind = Kind::MergeAfter;
    } else if (kind == "fields" && j.contains("fields") && j["fields"].is_object()) {
        e.kind = Kind::Fields;
        for (const auto& [name, value] : j["fields"].items())
            if (value.is_string())
                e.fields[name] = value.get<std::string>();
    } else {
        return std::nullopt;
    }
    return e;
}

PlanEdit splitEdit(const PreparedBatch& batch, const rules::FilingPlan& plan, size_t document, size_t at) {
    return {PlanEdit::Kind::SplitBefore, pageIdAt(batch, plan, document, at), {}};
}

PlanEdit mergeEdit(const PreparedBatch& batch, const rules::FilingPlan& plan, size_t first) {
    return {PlanEdit::Kind::MergeAfter,
            pageIdAt(batch, plan, first, plan.documents.at(first).pages.size() - 1),
            {}};
}

PlanEdit fieldsEdit(const PreparedBatch& batch, const rules::FilingPlan& plan, size_t document,
                    const std::map<std::string, std::string>& fields) {
    return {PlanEdit::Kind::Fields, pageIdAt(batch, plan, document, 0), fields};
}

rules::FilingPlan applyPlanEdits(const rules::FilingPlanner& planner, rules::FilingPlan plan,
                                 const PreparedBatch& batch, const std::vector<PlanEdit>& edits) {
    for (const auto& e : edits) {
        const auto at = find(batch, plan, e.pageId);
        if (!at)
            continue; // the page is gone (removed) or left out of the plan
        const auto [document, position] = *at;
        if (e.kind == PlanEdit::Kind::SplitBefore && position > 0)
            plan = planner.split(std::move(plan), batch.planPages, document, position);
        else if (e.kind == PlanEdit::Kind::MergeAfter && document + 1 < plan.documents.size() &&
                 position + 1 == plan.documents[document].pages.size())
            plan = planner.merge(std::move(plan), batch.planPages, document);
        else if (e.kind == PlanEdit::Kind::Fields && position == 0)
            plan = planner.withUserFields(std::move(plan), batch.planPages, document, e.fields);
    }
    return plan;
}

std::vector<PlanEdit> storedPlanEdits(const journal::Session& session) {
    std::vector<PlanEdit> out;
    for (const auto& [id, json] : session.planEdits())
        if (auto e = PlanEdit::fromJson(json))
            out.push_back(std::move(*e));
    return out;
}

} // namespace docdesk::app
