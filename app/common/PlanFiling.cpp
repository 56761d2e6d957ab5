#include "app/common/PlanFiling.h"

#include "core/common/Translate.h"
#include "core/rules/PlanJson.h"

#include <algorithm>

namespace docdesk::app {
namespace fs = std::filesystem;

PreparedBatch prepareBatch(journal::Session& session, std::span<const PageRecord> pages, AnalysisWorker& worker,
                           double pdfDpi, std::stop_token stop,
                           const std::function<void(size_t, size_t)>& onAnalysed) {
    PreparedBatch batch;
    std::vector<PageRecord> imagePages;
    for (const auto& p : pages)
        (p.isPassThrough() ? batch.passThrough : imagePages).push_back(p);

    for (size_t i = 0; i < imagePages.size(); ++i) {
        if (stop.stop_requested())
            break;
        const auto& p = imagePages[i];
        const auto stored = p.analysisJson ? nlohmann::json::parse(*p.analysisJson, nullptr, false) : nlohmann::json();
        nlohmann::json analysis = stored;
        // Analysis is stored on the page, so the window, the CLI and later runs reuse it.
        if (!stored.is_object() || !stored.contains("width")) {
            const auto outcome = worker.analyse(p.originalFile, p.mediaType, p.sourcePage, pdfDpi);
            analysis = outcome.ok ? nlohmann::json(outcome.analysis) : nlohmann::json{{"error", outcome.error}};
            session.setAnalysis(p.id, analysis.dump());
            if (!outcome.ok)
                batch.analysisErrors.push_back(
                    trf("{} page {}: {}", fs::path(p.source).filename().string(), p.sourcePage, outcome.error));
        }
        const bool analysed = analysis.is_object() && analysis.contains("width");
        auto planPage = rules::planPageFromAnalysis(fs::path(p.source).filename().string(), p.sourcePage, p.originalId,
                                                    analysed ? analysis : nlohmann::json());
        planPage.analysed = analysed;
        batch.planPages.push_back(std::move(planPage));
        batch.imagePages.push_back(p);
        if (onAnalysed)
            onAnalysed(i + 1, imagePages.size());
    }
    return batch;
}

std::vector<pipeline::DocumentToFile> documentsToFile(const PreparedBatch& batch, const rules::FilingPlan& plan) {
    std::vector<pipeline::DocumentToFile> documents;
    for (const auto& d : plan.documents) {
        pipeline::DocumentToFile doc;
        for (const size_t index : d.pages)
            doc.pageIds.push_back(batch.imagePages.at(index).id);
        doc.folder = d.folder;
        doc.fileName = d.fileName;
        doc.fields = d.fieldValues();
        doc.title = d.fileName;
        documents.push_back(std::move(doc));
    }
    return documents;
}

pipeline::FiledDocument placeAsItIs(const PageRecord& entry, output::LocalArchive& archive) {
    pipeline::FiledDocument out;
    try {
        // Copied in pieces and checked against the hash the journal recorded: a file of any
        // size is filed with flat memory, and a damaged original is not filed as if intact.
        output::ArchiveFile file;
        const fs::path name = fs::path(entry.source).filename();
        file.extension = name.extension().string();
        file.sourceFile = entry.originalFile;
        file.sourceSha256 = entry.sha256;
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

size_t EditedPlanFiling::failures() const {
    const auto failed = [](const pipeline::FiledDocument& d) { return d.status == pipeline::FilingStatus::Failed; };
    return static_cast<size_t>(std::count_if(filed.begin(), filed.end(), failed) +
                               std::count_if(passThroughFiled.begin(), passThroughFiled.end(), failed));
}

EditedPlanFiling fileEditedPlan(const journal::Session& session, const PreparedBatch& batch,
                                const rules::FilingPlan& plan, output::LocalArchive& archive,
                                const pipeline::FilingOptions& options, std::stop_token stop,
                                const pipeline::FilingProgressSink& onProgress) {
    EditedPlanFiling result;
    const auto documents = documentsToFile(batch, plan);
    result.filed = pipeline::fileDocuments(session, documents, archive, options, stop, onProgress);
    for (const auto& entry : batch.passThrough) {
        if (stop.stop_requested())
            break;
        result.passThroughFiled.push_back(placeAsItIs(entry, archive));
    }
    return result;
}

} // namespace docdesk::app
