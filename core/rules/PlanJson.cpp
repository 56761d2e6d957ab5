#include "core/rules/PlanJson.h"

namespace docdesk::rules {
namespace {

int intOr(const nlohmann::json& j, const char* key, int fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

} // namespace

PlanPage planPageFromAnalysis(std::string source, int page, std::int64_t file,
                              const nlohmann::json& analysis) {
    PlanPage p;
    p.source = std::move(source);
    p.page = page;
    p.file = file;
    if (!analysis.is_object())
        return p;
    p.width = intOr(analysis, "width", 0);
    p.height = intOr(analysis, "height", 0);
    if (const auto blank = analysis.find("blank"); blank != analysis.end() && blank->is_boolean())
        p.blank = blank->get<bool>();
    const auto barcodes = analysis.find("barcodes");
    if (barcodes == analysis.end() || !barcodes->is_array())
        return p;
    for (const auto& b : *barcodes) {
        if (!b.is_object() || !b.contains("text") || !b["text"].is_string())
            continue;
        BarcodeHit hit;
        hit.text = b["text"].get<std::string>();
        if (b.contains("format") && b["format"].is_string())
            hit.format = b["format"].get<std::string>();
        if (b.contains("corners") && b["corners"].is_array() && b["corners"].size() == 4) {
            for (std::size_t i = 0; i < 4; ++i) {
                const auto& c = b["corners"][i];
                if (c.is_array() && c.size() == 2 && c[0].is_number() && c[1].is_number())
                    hit.corners[i] = {c[0].get<double>(), c[1].get<double>()};
            }
        }
        p.barcodes.push_back(std::move(hit));
    }
    return p;
}

nlohmann::ordered_json toJson(const FilingPlan& plan, const std::vector<PlanPage>& pages,
                              std::string_view extension) {
    using Json = nlohmann::ordered_json;
    Json documents = Json::array();
    for (const auto& d : plan.documents) {
        Json j;
        j["pages"] = Json::array();
        for (const auto index : d.pages)
            j["pages"].push_back({{"source", pages.at(index).source}, {"page", pages.at(index).page}});
        j["fields"] = Json::object();
        for (const auto& [name, field] : d.fields)
            j["fields"][name] = field.value;
        j["starts_because"] = reasonKey(d.startsBecause.reason);
        if (!d.startsBecause.value.empty())
            j["starts_because_value"] = d.startsBecause.value;
        j["warnings"] = d.warnings;
        j["name"] = d.relativePath(extension);
        documents.push_back(std::move(j));
    }
    Json dropped = Json::array();
    for (const auto& d : plan.dropped) {
        Json j{{"source", pages.at(d.page).source},
               {"page", pages.at(d.page).page},
               {"reason", reasonKey(d.reason)}};
        if (!d.value.empty())
            j["value"] = d.value;
        dropped.push_back(std::move(j));
    }
    return Json{{"documents", std::move(documents)}, {"dropped", std::move(dropped)}};
}

} // namespace docdesk::rules
