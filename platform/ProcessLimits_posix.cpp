#include "platform/ProcessLimits.h"

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
