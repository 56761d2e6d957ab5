#pragma once
// The names docdesk gives a file when the one it wants is taken — "a.pdf", "a (2).pdf",
// "a (3).pdf"... — and the loop that tries them in turn. The trying itself must be atomic
// (the caller's `tryPlace`: DurableFiles::createNewDurably, platform::moveWithoutReplacing),
// never "check whether it exists, then write", which can replace a file another process
// created in between. Used by the archive, docdesk-cli crop, the hot folder and name templates.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace docdesk {

// `name` for number 1, else "name (number)".
std::string numberedName(const std::string& name, int number);

// `path` for number 1, else the same folder and extension with " (number)" after the stem:
// "out/a.pdf" -> "out/a (2).pdf", "out/b" -> "out/b (2)".
std::filesystem::path numberedPath(const std::filesystem::path& path, int number);

// Calls `tryPlace` with numberedPath(path, 1), (path, 2)... up to `maxNumber` until it returns
// true (placed under that name) and returns that name; null when all of them are taken
// (tryPlace returned false each time). What tryPlace throws goes on.
std::optional<std::filesystem::path>
placeUnderFreeName(const std::filesystem::path& path, int maxNumber,
                   const std::function<bool(const std::filesystem::path&)>& tryPlace);

} // namespace docdesk
