#include "app/common/PlanFiling.h"

#include "core/common/Translate.h"
#include "core/rules/PlanJson.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

namespace docdesk::app {
namespace fs = std::filesystem;
namespace {

void addPlanPage(PreparedBatch& batch, const PageRecord& p, const nlohmann::json& analysis) {
    const bool analysed = analysis.is_object() && analysis.contains("width");
    auto planPage = rules::planPageFromAnalysis(fs::path(p.source).filename().string(), p.sourcePage, p.originalId,
                                                analysed ? analysis : nlohmann::json());
    planPage.analysed = analysed;
    batch.planPages.push_back(std::move(planPage));
    batch.imagePages.push_back(p);
}

} // namespace

PreparedBatch prepareBatch(journal::Session& session, std::span<const PageRecord> pages, AnalysisWorker& worker,
                           double pdfDpi, std::stop_token stop,
                           const std::function<void(size_t, size_t)>& onAnalysed) {
    PreparedBatch batch;
    std::vector<PageRecord> imagePages;
    for (const auto& p : pages)
        (p.isPassThrough() ? batch.passThrough : imagePages).push_back(p);

    // Pages without a stored analysis are analysed in the worker pool, all at once; each result
    // is stored on its page (so the window, the CLI and later runs reuse it) as it arrives.
    std::vector<AnalysisRequest> requests;
    std::vector<bool> pending(imagePages.size(), false);
    std::vector<size_t> pageOf; // request -> index in imagePages
    std::vector<nlohmann::json> analyses(imagePages.size());
    for (size_t i = 0; i < imagePages.size(); ++i) {
        const auto& p = imagePages[i];
        analyses[i] = p.analysisJson ? nlohmann::json::parse(*p.analysisJson, nullptr, false) : nlohmann::json();
        if (!analyses[i].is_object() || !analyses[i].contains("width")) {
            pending[i] = true;
            pageOf.push_back(i);
            requests.push_back({p.originalFile, p.mediaType, p.sourcePage, pdfDpi});
        }
    }
    size_t ready = 0; // pages before this one have their analysis
    const auto planReady = [&] {
        for (; ready < imagePages.size() && !stop.stop_requested(); ++ready) {
            if (pending[ready])
                return;
            addPlanPage(batch, imagePages[ready], analyses[ready]);
            if (onAnalysed)
                onAnalysed(ready + 1, imagePages.size());
        }
    };
    planReady();
    worker.analyseMany(requests, [&](size_t r, AnalysisOutcome& outcome) {
        const size_t i = pageOf[r];
        const auto& p = imagePages[i];
        analyses[i] = outcome.ok ? nlohmann::json(outcome.analysis) : nlohmann::json{{"error", outcome.error}};
        session.setAnalysis(p.id, analyses[i].dump());
        if (!outcome.ok)
            batch.analysisErrors.push_back(
                trf("{} page {}: {}", fs::path(p.source).filename().string(), p.sourcePage, outcome.error));
        pending[i] = false;
        planReady();
    }, stop);
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
