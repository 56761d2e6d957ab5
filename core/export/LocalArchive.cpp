#include "core/export/LocalArchive.h"

#include "core/common/FileChunks.h"
#include "core/common/FreeName.h"
#include "core/common/Sha256.h"
#include "core/common/Translate.h"

#include <cstring>
#include <memory>
#include <system_error>

namespace docdesk::output {
namespace fs = std::filesystem;

namespace {

// Beyond this many numbered variants of one name, something is wrong with the naming.
constexpr int kMaxNumber = 9999;
constexpr size_t kMaxNameBytes = 255; // NAME_MAX of common file systems

std::span<const std::byte> bytesOf(const std::string& s) {
    return std::as_bytes(std::span(s));
}

ArchiveError writeFailure(const std::system_error& e, const fs::path& target) {
    const auto* fsError = dynamic_cast<const fs::filesystem_error*>(&e);
    const fs::path at = fsError ? fsError->path1() : fs::path();
    const std::string reason = e.code().message();
    // The temporary file's name means nothing to the user; the target's does.
    if (at.empty() || at == target || at.filename().string().starts_with(".tmp-"))
        return ArchiveError(trf("Cannot save {} in the archive: {}.", target.string(), reason));
    return ArchiveError(trf("Cannot save {} in the archive: {} ({}).", target.string(), reason, at.string()));
}

// Size and SHA-256 of each file as it will be placed (a source file's recorded hash is
// trusted here and checked while it is copied).
std::vector<PlacedFile> describe(std::span<const ArchiveFile> files) {
    std::vector<PlacedFile> out;
    for (const ArchiveFile& f : files) {
        if (f.sourceFile.empty()) {
            out.push_back({{}, f.bytes.size(), sha256Hex(f.bytes)});
            continue;
        }
        try {
            const auto size = fs::file_size(f.sourceFile);
            out.push_back(
                {{}, size, f.sourceSha256.empty() ? sha256HexOfFile(f.sourceFile) : f.sourceSha256});
        } catch (const fs::filesystem_error& e) {
            throw ArchiveError(trf("Cannot read {}: {}", f.sourceFile.string(), e.code().message()));
        }
    }
    return out;
}

// The bytes of `f` for the file system: its own, or its source file read in pieces and
// checked at the end against the size and hash `expected` says (else nothing is placed).
ports::DurableFiles::ByteSource contentOf(const ArchiveFile& f, const PlacedFile& expected) {
    if (f.sourceFile.empty())
        return ports::DurableFiles::sourceOf(f.bytes);
    auto reader = std::make_shared<FileChunkReader>(f.sourceFile);
    auto hash = std::make_shared<Sha256>();
    return [reader, hash, expected](std::span<std::byte> buffer) {
        const size_t n = reader->read(buffer);
        hash->update(std::span(buffer).first(n));
        if (n == 0 && (reader->bytesRead() != expected.bytes || hash->hexDigest() != expected.sha256))
            throw ArchiveError(
                trf("{} is not what was recorded (it changed or is damaged; its size or SHA-256 "
                    "differs), so it was not filed.",
                    reader->file().string()));
        return n;
    };
}

void removeAll(const std::vector<fs::path>& paths) {
    for (const fs::path& p : paths) {
        std::error_code ignored;
        fs::remove(p, ignored);
    }
}

} // namespace

void checkArchiveFileName(const std::string& name) {
    if (name.empty() || name == "." || name == "..")
        throw ArchiveError(trf("\"{}\" cannot be used as a file name.", name));
    if (name.size() > kMaxNameBytes)
        throw ArchiveError(trf("The file name \"{}\" is too long ({} bytes; at most {}).", name, name.size(),
                               kMaxNameBytes));
    for (const char c : name)
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            throw ArchiveError(trf(
                "The file name \"{}\" contains a slash or a control character, which file names cannot hold.",
                name));
}

void checkArchiveFolder(const fs::path& folder) {
    if (folder.has_root_name() || folder.has_root_directory())
        throw ArchiveError(
            trf("The archive folder \"{}\" must be relative to the archive.", folder.string()));
    for (const fs::path& part : folder) {
        const std::string s = part.string();
        if (s.empty() || s == ".")
            continue;
        if (s == "..")
            throw ArchiveError(trf("The archive folder \"{}\" points outside the archive.", folder.string()));
        checkArchiveFileName(s);
    }
}

LocalArchive::LocalArchive(fs::path root, ports::DurableFiles& files)
    : root_(std::move(root)), files_(files) {}

Placement LocalArchive::place(const fs::path& folder, const std::string& baseName,
                              std::span<const ArchiveFile> files,
                              const std::optional<nlohmann::json>& sidecar) {
    checkArchiveFolder(folder);
    checkArchiveFileName(baseName);
    if (files.empty())
        throw ArchiveError(tr("There is nothing to file."));
    for (const ArchiveFile& f : files)
        checkArchiveFileName(baseName + f.suffix + f.extension);
    const fs::path dir = (root_ / folder).lexically_normal();
    const std::vector<PlacedFile> contents = describe(files);
    for (int n = 1; n <= kMaxNumber; ++n) {
        const std::string base = numberedName(baseName, n);
        if (auto placement = tryPlace(dir, base, files, contents, sidecar))
            return *placement;
    }
    throw ArchiveError(
        trf("{} and its numbered variants up to ({}) already exist in {}; choose another name.", baseName,
            kMaxNumber, dir.string()));
}

std::optional<Placement> LocalArchive::tryPlace(const fs::path& dir, const std::string& base,
                                                std::span<const ArchiveFile> files,
                                                std::span<const PlacedFile> contents,
                                                const std::optional<nlohmann::json>& sidecar) {
    // Every name of this attempt, with its bytes' size and hash (the sidecar's text first).
    std::string sidecarText;
    std::vector<PlacedFile> planned;
    if (sidecar) {
        nlohmann::json j = *sidecar;
        j["files"] = nlohmann::json::array();
        for (size_t i = 0; i < files.size(); ++i)
            j["files"].push_back({{"name", base + files[i].suffix + files[i].extension},
                                  {"bytes", contents[i].bytes},
                                  {"sha256", contents[i].sha256}});
        sidecarText = j.dump(2) + "\n";
        const fs::path at = dir / (files.size() == 1 ? base + files[0].suffix + files[0].extension + ".json"
                                                     : base + ".json");
        planned.push_back({at, sidecarText.size(), sha256Hex(bytesOf(sidecarText))});
    }
    for (size_t i = 0; i < files.size(); ++i)
        planned.push_back(
            {dir / (base + files[i].suffix + files[i].extension), contents[i].bytes, contents[i].sha256});
    std::error_code ec;
    for (const auto& f : planned)
        if (fs::exists(f.path, ec))
            return std::nullopt; // taken (maybe left over from an earlier crash): next number
    if (beforeWriting_)
        beforeWriting_(sidecar ? std::vector<PlacedFile>(planned.begin() + 1, planned.end()) : planned,
                       sidecar ? std::optional<PlacedFile>(planned.front()) : std::nullopt);

    Placement placement;
    std::vector<fs::path> written;
    fs::path current = planned.front().path;
    try {
        for (size_t k = 0; k < planned.size(); ++k) {
            current = planned[k].path;
            const bool isSidecar = sidecar && k == 0;
            const size_t i = sidecar ? k - 1 : k;
            const bool created = isSidecar
                                     ? files_.createNewDurably(current, bytesOf(sidecarText))
                                     : files_.createNewDurably(current, contentOf(files[i], contents[i]));
            if (!created)
                break; // taken meanwhile (another writer): undone below, next number
            written.push_back(current);
            if (isSidecar)
                placement.sidecar = current;
            else
                placement.files.push_back(planned[k]);
        }
    } catch (const std::system_error& e) {
        removeAll(written);
        throw writeFailure(e, current);
    } catch (...) {
        removeAll(written);
        throw;
    }
    if (written.size() == planned.size())
        return placement;
    removeAll(written);
    return std::nullopt;
}

} // namespace docdesk::output
