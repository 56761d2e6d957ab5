// docdesk-cli crop — every document on every page cut out (or the page deskewed), straightened,
// enhanced and written to a folder: NAME-pN-K.jpg (colour, grey) or NAME-pN-K.png (black and
// white) for document K of page N. Never overwrites: each file is placed with a no-replace
// rename (DurableFiles::createNewDurably), and a name that is taken gets " (2)", " (3)"...
#include "app/cli/Commands.h"
#include "app/common/AnalysisWorker.h"
#include "app/common/AppEnvironment.h"
#include "core/common/Error.h"
#include "core/common/FreeName.h"
#include "core/common/Translate.h"
#include "platform/ScratchFolder.h"

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace fs = std::filesystem;

namespace {

// A fresh, private folder for the worker's output: the files are read from it and placed.
platform::ScratchFolder cropScratchFolder() {
    try {
        return platform::ScratchFolder({}, "docdesk-crop");
    } catch (const fs::filesystem_error&) {
        throw Error(tr("Cannot create a temporary folder."));
    }
}

std::vector<std::byte> readBytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && in.fail())
        throw Error(trf("Cannot read {}.", file.string()));
    std::vector<std::byte> out(data.size());
    std::memcpy(out.data(), data.data(), data.size());
    return out;
}

// Places `bytes` in `dir` as STEM.EXT, or STEM (2).EXT... when taken; atomic, never replacing.
fs::path placeNew(const fs::path& dir, const std::string& stem, const std::string& ext,
                  std::span<const std::byte> bytes) {
    if (auto placed = placeUnderFreeName(dir / (stem + ext), 9999, [&](const fs::path& candidate) {
            return app::durableFiles().createNewDurably(candidate, bytes);
        }))
        return *placed;
    throw Error(trf("Too many files named {} in {}.", stem + ext, dir.string()));
}

// The documents of one page: cut in the worker into a scratch folder, then placed in `outDir`.
// Prints one line per document; false when the page failed.
bool cropPage(app::AnalysisWorker& worker, const std::string& file, const std::string& mediaType, int page,
              double dpi, const std::string& mode, const fs::path& outDir, bool json) {
    const auto scratch = cropScratchFolder();
    const auto r = worker.crop(file, mediaType, page, dpi, mode, scratch.path());
    if (!r.ok) {
        if (json)
            std::cout << nlohmann::ordered_json{{"source", file}, {"page", page}, {"error", r.error}}.dump()
                      << std::endl;
        else
            std::cerr << trf("{} page {}: {}", file, page, r.error) << "\n";
        return false;
    }
    const std::string stem = fs::path(file).stem().string() + "-p" + std::to_string(page) + "-";
    int k = 0;
    for (const auto& d : r.analysis.value("documents", nlohmann::ordered_json::array())) {
        const fs::path written = d.value("file", "");
        const fs::path out =
            placeNew(outDir, stem + std::to_string(++k), written.extension().string(), readBytes(written));
        if (json)
            std::cout << nlohmann::ordered_json{{"source", file},
                                                {"page", page},
                                                {"document", k},
                                                {"output", out.string()},
                                                {"width", d.value("width", 0)},
                                                {"height", d.value("height", 0)},
                                                {"cropped", d.value("cropped", false)}}
                             .dump()
                      << std::endl;
        else
            std::cout << trf("{} page {} -> {}", file, page, out.string()) << "\n";
    }
    return true;
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
            std::cout << tr(
                "Usage: docdesk-cli crop [--mode color|gray|bw] [--dpi N] [--json] --out DIR FILE...\n"
                "\n"
                "Cuts out every document or receipt on every page, corrects the perspective\n"
                "(or the skew of a page without one), applies the mode and writes NAME-pN-K.jpg\n"
                "(color, gray) or NAME-pN-K.png (bw) into DIR for document K of page N.\n"
                "Existing files are never replaced: a taken name gets ' (2)', ' (3)'...\n");
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
    for (const auto& file : files) {
        const auto counted = worker.countPages(file);
        if (!counted.ok) {
            failed = true;
            if (json)
                std::cout << nlohmann::ordered_json{{"source", file}, {"error", counted.error}}.dump()
                          << std::endl;
            else
                std::cerr << file << ": " << counted.error << "\n";
            continue;
        }
        const int pages = counted.analysis.value("pages", 0);
        for (int p = 1; p <= pages; ++p) {
            try {
                if (!cropPage(worker, file, counted.analysis.value("media_type", ""), p, dpi, mode, outDir,
                              json))
                    failed = true;
            } catch (const std::exception& e) {
                failed = true;
                std::cerr << trf("{} page {}: {}", file, p, e.what()) << "\n";
            }
        }
    }
    return failed ? 1 : 0;
}

} // namespace docdesk::cli
