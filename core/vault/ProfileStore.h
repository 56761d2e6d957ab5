#pragma once
// The user's gateway profiles, stored encrypted in one vault file in the config folder
// (profiles.vault). The file's key comes from the OS keyring (a random 32-byte key) or, where
// there is none, from a master passphrase through Argon2id. Every change is written atomically
// with a backup copy; a file that cannot be decrypted fails closed (VaultError) and is never
// overwritten.
//
// The password of a profile is stored only when the user ticked "remember password"; otherwise
// password() is empty and the caller asks for it at upload time.
#include "core/common/Error.h"
#include "core/vault/Profile.h"
#include "core/vault/Secret.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace docdesk::ports {
class Keyring;      // core/ports/Keyring.h: the OS keyring, implemented in platform/
class DurableFiles; // core/ports/DurableFiles.h: atomic writes and locks, implemented in platform/
} // namespace docdesk::ports

namespace docdesk::vault {

// The vault cannot be opened or written: wrong passphrase, keyring entry missing, damaged or
// truncated file, unknown version. The message says which, and what the user can do.
class VaultError : public Error {
  public:
    using Error::Error;
};

// How to unlock: the keyring when there is one, else a passphrase asked for when needed
// (`newVault` is true when the vault is being created, so the prompt can ask twice).
struct KdfLimits {
    std::uint64_t opsLimit = 0; // Argon2id passes
    std::uint64_t memLimit = 0; // bytes
};

class VerifiedBundle; // ProfileBundle.h: an operator bundle whose signature was checked

struct VaultUnlock {
    ports::Keyring* keyring = nullptr;
    std::function<Secret(bool newVault)> askPassphrase;
    // Argon2id limits for a new passphrase vault; empty means the defaults (defaultKdfLimits()
    // in VaultFile.h). An existing vault always uses the limits in its header.
    std::optional<KdfLimits> kdfLimits;
    // Where the files go: the platform's durable writes and locks. Without it a portable
    // fallback writes temp-then-rename without flushing to disk (fine for tests and tools).
    ports::DurableFiles* files = nullptr;
    // The system policy of a managed station, applied when the vault is first read (see
    // ProfileStore::applyPolicy); null on an unmanaged station.
    std::shared_ptr<const std::vector<VerifiedBundle>> policy;
};

class ProfileStore {
  public:
    // Opens (or, on the first put(), creates) `configDir`/profiles.vault.
    ProfileStore(std::filesystem::path configDir, VaultUnlock unlock);
    ~ProfileStore();
    ProfileStore(const ProfileStore&) = delete;
    ProfileStore& operator=(const ProfileStore&) = delete;

    [[nodiscard]] std::vector<Profile> list() const;
    [[nodiscard]] std::optional<Profile> find(const std::string& name) const;
    // The default profile: the one marked default, else the only one; nullopt otherwise.
    [[nodiscard]] std::optional<Profile> defaultProfile() const;
    void setDefault(const std::string& name);

    // Adds or replaces the profile `profile.name`. With a password and rememberPassword set,
    // the password is stored too; rememberPassword false removes any stored password.
    // A saved password is bound to the server it was saved for (scheme, host and port of the
    // URL, and the operator key, CA bundle and pin): when the profile now points elsewhere and
    // no new password comes with it, the saved one is forgotten and put() returns true, so the
    // caller can say so (the next upload asks again).
    // Throws VaultError when a locked setting would change (see Profile::lockedSettings).
    bool put(const Profile& profile, const std::optional<Secret>& password = std::nullopt);
    // Throws VaultError for a profile of the system policy (see applyPolicy).
    void remove(const std::string& name);

    // The stored password, or nullopt when none is remembered for the server the profile
    // points to now.
    [[nodiscard]] std::optional<Secret> password(const std::string& name) const;

    // Adds or replaces the bundle's profiles with their locked settings (the only way to set
    // or change lockedSettings/signedBy). A stored password of a replaced profile is kept
    // unless the bundle moves it to another server, CA or operator key; the names of the
    // profiles whose password was forgotten so are returned. Refuses (VaultError) a bundle
    // issued before the newest one imported from the same operator, and profiles of the
    // system policy.
    std::vector<std::string> importBundle(const VerifiedBundle& bundle);

    // The system policy of a managed station (bundles verified with the system's operator key):
    // their profiles are added back when missing, their locked settings restored, and they
    // cannot be removed or replaced by a user's bundle while this store is open. Returns the
    // names whose saved password was forgotten (the policy moved them to another server).
    std::vector<std::string> applyPolicy(const std::vector<VerifiedBundle>& bundles);
    [[nodiscard]] bool isManaged(const std::string& name) const;

    // Where the vault lives, and how it is (or will be) unlocked: "keyring", "passphrase", or
    // "none" while there is no vault file yet.
    [[nodiscard]] std::filesystem::path vaultFile() const;
    [[nodiscard]] std::string keySource() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace docdesk::vault
