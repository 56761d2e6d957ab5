#include "core/common/FileChunks.h"

#include <cerrno>
#include <system_error>

namespace docdesk {

FileChunkReader::FileChunkReader(const std::filesystem::path& file)
    : file_(file), in_(file, std::ios::binary) {
    if (!in_)
        throw std::filesystem::filesystem_error(
            "cannot read file", file_, std::error_code(errno ? errno : EIO, std::generic_category()));
}

std::size_t FileChunkReader::read(std::span<std::byte> buffer) {
    std::size_t got = 0;
    while (got < buffer.size() && in_) {
        in_.read(reinterpret_cast<char*>(buffer.data() + got),
                 static_cast<std::streamsize>(buffer.size() - got));
        got += static_cast<std::size_t>(in_.gcount());
    }
    if (in_.bad())
        throw std::filesystem::filesystem_error("cannot read file", file_,
                                                std::make_error_code(std::errc::io_error));
    bytesRead_ += got;
    return got;
}

} // namespace docdesk
