#include "platform/PlaceFile.h"

#include <cerrno>
#include <fcntl.h>
#include <stdio.h> // renameat2, RENAME_NOREPLACE (glibc >= 2.28)
#include <system_error>
#include <unistd.h>

namespace docdesk::platform {
namespace {

[[noreturn]] void throwError(const char* what, const std::filesystem::path& p, int error) {
    throw std::filesystem::filesystem_error(what, p, std::error_code(error, std::generic_category()));
}

// Reserves `to` with an exclusive create, then renames `from` over the reservation.
bool moveOverReservation(const std::filesystem::path& from, const std::filesystem::path& to) {
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (errno == EEXIST)
            return false;
        throwError("cannot create file", to, errno);
    }
    ::close(fd);
    if (::rename(from.c_str(), to.c_str()) != 0) {
        const int error = errno;
        ::unlink(to.c_str());
        throwError("cannot rename file into place", to, error);
    }
    return true;
}

} // namespace

bool moveWithoutReplacingByLink(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::link(from.c_str(), to.c_str()) == 0) {
        ::unlink(from.c_str());
        return true;
    }
    const int error = errno;
    if (error == EEXIST)
        return false;
    if (error == EPERM || error == ENOTSUP || error == ENOSYS || error == EXDEV)
        return moveOverReservation(from, to);
    throwError("cannot move file into place", to, error);
}

bool moveWithoutReplacing(const std::filesystem::path& from, const std::filesystem::path& to) {
    // renameat2 with RENAME_NOREPLACE: atomic and refuses an existing name (Linux >= 3.15 on
    // ext4, btrfs, xfs, tmpfs...).
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return true;
    const int error = errno;
    if (error == EEXIST)
        return false;
    if (error == EINVAL || error == ENOSYS || error == ENOTSUP)
        return moveWithoutReplacingByLink(from, to); // no RENAME_NOREPLACE here (NFS, FUSE)
    throwError("cannot move file into place", to, error);
}

} // namespace docdesk::platform
