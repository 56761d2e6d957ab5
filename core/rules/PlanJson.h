#pragma once
// The filing plan in the CLI's JSON contract (DESIGN.md, `docdesk-cli split --json`), and the
// step from a page's analysis JSON (`inspect --json`, the journal's analysisJson) to a PlanPage.
#include "core/rules/FilingPlan.h"

#include <nlohmann/json.hpp>

namespace docdesk::rules {

// A page from its analysis record {"width", "height", "barcodes": [{"format", "text",
// "corners"}], "blank", ...}. Missing keys give defaults; a malformed barcode entry is skipped.
PlanPage planPageFromAnalysis(std::string source, int page, std::int64_t file,
                              const nlohmann::json& analysis);

// {"documents": [{"pages": [{"source", "page"}], "fields": {name: value}, "starts_because": key,
//                 ["starts_because_value": text,] "warnings": [...], "name": "folder/file.pdf"}],
//  "dropped": [{"source", "page", "reason": "separator" | "blank", ["value": text]}]}
nlohmann::ordered_json toJson(const FilingPlan& plan, const std::vector<PlanPage>& pages,
                              std::string_view extension = ".pdf");

} // namespace docdesk::rules
