#include "app/common/PlanFiling.h"

#include "app/common/RenderAhead.h"
#include "app/common/WorkerPool.h"
#include "core/common/Translate.h"
#include "core/model/PageTransforms.h"
#include "core/pipeline/ProposedEdits.h"
#include "core/rules/PlanJson.h"

#include <algorithm>
#include <map>
#include <utility>

namespace docdesk::app {
namespace fs = std::filesystem;

namespace {

bool hasAnalysis(const nlohmann::json& analysis) {
    return analysis.is_object() && analysis.contains("width");
}

nlohmann::json storedAnalysis(const PageRecord& p) {
    return p.analysisJson ? nlohmann::json::parse(*p.analysisJson, nullptr, false) : nlohmann::json();
}

// The plan page of a journal page. Pages sharing one original page are documents cut from it:
// each is a document of its own with the barcodes inside its crop. A single-image file (not a
// scanner's or camera's page) is a document of its own as well.
rules::PlanPage planPageOf(const PageRecord& p, bool piece) {
    const auto analysis = storedAnalysis(p);
    const bool ok = hasAnalysis(analysis);
    auto page = rules::planPageFromAnalysis(fs::path(p.source).filename().string(), p.sourcePage,
                                            p.originalId, ok ? analysis : nlohmann::json());
    page.analysed = ok;
    const bool imageFile = p.mediaType != "image/tiff" && p.mediaType.starts_with("image/") &&
                           pipeline::captureKindOf(p) == pipeline::CaptureKind::Photo &&
                           !p.source.starts_with("camera:");
    if (imageFile)
        page.ownDocument = rules::StartReason::NewFile;
    if (!piece)
        return page;
    page.ownDocument = rules::StartReason::Receipt;
    try {
        if (const auto crop = PageTransforms::parse(p.transformsJson).crop)
            std::erase_if(page.barcodes,
                          [&](const BarcodeHit& b) { return !pipeline::centreInside(b.corners, *crop); });
    } catch (const Error&) {
    }
    return page;
}

} // namespace

bool hasStoredAnalysis(const PageRecord& p) {
    return hasAnalysis(storedAnalysis(p));
}

std::vector<PageRecord> storeAnalysisOutcome(journal::Session& session, const PageRecord& queued,
                                             const AnalysisOutcome& outcome,
                                             const rules::PageEditRules& edits,
                                             std::vector<std::string>& errors) {
    // The page as it is now: the user may have rotated, cropped or set its mode meanwhile (in
    // the window, analysis runs while pages are edited). A deleted page keeps its record.
    const std::int64_t id = queued.id;
    auto now = session.pagesWithIds(std::span(&id, 1));
    if (!now.empty() && hasStoredAnalysis(now.front()))
        return {now.front()};
    const PageRecord& p = now.empty() ? queued : now.front();
    if (!outcome.ok) {
        PageRecord failed = p;
        failed.analysisJson = nlohmann::json{{"error", outcome.error}}.dump();
        session.setAnalysis(p.id, *failed.analysisJson);
        errors.push_back(
            trf("{} page {}: {}", fs::path(p.source).filename().string(), p.sourcePage, outcome.error));
        return {failed};
    }
    const nlohmann::json analysis(outcome.analysis);
    std::vector<std::string> transforms{p.transformsJson};
    try {
        const auto current = PageTransforms::parse(p.transformsJson);
        const auto proposal = pipeline::proposeEdits(current, analysis, pipeline::captureKindOf(p), edits);
        if (proposal.size() != 1 || !(proposal.front() == current)) {
            transforms.clear();
            for (const auto& t : proposal)
                transforms.push_back(t.toJson());
        }
    } catch (const Error&) {
        // Damaged edits: no proposal; filing reports the damage on the page's document.
    }
    return session.storeAnalysis(p.id, analysis.dump(), transforms);
}

std::vector<PageRecord> analyseAndPropose(journal::Session& session, const PageRecord& p,
                                          AnalysisWorker& worker, const rules::PageEditRules& edits,
                                          double pdfDpi, std::vector<std::string>& errors) {
    if (hasAnalysis(storedAnalysis(p)))
        return {p};
    return storeAnalysisOutcome(session, p, worker.analyse(p.originalFile, p.mediaType, p.sourcePage, pdfDpi),
                                edits, errors);
}

PreparedBatch prepareBatch(journal::Session& session, std::span<const PageRecord> pages,
                           AnalysisWorker& worker, const rules::PageEditRules& edits, double pdfDpi,
                           std::stop_token stop, const std::function<void(size_t, size_t)>& onAnalysed) {
    PreparedBatch batch;
    std::vector<PageRecord> imagePages;
    for (const auto& p : pages)
        (p.isPassThrough() ? batch.passThrough : imagePages).push_back(p);

    // Pages without a stored analysis are analysed in the worker pool, all at once; each result
    // is stored on its page with the edits it proposes (so the window, the CLI and later runs
    // reuse it) as it arrives. A page may come back as several (receipts cut from one scan).
    std::vector<std::vector<PageRecord>> results(imagePages.size());
    std::vector<AnalysisRequest> requests;
    std::vector<size_t> pageOf; // request -> index in imagePages
    size_t done = 0;
    for (size_t i = 0; i < imagePages.size(); ++i) {
        const auto& p = imagePages[i];
        if (hasAnalysis(storedAnalysis(p))) {
            results[i] = {p};
            ++done;
        } else {
            pageOf.push_back(i);
            requests.push_back({p.originalFile, p.mediaType, p.sourcePage, pdfDpi});
        }
    }
    if (onAnalysed && done > 0)
        onAnalysed(done, imagePages.size());
    worker.analyseMany(
        requests,
        [&](size_t r, AnalysisOutcome& outcome) {
            const size_t i = pageOf[r];
            results[i] = storeAnalysisOutcome(session, imagePages[i], outcome, edits, batch.analysisErrors);
            if (onAnalysed)
                onAnalysed(++done, imagePages.size());
        },
        stop);
    for (auto& pieces : results) // pages not reached before a stop are left out
        for (auto& record : pieces)
            batch.imagePages.push_back(std::move(record));
    std::map<std::pair<std::int64_t, int>, int> perOriginalPage;
    for (const auto& p : batch.imagePages)
        ++perOriginalPage[{p.originalId, p.sourcePage}];
    for (const auto& p : batch.imagePages)
        batch.planPages.push_back(planPageOf(p, perOriginalPage[{p.originalId, p.sourcePage}] > 1));
    return batch;
}

std::vector<pipeline::DocumentToFile> documentsToFile(const PreparedBatch& batch,
                                                      const rules::FilingPlan& plan) {
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
    const auto failed = [](const pipeline::FiledDocument& d) {
        return d.status == pipeline::FilingStatus::Failed;
    };
    return static_cast<size_t>(std::count_if(filed.begin(), filed.end(), failed) +
                               std::count_if(passThroughFiled.begin(), passThroughFiled.end(), failed));
}

namespace {

nlohmann::json filesJson(const std::vector<output::PlacedFile>& files,
                         const std::optional<output::PlacedFile>& sidecar) {
    auto j = nlohmann::json::array();
    for (const auto& f : files)
        j.push_back(
            {{"path", std::filesystem::absolute(f.path).string()}, {"bytes", f.bytes}, {"sha256", f.sha256}});
    if (sidecar)
        j.push_back({{"path", std::filesystem::absolute(sidecar->path).string()},
                     {"bytes", sidecar->bytes},
                     {"sha256", sidecar->sha256},
                     {"sidecar", true}});
    return j;
}

pipeline::FiledDocument failedWith(const std::string& message) {
    pipeline::FiledDocument d;
    d.status = pipeline::FilingStatus::Failed;
    d.error = message;
    return d;
}

// Files one document with `place` (which writes it into `archive`), recorded in the session:
// the record is begun before, its files are planned just before they are written, and it is
// finished once they are in place. Returns the result and the record's id (0 when none).
std::pair<pipeline::FiledDocument, std::int64_t>
fileRecorded(journal::Session& session, std::span<const std::int64_t> pageIds, const std::string& title,
             const std::map<std::string, std::string>& fields, output::LocalArchive& archive,
             const FilingRecordOptions& record, const std::function<pipeline::FiledDocument()>& place) {
    if (!record.again)
        if (const auto earlier = session.filingOf(pageIds)) {
            pipeline::FiledDocument d;
            d.status = pipeline::FilingStatus::Filed;
            d.alreadyFiled = true;
            d.path = earlier->location;
            return {d, earlier->id};
        }
    std::int64_t id = 0;
    try {
        id = session.beginFiling(pageIds, title, nlohmann::json(fields).dump(),
                                 record.target.empty() ? std::filesystem::absolute(archive.root()).string()
                                                       : record.target);
    } catch (const std::exception& e) {
        return {failedWith(trf("Cannot record the filing in the session: {}", e.what())), 0};
    }
    std::optional<output::PlacedFile> plannedSidecar;
    archive.setBeforeWriting(
        [&](const std::vector<output::PlacedFile>& files, const std::optional<output::PlacedFile>& sidecar) {
            plannedSidecar = sidecar;
            session.planFilingFiles(id, std::filesystem::absolute(files.front().path).string(),
                                    filesJson(files, sidecar).dump());
        });
    auto d = place();
    archive.setBeforeWriting({});
    try {
        if (!d.ok()) {
            session.abandonFiling(id);
            return {d, 0};
        }
        session.finishFiling(id, std::filesystem::absolute(d.path).string(),
                             filesJson(d.files, d.sidecar ? plannedSidecar : std::nullopt).dump());
    } catch (const std::exception& e) {
        // In place but not recorded: the record stays "filing" and is completed on the next open.
        return {failedWith(trf("Cannot record the filing in the session: {}", e.what())), 0};
    }
    return {d, id};
}

// The documents fileRecorded will render (not those filed ahead, nor those filed before
// unless filed again).
std::vector<pipeline::DocumentToFile>
documentsToRender(const journal::Session& session, const std::vector<pipeline::DocumentToFile>& documents,
                  const FilingRecordOptions& record) {
    std::vector<pipeline::DocumentToFile> out;
    for (const auto& d : documents)
        if ((!record.ahead || !record.ahead->find(d)) && (record.again || !session.filingOf(d.pageIds)))
            out.push_back(d);
    return out;
}

} // namespace

std::optional<size_t> FiledAhead::find(const pipeline::DocumentToFile& doc) const {
    for (size_t k = 0; k < documents.size() && k < filed.size() && k < filingIds.size(); ++k) {
        const auto& d = documents[k];
        if (d.pageIds == doc.pageIds && d.folder == doc.folder && d.fileName == doc.fileName &&
            d.title == doc.title && d.fields == doc.fields)
            return k;
    }
    return std::nullopt;
}

std::vector<size_t> alreadyFiledDocuments(const journal::Session& session, const PreparedBatch& batch,
                                          const rules::FilingPlan& plan) {
    std::vector<size_t> out;
    const auto documents = documentsToFile(batch, plan);
    for (size_t k = 0; k < documents.size(); ++k)
        if (session.filingOf(documents[k].pageIds))
            out.push_back(k);
    return out;
}

EditedPlanFiling fileEditedPlan(journal::Session& session, const PreparedBatch& batch,
                                const rules::FilingPlan& plan, output::LocalArchive& archive,
                                const pipeline::FilingOptions& options, std::stop_token stop,
                                const pipeline::FilingProgressSink& onProgress,
                                const FilingRecordOptions& record) {
    EditedPlanFiling result;
    try {
        session.settleFilings(); // one whose record could not be finished earlier counts now
    } catch (const std::exception&) {
        // still unwritable: each document below reports it
    }
    const auto documents = documentsToFile(batch, plan);
    // Only the pages of this batch's documents: reading the whole session for each file made
    // a long watch slower and bigger with every page it had filed (issue 19).
    std::vector<std::int64_t> pageIds;
    for (const auto& d : documents)
        pageIds.insert(pageIds.end(), d.pageIds.begin(), d.pageIds.end());
    const auto pages = session.pagesWithIds(pageIds);
    pipeline::FilingOptions inWorkers = options;
    std::optional<RenderAhead> ahead; // every worker busy, also with one-page documents (issue 16)
    if (!inWorkers.renderer) {        // the pages' bytes are untrusted: decoded in workers only
        const unsigned workers = sharedWorkerPool().size();
        ahead.emplace(renderPagesInWorker(sharedWorkerPool()),
                      pagesToRender(pages, documentsToRender(session, documents, record), options), workers,
                      size_t(workers) + 2, stop);
        inWorkers.renderer = ahead->renderer();
    }
    pipeline::FilingProgress overall;
    overall.documentsTotal = documents.size();
    for (const auto& d : documents)
        overall.pagesTotal += d.pageIds.size();
    for (const auto& doc : documents) {
        if (stop.stop_requested())
            break;
        if (const auto k = record.ahead ? record.ahead->find(doc) : std::nullopt) {
            result.filed.push_back(record.ahead->filed[*k]);
            result.filingIds.push_back(record.ahead->filingIds[*k]);
            overall.pagesDone += doc.pageIds.size();
            ++overall.documentsDone;
            if (onProgress)
                onProgress(overall);
            continue;
        }
        const size_t pagesBefore = overall.pagesDone;
        auto [filed, id] = fileRecorded(session, doc.pageIds, doc.title, doc.fields, archive, record, [&] {
            auto one = pipeline::fileDocuments(pages, std::span(&doc, 1), archive, inWorkers, stop,
                                               [&](const pipeline::FilingProgress& p) {
                                                   overall.pagesDone = pagesBefore + p.pagesDone;
                                                   if (onProgress)
                                                       onProgress(overall);
                                               });
            return one.empty() ? pipeline::FiledDocument{} : one.front();
        });
        overall.pagesDone = pagesBefore + doc.pageIds.size();
        ++overall.documentsDone;
        if (onProgress)
            onProgress(overall);
        result.filed.push_back(std::move(filed));
        result.filingIds.push_back(id);
    }
    for (const auto& entry : batch.passThrough) {
        if (stop.stop_requested())
            break;
        const std::int64_t pageId = entry.id;
        auto [filed, id] =
            fileRecorded(session, std::span(&pageId, 1), fs::path(entry.source).filename().string(), {},
                         archive, record, [&] { return placeAsItIs(entry, archive); });
        result.passThroughFiled.push_back(std::move(filed));
        result.filingIds.push_back(id);
    }
    return result;
}

} // namespace docdesk::app
