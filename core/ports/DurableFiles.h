#pragma once
// The file-system guarantees the journal needs, as a port: core does not call OS APIs
// itself; platform implements this (PosixDurableFiles) and the app wires it at start-up.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace docdesk::ports {

// Held while a session is open; releasing it (destruction) unlocks.
class ExclusiveLock {
public:
    virtual ~ExclusiveLock() = default;
};

class DurableFiles {
public:
    virtual ~DurableFiles() = default;

    // Writes `bytes` to a temporary file beside `target`, flushes it to stable storage,
    // renames it over `target` and flushes the directory. Afterwards `target` holds either
    // nothing (on error, which throws) or all of `bytes`, also after a crash.
    virtual void writeAtomically(const std::filesystem::path& target,
                                 std::span<const std::byte> bytes) = 0;

    // Creates `target` holding all of `bytes`, but only if nothing by that name exists yet
    // (race-free against other writers): the bytes go to a temporary file beside it, are
    // flushed to stable storage, and are then linked into place without replacing anything;
    // the folder is flushed. Missing parent folders are created first (each flushed into its
    // parent). Returns false, leaving nothing behind, when `target` exists. The file gets the
    // usual permissions (the umask applies). Throws std::filesystem::filesystem_error naming
    // the path and the OS reason; on error nothing is left at `target` or beside it.
    virtual bool createNewDurably(const std::filesystem::path& target, std::span<const std::byte> bytes) = 0;

    // Takes an exclusive advisory lock on `lockFile` (created if missing) without waiting.
    // Returns null when another process holds it; `holder` then describes that process.
    virtual std::unique_ptr<ExclusiveLock> tryLockExclusive(const std::filesystem::path& lockFile,
                                                            std::string& holder) = 0;
};

} // namespace docdesk::ports
