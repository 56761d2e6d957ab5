#include "platform/DurableFiles.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace docdesk::platform {
namespace {

[[noreturn]] void throwErrno(const std::string& what, const std::filesystem::path& p) {
    throw std::filesystem::filesystem_error(what, p, std::error_code(errno, std::generic_category()));
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

void fsyncDirectory(const std::filesystem::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0)
        throwErrno("cannot open folder", dir);
    if (::fsync(fd.get()) != 0)
        throwErrno("cannot flush folder", dir);
}

std::string uniqueSuffix() {
    static std::atomic<unsigned> counter{0};
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(rng() & 0xffffff);
}

class FlockLock final : public ports::ExclusiveLock {
public:
    explicit FlockLock(int fd) : fd_(fd) {}
    ~FlockLock() override {
        ::flock(fd_.get(), LOCK_UN);
    }

private:
    Fd fd_;
};

} // namespace

void PosixDurableFiles::writeAtomically(const std::filesystem::path& target,
                                        std::span<const std::byte> bytes) {
    const auto dir = target.parent_path();
    const auto temp = dir / (".tmp-" + target.filename().string() + "-" + uniqueSuffix());
    {
        Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (fd.get() < 0)
            throwErrno("cannot create file", temp);
        const std::byte* p = bytes.data();
        size_t left = bytes.size();
        while (left > 0) {
            const ssize_t n = ::write(fd.get(), p, left);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                const int saved = errno;
                ::unlink(temp.c_str());
                errno = saved;
                throwErrno("cannot write file", temp);
            }
            p += n;
            left -= static_cast<size_t>(n);
        }
        if (::fsync(fd.get()) != 0) {
            const int saved = errno;
            ::unlink(temp.c_str());
            errno = saved;
            throwErrno("cannot flush file", temp);
        }
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        throwErrno("cannot rename file into place", target);
    }
    fsyncDirectory(dir);
}

std::unique_ptr<ports::ExclusiveLock>
PosixDurableFiles::tryLockExclusive(const std::filesystem::path& lockFile, std::string& holder) {
    Fd fd(::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (fd.get() < 0)
        throwErrno("cannot open lock file", lockFile);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK)
            throwErrno("cannot lock", lockFile);
        char buf[64] = {};
        const ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
        holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("another process");
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
            holder.pop_back();
        return nullptr;
    }
    // Record who holds the lock, for the message another instance shows.
    const std::string me = "process " + std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd.get(), 0) == 0) {
        [[maybe_unused]] const ssize_t w = ::pwrite(fd.get(), me.data(), me.size(), 0);
    }
    return std::make_unique<FlockLock>(fd.release());
}

ports::DurableFiles& durableFiles() {
    static PosixDurableFiles instance;
    return instance;
}

} // namespace docdesk::platform
