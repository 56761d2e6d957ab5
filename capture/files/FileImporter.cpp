#include "capture/files/FileImporter.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/imaging/MediaType.h"
#include "core/imaging/PageDecoder.h"

#include <algorithm>
#include <fstream>

namespace docdesk::capture {
namespace fs = std::filesystem;

namespace {

// Originals larger than this are refused before reading (a safety net, not a format limit).
constexpr std::uintmax_t kMaxFileBytes = 2ull << 30;

std::vector<std::byte> readWholeFile(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
        throw UnreadableFileError(trf("Cannot read {}: {}", file.string(), ec.message()));
    if (size > kMaxFileBytes)
        throw UnreadableFileError(trf("{} is larger than 2 GiB and was not imported.", file.string()));
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw UnreadableFileError(trf("Cannot open {}.", file.string()));
    std::vector<std::byte> bytes(size);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size)
        throw UnreadableFileError(trf("Cannot read {}: it changed while being read.", file.string()));
    return bytes;
}

} // namespace

std::vector<fs::path> expandInputs(const std::vector<fs::path>& inputs) {
    std::vector<fs::path> out;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            std::vector<fs::path> found;
            for (auto it = fs::recursive_directory_iterator(in, fs::directory_options::skip_permission_denied, ec);
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

ImportOutcome importFile(journal::Session& session, const fs::path& file) {
    ImportOutcome outcome{file, {}, {}};
    try {
        const auto bytes = readWholeFile(file);
        if (bytes.empty())
            throw UnreadableFileError(trf("{} is empty.", file.filename().string()));
        const auto kind = imaging::sniffMediaKind(bytes);
        if (!imaging::isPageSource(kind)) {
            // Anything else is filed as it is: one pass-through entry with the exact bytes.
            const std::string mime = imaging::detectMimeType(bytes, file.filename().string());
            outcome.pages = session.addOriginal(bytes, fs::absolute(file).string(), mime, 1);
            return outcome;
        }
        // A file that claims to be an image or PDF but cannot be read is an error, not a
        // pass-through document: the user expects its pages.
        const int pages = imaging::countPages(bytes, kind);
        outcome.pages = session.addOriginal(bytes, fs::absolute(file).string(), imaging::mimeType(kind), pages);
    } catch (const UnreadableFileError& e) {
        outcome.error = e.what();
    }
    return outcome;
}

void importFiles(journal::Session& session, const std::vector<fs::path>& files, std::stop_token stop,
                 const std::function<void(const ImportOutcome&, size_t, size_t)>& onEach) {
    for (size_t i = 0; i < files.size(); ++i) {
        if (stop.stop_requested())
            return;
        onEach(importFile(session, files[i]), i + 1, files.size());
    }
}

} // namespace docdesk::capture
