// docdesk-cli upload and ledger: the outbox sent to the gateway on the user's explicit command,
// and the record of every delivery made.
#include "app/cli/Commands.h"
#include "app/common/GatewayUpload.h"
#include "app/common/ProfileAccess.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace {

struct UploadArgs {
    bool help = false;
    bool json = false;
    bool all = false;
    bool list = false;
    bool remember = false; // --remember-password
    int parallel = 2;
    std::string profile;
    std::string debugLog;
    std::vector<std::int64_t> ids;
};

std::int64_t parseId(const std::string& text) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v <= 0)
        throw UsageError(trf("{} is not an outbox item number", text));
    return v;
}

UploadArgs parseUpload(const std::vector<std::string>& args) {
    UploadArgs a;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& o = args[i];
        if (o == "-h" || o == "--help")
            a.help = true;
        else if (o == "--json")
            a.json = true;
        else if (o == "--all")
            a.all = true;
        else if (o == "--list")
            a.list = true;
        else if (o == "--remember-password")
            a.remember = true;
        else if (o == "--profile")
            a.profile = optionValue(args, i);
        else if (o == "--debug-log")
            a.debugLog = optionValue(args, i);
        else if (o == "--parallel") {
            const auto v = optionValue(args, i);
            if (v != "1" && v != "2" && v != "3" && v != "4")
                throw UsageError(tr("--parallel takes 1 to 4"));
            a.parallel = v[0] - '0';
        } else if (o.starts_with("--"))
            throw UsageError(trf("unknown option {}", o));
        else
            a.ids.push_back(parseId(o));
    }
    return a;
}

void printUploadUsage() {
    std::cout << tr("Usage: docdesk-cli upload --profile NAME (--all | ID...) [OPTIONS]\n"
                    "       docdesk-cli upload --list [--profile NAME] [--json]\n"
                    "\n"
                    "Sends documents waiting in the outbox (filed with 'file --profile NAME') to the\n"
                    "profile's gateway. Each document is verified on the server before it is recorded\n"
                    "in the ledger and removed from the outbox; one that cannot be sent stays in the\n"
                    "outbox with the reason. This command and the GUI's Upload are the only things in\n"
                    "docdesk that open a network connection.\n"
                    "\n"
                    "Options:\n"
                    "  --all                 every document of the profile in the outbox\n"
                    "  --list                show the outbox instead of uploading\n"
                    "  --parallel N          transfers at a time, 1 to 4 (2)\n"
                    "  --debug-log FILE      append the HTTP header trace (credentials redacted)\n"
                    "  --remember-password   store the password typed here (encrypted, in the profile\n"
                    "                        vault) once the gateway accepted it\n"
                    "  --json                one JSON line per document: {\"id\", \"document\", \"status\",\n"
                    "                        \"location\", \"bytes\", \"sha256\"} or with \"error\"\n"
                    "\n"
                    "The password is the stored one, else asked for on the terminal (or read from the\n"
                    "descriptor in DOCDESK_PASSWORD_FD). Exit status 0 when every document was delivered.\n");
}

int listOutbox(const UploadArgs& a) {
    const auto outbox = app::openOutbox();
    for (const auto& i : outbox->items(a.profile)) {
        if (a.json)
            std::cout << nlohmann::ordered_json{{"id", i.id},
                                                {"profile", i.profile},
                                                {"document", i.fileName},
                                                {"folder", i.remoteFolder},
                                                {"bytes", i.bytes},
                                                {"sha256", i.sha256},
                                                {"status", gateway::outboxStateName(i.state)},
                                                {"reason", i.reason}}
                             .dump()
                      << std::endl;
        else
            std::cout << trf("{:>5}  {:<10} {:<9} {} {}", i.id, i.profile, gateway::outboxStateName(i.state),
                             i.fileName, i.reason)
                      << "\n";
    }
    return 0;
}

} // namespace

namespace {

// One line on the terminal, written over by the next.
void printProgress(const app::UploadProgress& p) {
    std::cerr << trf("{} of {} documents, {:.1f} of {:.1f} MB, {:.1f} MB/s", p.itemsDone, p.itemsTotal,
                     double(p.totalSent) / 1e6, double(p.totalBytes) / 1e6, p.bytesPerSecond / 1e6);
    if (p.timeLeft)
        std::cerr << trf(", {} s left", p.timeLeft->count());
    std::cerr << "   \r" << std::flush;
}

// What became of one item: a JSON line with --json, else a sentence.
void printItem(const app::UploadItemResult& i, bool json) {
    if (json) {
        nlohmann::ordered_json j{{"id", i.itemId}, {"document", i.document}};
        if (i.delivered) {
            j["status"] = "delivered";
            j["location"] = i.ledger->location;
            j["bytes"] = i.ledger->bytes;
            j["sha256"] = i.ledger->sha256;
        } else {
            j["status"] = gateway::outboxStateName(i.state);
            j["error"] = i.error;
        }
        std::cout << j.dump() << std::endl;
    } else if (i.delivered) {
        std::cout << trf("delivered: {} -> {}", i.document, i.ledger->location) << "\n";
    } else {
        std::cout << trf("not delivered: {} ({}): {}", i.document, gateway::outboxStateName(i.state), i.error)
                  << "\n";
    }
}

} // namespace

int runUpload(const std::vector<std::string>& args) {
    const auto a = parseUpload(args);
    if (a.help) {
        printUploadUsage();
        return 0;
    }
    if (a.list)
        return listOutbox(a);
    if (a.profile.empty())
        throw UsageError(tr("upload needs --profile NAME"));
    if (a.all == !a.ids.empty())
        throw UsageError(tr("upload needs either --all or outbox item numbers"));

    const auto store = app::openProfileStoreForCli();
    const auto profile = store->find(a.profile);
    if (!profile)
        throw Error(trf("There is no profile named {} ('docdesk-cli profile list' shows them).", a.profile));
    std::optional<vault::Secret> password = store->password(a.profile);
    // The password typed last (here or after a refusal), kept for --remember-password.
    auto typed = std::make_shared<std::optional<vault::Secret>>();
    if (!password && profile->needsSecret()) {
        password = app::askSecretOnTerminal(
            profile->user.empty() ? trf("API token for {}: ", profile->url)
                                  : trf("Password for {} at {}: ", profile->user, profile->url));
        *typed = vault::Secret(password->view());
    }

    app::UploadOptions options;
    options.itemIds = a.ids;
    options.parallel = a.parallel;
    std::ofstream debugFile;
    std::mutex debugMutex;
    if (!a.debugLog.empty()) {
        debugFile.open(a.debugLog, std::ios::app);
        if (!debugFile)
            throw Error(trf("Cannot write the debug log {}.", a.debugLog));
        options.debugLog = [&](const std::string& line) {
            std::lock_guard lock(debugMutex);
            debugFile << line << '\n';
        };
    }
    const app::PasswordProvider askAgain = [typed](const std::string& why) -> std::optional<vault::Secret> {
        std::cerr << why << "\n";
        try {
            vault::Secret again = app::askSecretOnTerminal(tr("Password: "));
            *typed = vault::Secret(again.view());
            return again;
        } catch (const Error&) {
            return std::nullopt; // no terminal: the items stay in the outbox
        }
    };
    const app::UploadProgressSink progress = [&](const app::UploadProgress& p) {
        if (!a.json)
            printProgress(p);
    };
    const auto outbox = app::openOutbox();
    const auto result =
        app::runGatewayUpload(*outbox, *profile, std::move(password), askAgain, progress, {}, options);
    if (!a.json)
        std::cerr << "\n";
    size_t delivered = 0;
    for (const auto& i : result.items) {
        if (i.delivered)
            ++delivered;
        printItem(i, a.json);
    }
    // The explicit "remember" choice: stored only after the gateway accepted the password.
    if (a.remember && *typed && delivered > 0) {
        vault::Profile remembered = *profile;
        remembered.rememberPassword = true;
        store->put(remembered, vault::Secret((*typed)->view()));
    }
    if (!a.json) {
        std::cout << trf("{} of {} documents delivered to {}.", delivered, result.items.size(), profile->name)
                  << "\n";
        if (result.paused)
            std::cout << tr("Uploading is paused: the gateway's storage is full.") << "\n";
    }
    return result.ok() ? 0 : 1;
}

int runLedger(const std::vector<std::string>& args) {
    bool json = false;
    for (const auto& o : args) {
        if (o == "-h" || o == "--help") {
            std::cout << tr("Usage: docdesk-cli ledger [--json]\n"
                            "\n"
                            "Lists every delivery made to a gateway: document, size, SHA-256, where it went\n"
                            "(URL or server id) and when (UTC). --json prints one JSON object per line.\n");
            return 0;
        }
        if (o == "--json")
            json = true;
        else
            throw UsageError(trf("unknown option {}", o));
    }
    const auto outbox = app::openOutbox();
    for (const auto& e : outbox->ledger()) {
        if (json)
            std::cout << nlohmann::ordered_json{{"id", e.id},
                                                {"profile", e.profile},
                                                {"document", e.document},
                                                {"folder", e.remoteFolder},
                                                {"bytes", e.bytes},
                                                {"sha256", e.sha256},
                                                {"location", e.location},
                                                {"etag", e.etag},
                                                {"delivered_at", e.deliveredAt}}
                             .dump()
                      << std::endl;
        else
            std::cout << trf("{}  {}  {} bytes  {}  sha256 {}", e.deliveredAt, e.document, e.bytes,
                             e.location, e.sha256)
                      << "\n";
    }
    return 0;
}

} // namespace docdesk::cli
