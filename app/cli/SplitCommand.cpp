// docdesk-cli split — the filing plan for a batch of files: every page is analysed in
// docdesk-worker, then core/rules groups the pages into documents (separator sheets, ASN and tag
// labels, blank pages, ...), reads fields and names each document. Prints the plan as one JSON
// object (--json, the CLI contract in DESIGN.md) or as text. Nothing is written.
#include "app/cli/Commands.h"
#include "app/cli/RuleOptions.h"
#include "app/common/AnalysisWorker.h"
#include "core/common/Translate.h"
#include "core/rules/FilingPlan.h"
#include "core/rules/PlanJson.h"
#include "core/rules/RulesFile.h"

#include <charconv>
#include <ctime>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace {

using rules::FilingRules;

struct SplitArgs {
    bool json = false;
    bool help = false;
    double dpi = 300;
    RuleOptions rules;
    std::vector<std::string> files;
};

SplitArgs parseSplit(const std::vector<std::string>& args) {
    SplitArgs a;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& o = args[i];
        if (o == "-h" || o == "--help") {
            a.help = true;
        } else if (o == "--json") {
            a.json = true;
        } else if (o == "--dpi") {
            a.dpi = parseDpi(optionValue(args, i));
        } else if (a.rules.parse(args, i)) {
            // a rule option
        } else if (o.starts_with("--")) {
            throw UsageError(trf("unknown option {}", o));
        } else {
            a.files.push_back(o);
        }
    }
    return a;
}

void printUsage() {
    std::cout
        << tr("Usage: docdesk-cli split [--json] [--rules FILE [--rules-profile NAME]] [RULE OPTIONS] "
              "FILE...\n"
              "\n"
              "Analyses every page of the files (in the order given) and prints the filing plan:\n"
              "the documents the pages make, why each one starts, the fields read from barcodes,\n"
              "warnings, the name each document would get, and the pages left out. Nothing is\n"
              "written. By default a page whose barcode reads PATCHT is a separator sheet and is\n"
              "left out, a barcode ASN<number> starts a new document (and becomes field asn), and\n"
              "TAG:<name> barcodes become field tags.\n"
              "\n")
        << tr(RuleOptions::help())
        << tr("\n"
              "Other options:\n"
              "  --json                one JSON object: {\"documents\": [{\"pages\", \"fields\",\n"
              "                        \"starts_because\", \"warnings\", \"name\"}], \"dropped\": [...],\n"
              "                        \"errors\": [...]}\n"
              "  --dpi N               render PDF pages at N dpi for analysis (300)\n"
              "\n"
              "A file or page that cannot be read is listed under errors (its pages stay in the\n"
              "plan); the exit status is then 1.\n");
}

struct ReadPages {
    std::vector<rules::PlanPage> pages;
    nlohmann::ordered_json errors = nlohmann::ordered_json::array();
};

ReadPages analyseFiles(const std::vector<std::string>& files, double dpi) {
    app::AnalysisWorker worker;
    ReadPages r;
    for (std::size_t k = 0; k < files.size(); ++k) {
        const auto& file = files[k];
        const auto counted = worker.countPages(file);
        if (!counted.ok) {
            r.errors.push_back({{"source", file}, {"error", counted.error}});
            continue;
        }
        const int pages = counted.analysis.value("pages", 0);
        const std::string mediaType = counted.analysis.value("media_type", "");
        for (int page = 1; page <= pages; ++page) {
            const auto outcome = worker.analyse(file, mediaType, page, dpi);
            if (outcome.ok) {
                r.pages.push_back(rules::planPageFromAnalysis(file, page, std::int64_t(k), outcome.analysis));
            } else {
                // The page stays in the plan: nothing is lost because analysis failed.
                auto p = rules::planPageFromAnalysis(file, page, std::int64_t(k), nullptr);
                p.analysed = false;
                r.pages.push_back(std::move(p));
                r.errors.push_back({{"source", file}, {"page", page}, {"error", outcome.error}});
            }
        }
    }
    return r;
}

// "a.pdf pages 1-3, b.pdf page 1"
std::string pageRanges(const rules::PlannedDocument& d, const std::vector<rules::PlanPage>& pages) {
    std::string out;
    for (std::size_t i = 0; i < d.pages.size();) {
        const auto& first = pages[d.pages[i]];
        std::size_t j = i;
        while (j + 1 < d.pages.size() && pages[d.pages[j + 1]].file == first.file &&
               pages[d.pages[j + 1]].page == pages[d.pages[j]].page + 1)
            ++j;
        const int last = pages[d.pages[j]].page;
        out += (out.empty() ? "" : ", ") + (last == first.page
                                                ? trf("{} page {}", first.source, first.page)
                                                : trf("{} pages {}-{}", first.source, first.page, last));
        i = j + 1;
    }
    return out;
}

void printHuman(const rules::FilingPlan& plan, const std::vector<rules::PlanPage>& pages,
                const nlohmann::ordered_json& errors) {
    std::cout << trf("Documents: {}; pages left out: {}", plan.documents.size(), plan.dropped.size()) << "\n";
    for (std::size_t k = 0; k < plan.documents.size(); ++k) {
        const auto& d = plan.documents[k];
        std::cout << trf("Document {}: {} (starts: {})", k + 1, d.relativePath(),
                         rules::describe(d.startsBecause))
                  << "\n";
        std::cout << "  " << pageRanges(d, pages) << "\n";
        for (const auto& [name, field] : d.fields)
            std::cout << "  " << name << ": " << field.value << "\n";
        for (const auto& w : d.warnings)
            std::cout << "  " << trf("warning: {}", w) << "\n";
    }
    for (const auto& dropped : plan.dropped) {
        const auto& p = pages[dropped.page];
        const std::string why = dropped.reason == rules::DropReason::Blank
                                    ? std::string(tr("blank page"))
                                    : trf("separator sheet {}", dropped.value);
        std::cout << trf("Left out: {} page {} ({})", p.source, p.page, why) << "\n";
    }
    for (const auto& e : errors) {
        const std::string where =
            e.contains("page") ? trf("{} page {}", e["source"].get<std::string>(), e["page"].get<int>())
                               : e["source"].get<std::string>();
        std::cout << trf("Error: {}: {}", where, e["error"].get<std::string>()) << "\n";
    }
}

} // namespace

int runSplit(const std::vector<std::string>& args) {
    const auto a = parseSplit(args);
    if (a.help) {
        printUsage();
        return 0;
    }
    if (a.files.empty())
        throw UsageError(tr("split needs at least one file"));

    FilingRules rulesInUse = a.rules.rules();
    const rules::NamingContext naming = RuleOptions::naming();

    const auto read = analyseFiles(a.files, a.dpi);
    const rules::FilingPlanner planner(std::move(rulesInUse), naming);
    const auto plan = planner.plan(read.pages);
    if (a.json) {
        auto j = rules::toJson(plan, read.pages);
        j["errors"] = read.errors;
        std::cout << j.dump() << std::endl;
    } else {
        printHuman(plan, read.pages, read.errors);
    }
    return read.errors.empty() ? 0 : 1;
}

} // namespace docdesk::cli
