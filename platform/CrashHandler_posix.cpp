#include "platform/CrashHandler.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>
#include <execinfo.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace docdesk::platform {
namespace {

// Everything the handler needs, filled in before any crash can happen.
constexpr size_t kTextMax = 512;
char g_folder[4096];
char g_program[kTextMax];
char g_version[kTextMax];
volatile std::sig_atomic_t g_fromTerminate = 0;
std::atomic<bool> g_reporting{false};
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

// A small fixed buffer with async-signal-safe appends (no malloc, no stdio, no locale).
struct Line {
    char text[1024];
    size_t size = 0;
    void add(const char* s) {
        while (*s && size < sizeof text)
            text[size++] = *s++;
    }
    void addNumber(unsigned long long v, int minDigits = 1) {
        char digits[24];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v && n < 24);
        while (n < minDigits && n < 24)
            digits[n++] = '0';
        while (n > 0 && size < sizeof text)
            text[size++] = digits[--n];
    }
    void writeTo(int fd) const {
        size_t done = 0;
        while (done < size) {
            const ssize_t w = ::write(fd, text + done, size - done);
            if (w <= 0)
                return;
            done += static_cast<size_t>(w);
        }
    }
};

const char* signalText(int sig) {
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV (invalid memory access)";
    case SIGBUS:
        return "SIGBUS (bus error)";
    case SIGILL:
        return "SIGILL (illegal instruction)";
    case SIGFPE:
        return "SIGFPE (arithmetic error)";
    case SIGABRT:
        return "SIGABRT (abort)";
    default:
        return "unknown signal";
    }
}

struct CivilTime {
    long long year;
    unsigned month, day, hour, minute, second;
};

// UTC calendar time from seconds since the epoch without gmtime (not async-signal-safe);
// Howard Hinnant's days-to-civil algorithm.
CivilTime civilFromEpoch(long long t) {
    long long days = t / 86400;
    long long rest = t % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    days += 719468;
    const long long era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<long long>(yoe) + era * 400 + (m <= 2),
            m,
            d,
            static_cast<unsigned>(rest / 3600),
            static_cast<unsigned>(rest / 60 % 60),
            static_cast<unsigned>(rest % 60)};
}

void writeReport(int sig) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const CivilTime c = civilFromEpoch(now.tv_sec);
    const auto pid = static_cast<unsigned long long>(::getpid());

    // <folder>/<program>-YYYYMMDDTHHMMSSZ-<pid>.txt: unique per process, sorted by time.
    Line path;
    path.add(g_folder);
    path.add("/");
    path.add(g_program);
    path.add("-");
    path.addNumber(static_cast<unsigned long long>(c.year), 4);
    path.addNumber(c.month, 2);
    path.addNumber(c.day, 2);
    path.add("T");
    path.addNumber(c.hour, 2);
    path.addNumber(c.minute, 2);
    path.addNumber(c.second, 2);
    path.add("Z-");
    path.addNumber(pid);
    path.add(".txt");
    if (path.size >= sizeof path.text)
        return;
    path.text[path.size] = '\0';
    const int fd = ::open(path.text, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return;

    Line head;
    head.add("docdesk crash report\nprogram: ");
    head.add(g_program);
    head.add("\nversion: ");
    head.add(g_version);
    head.add("\ntime: ");
    head.addNumber(static_cast<unsigned long long>(c.year), 4);
    head.add("-");
    head.addNumber(c.month, 2);
    head.add("-");
    head.addNumber(c.day, 2);
    head.add("T");
    head.addNumber(c.hour, 2);
    head.add(":");
    head.addNumber(c.minute, 2);
    head.add(":");
    head.addNumber(c.second, 2);
    head.add("Z\nsignal: ");
    head.add(signalText(sig));
    if (g_fromTerminate)
        head.add(", from std::terminate (an exception nobody caught, or a broken invariant)");
    head.add("\npid: ");
    head.addNumber(pid);
    head.add("\nbacktrace:\n");
    head.writeTo(fd);

    void* frames[64];
    const int count = ::backtrace(frames, 64);
    ::backtrace_symbols_fd(frames, count, fd);
    Line tail;
    tail.add("end of report\n");
    tail.writeTo(fd);
    ::fsync(fd);
    ::close(fd);
}

void onCrashSignal(int sig, siginfo_t*, void*) {
    // One report per process: a second thread crashing meanwhile just dies.
    if (!g_reporting.exchange(true))
        writeReport(sig);
    // SA_RESETHAND restored the default action; re-raising delivers it once this handler
    // returns (the signal is blocked until then), also for a signal sent with kill.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

[[noreturn]] void onTerminate() {
    g_fromTerminate = 1;
    std::abort();
}

void copyText(char* to, size_t capacity, std::string_view from) {
    const size_t n = std::min(capacity - 1, from.size());
    std::memcpy(to, from.data(), n);
    to[n] = '\0';
}

} // namespace

void installCrashHandler(const std::filesystem::path& reportFolder, std::string_view program,
                         std::string_view version) {
    std::error_code ec;
    std::filesystem::create_directories(reportFolder, ec);
    if (ec)
        return;
    ::chmod(reportFolder.c_str(), 0700);
    copyText(g_folder, sizeof g_folder, reportFolder.string());
    copyText(g_program, sizeof g_program, program);
    copyText(g_version, sizeof g_version, version);

    // The first backtrace() loads libgcc_s (malloc, dlopen): do it now, not in the handler.
    void* warmUp[2];
    ::backtrace(warmUp, 2);

    // A stack overflow leaves no stack to run the handler on; give it its own (never freed).
    static char* altStack = new char[SIGSTKSZ > 65536 ? SIGSTKSZ : 65536];
    stack_t ss{};
    ss.ss_sp = altStack;
    ss.ss_size = SIGSTKSZ > 65536 ? SIGSTKSZ : 65536;
    ::sigaltstack(&ss, nullptr);

    struct sigaction sa {};
    sa.sa_sigaction = onCrashSignal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (int sig : kSignals)
        ::sigaction(sig, &sa, nullptr);
    std::set_terminate(onTerminate);
}

} // namespace docdesk::platform
