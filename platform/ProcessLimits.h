#pragma once
// Resource limits for worker processes that decode untrusted input.
#include <cstdint>

namespace docdesk::platform {

// Caps this process's address space (0 = leave as is). Allocations beyond it fail (bad_alloc)
// instead of exhausting the machine.
void limitAddressSpace(std::uint64_t bytes);
// No core files: a crashing decoder must not write page contents to disk.
void disableCoreDumps();
// Human-readable name of a signal number ("SIGABRT"), for messages.
const char* signalName(int signal);

} // namespace docdesk::platform
