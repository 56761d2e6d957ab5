#pragma once
// POSIX implementation of core's DurableFiles port (fsync + rename, no-replace rename or
// link for create-only writes, flock).
#include "core/ports/DurableFiles.h"

namespace docdesk::platform {

class PosixDurableFiles final : public ports::DurableFiles {
  public:
    using ports::DurableFiles::createNewDurably;
    using ports::DurableFiles::writeAtomically;
    void writeAtomically(const std::filesystem::path& target, const ByteSource& source,
                         const BeforePlacing& beforePlacing) override;
    bool createNewDurably(const std::filesystem::path& target, const ByteSource& source) override;
    std::unique_ptr<ports::ExclusiveLock> tryLockExclusive(const std::filesystem::path& lockFile,
                                                           std::string& holder) override;
};

// The process-wide instance the app and tools wire into core.
ports::DurableFiles& durableFiles();

} // namespace docdesk::platform
