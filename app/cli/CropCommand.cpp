// docdesk-cli crop — every page cut to its document (or deskewed), straightened, enhanced and
// written to a folder: NAME-pN.jpg (colour, grey) or NAME-pN.png (black and white). Never
// overwrites: an existing name gets a counter.
#include "app/cli/Commands.h"
#include "app/common/AnalysisWorker.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace fs = std::filesystem;

namespace {

fs::path freeName(const fs::path& dir, const std::string& stem, const std::string& ext) {
    fs::path candidate = dir / (stem + ext);
    for (int i = 2; fs::exists(candidate) && i < 100000; ++i)
        candidate = dir / (stem + "-" + std::to_string(i) + ext);
    return candidate;
}

} // namespace

int runCrop(const std::vector<std::string>& args) {
    std::string mode = "color";
    fs::path outDir;
    bool json = false;
    double dpi = 300;
    std::vector<std::string> files;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "-h" || a == "--help") {
            std::cout << tr("Usage: docdesk-cli crop [--mode color|gray|bw] [--dpi N] [--json] --out DIR FILE...\n"
                            "\n"
                            "Cuts every page to the document or receipt on it, corrects the perspective\n"
                            "(or the skew of a scanned page), applies the mode and writes NAME-pN.jpg\n"
                            "(color, gray) or NAME-pN.png (bw) into DIR. Existing files are never replaced.\n");
            return 0;
        }
        if (a == "--mode") {
            mode = optionValue(args, i);
            if (mode != "color" && mode != "gray" && mode != "bw")
                throw UsageError(tr("--mode must be color, gray or bw"));
        } else if (a == "--out") {
            outDir = optionValue(args, i);
        } else if (a == "--dpi") {
            dpi = parseDpi(optionValue(args, i));
        } else if (a == "--json") {
            json = true;
        } else if (a.starts_with("--")) {
            throw UsageError(trf("unknown option {}", a));
        } else {
            files.push_back(a);
        }
    }
    if (outDir.empty())
        throw UsageError(tr("crop needs --out DIR"));
    if (files.empty())
        throw UsageError(tr("crop needs at least one file"));
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir))
        throw Error(trf("Cannot create the folder {}: {}", outDir.string(), ec.message()));

    app::AnalysisWorker worker;
    bool failed = false;
    const std::string ext = mode == "bw" ? ".png" : ".jpg";
    for (const auto& file : files) {
        const auto counted = worker.countPages(file);
        if (!counted.ok) {
            failed = true;
            if (json)
                std::cout << nlohmann::ordered_json{{"source", file}, {"error", counted.error}}.dump() << std::endl;
            else
                std::cerr << file << ": " << counted.error << "\n";
            continue;
        }
        const int pages = counted.analysis.value("pages", 0);
        for (int p = 1; p <= pages; ++p) {
            const fs::path out = freeName(outDir, fs::path(file).stem().string() + "-p" + std::to_string(p), ext);
            const auto r = worker.crop(file, counted.analysis.value("media_type", ""), p, dpi, mode, out);
            nlohmann::ordered_json j{{"source", file}, {"page", p}};
            if (r.ok) {
                j["output"] = out.string();
                j["width"] = r.analysis.value("width", 0);
                j["height"] = r.analysis.value("height", 0);
                j["cropped"] = r.analysis.value("cropped", false);
            } else {
                failed = true;
                j["error"] = r.error;
            }
            if (json)
                std::cout << j.dump() << std::endl;
            else if (r.ok)
                std::cout << trf("{} page {} -> {}", file, p, out.string()) << "\n";
            else
                std::cerr << trf("{} page {}: {}", file, p, r.error) << "\n";
        }
    }
    return failed ? 1 : 0;
}

} // namespace docdesk::cli
