#include "platform/DurableFiles.h"
#include "platform/PlaceFile.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>
#include <vector>

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

// Removes the temporary file `temp`, then throws for `error` at `p`.
[[noreturn]] void removeAndThrow(const std::filesystem::path& temp, const char* what,
                                 const std::filesystem::path& p, int error) {
    ::unlink(temp.c_str());
    errno = error;
    throwErrno(what, p);
}

// The folder of `file` ("." for a bare name).
std::filesystem::path folderOf(const std::filesystem::path& file) {
    const auto dir = file.parent_path();
    return dir.empty() ? std::filesystem::path(".") : dir;
}

// Creates `dir` and its missing ancestors, flushing each new entry into its parent so the
// folders survive a crash together with the file placed in them.
void createFoldersDurably(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> missing;
    for (std::filesystem::path p = dir; !p.empty(); p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                errno = ENOTDIR;
                throwErrno("cannot create folder", p);
            }
            break;
        }
        if (errno != ENOENT)
            throwErrno("cannot open folder", p);
        missing.push_back(p);
        if (p == p.parent_path())
            break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST)
            throwErrno("cannot create folder", *it);
        fsyncDirectory(folderOf(*it));
    }
}

// Writes all of `bytes` to `fd`; false (errno set) when the system refuses.
bool writeAll(int fd, const std::byte* p, size_t left) {
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    return true;
}

// Copies `source` into `fd` in pieces of kChunkBytes (memory stays flat whatever the size).
// Returns 0, or the errno of a failed write; what `source` throws goes on.
int copyInto(int fd, const ports::DurableFiles::ByteSource& source) {
    constexpr size_t kChunkBytes = size_t(1) << 20;
    std::vector<std::byte> buffer(kChunkBytes);
    while (const size_t n = source(buffer)) {
        if (!writeAll(fd, buffer.data(), std::min(n, buffer.size())))
            return errno;
    }
    return 0;
}

// Writes the bytes of `source` to a new temporary file beside `target` and flushes it;
// returns its path. On error (also one `source` throws) the temporary file is removed first.
std::filesystem::path writeTempBeside(const std::filesystem::path& target,
                                      const ports::DurableFiles::ByteSource& source, mode_t mode) {
    // The target's name is shortened so a long (but valid) name still leaves room for the
    // prefix and suffix within the file system's name limit.
    std::string name = target.filename().string();
    if (name.size() > 100) {
        size_t cut = 100;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80)
            --cut; // not inside a UTF-8 sequence
        name.resize(cut);
    }
    const auto temp = folderOf(target) / (".tmp-" + name + "-" + uniqueSuffix());
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0)
        throwErrno("cannot create file", temp);
    int error = 0;
    try {
        error = copyInto(fd.get(), source);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    if (error != 0)
        removeAndThrow(temp, "cannot write file", temp, error);
    if (::fsync(fd.get()) != 0)
        removeAndThrow(temp, "cannot flush file", temp, errno);
    return temp;
}

class FlockLock final : public ports::ExclusiveLock {
  public:
    explicit FlockLock(int fd) : fd_(fd) {}
    ~FlockLock() override { ::flock(fd_.get(), LOCK_UN); }

  private:
    Fd fd_;
};

} // namespace

void PosixDurableFiles::writeAtomically(const std::filesystem::path& target, const ByteSource& source,
                                        const BeforePlacing& beforePlacing) {
    const auto dir = folderOf(target); // "." for a bare name such as "operator.key"
    const auto temp = writeTempBeside(target, source, 0600);
    if (beforePlacing) {
        try {
            beforePlacing();
        } catch (...) {
            ::unlink(temp.c_str());
            throw;
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

bool PosixDurableFiles::createNewDurably(const std::filesystem::path& target, const ByteSource& source) {
    const auto dir = folderOf(target);
    createFoldersDurably(dir);
    const auto temp = writeTempBeside(target, source, 0666);
    bool placed = false;
    try {
        placed = moveWithoutReplacing(temp, target);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    if (!placed) {
        ::unlink(temp.c_str());
        return false;
    }
    fsyncDirectory(dir);
    return true;
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
