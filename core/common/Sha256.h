#pragma once
// SHA-256 of byte ranges and files, as lower-case hex (journal integrity, ledger).
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace docdesk {

std::string sha256Hex(std::span<const std::byte> bytes);
// Streams the file; throws std::filesystem::filesystem_error when it cannot be read.
std::string sha256HexOfFile(const std::filesystem::path& file);

} // namespace docdesk
