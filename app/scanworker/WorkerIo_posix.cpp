#include "app/scanworker/WorkerIo.h"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <unistd.h>
#include <utility>

namespace docdesk::scanworker {
namespace {

void (*g_onTerminate)() noexcept = nullptr;

void handleTerminate(int) {
    if (g_onTerminate)
        g_onTerminate();
}

} // namespace

ProtocolChannel::ProtocolChannel() {
    out_ = ::dup(STDOUT_FILENO);
    if (out_ < 0)
        out_ = STDOUT_FILENO;
    else
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
}

ProtocolChannel::~ProtocolChannel() {
    if (out_ != STDOUT_FILENO && out_ >= 0)
        ::close(out_);
}

bool ProtocolChannel::fill(bool wait) {
    if (ended_)
        return false;
    pollfd pfd{in_, POLLIN, 0};
    // A signal (SIGTERM) interrupts the wait, so the caller can look at why.
    const int ready = ::poll(&pfd, 1, wait ? -1 : 0);
    if (ready < 0 && errno != EINTR) {
        ended_ = true; // stdin is unusable: as good as closed
        return false;
    }
    if (ready <= 0) {
        interrupted_ = wait;
        return false;
    }
    char chunk[4096];
    ssize_t n = 0;
    do {
        n = ::read(in_, chunk, sizeof chunk);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        ended_ = true;
        return false;
    }
    buffer_.append(chunk, std::size_t(n));
    return true;
}

std::optional<std::string> ProtocolChannel::readLine(bool wait) {
    for (;;) {
        if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (!fill(wait)) {
            if (wait && ended_ && !buffer_.empty()) // a last line without its newline
                return std::exchange(buffer_, {});
            if (!wait || ended_ || std::exchange(interrupted_, false))
                return std::nullopt;
        }
    }
}

bool ProtocolChannel::writeLine(const std::string& line) {
    const std::string data = line + "\n";
    const char* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(out_, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        left -= std::size_t(n);
    }
    return true;
}

void installSignalHandlers(void (*onTerminate)() noexcept) {
    g_onTerminate = onTerminate;
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGINT, &ignore, nullptr);
    ::sigaction(SIGPIPE, &ignore, nullptr);
    struct sigaction terminate {};
    terminate.sa_handler = handleTerminate;
    sigemptyset(&terminate.sa_mask);
    terminate.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &terminate, nullptr);
    ::sigaction(SIGHUP, &terminate, nullptr);
}

} // namespace docdesk::scanworker
