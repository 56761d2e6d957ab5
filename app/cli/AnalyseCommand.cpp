// docdesk-cli analyse — runs the page analysis (in docdesk-worker) on the pages of a session
// that have none yet (or all with --again) and stores the results on the pages, with the edits
// they propose (app::analyseAndPropose) the first time. A page whose analysis failed is stored
// with {"error": ...} and is tried again on the next run.
#include "app/cli/Commands.h"
#include "app/common/AnalysisWorker.h"
#include "app/common/AppEnvironment.h"
#include "app/common/PlanFiling.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/journal/Session.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace docdesk::cli {

int runAnalyse(const std::vector<std::string>& args) {
    std::string sessionId;
    bool again = false;
    bool json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-h" || args[i] == "--help") {
            std::cout << tr("Usage: docdesk-cli analyse [--session ID] [--again] [--json]\n"
                            "\n"
                            "Analyses the pages of a session (default: the newest) that have not been\n"
                            "analysed yet, or whose analysis failed; --again analyses every page. Results\n"
                            "are stored on the pages (see 'session show --json') with the edits they\n"
                            "propose under the standard rules (photos and flatbed scans cut to the\n"
                            "documents found, scanned pages deskewed); --again keeps the pages' edits.\n");
            return 0;
        }
        if (args[i] == "--session")
            sessionId = optionValue(args, i);
        else if (args[i] == "--again")
            again = true;
        else if (args[i] == "--json")
            json = true;
        else
            throw UsageError(trf("unknown argument {}", args[i]));
    }
    auto session = journal::Session::open(sessionDirectory(sessionId), app::durableFiles());
    std::vector<PageRecord> pages;
    std::vector<app::AnalysisRequest> requests;
    for (const auto& page : session->pages()) {
        if (page.isPassThrough())
            continue; // filed as it is: nothing to analyse
        if (!again && page.analysisJson &&
            nlohmann::json::parse(*page.analysisJson, nullptr, false).contains("width"))
            continue;
        pages.push_back(page);
        requests.push_back({page.originalFile, page.mediaType, page.sourcePage});
    }
    app::AnalysisWorker worker; // the pages go through a pool of workers, one per core
    int analysed = 0, failed = 0;
    worker.analyseMany(requests, [&](size_t i, app::AnalysisOutcome& r) {
        const auto& page = pages[i];
        nlohmann::ordered_json stored;
        if (again) { // the page's edits stay as they are: the proposals were made the first time
            stored = r.ok ? r.analysis : nlohmann::ordered_json{{"error", r.error}};
            session->setAnalysis(page.id, stored.dump());
        } else {
            std::vector<std::string> errors;
            const auto records = app::storeAnalysisOutcome(*session, page, r, {}, errors);
            stored =
                nlohmann::ordered_json::parse(records.front().analysisJson.value_or("{}"), nullptr, false);
        }
        const bool ok = stored.is_object() && stored.contains("width");
        ++(ok ? analysed : failed);
        if (json)
            std::cout << nlohmann::ordered_json{{"page_id", page.id},
                                                {"position", page.position + 1},
                                                {"analysis", stored}}
                             .dump()
                      << std::endl;
        else if (!ok)
            std::cerr << trf("page {}: {}", page.position + 1, stored.value("error", std::string())) << "\n";
    });
    if (!json)
        std::cout << trf("{} pages analysed, {} failed.", analysed, failed) << "\n";
    return failed ? 1 : 0;
}

} // namespace docdesk::cli
