// docdesk-cli watch — the hot folder for unattended stations: files dropped into a folder are
// stored in a session as soon as they are complete and moved to done/ (or failed/).
#include "app/cli/Commands.h"
#include "app/cli/RuleOptions.h"
#include "app/common/AppEnvironment.h"
#include "app/common/BatchFiling.h"
#include "app/common/GatewayUpload.h"
#include "app/common/OutboxFiling.h"
#include "app/common/ProfileAccess.h"
#include "app/common/RunningWatches.h"
#include "app/common/WorkerPool.h"
#include "capture/PageSources.h"
#include "core/common/Translate.h"
#include "core/vault/ProfileStore.h"
#include "platform/AppDirs.h"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

namespace docdesk::cli {
namespace {

struct WatchArgs {
    std::string folder;
    std::string session;
    bool newSession = false;
    bool json = false;
    bool once = false;
    double settleSeconds = 1.5;
    std::string target;  // file each arriving batch into this archive folder
    std::string profile; // ... or into the outbox of this gateway profile
    bool upload = false; // and send the profile's outbox after each file (typed by the operator)
    RuleOptions rules;
    rules::FilingRules filingRules; // read once, from `rules`, when the arguments are parsed
};

// A language of the rules' OCR that is not installed is said before watching starts (as `file`
// does), not on every file that arrives.
void requireOcrLanguagesOf(const rules::FilingRules& rules) {
    if (!rules::needsText(rules))
        return;
    requireOcrLanguages(rules.output.ocrLanguages);
}
WatchArgs parseWatch(const std::vector<std::string>& args) {
    WatchArgs a;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--json") {
            a.json = true;
        } else if (args[i] == "--once") {
            a.once = true;
        } else if (args[i] == "--new-session") {
            a.newSession = true;
        } else if (args[i] == "--session") {
            a.session = optionValue(args, i);
        } else if (args[i] == "--settle") {
            const std::string value = optionValue(args, i);
            try {
                a.settleSeconds = std::stod(value);
            } catch (const std::exception&) {
                a.settleSeconds = -1;
            }
            if (a.settleSeconds < 0.1 || a.settleSeconds > 3600)
                throw UsageError(trf("--settle needs seconds from 0.1 to 3600, not {}", value));
        } else if (args[i] == "--target") {
            a.target = optionValue(args, i);
        } else if (args[i] == "--profile") {
            a.profile = optionValue(args, i);
        } else if (args[i] == "--upload") {
            a.upload = true;
        } else if (a.rules.parse(args, i)) {
            // a rule option: used with --target
        } else if (args[i].starts_with("--")) {
            throw UsageError(trf("unknown option {}", args[i]));
        } else if (a.folder.empty()) {
            a.folder = args[i];
        } else {
            throw UsageError(tr("watch takes one folder"));
        }
    }
    if (a.folder.empty())
        throw UsageError(tr("watch needs a folder"));
    if (a.newSession && !a.session.empty())
        throw UsageError(tr("--session and --new-session cannot be combined"));
    if (!a.target.empty() && !a.profile.empty())
        throw UsageError(tr("--target and --profile cannot be combined"));
    if (a.target.empty() && a.profile.empty() && !a.rules.rulesFile.empty())
        throw UsageError(tr("--rules applies to filing: give --target DIR as well"));
    if (a.upload && a.profile.empty())
        throw UsageError(tr("--upload sends the outbox of a profile: give --profile NAME as well"));
    a.filingRules = a.rules.rules();
    requireOcrLanguagesOf(a.filingRules);
    return a;
}

// `watch --profile NAME --upload`: the profile's outbox is sent after each file. Unattended,
// so the password must be stored in the profile (nobody is there to type it).
class ProfileUpload {
  public:
    explicit ProfileUpload(const std::string& name) : store_(app::openProfileStoreForCli()) {
        const auto profile = store_->find(name);
        if (!profile)
            throw Error(trf("There is no profile named {} ('docdesk-cli profile list' shows them).", name));
        profile_ = *profile;
        if (profile_.needsSecret() && !store_->password(name))
            throw Error(
                trf("watch --upload needs the password of {} stored in the profile: nobody is there to "
                    "type it.",
                    name));
    }

    // Sends what waits in the outbox for the profile; what fails stays queued there.
    void send(gateway::Outbox& outbox, bool json) const {
        const auto result = app::runGatewayUpload(
            outbox, profile_, store_->password(profile_.name),
            [](const std::string&) { return std::optional<vault::Secret>(); }, {}, {}, {});
        for (const auto& i : result.items) {
            if (json)
                std::cout << nlohmann::ordered_json{{"uploaded", i.document},
                                                    {"delivered", i.delivered},
                                                    {"error", i.error}}
                                 .dump()
                          << std::endl;
            else if (i.delivered)
                std::cout << trf("  delivered: {} -> {}", i.document, i.ledger->location) << std::endl;
            else
                std::cout << trf("  not delivered (stays in the outbox): {}: {}", i.document, i.error)
                          << std::endl;
        }
    }

  private:
    std::unique_ptr<vault::ProfileStore> store_;
    vault::Profile profile_;
};

// Filing for `watch --target DIR` or `watch --profile NAME [--upload]`: each file's pages are
// planned and filed (what was filed before is skipped), into the archive or the outbox.
class WatchFiling {
  public:
    WatchFiling(const WatchArgs& a, journal::Session& session)
        : a_(a), session_(session), planner_(a.filingRules, RuleOptions::naming()) {
        if (!a.profile.empty()) {
            outbox_ = app::openOutbox();
            record_.target = "outbox:" + a.profile;
            if (a.upload)
                upload_.emplace(a.profile);
        }
        archive_.emplace(outbox_ ? app::outboxStagingFolder(session.summary().id)
                                 : std::filesystem::path(a.target),
                         app::durableFiles());
        if (outbox_) // what an interrupted watch left in staging, before any file is taken
            app::settleOutboxFilings(*outbox_, session, archive_->root());
    }

    // With --upload: what waits in the profile's outbox (left by a watch that was stopped or
    // killed before it sent it) goes now, not only once the next file arrives.
    void sendWaiting() {
        if (!upload_ || outbox_->items(a_.profile).empty())
            return;
        try {
            upload_->send(*outbox_, a_.json);
        } catch (const std::exception& e) {
            std::cerr << trf("warning: {}", e.what()) << std::endl;
        }
    }

    // Files the pages of `o`; returns what went wrong ("" when every document is filed).
    std::string file(const capture::ImportOutcome& o) {
        auto result =
            app::fileBatch(session_, o.pages, planner_, *archive_, {}, worker_, {}, {}, {}, record_);
        if (outbox_) {
            std::filesystem::create_directories(archive_->root());
            app::moveIntoOutbox(*outbox_, session_, archive_->root(), result.filingIds, result.filed,
                                result.passThroughFiled);
        }
        std::string problems;
        for (const auto* list : {&result.filed, &result.passThroughFiled})
            for (const auto& d : *list)
                if (!d.ok())
                    problems += (problems.empty() ? "" : "; ") + d.error;
                else
                    report(d, o.file);
        if (upload_ && problems.empty())
            upload_->send(*outbox_, a_.json);
        return problems;
    }

  private:
    void report(const pipeline::FiledDocument& d, const std::filesystem::path& from) const {
        if (d.alreadyFiled && a_.json)
            std::cout
                << nlohmann::ordered_json{{"already_filed", d.path.string()}, {"from", from.string()}}.dump()
                << std::endl;
        else if (d.alreadyFiled)
            std::cout << trf("  filed before: {}", d.path.string()) << std::endl;
        else if (a_.json)
            std::cout << nlohmann::ordered_json{{"filed", d.path.string()},
                                                {"from", from.string()},
                                                {"sha256", d.sha256}}
                             .dump()
                      << std::endl;
        else
            std::cout << trf("  filed {}", d.path.string()) << std::endl;
    }

    const WatchArgs& a_;
    journal::Session& session_;
    rules::FilingPlanner planner_;
    app::AnalysisWorker worker_;
    std::unique_ptr<gateway::Outbox> outbox_;
    std::optional<ProfileUpload> upload_;
    std::optional<output::LocalArchive> archive_;
    app::FilingRecordOptions record_;
};

void printWatchHelp() {
    std::cout
        << tr("Usage: docdesk-cli watch [--session ID | --new-session] [--once] [--settle SECONDS]\n"
              "                         [--target DIR [--rules FILE [--rules-profile NAME]] [RULE OPTIONS]]\n"
              "                         [--json] FOLDER\n"
              "\n"
              "Watches FOLDER (a hot folder) and stores every file that arrives there in the\n"
              "session, like import, as soon as it is complete: when its size has not changed\n"
              "for the settle time (default 1.5 s). Writers should use a temporary name\n"
              "(name.part, .tmp or a hidden name) and rename the file when done.\n"
              "Stored files are moved to FOLDER/done/, files that could not be read to\n"
              "FOLDER/failed/ with a NAME.error.txt beside them. Nothing is deleted. A file whose\n"
              "exact bytes the session already holds is not stored twice (also after a crash).\n"
              "\n"
              "  --once      take what is in the folder now, then exit\n"
              "  --target DIR\n"
              "              also file each arriving file's pages into the archive folder DIR,\n"
              "              split and named by the rules (--rules FILE --rules-profile NAME and the\n"
              "              rule options of 'docdesk-cli split'); the file moves to done/ only\n"
              "              once its documents are filed\n"
              "  --json      one JSON line per file: {\"file\", \"moved_to\", \"pages\"|\"error\"}\n"
              "\n"
              "Runs until interrupted (Ctrl+C). Exit code 0, or 1 when a file failed (with --once).\n")
        << tr("\n"
              "What is filed is recorded in the session: a file stored before (put back from failed/,\n"
              "or left by a watch that was stopped) has its documents that are not filed yet filed\n"
              "before it moves to done/; documents filed before are not filed again.\n"
              "  --profile NAME\n"
              "              file like --target, but into the outbox of gateway profile NAME (the\n"
              "              rule options apply); nothing is sent unless --upload is given too\n"
              "  --upload    with --profile: after each file, send the profile's outbox (its\n"
              "              password must be stored in the profile)\n");
    std::cout << "\n" << tr(RuleOptions::outputHelp()); // --ocr, --pdfa... with --target
}

// One line per file that arrived: JSON with --json, else a sentence.
void printEvent(const capture::HotFolderEvent& e, bool json) {
    const auto& o = e.outcome;
    if (json) {
        nlohmann::ordered_json j{{"file", o.file.string()}, {"moved_to", e.movedTo.string()}};
        if (o.ok()) {
            j["pages"] = nlohmann::ordered_json::array();
            for (const auto& p : o.pages)
                j["pages"].push_back({{"id", p.id}, {"page", p.sourcePage}, {"media_type", p.mediaType}});
        } else {
            j["error"] = o.error;
        }
        if (e.duplicate)
            j["duplicate"] = true;
        if (!e.processError.empty())
            j["error"] = e.processError;
        if (!e.moveError.empty())
            j["move_error"] = e.moveError;
        std::cout << j.dump() << std::endl;
    } else {
        if (e.duplicate)
            std::cout << trf("{}: already in the session, not stored again", o.file.filename().string())
                      << std::endl;
        else if (o.ok() && o.pages.size() == 1 && o.pages.front().isPassThrough())
            std::cout << trf("{}: stored as it is", o.file.filename().string()) << std::endl;
        else if (o.ok())
            std::cout << trnf("{}: {} page stored", "{}: {} pages stored", o.pages.size(),
                              o.file.filename().string(), o.pages.size())
                      << std::endl;
        else
            std::cout << trf("{}: {}", o.file.filename().string(), o.error) << std::endl;
        if (!e.moveError.empty())
            std::cerr << trf("{} could not be moved aside: {}", o.file.string(), e.moveError) << std::endl;
    }
}

// Shown by the window while this watch runs (with --upload as a banner: this station sends).
std::unique_ptr<app::WatchAnnouncement> announceWatch(const WatchArgs& a, const journal::Session& session) {
    try {
        return std::make_unique<app::WatchAnnouncement>(
            platform::appDirs().data,
            app::RunningWatch{std::filesystem::absolute(a.folder).string(),
                              session.summary().id,
                              a.target.empty() ? std::string() : std::filesystem::absolute(a.target).string(),
                              a.profile,
                              a.upload,
                              {}});
    } catch (const std::exception& e) {
        std::cerr << trf("warning: the window will not show this watch: {}", e.what()) << std::endl;
        return nullptr;
    }
}

} // namespace

int runWatch(const std::vector<std::string>& args) {
    if (std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        printWatchHelp();
        return 0;
    }
    const WatchArgs a = parseWatch(args);
    std::unique_ptr<journal::Session> session = openSessionForWriting(a.session, a.newSession);

    capture::AcquireSettings settings;
    capture::HotFolderOptions& options = settings.hotFolder.options;
    options.countPages = app::countPagesInWorker(app::sharedWorkerPool());
    options.once = a.once;
    options.settle = std::chrono::milliseconds(static_cast<long>(a.settleSeconds * 1000));
    // With --target or --profile, each file's pages are filed before the file moves to done/.
    std::optional<WatchFiling> filing;
    if (!a.target.empty() || !a.profile.empty()) {
        filing.emplace(a, *session);
        options.afterStored = [&](const capture::ImportOutcome& o) { return filing->file(o); };
        filing->sendWaiting();
    }
    const auto folder = capture::makePageSource(capture::SourceKind::HotFolder, {{a.folder}, {}});
    const auto announced = announceWatch(a, *session);

    if (!a.json)
        std::cout << trf("Watching {} for session {} (Ctrl+C to stop).", a.folder, session->summary().id)
                  << std::endl;
    int failed = 0, stored = 0;
    settings.hotFolder.onFile = [&](const capture::HotFolderEvent& e) {
        e.outcome.ok() && e.processError.empty() ? ++stored : ++failed;
        printEvent(e, a.json);
    };
    {
        StopOnInterrupt interrupts; // ends the watch between files; a file being stored is finished first
        capture::JournalPageSink sink(*session);
        folder->acquire(settings, interrupts.token(), sink);
    }
    if (!a.json)
        std::cout << trnf("{} file stored, {} failed.", "{} files stored, {} failed.", unsigned(stored),
                          stored, failed)
                  << std::endl;
    return failed > 0 && a.once ? 1 : 0;
}

} // namespace docdesk::cli
