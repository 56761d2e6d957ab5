// The profile vault file (profiles.vault): its header is read before any key is derived, so
// its limits must be checked there; the ciphertext behind an accepted header is then opened
// with a key that is not the file's, which must fail with VaultError (a tag that verified
// would mean the header or the cipher were not checked).
#include "FuzzInput.h"
#include "core/vault/VaultFile.h"

#include <algorithm>
#include <span>

using namespace docdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const unsigned char> file(data, size);
    vault::VaultHeader header;
    try {
        header = vault::decodeHeader(file);
    } catch (const Error& e) {
        fuzz::expectMessage(e);
        return 0;
    }
    // The bounds VaultFile.cpp holds a header to (20 passes, 1 GiB): a forged header must not
    // make docdesk spend more before the tag is checked.
    if (header.keySource == vault::KeySource::Passphrase)
        fuzz::require(header.opsLimit <= 20 && header.memLimit <= (1ull << 30),
                      "an accepted header keeps the Argon2id limits");
    (void)vault::keyringAttributesOf(header);
    const auto encoded = vault::encodeHeader(header);
    fuzz::require(std::equal(encoded.begin(), encoded.end(), data),
                  "an accepted header is written back byte for byte");
    static const vault::Secret wrongKey(std::string(vault::kVaultKeySize, '\x5a'));
    try {
        (void)vault::openVault(file, wrongKey);
        fuzz::require(false, "a vault opens only with its own key");
    } catch (const Error& e) {
        fuzz::expectMessage(e);
    }
    return 0;
}
