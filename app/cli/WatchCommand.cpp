// docdesk-cli watch — the hot folder for unattended stations: files dropped into a folder are
// stored in a session as soon as they are complete and moved to done/ (or failed/).
#include "app/cli/Commands.h"
#include "app/common/AppEnvironment.h"
#include "app/cli/RuleOptions.h"
#include "app/common/BatchFiling.h"
#include "capture/hotfolder/HotFolder.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>
#include <thread>

namespace docdesk::cli {
namespace {

volatile std::sig_atomic_t interrupted = 0;
void onInterrupt(int) { interrupted = 1; }

struct WatchArgs {
    std::string folder;
    std::string session;
    bool newSession = false;
    bool json = false;
    bool once = false;
    double settleSeconds = 1.5;
    std::string target; // file each arriving batch into this archive folder
    RuleOptions rules;
};

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
    if (a.target.empty() && !a.rules.rulesFile.empty())
        throw UsageError(tr("--rules applies to filing: give --target DIR as well"));
    return a;
}

} // namespace

int runWatch(const std::vector<std::string>& args) {
    if (std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        std::cout << tr("Usage: docdesk-cli watch [--session ID | --new-session] [--once] [--settle SECONDS]\n"
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
                        "Runs until interrupted (Ctrl+C). Exit code 0, or 1 when a file failed (with --once).\n");
        std::cout << "\n" << tr(RuleOptions::outputHelp()); // --ocr, --pdfa... with --target
        return 0;
    }
    const WatchArgs a = parseWatch(args);
    std::unique_ptr<journal::Session> session = openSessionForWriting(a.session, a.newSession);

    capture::HotFolderOptions options;
    options.once = a.once;
    options.settle = std::chrono::milliseconds(static_cast<long>(a.settleSeconds * 1000));
    // With --target, each file's pages are filed before the file moves to done/.
    std::optional<rules::FilingPlanner> planner;
    std::optional<output::LocalArchive> archive;
    std::optional<app::AnalysisWorker> worker;
    if (!a.target.empty()) {
        planner.emplace(a.rules.rules(), RuleOptions::naming());
        archive.emplace(a.target, app::durableFiles());
        worker.emplace();
        options.afterStored = [&](const capture::ImportOutcome& o) -> std::string {
            const auto result = app::fileBatch(*session, o.pages, *planner, *archive, {}, *worker, {});
            std::string problems;
            const auto collect = [&](const pipeline::FiledDocument& d) {
                if (!d.ok())
                    problems += (problems.empty() ? "" : "; ") + d.error;
                else if (a.json)
                    std::cout << nlohmann::ordered_json{{"filed", d.path.string()}, {"from", o.file.string()},
                                                        {"sha256", d.sha256}}.dump()
                              << std::endl;
                else
                    std::cout << trf("  filed {}", d.path.string()) << std::endl;
            };
            std::for_each(result.filed.begin(), result.filed.end(), collect);
            std::for_each(result.passThroughFiled.begin(), result.passThroughFiled.end(), collect);
            return problems;
        };
    }
    capture::HotFolder folder(a.folder, *session, options);

    // Ctrl+C / SIGTERM end the watch between files; a file being stored is finished first.
    std::stop_source stop;
    interrupted = 0;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    std::atomic<bool> done{false};
    std::thread signalWatch([&] {
        while (!done) {
            if (interrupted) {
                stop.request_stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    if (!a.json)
        std::cout << trf("Watching {} for session {} (Ctrl+C to stop).", a.folder, session->summary().id) << std::endl;
    int failed = 0, stored = 0;
    try {
        folder.run(stop.get_token(), [&](const capture::HotFolderEvent& e) {
            const auto& o = e.outcome;
            o.ok() && e.processError.empty() ? ++stored : ++failed;
            if (a.json) {
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
        });
    } catch (...) {
        done = true;
        signalWatch.join();
        throw;
    }
    done = true;
    signalWatch.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!a.json)
        std::cout << trnf("{} file stored, {} failed.", "{} files stored, {} failed.", unsigned(stored), stored, failed)
                  << std::endl;
    return failed > 0 && a.once ? 1 : 0;
}

} // namespace docdesk::cli
