#include "platform/TerminalSecret.h"

#include <cerrno>
#include <fcntl.h>
#include <stdexcept>
#include <termios.h>
#include <unistd.h>

namespace docdesk::platform {
namespace {

std::size_t readLine(int fd, std::span<unsigned char> buffer) {
    std::size_t length = 0;
    // One byte at a time: no read-ahead, so the next secret on the same descriptor stays there.
    for (;;) {
        unsigned char c = 0;
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::runtime_error("cannot read the secret");
        if (n == 0 || c == '\n')
            break;
        if (length == buffer.size())
            throw std::runtime_error("the secret is too long");
        buffer[length++] = c;
    }
    if (length > 0 && buffer[length - 1] == '\r')
        --length;
    return length;
}

} // namespace

std::size_t readSecretFromTerminal(const std::string& prompt, std::span<unsigned char> buffer) {
    const int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0)
        throw std::runtime_error("no terminal");
    termios old{};
    const bool haveAttrs = ::tcgetattr(tty, &old) == 0;
    if (haveAttrs) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    [[maybe_unused]] const ssize_t shown = ::write(tty, prompt.data(), prompt.size());
    std::size_t length = 0;
    try {
        length = readLine(tty, buffer);
    } catch (...) {
        if (haveAttrs)
            ::tcsetattr(tty, TCSAFLUSH, &old);
        ::close(tty);
        throw;
    }
    if (haveAttrs)
        ::tcsetattr(tty, TCSAFLUSH, &old);
    ::close(tty);
    return length;
}

std::size_t readSecretFromDescriptor(int fd, std::span<unsigned char> buffer) {
    return readLine(fd, buffer);
}

} // namespace docdesk::platform
