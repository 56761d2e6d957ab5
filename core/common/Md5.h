#pragma once
// MD5 (RFC 1321) of byte ranges and files, as lower-case hex. Not for security: paperless-ngx
// identifies documents by the MD5 of the original file (its duplicate check and the documents
// API's `checksum` filter), so the HTTP form connector needs it to find its earlier copies.
// libsodium has no MD5 and the project links no other crypto library, hence this small one.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace docdesk {

std::string md5Hex(std::span<const std::byte> bytes);
// Streams the file; throws std::filesystem::filesystem_error when it cannot be read.
std::string md5HexOfFile(const std::filesystem::path& file);

} // namespace docdesk
