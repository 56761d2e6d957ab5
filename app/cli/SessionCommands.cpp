#include "app/cli/Commands.h"
#include "app/common/AppEnvironment.h"
#include "app/common/WorkerPool.h"
#include "capture/PageSources.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/journal/Session.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct ParsedArgs {
    bool json = false;
    bool help = false;
    bool newSession = false;
    std::string session;
    std::string name;
    std::vector<std::string> positional;
};

ParsedArgs parse(const std::vector<std::string>& args, bool allowSessionOptions) {
    ParsedArgs p;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--json")
            p.json = true;
        else if (a == "-h" || a == "--help")
            p.help = true;
        else if (allowSessionOptions && a == "--session")
            p.session = optionValue(args, i);
        else if (allowSessionOptions && a == "--new-session")
            p.newSession = true;
        else if (a == "--name")
            p.name = optionValue(args, i);
        else if (a == "--")
            p.positional.insert(p.positional.end(), args.begin() + long(i) + 1, args.end()), i = args.size();
        else if (a.starts_with("--"))
            throw UsageError(trf("unknown option {}", a));
        else
            p.positional.push_back(a);
    }
    return p;
}

json pageJson(const PageRecord& p) {
    json j = {{"id", p.id},
              {"position", p.position + 1},
              {"source", p.source},
              {"page", p.sourcePage},
              {"media_type", p.mediaType},
              {"sha256", p.sha256},
              {"bytes", p.byteSize},
              {"original", p.originalFile.string()},
              {"created_at", p.createdAt},
              {"pass_through", p.isPassThrough()}};
    j["transforms"] = json::parse(p.transformsJson, nullptr, false);
    j["analysis"] = p.analysisJson ? json::parse(*p.analysisJson, nullptr, false) : json(nullptr);
    return j;
}

int sessionList(const ParsedArgs& a) {
    const auto all = journal::listSessions(app::sessionsRoot());
    if (a.json) {
        for (const auto& s : all)
            std::cout << json{{"id", s.id},
                              {"name", s.name},
                              {"created_at", s.createdAt},
                              {"pages", s.pageCount},
                              {"path", s.directory.string()}}
                             .dump()
                      << "\n";
        return 0;
    }
    if (all.empty()) {
        std::cout << tr("No sessions yet.") << "\n";
        return 0;
    }
    for (const auto& s : all) {
        if (s.pageCount < 0)
            std::cout << s.id << "  " << tr("(damaged — cannot be read)") << "\n";
        else
            std::cout << s.id << "  " << s.createdAt << "  " << trf("{} pages", s.pageCount)
                      << (s.name.empty() ? "" : "  " + s.name) << "\n";
    }
    return 0;
}

// What the session records as filed; nothing for a session of an older format opened read-only.
std::vector<journal::FilingRecord> filingsOf(const journal::Session& session) {
    try {
        return session.filings();
    } catch (const Error&) {
        return {};
    }
}

int sessionShow(const ParsedArgs& a) {
    if (a.positional.size() > 1)
        throw UsageError(tr("session show takes at most one session id"));
    auto session =
        journal::Session::openReadOnly(sessionDirectory(a.positional.empty() ? "" : a.positional[0]));
    const auto summary = session->summary();
    const auto pages = session->pages();
    if (a.json) {
        json j = {{"id", summary.id},
                  {"name", summary.name},
                  {"created_at", summary.createdAt},
                  {"path", summary.directory.string()},
                  {"pages", json::array()}};
        for (const auto& p : pages)
            j["pages"].push_back(pageJson(p));
        j["filed"] = json::array();
        for (const auto& f : filingsOf(*session))
            j["filed"].push_back({{"pages", f.pageIds},
                                  {"title", f.title},
                                  {"fields", json::parse(f.fieldsJson, nullptr, false)},
                                  {"target", f.target},
                                  {"location", f.location},
                                  {"filed_at", f.filedAt}});
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << trf("Session {} ({} pages, created {})", summary.id, pages.size(), summary.createdAt)
              << "\n";
    for (const auto& p : pages)
        std::cout << "  " << (p.position + 1) << ". " << fs::path(p.source).filename().string()
                  << (p.sourcePage > 1 || p.mediaType == "application/pdf" ? trf(" (page {})", p.sourcePage)
                                                                           : "")
                  << "  " << p.mediaType
                  << (p.isPassThrough() ? std::string("  ") + tr("(filed as it is)") : std::string()) << "\n";
    for (const auto& f : filingsOf(*session))
        std::cout << trf("  filed {}: {}", f.filedAt, f.location) << "\n";
    return 0;
}

int sessionNew(const ParsedArgs& a) {
    auto session = journal::Session::create(app::sessionsRoot(), app::durableFiles(), a.name);
    std::cout << session->summary().id << "\n";
    return 0;
}

int sessionVerify(const ParsedArgs& a) {
    auto session =
        journal::Session::openReadOnly(sessionDirectory(a.positional.empty() ? "" : a.positional[0]));
    const auto bad = session->verify();
    for (const auto& f : bad)
        std::cerr << trf("damaged or missing original: {}", f) << "\n";
    if (bad.empty())
        std::cout << trf("All originals of session {} are intact.", session->summary().id) << "\n";
    return bad.empty() ? 0 : 1;
}

} // namespace

int runSession(const std::vector<std::string>& args) {
    if (args.empty())
        throw UsageError(tr("session needs a subcommand: list, show, new or verify"));
    const std::string sub = args[0];
    const auto a = parse({args.begin() + 1, args.end()}, false);
    if (a.help) {
        std::cout << tr("Usage: docdesk-cli session list [--json]\n"
                        "       docdesk-cli session show [ID] [--json]\n"
                        "       docdesk-cli session new [--name NAME]\n"
                        "       docdesk-cli session verify [ID]\n");
        return 0;
    }
    if (sub == "list")
        return sessionList(a);
    if (sub == "show")
        return sessionShow(a);
    if (sub == "new")
        return sessionNew(a);
    if (sub == "verify")
        return sessionVerify(a);
    throw UsageError(trf("unknown session subcommand '{}'", sub));
}

int runImport(const std::vector<std::string>& args) {
    const auto a = parse(args, true);
    if (a.help) {
        std::cout << tr(
            "Usage: docdesk-cli import [--session ID | --new-session] [--json] FILE|FOLDER...\n"
            "\n"
            "Stores each file's exact bytes in the session and adds its pages (one per\n"
            "image, one per PDF or TIFF page). With --json, one line per file as soon as it\n"
            "is safely stored: {\"file\": ..., \"pages\": [...]} or {\"file\": ..., \"error\": ...}.\n");
        return 0;
    }
    if (a.positional.empty())
        throw UsageError(tr("import needs at least one file or folder"));
    if (a.newSession && !a.session.empty())
        throw UsageError(tr("--session and --new-session cannot be combined"));
    std::unique_ptr<journal::Session> session = openSessionForWriting(a.session, a.newSession);

    std::vector<fs::path> inputs(a.positional.begin(), a.positional.end());
    int failed = 0;
    size_t stored = 0;
    capture::AcquireSettings settings;
    settings.files.countPages = app::countPagesInWorker(app::sharedWorkerPool());
    settings.files.onFile = [&](const capture::ImportOutcome& o, size_t, size_t) {
        if (!o.ok())
            ++failed;
        stored += o.pages.size();
        if (a.json) {
            json j = {{"file", o.file.string()}};
            if (o.ok()) {
                j["pages"] = json::array();
                for (const auto& p : o.pages)
                    j["pages"].push_back(pageJson(p));
            } else {
                j["error"] = o.error;
            }
            std::cout << j.dump() << std::endl; // flushed: a reader may act on it at once
        } else if (!o.ok()) {
            std::cerr << o.error << "\n";
        }
    };
    capture::JournalPageSink sink(*session);
    capture::makePageSource(capture::SourceKind::Files, {inputs, {}})->acquire(settings, {}, sink);
    if (!a.json)
        std::cout << trf("{} pages stored in session {}.", stored, session->summary().id) << "\n";
    return failed ? 1 : 0;
}

} // namespace docdesk::cli
