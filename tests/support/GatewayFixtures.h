#pragma once
// Small fixtures the gateway tests share: files of random bytes and the DocumentToDeliver that
// describes one (size and SHA-256 read from the file, as the outbox records them).
#include "core/gateway/Connector.h"

#include <filesystem>
#include <string>

namespace docdesk::test {

// `bytes` random bytes (the same for the same `seed`) written to `file`; returns `file`.
std::filesystem::path writeRandomFile(const std::filesystem::path& file, size_t bytes, unsigned seed);
// The same, as `dir`/`name`.
inline std::filesystem::path randomFile(const std::filesystem::path& dir, const std::string& name,
                                        size_t bytes, unsigned seed) {
    return writeRandomFile(dir / name, bytes, seed);
}
// `file` to be delivered as `name` into `folder` (may be empty).
gateway::DocumentToDeliver documentFrom(const std::filesystem::path& file, const std::string& folder,
                                        const std::string& name);
// SHA-256 (lower-case hex) of `text`.
std::string sha256Of(const std::string& text);

} // namespace docdesk::test
