// docdesk-cli inspect — analysis of each page of each file, one JSON line per page, as in the
// CLI contract (DESIGN.md). Decoding and analysis run in docdesk-worker, so a file that crashes
// a decoder costs that page only.
#include "app/cli/Commands.h"
#include "app/cli/RuleOptions.h"
#include "app/common/AnalysisWorker.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/ocr/PageText.h"
#include "core/ocr/Receipt.h"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace {

struct InspectArgs {
    bool json = false;
    double dpi = 300;
    bool ocr = false;
    std::string languages; // empty: ocr::defaultLanguages()
    std::vector<std::string> files;
};

InspectArgs parseInspect(const std::vector<std::string>& args) {
    InspectArgs a;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--json") {
            a.json = true;
        } else if (args[i] == "--dpi") {
            a.dpi = parseDpi(optionValue(args, i));
        } else if (args[i] == "--ocr") {
            a.ocr = true;
        } else if (args[i] == "--ocr-languages") {
            a.ocr = true;
            a.languages = optionValue(args, i);
        } else if (args[i].starts_with("--")) {
            throw UsageError(trf("unknown option {}", args[i]));
        } else {
            a.files.push_back(args[i]);
        }
    }
    return a;
}

void printHuman(const nlohmann::ordered_json& j) {
    std::cout << j["source"].get<std::string>();
    if (j.contains("page"))
        std::cout << " p." << j["page"].get<int>();
    std::cout << ": ";
    if (j.contains("error")) {
        std::cout << j["error"].get<std::string>() << "\n";
        return;
    }
    std::cout << j["width"].get<int>() << "x" << j["height"].get<int>();
    if (j["blank"].get<bool>())
        std::cout << ", " << tr("blank");
    std::cout << ", " << trf("skew {}°", j["skew_degrees"].get<double>());
    std::cout << ", " << trf("{} documents", j["documents"].size()) << "\n";
    for (const auto& b : j["barcodes"])
        std::cout << "  " << b["format"].get<std::string>() << ": " << b["text"].get<std::string>() << "\n";
    if (j.contains("receipt") && j["receipt"].is_object())
        std::cout << "  "
                  << trf("receipt: {} {} {} {}", j["receipt"]["merchant"].get<std::string>(),
                         j["receipt"]["date"].get<std::string>(), j["receipt"]["total"].get<std::string>(),
                         j["receipt"]["currency"].get<std::string>())
                  << "\n";
}

// "text" (the page's OCR text) and "receipt" ({merchant, date, total, currency} or null) of a
// page, read in docdesk-worker; "error" when that fails.
void addText(app::AnalysisWorker& worker, nlohmann::ordered_json& j, const std::string& file,
             const std::string& mediaType, int page, const InspectArgs& a) {
    const auto outcome = worker.recognise(file, mediaType, page, a.dpi, "{}", a.languages);
    if (!outcome.ok) {
        j["error"] = trf("text recognition failed: {}", outcome.error);
        return;
    }
    const auto text = ocr::pageTextFromJson(outcome.analysis);
    j["text"] = text.text;
    const auto receipt = ocr::parseReceipt(text.text);
    j["receipt"] = receipt ? nlohmann::ordered_json{{"merchant", receipt->merchant},
                                                    {"date", receipt->date},
                                                    {"total", receipt->total},
                                                    {"currency", receipt->currency}}
                           : nlohmann::ordered_json(nullptr);
}

} // namespace

int runInspect(const std::vector<std::string>& args) {
    if (std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        std::cout
            << tr("Usage: docdesk-cli inspect [--json] [--dpi N] FILE...\n"
                  "\n"
                  "Analyses every page of each file: barcodes (format, text, corners), the\n"
                  "documents or receipts on the page (corners clockwise from top-left, score),\n"
                  "whether it is blank, and its skew. With --json one object per page per line:\n"
                  "{\"source\", \"page\", \"width\", \"height\", \"barcodes\", \"document\", \"documents\",\n"
                  " \"blank\", \"skew_degrees\"}; a file or page that cannot be read gives a line with\n"
                  "\"error\" and the next one is analysed. PDF pages are rendered at --dpi (300).\n")
            << tr("\n"
                  "  --ocr                 also read the page's text (Tesseract): \"text\", and \"receipt\"\n"
                  "                        {\"merchant\", \"date\", \"total\", \"currency\"} or null\n"
                  "  --ocr-languages L     OCR languages, e.g. deu+eng (default: the system language\n"
                  "                        plus English); implies --ocr\n");
        return 0;
    }
    auto a = parseInspect(args);
    if (a.ocr) {
        a.languages = requireOcrLanguages(a.languages);
    }
    if (a.files.empty())
        throw UsageError(tr("inspect needs at least one file"));
    app::AnalysisWorker worker;
    bool anyFailed = false;
    auto emit = [&](const nlohmann::ordered_json& j) {
        if (a.json)
            std::cout << j.dump() << std::endl;
        else
            printHuman(j);
    };
    for (const auto& file : a.files) {
        const auto counted = worker.countPages(file);
        if (!counted.ok) {
            anyFailed = true;
            emit({{"source", file}, {"error", counted.error}});
            continue;
        }
        const int pages = counted.analysis.value("pages", 0);
        const std::string mediaType = counted.analysis.value("media_type", "");
        for (int page = 1; page <= pages; ++page) {
            nlohmann::ordered_json j{{"source", file}, {"page", page}};
            const auto outcome = worker.analyse(file, mediaType, page, a.dpi);
            if (outcome.ok) {
                for (const auto& [key, value] : outcome.analysis.items())
                    j[key] = value;
                if (a.ocr)
                    addText(worker, j, file, mediaType, page, a);
                anyFailed = anyFailed || j.contains("error");
            } else {
                anyFailed = true;
                j["error"] = outcome.error;
            }
            emit(j);
        }
    }
    return anyFailed ? 1 : 0;
}

} // namespace docdesk::cli
