#include "core/vault/VaultFile.h"

#include "core/common/Translate.h"

#include <cstring>
#include <new>
#include <sodium.h>

namespace docdesk::vault {
namespace {

constexpr unsigned char kMagic[8] = {'D', 'D', 'V', 'A', 'U', 'L', 'T', 0};
constexpr std::size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kVaultKeySize);
static_assert(crypto_pwhash_SALTBYTES == 16);

// Limits a header may carry. The upper bounds keep a forged header from making us spend
// minutes or gigabytes before the tag check can reject it.
constexpr std::uint64_t kMaxOpsLimit = 20;
constexpr std::uint64_t kMaxMemLimit = 1024ull * 1024 * 1024;

void ensureSodium() {
    if (sodium_init() < 0)
        throw std::bad_alloc();
}

void putU64(unsigned char* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<unsigned char>(v >> (8 * i));
}

std::uint64_t getU64(const unsigned char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

} // namespace

KdfLimits defaultKdfLimits() {
    // Argon2id with 3 passes over 128 MiB: between libsodium's INTERACTIVE (64 MiB) and
    // MODERATE (256 MiB). vault_bench: 0.31 s to unlock here (MODERATE 0.70 s, which passes
    // 1 s on a busy or older office PC).
    return {3, 128ull * 1024 * 1024};
}

std::array<unsigned char, kVaultHeaderSize> encodeHeader(const VaultHeader& header) {
    std::array<unsigned char, kVaultHeaderSize> out{};
    std::memcpy(out.data(), kMagic, sizeof kMagic);
    out[8] = header.version;
    out[9] = static_cast<unsigned char>(header.keySource);
    putU64(out.data() + 12, header.opsLimit);
    putU64(out.data() + 20, header.memLimit);
    std::memcpy(out.data() + 28, header.salt.data(), header.salt.size());
    std::memcpy(out.data() + 44, header.nonce.data(), header.nonce.size());
    return out;
}

VaultHeader decodeHeader(std::span<const unsigned char> file) {
    if (file.size() < sizeof kMagic)
        throw VaultError(tr("The profile vault is empty or truncated. It was left as it is; restore "
                            "profiles.vault.bak or remove the file to start anew."));
    if (std::memcmp(file.data(), kMagic, sizeof kMagic) != 0)
        throw VaultError(tr("The profile vault is not a docdesk vault file (it may have been replaced or "
                            "overwritten). It was left as it is."));
    if (file.size() < kVaultHeaderSize + kTagSize)
        throw VaultError(tr("The profile vault is truncated (the file is shorter than its header). It was "
                            "left as it is; restore profiles.vault.bak or remove the file to start anew."));
    VaultHeader h;
    h.version = file[8];
    if (h.version > kVaultVersion)
        throw VaultError(trf("The profile vault was written by a newer docdesk (format version {}, this one "
                             "reads version {}). It was left as it is; update docdesk to open it.",
                             h.version, kVaultVersion));
    if (h.version < kVaultVersion)
        throw VaultError(
            trf("The profile vault has an old format version ({}) that this docdesk cannot read. "
                "It was left as it is; open it with the docdesk that wrote it, or remove it "
                "and add the profiles again.",
                h.version));
    const unsigned source = file[9];
    if (source != static_cast<unsigned>(KeySource::Keyring) &&
        source != static_cast<unsigned>(KeySource::Passphrase))
        throw VaultError(
            trf("The profile vault names an unknown key source ({}); the file is damaged. It was "
                "left as it is.",
                source));
    h.keySource = static_cast<KeySource>(source);
    h.opsLimit = getU64(file.data() + 12);
    h.memLimit = getU64(file.data() + 20);
    std::memcpy(h.salt.data(), file.data() + 28, h.salt.size());
    std::memcpy(h.nonce.data(), file.data() + 44, h.nonce.size());
    const bool reservedClear = file[10] == 0 && file[11] == 0;
    const bool limitsOk = h.keySource == KeySource::Keyring
                              ? (h.opsLimit == 0 && h.memLimit == 0)
                              : (h.opsLimit >= crypto_pwhash_OPSLIMIT_MIN && h.opsLimit <= kMaxOpsLimit &&
                                 h.memLimit >= crypto_pwhash_MEMLIMIT_MIN && h.memLimit <= kMaxMemLimit);
    if (!reservedClear || !limitsOk)
        throw VaultError(tr("The profile vault's header is damaged (its key-derivation settings are out of "
                            "range). It was left as it is; restore profiles.vault.bak or remove the file."));
    return h;
}

void randomize(std::span<unsigned char> bytes) {
    ensureSodium();
    randombytes_buf(bytes.data(), bytes.size());
}

Secret deriveKey(const Secret& passphrase, const VaultHeader& header) {
    ensureSodium();
    Secret key = Secret::ofSize(kVaultKeySize);
    if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(passphrase.data()),
                      passphrase.size(), header.salt.data(), header.opsLimit,
                      static_cast<std::size_t>(header.memLimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw VaultError(tr("Not enough memory to derive the vault key from the passphrase."));
    return key;
}

std::vector<unsigned char> sealVault(VaultHeader& header, const Secret& key, const Secret& plaintext) {
    ensureSodium();
    randomize(header.nonce);
    const auto ad = encodeHeader(header);
    std::vector<unsigned char> out(kVaultHeaderSize + plaintext.size() + kTagSize);
    std::memcpy(out.data(), ad.data(), ad.size());
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kVaultHeaderSize, &written, plaintext.data(),
                                               plaintext.size(), ad.data(), ad.size(), nullptr,
                                               header.nonce.data(), key.data());
    out.resize(kVaultHeaderSize + static_cast<std::size_t>(written));
    return out;
}

Secret openVault(std::span<const unsigned char> file, const Secret& key) {
    ensureSodium();
    const VaultHeader header = decodeHeader(file);
    const auto cipher = file.subspan(kVaultHeaderSize);
    Secret plain = Secret::ofSize(cipher.size() - kTagSize);
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &length, nullptr, cipher.data(),
                                                   cipher.size(), file.data(), kVaultHeaderSize,
                                                   header.nonce.data(), key.data()) != 0) {
        if (header.keySource == KeySource::Passphrase)
            throw VaultError(
                tr("The profile vault cannot be opened: the passphrase is wrong, or the file was "
                   "changed or truncated. Nothing was changed; try again, or restore "
                   "profiles.vault.bak."));
        throw VaultError(
            tr("The profile vault cannot be opened with the key in the keyring: the file was "
               "changed or truncated, or the keyring entry belongs to another vault. Nothing was "
               "changed; restore profiles.vault.bak."));
    }
    return plain;
}

std::map<std::string, std::string> keyringAttributesOf(const VaultHeader& header) {
    std::string salt(header.salt.size() * 2 + 1, '\0');
    sodium_bin2hex(salt.data(), salt.size(), header.salt.data(), header.salt.size());
    salt.pop_back();
    return {{"application", "docdesk"}, {"docdesk-vault", salt}};
}

} // namespace docdesk::vault
