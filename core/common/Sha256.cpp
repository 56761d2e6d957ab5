#include "core/common/Sha256.h"

#include "core/common/FileChunks.h"

#include <array>
#include <cerrno>
#include <sodium.h>
#include <system_error>
#include <vector>

namespace docdesk {
namespace {

std::string toHex(const std::array<unsigned char, crypto_hash_sha256_BYTES>& digest) {
    std::string hex(digest.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.pop_back();
    return hex;
}

void ensureSodium() {
    static const int rc = sodium_init();
    if (rc < 0)
        throw std::runtime_error("libsodium could not be initialised");
}

} // namespace

struct Sha256::State {
    crypto_hash_sha256_state sodium;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
    ensureSodium();
    crypto_hash_sha256_init(&state_->sodium);
}

Sha256::~Sha256() = default;

void Sha256::update(std::span<const std::byte> bytes) {
    crypto_hash_sha256_update(&state_->sodium, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string Sha256::hexDigest() {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256_final(&state_->sodium, digest.data());
    return toHex(digest);
}

std::string sha256Hex(std::span<const std::byte> bytes) {
    ensureSodium();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size());
    return toHex(digest);
}

std::string sha256HexOfFile(const std::filesystem::path& file) {
    FileChunkReader reader(file);
    Sha256 hash;
    std::vector<std::byte> buffer(kCopyChunkBytes);
    while (const size_t n = reader.read(buffer))
        hash.update(std::span(buffer).first(n));
    return hash.hexDigest();
}

} // namespace docdesk
