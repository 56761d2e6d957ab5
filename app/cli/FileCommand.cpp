// docdesk-cli file — the whole way from files (or a session) to documents in the local
// archive: import, analysis, the filing plan, rendering, placing. The archive never has
// anything overwritten, and the session keeps every page whatever happens.
#include "app/cli/Commands.h"
#include "app/cli/ImportAnalysis.h"
#include "app/cli/RuleOptions.h"
#include "app/common/AppEnvironment.h"
#include "app/common/BatchFiling.h"
#include "app/common/GatewayUpload.h"
#include "app/common/OutboxFiling.h"
#include "app/common/WorkerPool.h"
#include "capture/PageSources.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/model/PageTransforms.h"
#include "platform/AppDirs.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace {

struct FileArgs {
    bool help = false;
    bool json = false;
    bool again = false; // file documents filed before once more
    std::string target;
    std::string profile; // file into this gateway profile's outbox instead of a folder
    std::string session;
    pipeline::FilingOptions options;
    std::optional<PageMode> mode; // --mode: set on every image page before filing
    RuleOptions rules;
    std::vector<std::string> files;
};

FileArgs parseFile(const std::vector<std::string>& args) {
    FileArgs a;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& o = args[i];
        if (o == "-h" || o == "--help") {
            a.help = true;
        } else if (o == "--json") {
            a.json = true;
        } else if (o == "--again") {
            a.again = true;
        } else if (o == "--target") {
            a.target = optionValue(args, i);
        } else if (o == "--profile") {
            a.profile = optionValue(args, i);
        } else if (o == "--session") {
            a.session = optionValue(args, i);
        } else if (o == "--format") {
            const auto f = optionValue(args, i);
            if (f == "pdf")
                a.options.format = pipeline::OutputFormat::Pdf;
            else if (f == "tiff")
                a.options.format = pipeline::OutputFormat::Tiff;
            else if (f == "images")
                a.options.format = pipeline::OutputFormat::Images;
            else
                throw UsageError(trf("--format must be pdf, tiff or images, not {}", f));
        } else if (o == "--quality") {
            const auto text = optionValue(args, i);
            int q = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), q);
            if (ec != std::errc() || end != text.data() + text.size() || q < 10 || q > 100)
                throw UsageError(tr("--quality needs a JPEG quality from 10 to 100"));
            a.options.jpegQuality = q;
        } else if (o == "--sidecar") {
            a.options.sidecar = true;
        } else if (o == "--mode") {
            const auto m = optionValue(args, i);
            a.mode = pageModeFromName(m);
            if (!a.mode)
                throw UsageError(trf("--mode must be original, color, gray or bw, not {}", m));
        } else if (o == "--dpi") {
            a.options.pdfDpi = parseDpi(optionValue(args, i));
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

// Sets `mode` on every image page, keeping its other edits (in the session too).
void setPageMode(journal::Session& session, std::vector<PageRecord>& pages, PageMode mode) {
    for (auto& p : pages) {
        if (p.isPassThrough())
            continue;
        auto transforms = PageTransforms::parse(p.transformsJson);
        if (transforms.mode == mode)
            continue; // set already (ImportAnalysis sets it as each page is analysed)
        transforms.mode = mode;
        p.transformsJson = transforms.toJson();
        session.setTransforms(p.id, p.transformsJson);
    }
}

// Stores `a.files` in the session and returns their pages. A file the session holds already
// (the same bytes: an earlier run that was interrupted) is not stored again; its pages are
// used, so what was filed of it is recognised. Each file's pages go to `analysis` as soon as
// they are stored.
std::vector<PageRecord> importInputs(journal::Session& session, const FileArgs& a, int& failures,
                                     ImportAnalysis& analysis) {
    std::vector<PageRecord> pages;
    capture::AcquireSettings settings;
    settings.files.countPages = app::countPagesInWorker(app::sharedWorkerPool());
    settings.files.reuseStored = true;
    settings.files.onFile = [&](const capture::ImportOutcome& o, size_t, size_t) {
        if (o.ok()) {
            pages.insert(pages.end(), o.pages.begin(), o.pages.end());
            analysis.add(o.pages);
            return;
        }
        ++failures;
        if (a.json)
            std::cout << nlohmann::ordered_json{{"source", o.file.string()}, {"error", o.error}}.dump()
                      << std::endl;
        else
            std::cerr << trf("{}: {}", o.file.string(), o.error) << std::endl;
    };
    capture::PageSourceOptions files;
    files.paths.assign(a.files.begin(), a.files.end());
    capture::JournalPageSink sink(session);
    capture::makePageSource(capture::SourceKind::Files, files)->acquire(settings, {}, sink);
    return pages;
}

void showAnalysed(const FileArgs& a, size_t done, size_t total) {
    if (!a.json && (done == total || done % 10 == 0))
        std::cerr << trf("Analysed {} of {} pages", done, total) << "\r" << std::flush;
}

// The pages to file: the session's, or `a.files` imported and analysed as they are stored,
// the documents they make handed to `ahead` (when given) as their pages are analysed;
// then --mode is set (after the analysis, whose proposed edits it keeps).
std::vector<PageRecord> takePages(journal::Session& session, const FileArgs& a,
                                  const rules::FilingPlanner& planner, int& importFailures,
                                  std::vector<std::string>& warnings, app::FilingAhead* ahead) {
    std::vector<PageRecord> pages;
    if (a.files.empty()) {
        pages = session.pages();
    } else {
        RenderAfterAnalysis render; // pages are encoded for PDFs and images, not for TIFFs
        if (a.options.format != pipeline::OutputFormat::Tiff) {
            render.into = &app::sharedWorkerPool().prerendered();
            render.options = pipeline::renderOptions(a.options);
            render.mode = a.mode;
        }
        ImportAnalysis analysis(
            session, planner.rules().pageEdits, a.options.pdfDpi,
            [&](size_t done, size_t total) { showAnalysed(a, done, total); }, render,
            [ahead](std::span<const PageRecord> records) {
                if (ahead)
                    ahead->analysed(records);
            });
        pages = analysis.finish(importInputs(session, a, importFailures, analysis), warnings);
    }
    if (a.mode)
        setPageMode(session, pages, *a.mode);
    return pages;
}

void printUsage() {
    std::cout
        << tr("Usage: docdesk-cli file --target DIR [OPTIONS] [RULE OPTIONS] FILE...\n"
              "       docdesk-cli file --target DIR --session ID [OPTIONS] [RULE OPTIONS]\n"
              "       docdesk-cli file --profile NAME [OPTIONS] [RULE OPTIONS] FILE...\n"
              "\n"
              "Files documents into the local archive folder DIR: the files are stored in a new\n"
              "session (or the pages of session ID are used), every page is analysed, the rules\n"
              "split them into documents and name them (as 'split' shows), and each document is\n"
              "written as one PDF (JPEG pages embedded as they are). Nothing in DIR is ever\n"
              "overwritten: a name that is taken gets ' (2)', ' (3)'... Files that are not images\n"
              "or PDFs are placed as they are.\n"
              "\n")
        << tr(RuleOptions::help()) << "\n"
        << tr(RuleOptions::outputHelp())
        << tr("\n"
              "With --profile NAME the documents go into the outbox of gateway profile NAME\n"
              "instead of a folder (the plan's folder becomes the remote folder); nothing is sent\n"
              "until 'docdesk-cli upload --profile NAME' (or the GUI's Upload).\n"
              "\n"
              "Other options:\n"
              "  --format F            pdf (default), tiff (multi-page) or images (one per page)\n"
              "  --quality N           JPEG quality for pages that are encoded again (85)\n"
              "  --mode M              every page as original, color, gray or bw (black and white,\n"
              "                        1 bit per pixel)\n"
              "  --sidecar             a JSON file with the fields beside each document\n"
              "  --dpi N               resolution for PDF originals (300)\n"
              "  --json                one JSON line per document: {\"file\", \"pages\", \"bytes\",\n"
              "                        \"sha256\", \"fields\"} or {\"error\"}\n"

              "\n"
              "Exit status 0 when every document was filed, 1 otherwise; the session keeps all pages.\n")
        << tr("\n"
              "What was filed is recorded in the session: a run that was interrupted is simply run\n"
              "again (files the session holds already are not stored twice), and documents filed\n"
              "before are skipped, showing where they went.\n"
              "  --again               file documents that were filed before once more\n");
}

} // namespace

namespace {

// What became of one document: a JSON line with --json, else a sentence.
void printFiled(const pipeline::FiledDocument& d, size_t pageCount,
                const std::map<std::string, std::string>& fields, const std::vector<std::string>& sources,
                bool json) {
    if (d.alreadyFiled) {
        if (json)
            std::cout
                << nlohmann::ordered_json{{"already_filed", d.path.string()}, {"pages", pageCount}}.dump()
                << std::endl;
        else
            std::cout << trf("filed before: {} (--again files it once more)", d.path.string()) << "\n";
    } else if (json) {
        nlohmann::ordered_json j;
        if (d.ok())
            j = {{"file", d.path.string()},
                 {"pages", pageCount},
                 {"bytes", d.bytes},
                 {"sha256", d.sha256},
                 {"fields", fields}};
        else if (sources.size() == 1)
            j = {{"source", sources.front()}, {"error", d.error}};
        else
            j = {{"sources", sources}, {"error", d.error}};
        std::cout << j.dump() << std::endl;
    } else if (d.ok()) {
        std::cout << trnf("{} ({} page)", "{} ({} pages)", pageCount, d.path.string(), pageCount) << "\n";
    } else if (sources.size() == 1) {
        std::cout << trf("not filed: {}: {}", sources.front(), d.error) << "\n";
    } else {
        std::cout << trf("not filed: {}", d.error) << "\n";
    }
}

// The original files of each document (the planned ones, then the pass-through ones), so that
// one that cannot be filed names its file (a page refused only when rendered, e.g. a PDF page
// too large to render, was stored).
class DocumentSources {
  public:
    DocumentSources(const app::BatchFilingResult& result, const std::vector<PageRecord>& pages)
        : result_(result) {
        for (const auto& p : pages)
            sourceOfPage_[p.id] = p.source;
    }

    std::vector<std::string> operator()(size_t k) const {
        std::vector<std::string> out;
        if (k < result_.plan.documents.size()) {
            for (const auto index : result_.plan.documents[k].pages)
                if (index < result_.planPageIds.size())
                    if (const auto it = sourceOfPage_.find(result_.planPageIds[index]);
                        it != sourceOfPage_.end())
                        if (std::find(out.begin(), out.end(), it->second) == out.end())
                            out.push_back(it->second);
        } else if (k - result_.plan.documents.size() < result_.passThrough.size()) {
            out.push_back(result_.passThrough[k - result_.plan.documents.size()].source);
        }
        return out;
    }

  private:
    const app::BatchFilingResult& result_;
    std::map<std::int64_t, std::string> sourceOfPage_;
};

// Prints what became of each document and entry; returns how many were filed.
size_t printAllFiled(const FileArgs& a, const app::BatchFilingResult& result,
                     const std::vector<pipeline::FiledDocument>& filedDocs,
                     const std::vector<pipeline::FiledDocument>& passThroughDocs,
                     const DocumentSources& sourcesOf) {
    for (size_t k = 0; k < filedDocs.size(); ++k)
        printFiled(filedDocs[k], result.plan.documents[k].pages.size(),
                   result.plan.documents[k].fieldValues(), sourcesOf(k), a.json);
    for (size_t k = 0; k < passThroughDocs.size(); ++k)
        printFiled(passThroughDocs[k], 1, {}, sourcesOf(filedDocs.size() + k), a.json);
    const auto ok = [](const pipeline::FiledDocument& d) { return d.ok(); };
    return size_t(std::count_if(filedDocs.begin(), filedDocs.end(), ok)) +
           size_t(std::count_if(passThroughDocs.begin(), passThroughDocs.end(), ok));
}

} // namespace

int runFile(const std::vector<std::string>& args) {
    const auto a = parseFile(args);
    if (a.help) {
        printUsage();
        return 0;
    }
    if (a.target.empty() == a.profile.empty())
        throw UsageError(tr("file needs --target DIR (the archive folder) or --profile NAME (its outbox)"));
    if (a.files.empty() && a.session.empty())
        throw UsageError(tr("file needs files, or --session ID"));
    const rules::FilingPlanner planner(a.rules.rules(), RuleOptions::naming());
    if (rules::needsText(planner.rules())) // a missing language is said before anything is imported
        requireOcrLanguages(planner.rules().output.ocrLanguages);

    // The pages: imported into a session first (so nothing is lost whatever happens next).
    std::unique_ptr<journal::Session> session =
        a.session.empty() ? journal::Session::create(app::sessionsRoot(), app::durableFiles())
                          : journal::Session::open(sessionDirectory(a.session), app::durableFiles());
    // For a profile, documents are rendered into a staging folder beside the outbox (same file
    // system), then moved into the outbox one by one.
    std::unique_ptr<gateway::Outbox> outbox;
    std::filesystem::path staging;
    if (!a.profile.empty()) {
        outbox = app::openOutbox();
        staging = app::outboxStagingFolder(session->summary().id);
        // What an interrupted run left in staging goes into the outbox first; a document whose
        // files are gone is forgotten there, so that it is filed again below.
        app::settleOutboxFilings(*outbox, *session, staging);
    }
    output::LocalArchive archive(a.profile.empty() ? std::filesystem::path(a.target) : staging,
                                 app::durableFiles());
    app::FilingRecordOptions record;
    record.again = a.again;
    if (outbox)
        record.target = "outbox:" + a.profile;

    // Documents are filed while the later pages are still analysed (not when OCR text decides
    // the plan: it is read after the analysis).
    std::optional<app::FilingAhead> ahead;
    if (!a.files.empty() && !rules::needsText(planner.rules()))
        ahead.emplace(*session, planner, archive, a.options, record);
    int importFailures = 0;
    std::vector<std::string> warnings; // analyses that failed
    std::vector<PageRecord> pages =
        takePages(*session, a, planner, importFailures, warnings, ahead ? &*ahead : nullptr);
    if (ahead)
        record.ahead = &ahead->finish();
    app::AnalysisWorker worker;
    const auto result = app::fileBatch(
        *session, pages, planner, archive, a.options, worker, {},
        [&](size_t done, size_t total) { showAnalysed(a, done, total); },
        [&](size_t done, size_t total) {
            if (!a.json)
                std::cerr << trf("Recognised the text of {} of {} pages", done, total) << "\r" << std::flush;
        },
        record);
    if (!a.json && !result.planPages.empty())
        std::cerr << "\n";
    warnings.insert(warnings.end(), result.analysisErrors.begin(), result.analysisErrors.end());
    for (const auto& e : warnings)
        std::cerr << trf("warning: {}", e) << "\n";
    const DocumentSources sourcesOf(result, pages);
    std::vector<pipeline::FiledDocument> filedDocs = result.filed;
    std::vector<pipeline::FiledDocument> passThroughDocs = result.passThroughFiled;
    if (outbox)
        app::moveIntoOutbox(*outbox, *session, staging, result.filingIds, filedDocs, passThroughDocs);
    const size_t filed = printAllFiled(a, result, filedDocs, passThroughDocs, sourcesOf);
    const size_t total = result.filed.size() + result.passThroughFiled.size();
    if (!a.json)
        std::cout << trf("{} of {} documents filed in {} (session {}).", filed, total,
                         a.profile.empty() ? a.target : trf("the outbox of {}", a.profile),
                         session->summary().id)
                  << "\n";
    return filed == total && importFailures == 0 ? 0 : 1;
}

} // namespace docdesk::cli
