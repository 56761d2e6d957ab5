#pragma once
// A file read front to back in fixed-size pieces, for the copies and hashes of import, filing,
// the outbox and upload: their memory must not grow with the file's size (a 4 GB video is
// filed like a 4 KB text).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>

namespace docdesk {

// The piece size of copies and hashes: large enough for full disk speed, small enough that a
// few of them in flight cost nothing.
inline constexpr std::size_t kCopyChunkBytes = std::size_t(1) << 20;

class FileChunkReader {
  public:
    // Throws std::filesystem::filesystem_error (naming the file and the reason) when the file
    // cannot be opened.
    explicit FileChunkReader(const std::filesystem::path& file);

    // Fills `buffer` with the next bytes (fewer only at the end) and returns how many; 0 at the
    // end of the file. Throws std::filesystem::filesystem_error when reading fails.
    std::size_t read(std::span<std::byte> buffer);

    std::uint64_t bytesRead() const { return bytesRead_; }
    const std::filesystem::path& file() const { return file_; }

  private:
    std::filesystem::path file_;
    std::ifstream in_;
    std::uint64_t bytesRead_ = 0;
};

} // namespace docdesk
