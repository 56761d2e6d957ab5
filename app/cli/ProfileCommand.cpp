// docdesk-cli profile: gateway profiles (kept in the encrypted vault) and operator bundles.
#include "app/cli/Commands.h"
#include "app/common/AppEnvironment.h"
#include "app/common/GatewayUpload.h"
#include "app/common/ProfileAccess.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/gateway/GatewayConnection.h"
#include "core/gateway/HttpTransport.h"
#include "core/ports/DurableFiles.h"
#include "core/vault/ProfileBundle.h"
#include "core/vault/ProfileJson.h"
#include "platform/AppDirs.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace {
namespace fs = std::filesystem;

const char* usageText() {
    return tr("Usage: docdesk-cli profile COMMAND ...\n"
              "\n"
              "Gateway profiles, stored encrypted in the profile vault in the config folder\n"
              "($XDG_CONFIG_HOME/docdesk/profiles.vault). The vault's key is kept in the desktop's\n"
              "keyring; where there is none, a master passphrase is asked for (on the terminal, or\n"
              "one line from the file descriptor in DOCDESK_PASSPHRASE_FD).\n"
              "\n"
              "  list [--json]          the profiles (JSON: one object per line; never a password)\n"
              "  add NAME --url URL [SETTINGS] [--remember-password] [--default]\n"
              "  edit NAME [SETTINGS] [--remember-password | --forget-password] [--default]\n"
              "  remove NAME\n"
              "  test NAME [--remember-password] [--verbose]\n"
              "                         log in to the gateway once (with browse, the only profile\n"
              "                         commands that connect); asks for the password when none is\n"
              "                         saved, and saves it after a good login with\n"
              "                         --remember-password; --verbose prints the HTTP trace\n"
              "                         (credentials redacted)\n"
              "  browse NAME [FOLDER] [--json]\n"
              "                         list the folders inside FOLDER on the gateway (default:\n"
              "                         the top), to pick a --folder; connects like test\n"
              "\n"
              "Settings:\n"
              "  --connector webdav|cmis|http-form   (default webdav)\n"
              "  --url URL  --user NAME  --role ROLE  --ca-bundle PEMFILE  --pin sha256//BASE64\n"
              "  --proxy URL  --folder REMOTE-FOLDER  --rules RULESFILE\n"
              "--remember-password asks for the password (terminal, or DOCDESK_PASSWORD_FD) and stores\n"
              "it encrypted; without it the password is asked for at each upload.\n"
              "\n"
              "Operator bundles (profiles prepared and locked by the mail-room operator):\n"
              "  keygen [--out PREFIX]  make an operator key pair: PREFIX.key (secret, keep it off\n"
              "                         the stations) and PREFIX.pub (default PREFIX: operator)\n"
              "  sign --key PREFIX.key FILE [--out BUNDLE] [--expires DATE]\n"
              "                         sign a profiles file ({\"profiles\": [...]}, with\n"
              "                         \"lockedSettings\" per profile, never a password); a\n"
              "                         \"caBundle\" file it names is put into the bundle; the\n"
              "                         bundle records when it was issued (UTC), and with\n"
              "                         --expires (2027-06-30 or 2027-06-30T12:00:00Z) until when\n"
              "                         stations accept it. Stations refuse a bundle older than\n"
              "                         the one they hold from the same operator\n"
              "  trust-operator PREFIX.pub [--replace]\n"
              "                         pin the operator's public key on this station (kept as\n"
              "                         operator.pub in the config folder)\n"
              "  import BUNDLE          import a bundle signed with the pinned key; its locked\n"
              "                         settings cannot be changed on this station afterwards\n"
              "\n"
              "Exit status: 0 on success, 1 on failure, 2 on wrong usage.\n");
}

struct Edits {
    std::map<std::string, std::string> settings; // setting name -> new value
    bool remember = false;
    bool forget = false;
    bool makeDefault = false;
};

const std::map<std::string, std::string>& optionToSetting() {
    static const std::map<std::string, std::string> m = {
        {"--connector", "connector"}, {"--url", "url"},
        {"--user", "user"},           {"--role", "role"},
        {"--ca-bundle", "caBundle"},  {"--pin", "pinnedPublicKey"},
        {"--proxy", "proxy"},         {"--folder", "defaultFolder"},
        {"--rules", "rules"}};
    return m;
}

// NAME and the edits after it.
std::pair<std::string, Edits> parseEdits(const std::vector<std::string>& args) {
    std::string name;
    Edits e;
    for (size_t i = 1; i < args.size(); ++i) {
        const auto it = optionToSetting().find(args[i]);
        if (it != optionToSetting().end())
            e.settings[it->second] = optionValue(args, i);
        else if (args[i] == "--remember-password")
            e.remember = true;
        else if (args[i] == "--forget-password")
            e.forget = true;
        else if (args[i] == "--default")
            e.makeDefault = true;
        else if (args[i] == "--password")
            throw UsageError(tr("passwords are never given as arguments: use --remember-password, which asks "
                                "for it (or reads DOCDESK_PASSWORD_FD)"));
        else if (args[i].starts_with("--"))
            throw UsageError(trf("unknown option {}", args[i]));
        else if (name.empty())
            name = args[i];
        else
            throw UsageError(tr("give one profile name"));
    }
    if (name.empty())
        throw UsageError(trf("profile {} needs a profile name", args[0]));
    if (e.remember && e.forget)
        throw UsageError(tr("--remember-password and --forget-password cannot be combined"));
    return {name, e};
}

std::optional<vault::Secret> askPasswordFor(const vault::Profile& p) {
    if (p.user.empty() && p.connector == vault::Connector::HttpForm)
        return app::askSecretOnTerminal(trf("API token for {}: ", p.url));
    return app::askSecretOnTerminal(
        trf("Password of {} at {}: ", p.user.empty() ? tr("the gateway") : p.user, p.url));
}

// The saved password of `p`, else the one typed now; Error when none is given.
vault::Secret passwordToConnect(vault::ProfileStore& store, const vault::Profile& p) {
    if (std::optional<vault::Secret> saved = store.password(p.name))
        return std::move(*saved);
    if (std::optional<vault::Secret> typed = askPasswordFor(p))
        return std::move(*typed);
    throw Error(trf("No password was given for {}.", p.name));
}

std::string forgottenMessage(const vault::Profile& p) {
    return trf("The saved password of '{}' was forgotten: the profile now points to another server ({}) or "
               "trusts another certificate, and a password is only ever sent to the server it was saved for. "
               "It will be asked for at the next upload.",
               p.name, vault::originOf(p.url));
}

int addOrEdit(const std::vector<std::string>& args, bool adding) {
    auto [name, e] = parseEdits(args);
    auto store = app::openProfileStoreForCli();
    std::optional<vault::Profile> existing = store->find(name);
    if (adding && existing)
        throw Error(trf("A profile named '{}' exists already; change it with 'profile edit'.", name));
    if (!adding && !existing)
        throw Error(trf("There is no profile named '{}'.", name));
    if (adding && !e.settings.contains("url"))
        throw UsageError(tr("profile add needs --url"));
    vault::Profile p = existing.value_or(vault::Profile{});
    p.name = name;
    for (const auto& [setting, value] : e.settings) {
        // Checked before any password is asked for: the operator's settings stay as they are.
        if (p.isLocked(setting) && vault::settingValue(p, setting) != value)
            throw Error(
                trf("The setting '{}' of profile '{}' is managed by the operator (key {}) and cannot be "
                    "changed on this station.",
                    setting, name, p.signedBy));
        vault::setSetting(p, setting, value);
    }
    if (e.remember)
        p.rememberPassword = true;
    if (e.forget)
        p.rememberPassword = false;
    vault::validateProfile(p);
    std::optional<vault::Secret> password;
    if (e.remember)
        password = askPasswordFor(p);
    const bool forgotten = store->put(p, password);
    if (e.makeDefault)
        store->setDefault(name);
    std::cout << (adding ? trf("Profile '{}' added.", name) : trf("Profile '{}' changed.", name)) << "\n";
    if (forgotten)
        std::cout << forgottenMessage(p) << "\n";
    return 0;
}

int listProfiles(const std::vector<std::string>& args) {
    bool json = false;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--json")
            json = true;
        else
            throw UsageError(trf("unknown option {}", args[i]));
    }
    auto store = app::openProfileStoreForCli();
    const auto profiles = store->list();
    const auto defaultProfile = store->defaultProfile();
    for (const auto& p : profiles) {
        const bool isDefault = defaultProfile && defaultProfile->name == p.name;
        const bool saved = store->password(p.name).has_value();
        if (json) {
            auto j = vault::profileToJson(p);
            j["default"] = isDefault;
            j["passwordSaved"] = saved;
            std::cout << j.dump() << "\n";
            continue;
        }
        std::cout << (isDefault ? "* " : "  ") << p.name << "  " << vault::connectorName(p.connector) << "  "
                  << p.url << (p.user.empty() ? "" : "  " + p.user)
                  << (saved ? "  " + std::string(tr("(password saved)")) : "") << "\n";
        if (!p.lockedSettings.empty()) {
            std::string locked;
            for (const auto& s : p.lockedSettings)
                locked += (locked.empty() ? "" : ", ") + s;
            std::cout << "    " << trf("locked by the operator (key {}): {}", p.signedBy, locked) << "\n";
        }
    }
    if (profiles.empty() && !json)
        std::cout << tr("No profiles yet; add one with 'docdesk-cli profile add NAME --url URL'.") << "\n";
    return 0;
}

int removeProfile(const std::vector<std::string>& args) {
    if (args.size() != 2)
        throw UsageError(tr("profile remove takes one profile name"));
    auto store = app::openProfileStoreForCli();
    store->remove(args[1]);
    std::cout << trf("Profile '{}' removed.", args[1]) << "\n";
    return 0;
}

int testProfile(const std::vector<std::string>& args) {
    std::string name;
    bool remember = false, verbose = false;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--remember-password")
            remember = true;
        else if (args[i] == "--verbose")
            verbose = true;
        else if (args[i].starts_with("--"))
            throw UsageError(trf("unknown option {}", args[i]));
        else if (name.empty())
            name = args[i];
        else
            throw UsageError(tr("profile test takes one profile name"));
    }
    if (name.empty())
        throw UsageError(tr("profile test needs a profile name"));
    auto store = app::openProfileStoreForCli();
    std::optional<vault::Profile> profile = store->find(name);
    if (!profile)
        throw Error(trf("There is no profile named '{}'.", name));
    // The saved password, else asked for now; with --remember-password it is saved once the
    // gateway accepted it (the explicit "remember" choice).
    const bool asked = !store->password(name);
    std::shared_ptr<const vault::Secret> password =
        std::make_shared<const vault::Secret>(passwordToConnect(*store, *profile));

    const gateway::DebugLogSink trace = [](const std::string& line) { std::cerr << line << "\n"; };
    const int status =
        app::testGatewayConnection(*profile, *password, std::stop_token(), verbose ? trace : nullptr);
    if (remember && asked) {
        profile->rememberPassword = true;
        store->put(*profile, vault::Secret(password->view()));
    }
    std::cout << trf("Connection to {} works: logged in as '{}' (HTTP {}).", profile->url, profile->user,
                     status)
              << "\n";
    return 0;
}

int browseProfile(const std::vector<std::string>& args) {
    std::string name, folder;
    bool json = false, folderGiven = false;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--json")
            json = true;
        else if (args[i].starts_with("--"))
            throw UsageError(trf("unknown option {}", args[i]));
        else if (name.empty())
            name = args[i];
        else if (!folderGiven) {
            folder = args[i];
            folderGiven = true;
        } else
            throw UsageError(tr("profile browse takes a profile name and at most one folder"));
    }
    if (name.empty())
        throw UsageError(tr("profile browse needs a profile name"));
    auto store = app::openProfileStoreForCli();
    const std::optional<vault::Profile> profile = store->find(name);
    if (!profile)
        throw Error(trf("There is no profile named '{}'.", name));
    const vault::Secret password = passwordToConnect(*store, *profile);
    const auto folders = app::listGatewayFolders(*profile, password, folder, std::stop_token());
    if (json) {
        std::cout << nlohmann::json{{"folder", folder}, {"folders", folders}}.dump() << "\n";
        return 0;
    }
    for (const auto& f : folders)
        std::cout << (folder.empty() ? f : folder + "/" + f) << "\n";
    if (folders.empty())
        std::cerr << trf("There are no folders in {}.", folder.empty() ? std::string("/") : folder) << "\n";
    return 0;
}

std::string readTextFile(const fs::path& file, std::size_t limit = 4u << 20) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(trf("Cannot read {}.", file.string()));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > limit)
        throw Error(trf("{} is too large.", file.string()));
    return text;
}

// The secret key file straight into guarded memory.
vault::Secret readSecretFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throw Error(trf("Cannot read the key file {}.", file.string()));
    const auto size = static_cast<std::size_t>(in.tellg());
    if (size > 4096)
        throw Error(trf("{} is not an operator key file.", file.string()));
    vault::Secret secret = vault::Secret::ofSize(size);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(secret.data()), static_cast<std::streamsize>(size));
    return secret;
}

void writeNewFile(const fs::path& file, std::string_view bytes) {
    if (fs::exists(file))
        throw Error(trf("{} exists already; nothing was overwritten.", file.string()));
    app::durableFiles().writeAtomically(file, std::as_bytes(std::span(bytes.data(), bytes.size())));
}

int keygen(const std::vector<std::string>& args) {
    std::string prefix = "operator";
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--out")
            prefix = optionValue(args, i);
        else
            throw UsageError(trf("unknown option {}", args[i]));
    }
    const auto key = vault::generateOperatorKey();
    if (fs::exists(prefix + ".pub"))
        throw Error(trf("{} exists already; nothing was overwritten.", prefix + ".pub"));
    writeNewFile(prefix + ".key", key.secretKeyText.view()); // written with owner-only permissions
    writeNewFile(prefix + ".pub", key.publicKeyText);
    std::cout << trf("Operator key {} written: {}.key (secret: keep it safe, off the stations) and {}.pub "
                     "(install it on each station with 'docdesk-cli profile trust-operator {}.pub').",
                     vault::keyFingerprint(key.publicKeyText), prefix, prefix, prefix)
              << "\n";
    return 0;
}

// A station has no copy of the operator's CA file: a "caBundle" naming a file (relative to the
// profiles file) is replaced by the file's PEM text, which the transport takes as it is.
std::string withCaCertificatesInline(const std::string& profilesText, const fs::path& folder) {
    auto doc = nlohmann::json::parse(profilesText, nullptr, false);
    if (!doc.is_object() || !doc.contains("profiles") || !doc["profiles"].is_array())
        return profilesText; // signBundle says what is wrong with it
    for (auto& p : doc["profiles"]) {
        if (!p.is_object() || !p.contains("caBundle") || !p["caBundle"].is_string())
            continue;
        const std::string ca = p["caBundle"].get<std::string>();
        if (ca.empty() || ca.starts_with("-----BEGIN"))
            continue;
        const fs::path file = fs::path(ca).is_absolute() ? fs::path(ca) : folder / ca;
        const std::string pem = readTextFile(file, 1u << 20);
        if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
            throw Error(trf("{} is not a PEM file of CA certificates.", file.string()));
        p["caBundle"] = pem;
    }
    return doc.dump(2);
}

int sign(const std::vector<std::string>& args) {
    std::string keyFile, input, output;
    vault::BundleDates dates{vault::nowUtc(), std::nullopt};
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--key")
            keyFile = optionValue(args, i);
        else if (args[i] == "--expires")
            dates.expires = vault::parseUtc(optionValue(args, i));
        else if (args[i] == "--out")
            output = optionValue(args, i);
        else if (args[i].starts_with("--"))
            throw UsageError(trf("unknown option {}", args[i]));
        else if (input.empty())
            input = args[i];
        else
            throw UsageError(tr("profile sign takes one profiles file"));
    }
    if (keyFile.empty() || input.empty())
        throw UsageError(tr("profile sign needs --key KEYFILE and a profiles file"));
    if (output.empty())
        output = fs::path(input).replace_extension(".docdesk-bundle").string();
    if (dates.expires && *dates.expires <= dates.issued)
        std::cerr << trf("Note: this bundle expires {}, which is not in the future; stations will refuse it.",
                         vault::formatUtc(*dates.expires))
                  << "\n";
    const std::string bundle =
        vault::signBundle(withCaCertificatesInline(readTextFile(input), fs::path(input).parent_path()),
                          readSecretFile(keyFile), dates);
    app::durableFiles().writeAtomically(output, std::as_bytes(std::span(bundle.data(), bundle.size())));
    std::cout << trf("Signed bundle written to {} (issued {}{}).", output, vault::formatUtc(dates.issued),
                     dates.expires ? trf(", expires {}", vault::formatUtc(*dates.expires)) : std::string())
              << "\n";
    return 0;
}

fs::path trustedKeyFile() {
    return platform::appDirs().config / "operator.pub";
}

int trustOperator(const std::vector<std::string>& args) {
    std::string keyFile;
    bool replace = false;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--replace")
            replace = true;
        else if (args[i].starts_with("--"))
            throw UsageError(trf("unknown option {}", args[i]));
        else
            keyFile = args[i];
    }
    if (keyFile.empty())
        throw UsageError(tr("profile trust-operator needs the operator's public key file"));
    const std::string text = readTextFile(keyFile, 4096);
    (void)vault::parsePublicKey(text);
    if (fs::exists(trustedKeyFile()) && !replace &&
        vault::parsePublicKey(readTextFile(trustedKeyFile(), 4096)) != vault::parsePublicKey(text))
        throw Error(trf("Another operator key ({}) is trusted already; give --replace to trust {} instead.",
                        vault::keyFingerprint(readTextFile(trustedKeyFile(), 4096)),
                        vault::keyFingerprint(text)));
    fs::create_directories(trustedKeyFile().parent_path());
    app::durableFiles().writeAtomically(trustedKeyFile(), std::as_bytes(std::span(text.data(), text.size())));
    std::cout << trf("Operator key {} is now trusted on this station.", vault::keyFingerprint(text)) << "\n";
    return 0;
}

int importBundle(const std::vector<std::string>& args) {
    if (args.size() != 2)
        throw UsageError(tr("profile import takes one bundle file"));
    if (!fs::exists(trustedKeyFile()))
        throw Error(
            tr("No operator key is trusted on this station, so no bundle can be imported. Install the "
               "operator's public key first: 'docdesk-cli profile trust-operator operator.pub'."));
    const auto verified = vault::verifyBundle(readTextFile(args[1]), readTextFile(trustedKeyFile(), 4096));
    auto store = app::openProfileStoreForCli();
    const std::vector<std::string> forgotten = store->importBundle(verified);
    for (const auto& p : verified.profiles()) {
        std::string locked;
        for (const auto& s : p.lockedSettings)
            locked += (locked.empty() ? "" : ", ") + s;
        std::cout << trf("Imported profile '{}' (operator key {}); locked: {}", p.name, verified.signer(),
                         locked.empty() ? tr("nothing") : locked)
                  << "\n";
        if (std::find(forgotten.begin(), forgotten.end(), p.name) != forgotten.end())
            std::cout << forgottenMessage(p) << "\n";
    }
    return 0;
}

} // namespace

int runProfile(const std::vector<std::string>& args) {
    if (args.empty() || std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        std::cout << usageText();
        return args.empty() ? 2 : 0;
    }
    const std::string& command = args[0];
    if (command == "list")
        return listProfiles(args);
    if (command == "add")
        return addOrEdit(args, true);
    if (command == "edit")
        return addOrEdit(args, false);
    if (command == "remove")
        return removeProfile(args);
    if (command == "test")
        return testProfile(args);
    if (command == "browse")
        return browseProfile(args);
    if (command == "keygen")
        return keygen(args);
    if (command == "sign")
        return sign(args);
    if (command == "trust-operator")
        return trustOperator(args);
    if (command == "import")
        return importBundle(args);
    throw UsageError(trf("unknown profile command '{}'", command));
}

} // namespace docdesk::cli
