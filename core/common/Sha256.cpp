#include "core/common/Sha256.h"

#include <array>
#include <cerrno>
#include <fstream>
#include <sodium.h>
#include <system_error>

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

std::string sha256Hex(std::span<const std::byte> bytes) {
    ensureSodium();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size());
    return toHex(digest);
}

std::string sha256HexOfFile(const std::filesystem::path& file) {
    ensureSodium();
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::filesystem::filesystem_error("cannot read file", file,
                                                std::error_code(errno, std::generic_category()));
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::array<char, 1 << 16> buf{};
    while (in) {
        in.read(buf.data(), buf.size());
        const auto n = in.gcount();
        if (n > 0)
            crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf.data()),
                                      static_cast<unsigned long long>(n));
    }
    if (in.bad())
        throw std::filesystem::filesystem_error("cannot read file", file,
                                                std::make_error_code(std::errc::io_error));
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256_final(&state, digest.data());
    return toHex(digest);
}

} // namespace docdesk
