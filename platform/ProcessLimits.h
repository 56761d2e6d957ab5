#pragma once
// Resource limits for worker processes that decode untrusted input.
#include <cstdint>

namespace docdesk::platform {

// Caps this process's address space (0 = leave as is). Allocations beyond it fail (bad_alloc)
// instead of exhausting the machine.
void limitAddressSpace(std::uint64_t bytes);
// No core files: a crashing decoder must not write page contents to disk.
void disableCoreDumps();
// Keeps page-sized buffers (a 300-dpi A4 page is 8.7 MB grey) on the heap instead of fresh
// mmap()s: glibc maps every large block anew and the kernel zero-fills its pages on each use,
// which cost analysis more than half its time. Freed memory up to 64 MB stays for reuse, by
// every thread: there is one heap (no per-thread arenas), so a page's buffers freed by one
// thread serve the next page's in another instead of lying in an arena of its own. Call it
// before the process starts threads.
void keepLargeBuffersOnHeap();
// Lowers the calling thread's CPU priority (threads and processes it starts later inherit it):
// another thread to 10 nice levels below the process's main thread (at least nice 10, at most
// 19), a main thread (a worker process) to at least nice 10. So on a busy machine the window's
// thread is served before analysis, thumbnails and filing. Does nothing where not supported.
void runInBackground();
// From now on this process (and what it starts) cannot open IPv4/IPv6 sockets: socket()
// fails with EACCES (a seccomp filter, Linux on x86-64 and arm64). For workers that must stay
// off the network unless the user asked, such as the scanner drivers' discovery broadcasts.
// False when the filter could not be installed.
bool denyNetworkSockets();
// Human-readable name of a signal number ("SIGABRT"), for messages.
const char* signalName(int signal);

} // namespace docdesk::platform
