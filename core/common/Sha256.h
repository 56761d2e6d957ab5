#pragma once
// SHA-256 of byte ranges and files, as lower-case hex (journal integrity, ledger).
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace docdesk {

// SHA-256 computed piece by piece, for bytes that pass through in chunks (a copy, an upload):
// the hash costs no second read and no memory beyond its state.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::span<const std::byte> bytes);
    // The digest as lower-case hex; the object is spent afterwards.
    std::string hexDigest();

  private:
    struct State; // OpenSSL's, kept out of this header
    std::unique_ptr<State> state_;
};

std::string sha256Hex(std::span<const std::byte> bytes);
// Streams the file; throws std::filesystem::filesystem_error when it cannot be read.
std::string sha256HexOfFile(const std::filesystem::path& file);

} // namespace docdesk
