#include "capture/files/FileImporter.h"

#include "capture/PageSource.h"
#include "core/common/Error.h"
#include "core/common/FileChunks.h"
#include "core/common/Sha256.h"
#include "core/common/Translate.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"

#include <algorithm>
#include <optional>

namespace docdesk::capture {
namespace fs = std::filesystem;

namespace {

// Images and PDFs are read whole to count their pages (the decoders' limits bound what they
// hold); larger ones are refused before reading. Other files are copied in pieces, any size.
constexpr std::uintmax_t kMaxPageSourceBytes = 2ull << 30;
// What tells a file's type: magic bytes, the first entries of a ZIP, the start of a text.
constexpr size_t kHeadBytes = 64 * 1024;

std::uintmax_t sizeOf(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
        throw UnreadableFileError(trf("Cannot read {}: {}", file.string(), ec.message()));
    if (size == 0)
        throw UnreadableFileError(trf("{} is empty.", file.filename().string()));
    return size;
}

// Up to `limit` bytes from the start of `file`.
std::vector<std::byte> readHead(const fs::path& file, std::uintmax_t limit) {
    try {
        FileChunkReader reader(file);
        std::vector<std::byte> bytes(static_cast<size_t>(limit));
        bytes.resize(reader.read(bytes));
        return bytes;
    } catch (const fs::filesystem_error& e) {
        throw UnreadableFileError(trf("Cannot read {}: {}", file.string(), e.code().message()));
    }
}

std::vector<std::byte> readWholeFile(const fs::path& file, std::uintmax_t size) {
    if (size > kMaxPageSourceBytes)
        throw UnreadableFileError(trf("{} is larger than 2 GiB and was not imported.", file.string()));
    auto bytes = readHead(file, size + 1);
    if (bytes.size() != size)
        throw UnreadableFileError(trf("Cannot read {}: it changed while being read.", file.string()));
    return bytes;
}

// The bytes of `file` in pieces, for the journal to copy; a file that does not end where its
// size said (still being written) is refused rather than stored cut off.
ports::DurableFiles::ByteSource piecesOf(FileChunkReader& reader, std::uintmax_t size) {
    return [&reader, size](std::span<std::byte> buffer) {
        size_t n = 0;
        try {
            n = reader.read(buffer);
        } catch (const fs::filesystem_error& e) {
            throw UnreadableFileError(trf("Cannot read {}: {}", reader.file().string(), e.code().message()));
        }
        if (reader.bytesRead() > size || (n == 0 && reader.bytesRead() != size))
            throw UnreadableFileError(
                trf("Cannot read {}: it changed while being read.", reader.file().string()));
        return n;
    };
}

// A file that is not an image or PDF, filed as it is: copied into the journal in pieces, so
// memory stays flat whatever its size.
std::vector<PageRecord> importPassThrough(PageSink& sink, const fs::path& file, std::uintmax_t size,
                                          std::span<const std::byte> head) {
    const std::string mime = imaging::detectMimeType(head, file.filename().string());
    std::optional<FileChunkReader> reader;
    try {
        reader.emplace(file);
    } catch (const fs::filesystem_error& e) {
        throw UnreadableFileError(trf("Cannot read {}: {}", file.string(), e.code().message()));
    }
    AcquiredPage original;
    original.pieces = piecesOf(*reader, size);
    original.source = fs::absolute(file).string();
    original.mediaType = mime;
    return sink.page(std::move(original));
}

} // namespace

std::vector<fs::path> expandInputs(const std::vector<fs::path>& inputs) {
    std::vector<fs::path> out;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            std::vector<fs::path> found;
            for (auto it =
                     fs::recursive_directory_iterator(in, fs::directory_options::skip_permission_denied, ec);
                 it != fs::recursive_directory_iterator(); it.increment(ec)) {
                if (ec)
                    break;
                const auto name = it->path().filename().string();
                if (name.starts_with(".")) {
                    if (it->is_directory())
                        it.disable_recursion_pending();
                    continue;
                }
                if (it->is_regular_file())
                    found.push_back(it->path());
            }
            std::sort(found.begin(), found.end());
            out.insert(out.end(), found.begin(), found.end());
        } else {
            out.push_back(in);
        }
    }
    return out;
}

int countPagesInThisProcess(const fs::path&, std::span<const std::byte> bytes) {
    return imaging::countPages(bytes, imaging::sniffMediaKind(bytes));
}

ImportOutcome importFile(PageSink& sink, const fs::path& file, const PageCounter& countPages) {
    ImportOutcome outcome{file, {}, {}};
    try {
        const auto size = sizeOf(file);
        const auto head = readHead(file, std::min<std::uintmax_t>(size, kHeadBytes));
        const auto kind = imaging::sniffMediaKind(head);
        if (!imaging::isPageSource(kind)) {
            // Anything else is filed as it is: one pass-through entry with the exact bytes.
            outcome.pages = importPassThrough(sink, file, size, head);
            return outcome;
        }
        // A file that claims to be an image or PDF but cannot be read is an error, not a
        // pass-through document: the user expects its pages.
        AcquiredPage original;
        original.bytes = readWholeFile(file, size);
        original.pageCount = countPages(file, original.bytes); // in a worker: the parsers see untrusted bytes
        original.source = fs::absolute(file).string();
        original.mediaType = imaging::mimeType(kind);
        outcome.pages = sink.page(std::move(original));
    } catch (const UnreadableFileError& e) {
        outcome.error = e.what();
    }
    return outcome;
}

std::vector<PageRecord> pagesHeldFor(const PageSink& sink, const fs::path& file) {
    std::string hash;
    try {
        // A file of a size no kept original has is none of them: not read and hashed (in a
        // fresh session, as every `file` run, no file is).
        if (!sink.mayHoldOriginalOfSize(fs::file_size(file)))
            return {};
        hash = sha256HexOfFile(file);
    } catch (const std::exception&) {
        return {}; // unreadable: the import reports it
    }
    return sink.pagesWithOriginalHash(hash);
}

} // namespace docdesk::capture
