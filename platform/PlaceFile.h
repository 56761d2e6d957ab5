#pragma once
// Giving a finished file its name without ever replacing a file that has that name: the one
// atomic step behind every place where docdesk picks a free file name (the archive and the
// journal through DurableFiles::createNewDurably, docdesk-cli crop, the hot folder's done/ and
// failed/ folders). Checking first and renaming after can replace a file another process
// created in between; this cannot. The numbered names tried in turn ("a.pdf", "a (2).pdf"...)
// come from core/common/FreeName.h.
#include <filesystem>

namespace docdesk::platform {

// Renames `from` to `to` (same file system) unless something named `to` exists, atomically
// against other writers. Returns true when moved; false when `to` exists (also when another
// process created it a moment ago), `from` then being left as it was. Throws
// std::filesystem::filesystem_error naming `to` and the OS reason for anything else. Where the
// file system cannot refuse to replace in a rename (NFS, FUSE), moveWithoutReplacingByLink
// does the work.
bool moveWithoutReplacing(const std::filesystem::path& from, const std::filesystem::path& to);

// The fallback of moveWithoutReplacing, with the same contract: link() (which refuses an
// existing name) and unlink(); where there are no hard links either (FAT, exFAT, some network
// shares) the name is reserved with an exclusive create and the file renamed over the
// reservation, so a crash in between leaves an empty file under the name, never a partial one.
// Public so the tests can race it on file systems that have the no-replace rename.
bool moveWithoutReplacingByLink(const std::filesystem::path& from, const std::filesystem::path& to);

} // namespace docdesk::platform
