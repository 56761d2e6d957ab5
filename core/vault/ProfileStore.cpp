#include "core/vault/ProfileStore.h"

#include "core/common/Translate.h"
#include "core/ports/DurableFiles.h"
#include "core/ports/Keyring.h"
#include "core/vault/ProfileBundle.h"
#include "core/vault/ProfileJson.h"
#include "core/vault/VaultFile.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sodium.h>
#include <thread>
#include <vector>

namespace docdesk::vault {
namespace fs = std::filesystem;

namespace {

constexpr const char* kVaultName = "profiles.vault";
constexpr std::uintmax_t kMaxVaultBytes = 16u * 1024 * 1024;
constexpr std::size_t kMinPassphrase = 8;

// Without the platform's durable writes (tests, tools): temp file and rename, no fsync.
class PortableFiles final : public ports::DurableFiles {
  public:
    using ports::DurableFiles::createNewDurably;
    using ports::DurableFiles::writeAtomically;
    void writeAtomically(const fs::path& target, const ByteSource& source,
                         const BeforePlacing& beforePlacing) override {
        const fs::path temp = target.string() + ".tmp";
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            std::vector<std::byte> buffer(64 * 1024);
            while (const std::size_t n = source(buffer))
                out.write(reinterpret_cast<const char*>(buffer.data()), static_cast<std::streamsize>(n));
            if (!out)
                throw fs::filesystem_error("write", temp, std::make_error_code(std::errc::io_error));
        }
        fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write);
        if (beforePlacing)
            beforePlacing();
        fs::rename(temp, target);
    }
    bool createNewDurably(const fs::path&, const ByteSource&) override { return false; }
    std::unique_ptr<ports::ExclusiveLock> tryLockExclusive(const fs::path&, std::string&) override {
        return std::make_unique<ports::ExclusiveLock>();
    }
};

std::span<const std::byte> asBytes(std::span<const unsigned char> s) {
    return std::as_bytes(s);
}

void putU32(unsigned char*& p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        *p++ = static_cast<unsigned char>(v >> (8 * i));
}

// The decrypted contents: profiles as JSON, passwords in a binary section that never becomes
// a std::string. Layout: u32 jsonLength, json, u32 count, count x (u32 nameLength, name,
// u32 passwordLength, password).
struct Contents {
    std::vector<Profile> profiles;
    std::string defaultName;
    std::map<std::string, Secret> passwords;
    std::map<std::string, std::string> secretOrigins; // profile name -> secretBinding() at saving
    std::map<std::string, std::int64_t> bundleIssued; // operator fingerprint -> newest "issued"
};

// What a saved password is bound to: the server's origin, and for operator profiles the
// operator's key and the trusted CA and pin. A password saved for one binding is never sent
// under another.
std::string secretBinding(const Profile& p) {
    const std::string trust = p.caBundle + "\n" + p.pinnedPublicKey;
    unsigned char hash[16];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(trust.data()), trust.size(),
                       nullptr, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return originOf(p.url) + " key=" + p.signedBy + " trust=" + hex;
}

// The parts of the vault's JSON besides profiles, read leniently (older vaults lack them).
void parseBindings(const nlohmann::json& json, Contents& c) {
    if (json.contains("secretOrigins"))
        c.secretOrigins = json["secretOrigins"].get<std::map<std::string, std::string>>();
    if (json.contains("bundleIssued"))
        c.bundleIssued = json["bundleIssued"].get<std::map<std::string, std::int64_t>>();
}

class PlainReader {
  public:
    explicit PlainReader(const Secret& plain) : data_(plain.data()), size_(plain.size()) {}
    std::uint32_t u32() {
        need(4);
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i)
            v = (v << 8) | data_[pos_ + static_cast<std::size_t>(i)];
        pos_ += 4;
        return v;
    }
    std::string_view bytes(std::size_t n) {
        need(n);
        std::string_view v(reinterpret_cast<const char*>(data_ + pos_), n);
        pos_ += n;
        return v;
    }
    bool atEnd() const { return pos_ == size_; }

  private:
    void need(std::size_t n) {
        if (size_ - pos_ < n)
            throw VaultError(tr("The profile vault's contents are damaged. It was left as it is."));
    }
    const unsigned char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

Contents parseContents(const Secret& plain) {
    PlainReader r(plain);
    Contents c;
    try {
        const auto json = nlohmann::json::parse(r.bytes(r.u32()));
        for (const auto& p : json.at("profiles"))
            c.profiles.push_back(profileFromJson(p));
        c.defaultName = json.at("default").get<std::string>();
        parseBindings(json, c);
    } catch (const nlohmann::json::exception&) {
        throw VaultError(tr("The profile vault's contents are damaged. It was left as it is."));
    } catch (const VaultError&) {
        throw;
    } catch (const Error& e) {
        throw VaultError(
            trf("The profile vault's contents are damaged ({}). It was left as it is.", e.what()));
    }
    const std::uint32_t count = r.u32();
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string name(r.bytes(r.u32()));
        c.passwords.emplace(std::move(name), Secret(r.bytes(r.u32())));
    }
    if (!r.atEnd())
        throw VaultError(tr("The profile vault's contents are damaged. It was left as it is."));
    // A vault from before bindings were kept: its passwords belong to the servers they name now.
    for (const auto& p : c.profiles)
        if (c.passwords.contains(p.name) && !c.secretOrigins.contains(p.name))
            c.secretOrigins[p.name] = secretBinding(p);
    return c;
}

// A change being made: the whole new contents, passwords as views (the store's own or new ones).
struct Draft {
    std::vector<Profile> profiles;
    std::string defaultName;
    std::map<std::string, const Secret*> passwords;
    std::map<std::string, std::string> secretOrigins;
    std::map<std::string, std::int64_t> bundleIssued;
};

// Builds the plaintext straight into guarded memory.
Secret serialise(const Draft& draft) {
    nlohmann::ordered_json json;
    json["format"] = 1;
    json["default"] = draft.defaultName;
    json["profiles"] = nlohmann::ordered_json::array();
    for (const auto& p : draft.profiles)
        json["profiles"].push_back(profileToJson(p));
    std::map<std::string, std::string> origins;
    for (const auto& [name, binding] : draft.secretOrigins)
        if (draft.passwords.contains(name))
            origins.emplace(name, binding);
    json["secretOrigins"] = origins;
    json["bundleIssued"] = draft.bundleIssued;
    const std::string text = json.dump();
    const auto& passwords = draft.passwords;
    std::size_t size = 4 + text.size() + 4;
    for (const auto& [name, pw] : passwords)
        size += 8 + name.size() + pw->size();
    Secret plain = Secret::ofSize(size);
    unsigned char* p = plain.data();
    putU32(p, static_cast<std::uint32_t>(text.size()));
    std::memcpy(p, text.data(), text.size());
    p += text.size();
    putU32(p, static_cast<std::uint32_t>(passwords.size()));
    for (const auto& [name, pw] : passwords) {
        putU32(p, static_cast<std::uint32_t>(name.size()));
        std::memcpy(p, name.data(), name.size());
        p += name.size();
        putU32(p, static_cast<std::uint32_t>(pw->size()));
        if (pw->size() > 0)
            std::memcpy(p, pw->data(), pw->size());
        p += pw->size();
    }
    return plain;
}

std::optional<std::vector<unsigned char>> readVaultBytes(const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(file, ec)))
        return std::nullopt;
    const auto size = fs::file_size(file, ec);
    if (ec)
        throw VaultError(trf("The profile vault {} cannot be read: {}.", file.string(), ec.message()));
    if (size > kMaxVaultBytes)
        throw VaultError(
            trf("The profile vault {} is far too large to be a vault; it was left as it is.", file.string()));
    std::ifstream in(file, std::ios::binary);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in || in.peek() != std::char_traits<char>::eof())
        throw VaultError(
            trf("The profile vault {} cannot be read (it changed while being read).", file.string()));
    return bytes;
}

} // namespace

struct ProfileStore::State {
    fs::path dir;
    VaultUnlock unlock;
    PortableFiles portableFiles;

    bool loaded = false;
    std::optional<std::vector<unsigned char>> onDisk; // the file as last read or written
    VaultHeader header;
    Secret key;
    std::vector<Profile> profiles;
    std::string defaultName;
    std::map<std::string, Secret> passwords;
    std::map<std::string, std::string> secretOrigins;
    std::map<std::string, std::int64_t> bundleIssued;
    std::set<std::string> managed; // profiles from the system policy folder (applyPolicy)

    fs::path file() const { return dir / kVaultName; }
    ports::DurableFiles& files() { return unlock.files ? *unlock.files : portableFiles; }

    ports::KeyringAttributes keyringAttributes() const { return keyringAttributesOf(header); }

    void ensureLoaded() {
        if (loaded)
            return;
        load();
        loaded = true;
        if (unlock.policy)
            applyPolicy(*unlock.policy);
    }

    void load() {
        auto bytes = readVaultBytes(file());
        if (!bytes)
            return;
        const VaultHeader h = decodeHeader(*bytes);
        header = h;
        Secret k = unlockKey();
        Contents c = parseContents(openVault(*bytes, k));
        key = std::move(k);
        profiles = std::move(c.profiles);
        defaultName = std::move(c.defaultName);
        passwords = std::move(c.passwords);
        secretOrigins = std::move(c.secretOrigins);
        bundleIssued = std::move(c.bundleIssued);
        onDisk = std::move(bytes);
    }

    Secret unlockKey() {
        if (header.keySource == KeySource::Keyring) {
            if (unlock.keyring == nullptr || !unlock.keyring->available())
                throw VaultError(
                    tr("The profile vault is locked with the OS keyring, which cannot be reached in "
                       "this session (no Secret Service). Nothing was changed; open docdesk in "
                       "your desktop session."));
            std::optional<Secret> found;
            try {
                unlock.keyring->lookup(keyringAttributes(), [&](std::span<const unsigned char> bytes) {
                    if (bytes.size() == kVaultKeySize) {
                        found = Secret::ofSize(kVaultKeySize);
                        std::memcpy(found->data(), bytes.data(), kVaultKeySize);
                    }
                });
            } catch (const ports::KeyringError& e) {
                throw VaultError(trf("The OS keyring refused to give out the vault key ({}). Nothing was "
                                     "changed; unlock the keyring and try again.",
                                     e.what()));
            }
            if (!found)
                throw VaultError(
                    tr("The key of the profile vault is missing from the OS keyring (the entry "
                       "\"docdesk profile vault\" was deleted, or this is another user account). "
                       "The vault cannot be opened without it and was left as it is; remove "
                       "profiles.vault to start anew."));
            return std::move(*found);
        }
        if (!unlock.askPassphrase)
            throw VaultError(tr("The profile vault needs its master passphrase, and there is no way to ask "
                                "for it here."));
        const Secret passphrase = unlock.askPassphrase(false);
        return deriveKey(passphrase, header);
    }

    // The first write: a key source and key for the new vault.
    void createKey() {
        randomize(header.salt);
        header.version = kVaultVersion;
        if (unlock.keyring != nullptr && unlock.keyring->available()) {
            header.keySource = KeySource::Keyring;
            header.opsLimit = header.memLimit = 0;
            Secret k = Secret::ofSize(kVaultKeySize);
            randomize(std::span(k.data(), k.size()));
            try {
                unlock.keyring->store("docdesk profile vault", keyringAttributes(),
                                      std::span<const unsigned char>(k.data(), k.size()));
            } catch (const ports::KeyringError& e) {
                throw VaultError(trf("The vault key could not be stored in the OS keyring ({}). Nothing was "
                                     "saved.",
                                     e.what()));
            }
            key = std::move(k);
            return;
        }
        if (!unlock.askPassphrase)
            throw VaultError(tr("There is no OS keyring here, and no way to ask for a master passphrase; "
                                "profiles cannot be saved."));
        const Secret passphrase = unlock.askPassphrase(true);
        if (passphrase.size() < kMinPassphrase)
            throw VaultError(trf("The master passphrase must have at least {} characters. Nothing was saved.",
                                 kMinPassphrase));
        const KdfLimits limits = unlock.kdfLimits.value_or(defaultKdfLimits());
        header.keySource = KeySource::Passphrase;
        header.opsLimit = limits.opsLimit;
        header.memLimit = limits.memLimit;
        key = deriveKey(passphrase, header);
    }

    // Writes the given contents; the in-memory state is updated by the caller only after this
    // returned, so a failed write leaves memory and disk as they were.
    void persist(const Draft& draft) {
        fs::create_directories(dir);
        std::string holder;
        std::unique_ptr<ports::ExclusiveLock> lock;
        for (int attempt = 0; attempt < 100 && !lock; ++attempt) { // at most ~2 s
            lock = files().tryLockExclusive(dir / "profiles.vault.lock", holder);
            if (!lock)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (!lock)
            throw VaultError(trf("The profile vault is being changed by another docdesk ({}). Nothing was "
                                 "saved; try again.",
                                 holder));
        // Another process may have written since we read; never overwrite its change.
        if (readVaultBytes(file()) != onDisk)
            throw VaultError(tr("The profile vault was changed by another docdesk window meanwhile. Nothing "
                                "was saved; reopen the profiles and try again."));
        const bool created = !onDisk.has_value();
        if (created)
            createKey();
        const Secret plain = serialise(draft);
        std::vector<unsigned char> sealed = sealVault(header, key, plain);
        try {
            if (onDisk)
                files().writeAtomically(dir / "profiles.vault.bak", asBytes(*onDisk));
            files().writeAtomically(file(), asBytes(sealed));
        } catch (const fs::filesystem_error& e) {
            if (created) {
                key = Secret();
                if (header.keySource == KeySource::Keyring && unlock.keyring != nullptr) {
                    try {
                        unlock.keyring->remove(keyringAttributes());
                    } catch (const ports::KeyringError&) {
                        // an orphaned keyring entry names no vault; harmless
                    }
                }
            }
            throw VaultError(
                trf("The profile vault could not be saved: {}. The previous version is unchanged.",
                    e.code().message()));
        }
        onDisk = std::move(sealed);
    }

    // The current contents, to be changed and then persisted and committed.
    Draft draft() const {
        Draft d{profiles, defaultName, {}, secretOrigins, bundleIssued};
        for (const auto& [name, pw] : passwords)
            d.passwords.emplace(name, &pw);
        return d;
    }

    // Makes a persisted draft the in-memory state (new passwords are copied in).
    void commit(Draft&& d) {
        std::map<std::string, Secret> kept;
        for (const auto& [name, pw] : d.passwords)
            kept.emplace(name, Secret(pw->view()));
        passwords = std::move(kept);
        profiles = std::move(d.profiles);
        defaultName = std::move(d.defaultName);
        secretOrigins = std::move(d.secretOrigins);
        std::erase_if(secretOrigins, [&](const auto& entry) { return !passwords.contains(entry.first); });
        bundleIssued = std::move(d.bundleIssued);
    }

    const Profile* findProfile(const std::string& name) const {
        const auto it =
            std::find_if(profiles.begin(), profiles.end(), [&](const Profile& p) { return p.name == name; });
        return it == profiles.end() ? nullptr : &*it;
    }

    bool mergeBundle(Draft& d, const VerifiedBundle& bundle, std::vector<std::string>& forgotten) const;
    std::vector<std::string> applyPolicy(const std::vector<VerifiedBundle>& bundles);
};

namespace {

Profile* findIn(std::vector<Profile>& profiles, const std::string& name) {
    const auto it =
        std::find_if(profiles.begin(), profiles.end(), [&](const Profile& p) { return p.name == name; });
    return it == profiles.end() ? nullptr : &*it;
}

// Drops the saved password of `p` from the draft when it was saved for another binding.
bool forgetIfRebound(Draft& d, const Profile& p) {
    if (!d.passwords.contains(p.name))
        return false;
    const auto it = d.secretOrigins.find(p.name);
    if (it != d.secretOrigins.end() && it->second == secretBinding(p))
        return false;
    d.passwords.erase(p.name);
    d.secretOrigins.erase(p.name);
    return true;
}

} // namespace

// Adds or replaces the bundle's profiles in the draft; true when anything changed.
bool ProfileStore::State::mergeBundle(Draft& d, const VerifiedBundle& bundle,
                                      std::vector<std::string>& forgotten) const {
    bool changed = false;
    for (const Profile& incoming : bundle.profiles()) {
        Profile merged = incoming;
        if (Profile* existing = findIn(d.profiles, incoming.name)) {
            // Settings the operator did not lock stay as the user set them.
            for (const auto& setting : profileSettingNames())
                if (!incoming.isLocked(setting))
                    setSetting(merged, setting, settingValue(*existing, setting));
            changed = changed || profileToJson(*existing) != profileToJson(merged);
            *existing = merged;
        } else {
            d.profiles.push_back(merged);
            changed = true;
        }
        if (!merged.rememberPassword) {
            d.passwords.erase(merged.name);
        } else if (forgetIfRebound(d, merged)) {
            forgotten.push_back(merged.name);
            changed = true;
        }
    }
    return changed;
}

ProfileStore::ProfileStore(fs::path configDir, VaultUnlock unlock) : state_(std::make_unique<State>()) {
    state_->dir = std::move(configDir);
    state_->unlock = std::move(unlock);
}

ProfileStore::~ProfileStore() = default;

std::vector<Profile> ProfileStore::list() const {
    state_->ensureLoaded();
    return state_->profiles;
}

std::optional<Profile> ProfileStore::find(const std::string& name) const {
    state_->ensureLoaded();
    const Profile* p = state_->findProfile(name);
    return p ? std::optional<Profile>(*p) : std::nullopt;
}

std::optional<Profile> ProfileStore::defaultProfile() const {
    state_->ensureLoaded();
    if (const Profile* p = state_->findProfile(state_->defaultName))
        return *p;
    if (state_->profiles.size() == 1)
        return state_->profiles.front();
    return std::nullopt;
}

void ProfileStore::setDefault(const std::string& name) {
    state_->ensureLoaded();
    if (!state_->findProfile(name))
        throw Error(trf("There is no profile named '{}'.", name));
    Draft d = state_->draft();
    d.defaultName = name;
    state_->persist(d);
    state_->commit(std::move(d));
}

bool ProfileStore::put(const Profile& profile, const std::optional<Secret>& password) {
    validateProfile(profile);
    state_->ensureLoaded();
    const Profile* existing = state_->findProfile(profile.name);
    const std::vector<std::string> noLocks;
    const auto& locks = existing ? existing->lockedSettings : noLocks;
    if (profile.lockedSettings != locks ||
        profile.signedBy != (existing ? existing->signedBy : std::string()))
        throw VaultError(
            tr("Locked settings come only from an operator bundle ('docdesk-cli profile import'); "
               "they cannot be set or lifted by hand."));
    for (const auto& setting : locks)
        if (settingValue(profile, setting) != settingValue(*existing, setting))
            throw VaultError(trf("The setting '{}' of profile '{}' is managed by the operator (key {}) and "
                                 "cannot be changed on this station.",
                                 setting, profile.name, existing->signedBy));

    Draft d = state_->draft();
    if (Profile* slot = findIn(d.profiles, profile.name))
        *slot = profile;
    else
        d.profiles.push_back(profile);
    bool forgotten = false;
    if (!profile.rememberPassword) {
        d.passwords.erase(profile.name);
    } else if (password) {
        d.passwords[profile.name] = &*password;
        d.secretOrigins[profile.name] = secretBinding(profile);
    } else {
        forgotten = forgetIfRebound(d, profile);
    }
    state_->persist(d);
    state_->commit(std::move(d));
    return forgotten;
}

void ProfileStore::remove(const std::string& name) {
    state_->ensureLoaded();
    if (!state_->findProfile(name))
        throw Error(trf("There is no profile named '{}'.", name));
    if (state_->managed.contains(name))
        throw VaultError(
            trf("The profile '{}' is set up by the administrator of this computer (system policy) "
                "and cannot be removed here.",
                name));
    Draft d = state_->draft();
    std::erase_if(d.profiles, [&](const Profile& p) { return p.name == name; });
    d.passwords.erase(name);
    if (d.defaultName == name)
        d.defaultName.clear();
    state_->persist(d);
    state_->commit(std::move(d));
}

std::optional<Secret> ProfileStore::password(const std::string& name) const {
    state_->ensureLoaded();
    const auto it = state_->passwords.find(name);
    const Profile* p = state_->findProfile(name);
    if (it == state_->passwords.end() || p == nullptr)
        return std::nullopt;
    // Never hand out a password for a server it was not saved for.
    const auto bound = state_->secretOrigins.find(name);
    if (bound == state_->secretOrigins.end() || bound->second != secretBinding(*p))
        return std::nullopt;
    return Secret(it->second.view());
}

bool ProfileStore::isManaged(const std::string& name) const {
    return state_->managed.contains(name);
}

std::vector<std::string> ProfileStore::importBundle(const VerifiedBundle& bundle) {
    state_->ensureLoaded();
    for (const Profile& incoming : bundle.profiles())
        if (state_->managed.contains(incoming.name))
            throw VaultError(trf("The profile '{}' is set up by the administrator of this computer (system "
                                 "policy); a bundle cannot replace it. Nothing was imported.",
                                 incoming.name));
    const auto held = state_->bundleIssued.find(bundle.signer());
    if (held != state_->bundleIssued.end() && bundle.issued() < held->second)
        throw VaultError(
            trf("This bundle was issued {}, before the bundle of the same operator (key {}) this "
                "station already holds (issued {}). An older bundle could bring back an old server "
                "or certificate, so nothing was imported; ask the operator for the current one.",
                formatUtc(bundle.issued()), bundle.signer(), formatUtc(held->second)));
    Draft d = state_->draft();
    std::vector<std::string> forgotten;
    state_->mergeBundle(d, bundle, forgotten);
    d.bundleIssued[bundle.signer()] =
        std::max(bundle.issued(), held == state_->bundleIssued.end() ? 0 : held->second);
    state_->persist(d);
    state_->commit(std::move(d));
    return forgotten;
}

std::vector<std::string> ProfileStore::applyPolicy(const std::vector<VerifiedBundle>& bundles) {
    state_->ensureLoaded();
    return state_->applyPolicy(bundles);
}

// The policy's profiles go into the vault when it exists; without a vault file yet they are
// kept in memory (and written with the first change), so looking needs no new passphrase.
std::vector<std::string> ProfileStore::State::applyPolicy(const std::vector<VerifiedBundle>& bundles) {
    Draft d = draft();
    std::vector<std::string> forgotten;
    bool changed = false;
    std::set<std::string> names;
    for (const auto& bundle : bundles) {
        changed = mergeBundle(d, bundle, forgotten) || changed;
        for (const auto& p : bundle.profiles())
            names.insert(p.name);
    }
    managed = std::move(names);
    if (changed && onDisk)
        persist(d);
    if (changed)
        commit(std::move(d));
    return forgotten;
}

fs::path ProfileStore::vaultFile() const {
    return state_->file();
}

std::string ProfileStore::keySource() const {
    if (state_->onDisk || state_->loaded) {
        if (!state_->onDisk)
            return "none";
        return state_->header.keySource == KeySource::Keyring ? "keyring" : "passphrase";
    }
    const auto bytes = readVaultBytes(state_->file());
    if (!bytes)
        return "none";
    return decodeHeader(*bytes).keySource == KeySource::Keyring ? "keyring" : "passphrase";
}

} // namespace docdesk::vault
