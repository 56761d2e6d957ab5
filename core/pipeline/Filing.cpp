#include "core/pipeline/Filing.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/export/PageImageFile.h"
#include "core/export/PageRenderer.h"
#include "core/export/PdfWriter.h"
#include "core/export/TiffWriter.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <variant>

namespace docdesk::pipeline {
namespace fs = std::filesystem;

namespace {

const char* formatName(OutputFormat f) {
    switch (f) {
    case OutputFormat::Pdf:
        return "pdf";
    case OutputFormat::Tiff:
        return "tiff";
    case OutputFormat::Images:
        return "images";
    }
    return "pdf";
}

bool endsWithIgnoringCase(const std::string& s, const std::string& suffix) {
    if (s.size() <= suffix.size())
        return false;
    return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

// Splits the requested name into base name and extension: the user's extension when it
// already names the format ("Scan.TIFF" stays so), else the format's own.
std::pair<std::string, std::string> splitFileName(const std::string& fileName, OutputFormat format) {
    std::vector<std::string> known;
    switch (format) {
    case OutputFormat::Pdf:
        known = {".pdf"};
        break;
    case OutputFormat::Tiff:
        known = {".tif", ".tiff"};
        break;
    case OutputFormat::Images:
        known = {".jpg", ".jpeg", ".png"};
        break;
    }
    for (const std::string& ext : known)
        if (endsWithIgnoringCase(fileName, ext))
            return {fileName.substr(0, fileName.size() - ext.size()),
                    fileName.substr(fileName.size() - ext.size())};
    return {fileName, format == OutputFormat::Pdf ? ".pdf" : format == OutputFormat::Tiff ? ".tif" : ""};
}

std::string isoUtc(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(t - day)};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", int(ymd.year()), unsigned(ymd.month()),
                       unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(),
                       hms.seconds().count());
}

std::string describePage(const PageRecord& page, size_t indexInDocument) {
    return trf("page {} of the document ({}, page {})", indexInDocument + 1,
               fs::path(page.source).filename().string(), page.sourcePage);
}

// What a worker hands back for one page.
struct PageOutcome {
    std::variant<std::monostate, output::EncodedPage, output::PageRaster> page;
    std::string error; // translated; empty when rendered (or skipped because the document failed)
    const ocr::PageText* text = nullptr; // its OCR text, if any (owned by FilingOptions)
};

struct PageJob {
    size_t document = 0;
    size_t indexInDocument = 0;
    const PageRecord* record = nullptr;
};

// Renders the jobs in order on `threads` workers, at most `window` pages ahead of what the
// caller has taken, so memory stays bounded however long the batch is.
class PageRenderQueue {
  public:
    PageRenderQueue(std::vector<PageJob> jobs, size_t documents, const FilingOptions& options,
                    std::stop_token stop)
        : jobs_(std::move(jobs)), results_(jobs_.size()), documentFailed_(new std::atomic<bool>[documents]),
          options_(options), stop_(std::move(stop)) {
        for (size_t i = 0; i < documents; ++i)
            documentFailed_[i] = false;
        const size_t threads = size_t(std::max(1, options.threads));
        window_ = std::max<size_t>(4, threads * 3);
        for (size_t i = 0; i < std::min(threads, jobs_.size()); ++i)
            workers_.emplace_back([this] { work(); });
    }
    PageRenderQueue(const PageRenderQueue&) = delete;
    PageRenderQueue& operator=(const PageRenderQueue&) = delete;
    ~PageRenderQueue() {
        {
            std::lock_guard lock(mutex_);
            quit_ = true;
        }
        workAvailable_.notify_all();
        workers_.clear(); // joins
    }

    // The next page in job order; empty when stop was requested first.
    std::optional<PageOutcome> take() {
        std::unique_lock lock(mutex_);
        if (!pageReady_.wait(lock, stop_, [&] { return results_[taken_].has_value(); }))
            return std::nullopt;
        PageOutcome out = std::move(*results_[taken_]);
        results_[taken_].reset();
        ++taken_;
        lock.unlock();
        workAvailable_.notify_all();
        return out;
    }

  private:
    void work() {
        for (;;) {
            size_t j = 0;
            {
                std::unique_lock lock(mutex_);
                workAvailable_.wait(
                    lock, stop_, [&] { return quit_ || next_ >= jobs_.size() || next_ < taken_ + window_; });
                if (quit_ || stop_.stop_requested() || next_ >= jobs_.size())
                    return;
                j = next_++;
            }
            PageOutcome outcome = render(jobs_[j]);
            {
                std::lock_guard lock(mutex_);
                results_[j] = std::move(outcome);
            }
            pageReady_.notify_all();
        }
    }

    PageOutcome render(const PageJob& job) {
        PageOutcome out;
        if (documentFailed_[job.document])
            return out; // the document is lost anyway; skip the work
        try {
            const output::RenderOptions render = renderOptions(options_);
            const output::PageSource source = output::pageSource(*job.record);
            if (options_.pageTexts)
                if (const auto it = options_.pageTexts->find(job.record->id); it != options_.pageTexts->end())
                    out.text = &it->second;
            const bool raster = options_.format == OutputFormat::Tiff;
            if (options_.renderer) {
                auto page = options_.renderer(source, render, raster);
                if (raster ? !std::holds_alternative<output::PageRaster>(page)
                           : !std::holds_alternative<output::EncodedPage>(page))
                    throw std::logic_error("the page renderer returned the wrong kind of page");
                std::visit([&](auto& p) { out.page = std::move(p); }, page);
            } else if (raster) {
                out.page = output::renderRaster(source, render);
            } else {
                out.page = output::renderPage(source, render);
            }
        } catch (const std::bad_alloc&) {
            out.error = trf("{}: {}", describePage(*job.record, job.indexInDocument),
                            tr("there is not enough memory to render it."));
        } catch (const std::exception& e) {
            out.error = trf("{}: {}", describePage(*job.record, job.indexInDocument), e.what());
        }
        if (!out.error.empty())
            documentFailed_[job.document] = true;
        return out;
    }

    std::vector<PageJob> jobs_;
    std::vector<std::optional<PageOutcome>> results_;
    std::unique_ptr<std::atomic<bool>[]> documentFailed_;
    const FilingOptions& options_;
    std::stop_token stop_;
    size_t window_ = 4;
    std::mutex mutex_;
    std::condition_variable_any workAvailable_;
    std::condition_variable_any pageReady_;
    size_t next_ = 0;  // next job a worker takes
    size_t taken_ = 0; // jobs handed to the caller
    bool quit_ = false;
    std::vector<std::jthread> workers_; // last: joined before the members above go away
};

// Collects one document's pages into its output format.
class DocumentAssembler {
  public:
    DocumentAssembler(const DocumentToFile& doc, const FilingOptions& options, size_t pageCount)
        : options_(options), pageCount_(pageCount) {
        info_.title = doc.title;
        info_.fields = doc.fields;
        if (options.format == OutputFormat::Pdf)
            pdf_.emplace(info_, options.pdfa);
        else if (options.format == OutputFormat::Tiff)
            tiff_.emplace(info_, options.jpegQuality);
    }

    void add(PageOutcome&& outcome) {
        if (pdf_) {
            pdf_->addPage(std::move(std::get<output::EncodedPage>(outcome.page)), outcome.text);
        } else if (tiff_) {
            tiff_->addPage(std::get<output::PageRaster>(outcome.page));
        } else {
            auto image = output::pageImageFile(std::get<output::EncodedPage>(outcome.page));
            const size_t number = images_.size() + 1;
            const int digits = std::max(3, int(std::to_string(pageCount_).size()));
            std::string suffix = pageCount_ > 1 ? fmt::format("-{:0{}}", number, digits) : std::string();
            images_.push_back({std::move(suffix), std::move(image.extension), std::move(image.bytes)});
        }
    }

    // The files to place; `extension` is the one chosen for single-file formats.
    std::vector<output::ArchiveFile> finish(const std::string& extension) {
        std::vector<output::ArchiveFile> files;
        if (pdf_)
            files.push_back({"", extension, pdf_->finish()});
        else if (tiff_)
            files.push_back({"", extension, tiff_->finish()});
        else
            files = std::move(images_);
        return files;
    }

    nlohmann::json sidecar(const DocumentToFile& doc) const {
        return {{"title", doc.title},
                {"fields", doc.fields},
                {"pages", pageCount_},
                {"format", formatName(options_.format)},
                {"created", isoUtc(info_.created)}};
    }

  private:
    const FilingOptions& options_;
    size_t pageCount_;
    output::DocumentInfo info_;
    std::optional<output::PdfWriter> pdf_;
    std::optional<output::TiffWriter> tiff_;
    std::vector<output::ArchiveFile> images_;
};

using PagesById = std::unordered_map<std::int64_t, const PageRecord*>;

void report(const FilingProgressSink& onProgress, const FilingProgress& progress) {
    if (onProgress)
        onProgress(progress);
}

// What can be checked without rendering fails a document before any work is spent on it.
// Returns the page jobs of the documents that pass, in order; `checked[d]` says which passed
// (the others are marked failed in `results`).
std::vector<PageJob> checkDocuments(const PagesById& byId, std::span<const DocumentToFile> documents,
                                    const FilingOptions& options, std::vector<FiledDocument>& results,
                                    std::vector<bool>& checked) {
    std::vector<PageJob> jobs;
    for (size_t d = 0; d < documents.size(); ++d) {
        const DocumentToFile& doc = documents[d];
        try {
            if (doc.pageIds.empty())
                throw Error(tr("The document has no pages."));
            output::checkArchiveFolder(doc.folder);
            output::checkArchiveFileName(splitFileName(doc.fileName, options.format).first);
            std::vector<PageJob> docJobs;
            for (size_t k = 0; k < doc.pageIds.size(); ++k) {
                const auto it = byId.find(doc.pageIds[k]);
                if (it == byId.end())
                    throw Error(trf(
                        "Page {} of the document is not in the session (it may have been removed).", k + 1));
                docJobs.push_back({d, k, it->second});
            }
            jobs.insert(jobs.end(), docJobs.begin(), docJobs.end());
            checked[d] = true;
        } catch (const Error& e) {
            results[d].status = FilingStatus::Failed;
            results[d].error = e.what();
        }
    }
    return jobs;
}

// Takes the rendered pages of `doc` from `queue` into `assembler` — all of them, also after
// the document failed, so the next document starts at its own pages. Returns false when
// filing was stopped (or the queue ended) before the last page.
bool assemblePages(PageRenderQueue& queue, const DocumentToFile& doc, const PagesById& byId,
                   std::optional<DocumentAssembler>& assembler, FiledDocument& result,
                   FilingProgress& progress, const FilingProgressSink& onProgress, std::stop_token stop) {
    for (size_t k = 0; k < doc.pageIds.size(); ++k) {
        auto outcome = queue.take();
        if (!outcome || stop.stop_requested())
            return false;
        ++progress.pagesDone;
        report(onProgress, progress);
        if (result.status == FilingStatus::Failed)
            continue; // drain the document's remaining pages
        if (!outcome->error.empty()) {
            result.status = FilingStatus::Failed;
            result.error = outcome->error;
            continue;
        }
        try {
            assembler->add(std::move(*outcome));
        } catch (const std::exception& e) {
            result.status = FilingStatus::Failed;
            result.error = trf("{}: {}", describePage(*byId.at(doc.pageIds[k]), k), e.what());
        }
    }
    return true;
}

// Writes the assembled document (and its sidecar) and places it in the archive; the outcome,
// filed or failed, goes into `result`.
void placeDocument(DocumentAssembler& assembler, const DocumentToFile& doc, const FilingOptions& options,
                   output::LocalArchive& archive, FiledDocument& result) {
    try {
        const auto [base, extension] = splitFileName(doc.fileName, options.format);
        const auto files = assembler.finish(extension);
        std::optional<nlohmann::json> sidecar;
        if (options.sidecar)
            sidecar = assembler.sidecar(doc);
        const output::Placement placed = archive.place(doc.folder, base, files, sidecar);
        result.status = FilingStatus::Filed;
        result.files = placed.files;
        result.sidecar = placed.sidecar;
        result.path = placed.files.front().path;
        result.bytes = placed.files.front().bytes;
        result.sha256 = placed.files.front().sha256;
    } catch (const std::bad_alloc&) {
        result.status = FilingStatus::Failed;
        result.error = tr("There is not enough memory to write the document.");
    } catch (const std::exception& e) {
        result.status = FilingStatus::Failed;
        result.error = e.what();
    }
}

} // namespace

output::RenderOptions renderOptions(const FilingOptions& options) {
    output::RenderOptions render;
    render.jpegQuality = options.jpegQuality;
    render.pdfDpi = options.pdfDpi;
    // Black-and-white pages of a PDF are compressed where they are rendered, in parallel.
    render.bilevelAsG4 = options.format == OutputFormat::Pdf;
    return render;
}

std::vector<FiledDocument> fileDocuments(std::span<const PageRecord> pages,
                                         std::span<const DocumentToFile> documents,
                                         output::LocalArchive& archive, const FilingOptions& options,
                                         std::stop_token stop, const FilingProgressSink& onProgress) {
    PagesById byId;
    for (const PageRecord& p : pages)
        byId.emplace(p.id, &p);

    std::vector<FiledDocument> results(documents.size());
    FilingProgress progress;
    progress.documentsTotal = documents.size();
    for (const DocumentToFile& d : documents)
        progress.pagesTotal += d.pageIds.size();

    std::vector<bool> checked(documents.size(), false);
    PageRenderQueue queue(checkDocuments(byId, documents, options, results, checked), documents.size(),
                          options, stop);
    bool cancelled = false;
    for (size_t d = 0; d < documents.size(); ++d) {
        FiledDocument& result = results[d];
        const DocumentToFile& doc = documents[d];
        if (!checked[d]) {
            progress.pagesDone += doc.pageIds.size();
            ++progress.documentsDone;
            report(onProgress, progress);
            continue;
        }
        if (cancelled || stop.stop_requested()) {
            cancelled = true;
            result.status = FilingStatus::Cancelled;
            continue;
        }
        std::optional<DocumentAssembler> assembler;
        try {
            assembler.emplace(doc, options, doc.pageIds.size());
        } catch (const std::exception& e) {
            result.status = FilingStatus::Failed;
            result.error = e.what();
        }
        if (!assemblePages(queue, doc, byId, assembler, result, progress, onProgress, stop))
            cancelled = true;
        // Once placing has begun the document is finished; until then a stop cancels it.
        if (cancelled || (result.status != FilingStatus::Failed && stop.stop_requested())) {
            cancelled = true;
            result.status = FilingStatus::Cancelled;
            result.error.clear();
            continue;
        }
        if (result.status != FilingStatus::Failed)
            placeDocument(*assembler, doc, options, archive, result);
        ++progress.documentsDone;
        report(onProgress, progress);
    }
    return results;
}

std::vector<FiledDocument> fileDocuments(const journal::Session& session,
                                         std::span<const DocumentToFile> documents,
                                         output::LocalArchive& archive, const FilingOptions& options,
                                         std::stop_token stop, const FilingProgressSink& onProgress) {
    const std::vector<PageRecord> pages = session.pages();
    return fileDocuments(pages, documents, archive, options, std::move(stop), onProgress);
}

} // namespace docdesk::pipeline
