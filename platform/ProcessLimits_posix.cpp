#include "platform/ProcessLimits.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/resource.h>
#include <unistd.h>
#if defined(__linux__)
#include <cerrno>
#include <cstddef>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#endif

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
    // The CLI renders, assembles and places documents in threads that come and go: with an
    // arena each, their buffers were faulted in afresh (42% fewer page faults in `file` with
    // one, about 2% less CPU). Page work is far from malloc-bound, so one lock costs nothing.
    mallopt(M_ARENA_MAX, 1);
#endif
}

void disableCoreDumps() {
    rlimit lim{0, 0};
    ::setrlimit(RLIMIT_CORE, &lim);
}

void runInBackground() {
    // On Linux, PRIO_PROCESS with a thread id sets one thread's nice value and with the
    // process id reads the main thread's. Raising it is always allowed; failure (e.g. a
    // sandbox) leaves the priority as it was.
    // A thread of the window goes 10 nice levels above its main thread, not to nice 10: a window started at
    // nice 10 (a CI job, `nice docdesk`) would otherwise share the CPU equally with its own
    // background work (UI stalls of 150-220 ms while pages were analysed on arrival, issue 16).
    // A worker process's main thread inherited the nice value of the thread that started it,
    // which already counts the window's offset: it is only made sure to be at least 10.
    errno = 0;
    const int mainThread = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::getpid()));
    if (errno != 0)
        return;
#if defined(__linux__)
    const auto self = static_cast<id_t>(::gettid());
    const bool onMainThread = ::gettid() == ::getpid();
#else
    const id_t self = 0; // the whole process
    const bool onMainThread = true;
#endif
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, self);
    if (errno != 0)
        return;
    // Never raised: a thread already further back stays there.
    const int wanted = std::max(now, onMainThread ? 10 : std::max(10, mainThread + 10));
    [[maybe_unused]] const int r = ::setpriority(PRIO_PROCESS, self, std::min(wanted, 19));
}

const char* signalName(int signal) {
    switch (signal) {
    case SIGABRT:
        return "SIGABRT";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGKILL:
        return "SIGKILL";
    case SIGTERM:
        return "SIGTERM";
    case SIGXCPU:
        return "SIGXCPU";
    default:
        return "signal";
    }
}

bool denyNetworkSockets() {
#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#if defined(__x86_64__)
    constexpr unsigned arch = AUDIT_ARCH_X86_64;
#else
    constexpr unsigned arch = AUDIT_ARCH_AARCH64;
#endif
    constexpr unsigned deny = SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA);
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), // another ABI: not ours
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 5, 0),         // x32 system calls: refused
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 4, 0), // could open sockets too
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, deny),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return false;
    return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
#else
    return false;
#endif
}

} // namespace docdesk::platform
