#include "platform/ProcessLimits.h"

#include <csignal>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/resource.h>

namespace docdesk::platform {

void limitAddressSpace(std::uint64_t bytes) {
    if (bytes == 0)
        return;
    rlimit lim{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
    ::setrlimit(RLIMIT_AS, &lim);
}

void keepLargeBuffersOnHeap() {
#if defined(__GLIBC__)
    // 32 MB is glibc's largest mmap threshold; bigger blocks (600-dpi colour pages) still map.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

void disableCoreDumps() {
    rlimit lim{0, 0};
    ::setrlimit(RLIMIT_CORE, &lim);
}

const char* signalName(int signal) {
    switch (signal) {
    case SIGABRT: return "SIGABRT";
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    default: return "signal";
    }
}

} // namespace docdesk::platform
