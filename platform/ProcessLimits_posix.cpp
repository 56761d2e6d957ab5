#include "platform/ProcessLimits.h"

#include <csignal>
#include <sys/resource.h>

namespace docdesk::platform {

void limitAddressSpace(std::uint64_t bytes) {
    if (bytes == 0)
        return;
    rlimit lim{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
    ::setrlimit(RLIMIT_AS, &lim);
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
