#pragma once
// The file-system guarantees the journal needs, as a port: core does not call OS APIs
// itself; platform implements this (PosixDurableFiles) and the app wires it at start-up.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <functional>
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

    // The bytes to write, handed over in pieces: fills `buffer` (fewer bytes only at the end)
    // and returns how many it put there, 0 at the end. A copy of a large file reads it one
    // piece at a time, so memory does not grow with its size. May throw: the write is then
    // abandoned, leaving nothing behind, and the exception goes on to the caller.
    using ByteSource = std::function<std::size_t(std::span<std::byte> buffer)>;
    // Called once the complete bytes are flushed to a temporary file beside the target, just
    // before that file takes the target's name (the journal records its intent here, with the
    // hash it could only know once every byte was read). May throw: nothing is left then.
    using BeforePlacing = std::function<void()>;

    // Writes the bytes of `source` to a temporary file beside `target`, flushes it to stable
    // storage, calls `beforePlacing`, renames the file over `target` and flushes the folder.
    // Afterwards `target` holds either nothing (on error, which throws) or all of the bytes,
    // also after a crash.
    virtual void writeAtomically(const std::filesystem::path& target, const ByteSource& source,
                                 const BeforePlacing& beforePlacing) = 0;
    void writeAtomically(const std::filesystem::path& target, std::span<const std::byte> bytes) {
        writeAtomically(target, sourceOf(bytes), {});
    }

    // Creates `target` holding all of the bytes, but only if nothing by that name exists yet
    // (race-free against other writers): the bytes go to a temporary file beside it, are
    // flushed to stable storage, and are then linked into place without replacing anything;
    // the folder is flushed. Missing parent folders are created first (each flushed into its
    // parent). Returns false, leaving nothing behind, when `target` exists. The file gets the
    // usual permissions (the umask applies). Throws std::filesystem::filesystem_error naming
    // the path and the OS reason (or what `source` threw); on error nothing is left at
    // `target` or beside it.
    virtual bool createNewDurably(const std::filesystem::path& target, const ByteSource& source) = 0;
    bool createNewDurably(const std::filesystem::path& target, std::span<const std::byte> bytes) {
        return createNewDurably(target, sourceOf(bytes));
    }

    // A source handing out `bytes` (which must outlive it) piece by piece.
    static ByteSource sourceOf(std::span<const std::byte> bytes) {
        return [bytes, at = std::size_t(0)](std::span<std::byte> buffer) mutable {
            const std::size_t n = std::min(buffer.size(), bytes.size() - at);
            if (n > 0)
                std::memcpy(buffer.data(), bytes.data() + at, n);
            at += n;
            return n;
        };
    }

    // Takes an exclusive advisory lock on `lockFile` (created if missing) without waiting.
    // Returns null when another process holds it; `holder` then describes that process.
    virtual std::unique_ptr<ExclusiveLock> tryLockExclusive(const std::filesystem::path& lockFile,
                                                            std::string& holder) = 0;
};

} // namespace docdesk::ports
