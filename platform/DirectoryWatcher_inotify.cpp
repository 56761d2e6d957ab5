#include "platform/DirectoryWatcher.h"

#include <cerrno>
#include <poll.h>
#include <sys/inotify.h>
#include <system_error>
#include <unistd.h>

namespace docdesk::platform {

DirectoryWatcher::DirectoryWatcher(const std::filesystem::path& folder) {
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0)
        throw std::system_error(errno, std::generic_category(), "inotify_init1");
    constexpr std::uint32_t mask =
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM;
    if (::inotify_add_watch(fd_, folder.c_str(), mask) < 0) {
        const int error = errno;
        ::close(fd_);
        throw std::system_error(error, std::generic_category(), "watching " + folder.string());
    }
}

DirectoryWatcher::~DirectoryWatcher() {
    if (fd_ >= 0)
        ::close(fd_);
}

bool DirectoryWatcher::waitForChange(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready <= 0)
        return false;
    // Drain every queued event; what changed is looked up in the folder itself.
    alignas(inotify_event) char buffer[16 * 1024];
    for (int rounds = 0; rounds < 64; ++rounds)
        if (::read(fd_, buffer, sizeof buffer) <= 0)
            break;
    return true;
}

} // namespace docdesk::platform
