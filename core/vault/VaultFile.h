#pragma once
// The on-disk format of profiles.vault: a fixed header followed by one XChaCha20-Poly1305
// ciphertext. The whole header (magic, version, key source, Argon2id limits, salt, nonce) is
// the associated data, so changing any byte of it fails decryption just like changing the
// ciphertext. Layout (little-endian):
//
//   0  8  magic "DDVAULT\0"
//   8  1  format version (kVaultVersion)
//   9  1  key source: 1 = OS keyring (random key), 2 = passphrase (Argon2id)
//  10  2  reserved, zero
//  12  8  Argon2id opslimit (0 for the keyring)
//  20  8  Argon2id memlimit in bytes (0 for the keyring)
//  28 16  salt: Argon2id salt, or for the keyring the id naming the keyring entry
//  44 24  nonce
//  68 ..  ciphertext with its 16-byte tag
#include "core/vault/ProfileStore.h"
#include "core/vault/Secret.h"

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace docdesk::vault {

inline constexpr std::uint8_t kVaultVersion = 1;
inline constexpr std::size_t kVaultHeaderSize = 68;
inline constexpr std::size_t kVaultKeySize = 32;

enum class KeySource : std::uint8_t { Keyring = 1, Passphrase = 2 };

struct VaultHeader {
    std::uint8_t version = kVaultVersion;
    KeySource keySource = KeySource::Passphrase;
    std::uint64_t opsLimit = 0;
    std::uint64_t memLimit = 0;
    std::array<unsigned char, 16> salt{};
    std::array<unsigned char, 24> nonce{};
};

// The attributes the vault's key is filed under in the OS keyring: the application and the
// vault's salt in hex, so each vault finds its own key.
std::map<std::string, std::string> keyringAttributesOf(const VaultHeader& header);

// Argon2id limits for new vaults: moderate (about 0.3 s here, see vault_bench), and
// the bounds a file's header must respect before any work is spent on it.
KdfLimits defaultKdfLimits();

std::array<unsigned char, kVaultHeaderSize> encodeHeader(const VaultHeader& header);
// Checks magic, version, key source and limits. Throws VaultError (nothing else is touched).
VaultHeader decodeHeader(std::span<const unsigned char> file);

// A new random salt / nonce.
void randomize(std::span<unsigned char> bytes);

// The 32-byte key from `passphrase` with the header's salt and limits.
Secret deriveKey(const Secret& passphrase, const VaultHeader& header);

// Header + ciphertext of `plaintext` under `key`; a fresh nonce is drawn into `header`.
std::vector<unsigned char> sealVault(VaultHeader& header, const Secret& key, const Secret& plaintext);
// The plaintext, or VaultError when the tag does not verify (wrong key, any byte changed,
// truncated). `file` must start with a header decodeHeader accepted.
Secret openVault(std::span<const unsigned char> file, const Secret& key);

} // namespace docdesk::vault
