#pragma once
// The user's gateway profiles, stored encrypted in one vault file in the config folder
// (profiles.vault). The file's key comes from the OS keyring (a random 32-byte key) or, where
// there is none, from a master passphrase through Argon2id. Every change is written atomically
// with a backup copy; a file that cannot be decrypted fails closed (VaultError) and is never
// overwritten.
//
// The password of a profile is stored only when the user ticked "remember password"; otherwise
// password() is empty and the caller asks for it at upload time.
#include "core/vault/Profile.h"
#include "core/vault/Secret.h"

#include "core/common/Error.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace docdesk::ports {
class Keyring; // core/ports/Keyring.h: the OS keyring, implemented in platform/
}

namespace docdesk::vault {

// The vault cannot be opened or written: wrong passphrase, keyring entry missing, damaged or
// truncated file, unknown version. The message says which, and what the user can do.
class VaultError : public Error {
public:
    using Error::Error;
};

// How to unlock: the keyring when there is one, else a passphrase asked for when needed
// (`newVault` is true when the vault is being created, so the prompt can ask twice).
struct VaultUnlock {
    ports::Keyring* keyring = nullptr;
    std::function<Secret(bool newVault)> askPassphrase;
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
    // Throws VaultError when a locked setting would change (see Profile::lockedSettings).
    void put(const Profile& profile, const std::optional<Secret>& password = std::nullopt);
    void remove(const std::string& name);

    // The stored password, or nullopt when none is remembered.
    [[nodiscard]] std::optional<Secret> password(const std::string& name) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace docdesk::vault
