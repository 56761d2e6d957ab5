#include "platform/ProcessLimits.h"

#include <csignal>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/resource.h>
#include <unistd.h>

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

void runInBackground() {
    // On Linux, PRIO_PROCESS with the thread id sets one thread's nice value. Raising it is
    // always allowed; failure (e.g. a sandbox) leaves the priority as it was.
#if defined(__linux__)
    [[maybe_unused]] const int r = ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
#else
    [[maybe_unused]] const int r = ::setpriority(PRIO_PROCESS, 0, 10);
#endif
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
