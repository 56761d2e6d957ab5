#include "app/common/BatchFiling.h"

#include "core/common/Sha256.h"
#include "core/common/Translate.h"
#include "core/rules/PlanJson.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace docdesk::app {
namespace fs = std::filesystem;

bool BatchFilingResult::ok() const {
    const auto good = [](const pipeline::FiledDocument& d) { return d.ok(); };
    return analysisErrors.empty() && std::all_of(filed.begin(), filed.end(), good) &&
           std::all_of(passThroughFiled.begin(), passThroughFiled.end(), good);
}

namespace {

// A pass-through entry goes into the archive root under its own name, bytes unchanged.
pipeline::FiledDocument placeAsItIs(const PageRecord& entry, output::LocalArchive& archive) {
    pipeline::FiledDocument out;
    try {
        std::ifstream in(entry.originalFile, std::ios::binary);
        std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.eof() && in.fail())
            throw Error(trf("Cannot read the stored original {}.", entry.originalFile.string()));
        output::ArchiveFile file;
        const fs::path name = fs::path(entry.source).filename();
        file.extension = name.extension().string();
        file.bytes.resize(data.size());
        std::memcpy(file.bytes.data(), data.data(), data.size());
        std::string base = name.stem().string();
        if (base.empty() || base == "." || base == "..")
            base = "document";
        const auto placed = archive.place({}, base, std::span(&file, 1));
        out.status = pipeline::FilingStatus::Filed;
        out.files = placed.files;
        out.path = placed.files.front().path;
        out.bytes = placed.files.front().bytes;
        out.sha256 = placed.files.front().sha256;
    } catch (const std::exception& e) {
        out.status = pipeline::FilingStatus::Failed;
        out.error = e.what();
    }
    return out;
}

} // namespace

BatchFilingResult fileBatch(journal::Session& session, std::span<const PageRecord> pages,
                            const rules::FilingPlanner& planner, output::LocalArchive& archive,
                            const pipeline::FilingOptions& options, AnalysisWorker& worker, std::stop_token stop,
                            const std::function<void(size_t, size_t)>& onAnalysed) {
    BatchFilingResult r;
    std::vector<PageRecord> imagePages;
    for (const auto& p : pages)
        (p.isPassThrough() ? r.passThrough : imagePages).push_back(p);

    // 1. Analysis where it is missing; stored on the page so the GUI and later runs reuse it.
    for (size_t i = 0; i < imagePages.size(); ++i) {
        if (stop.stop_requested())
            return r;
        auto& p = imagePages[i];
        const auto stored = p.analysisJson ? nlohmann::json::parse(*p.analysisJson, nullptr, false) : nlohmann::json();
        nlohmann::json analysis = stored;
        if (!stored.is_object() || !stored.contains("width")) {
            const auto outcome = worker.analyse(p.originalFile, p.mediaType, p.sourcePage, options.pdfDpi);
            analysis = outcome.ok ? nlohmann::json(outcome.analysis) : nlohmann::json{{"error", outcome.error}};
            session.setAnalysis(p.id, analysis.dump());
            if (!outcome.ok)
                r.analysisErrors.push_back(trf("{} page {}: {}", fs::path(p.source).filename().string(), p.sourcePage,
                                               outcome.error));
        }
        auto planPage = rules::planPageFromAnalysis(fs::path(p.source).filename().string(), p.sourcePage,
                                                    p.originalId, analysis.contains("width") ? analysis : nullptr);
        planPage.analysed = analysis.contains("width");
        r.planPages.push_back(std::move(planPage));
        r.planPageIds.push_back(p.id);
        if (onAnalysed)
            onAnalysed(i + 1, imagePages.size());
    }

    // 2. The plan, 3. the documents.
    r.plan = planner.plan(r.planPages);
    std::vector<pipeline::DocumentToFile> documents;
    for (const auto& d : r.plan.documents) {
        pipeline::DocumentToFile doc;
        for (const size_t index : d.pages)
            doc.pageIds.push_back(r.planPageIds[index]);
        doc.folder = d.folder;
        doc.fileName = d.fileName;
        doc.fields = d.fieldValues();
        doc.title = d.fileName;
        documents.push_back(std::move(doc));
    }
    r.filed = pipeline::fileDocuments(session, documents, archive, options, stop);
    for (const auto& entry : r.passThrough) {
        if (stop.stop_requested())
            break;
        r.passThroughFiled.push_back(placeAsItIs(entry, archive));
    }
    return r;
}

} // namespace docdesk::app
