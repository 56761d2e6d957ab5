#include "core/export/LocalArchive.h"

#include "core/common/FileChunks.h"
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

std::span<const std::byte> bytesOf(const std::string& s) { return std::as_bytes(std::span(s)); }

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
            out.push_back({{}, size, f.sourceSha256.empty() ? sha256HexOfFile(f.sourceFile) : f.sourceSha256});
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
            throw ArchiveError(trf("{} is not what was recorded (it changed or is damaged; its size or SHA-256 "
                                   "differs), so it was not filed.",
                                   reader->file().string()));
        return n;
    };
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
            throw ArchiveError(
                trf("The file name \"{}\" contains a slash or a control character, which file names cannot hold.",
                    name));
}

void checkArchiveFolder(const fs::path& folder) {
    if (folder.has_root_name() || folder.has_root_directory())
        throw ArchiveError(trf("The archive folder \"{}\" must be relative to the archive.", folder.string()));
    for (const fs::path& part : folder) {
        const std::string s = part.string();
        if (s.empty() || s == ".")
            continue;
        if (s == "..")
            throw ArchiveError(trf("The archive folder \"{}\" points outside the archive.", folder.string()));
        checkArchiveFileName(s);
    }
}

LocalArchive::LocalArchive(fs::path root, ports::DurableFiles& files) : root_(std::move(root)), files_(files) {}

Placement LocalArchive::place(const fs::path& folder, const std::string& baseName, std::span<const ArchiveFile> files,
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
        const std::string base = n == 1 ? baseName : fmt::format("{} ({})", baseName, n);
        Placement placement;
        std::vector<std::string> names;
        for (const ArchiveFile& f : files)
            names.push_back(base + f.suffix + f.extension);
        std::vector<fs::path> written;
        auto undo = [&] {
            for (const fs::path& p : written) {
                std::error_code ignored;
                fs::remove(p, ignored);
            }
        };
        fs::path current = dir / names.front();
        try {
            if (sidecar) {
                nlohmann::json j = *sidecar;
                j["files"] = nlohmann::json::array();
                for (size_t i = 0; i < files.size(); ++i)
                    j["files"].push_back(
                        {{"name", names[i]}, {"bytes", contents[i].bytes}, {"sha256", contents[i].sha256}});
                const std::string text = j.dump(2) + "\n";
                current = dir / (files.size() == 1 ? names.front() + ".json" : base + ".json");
                if (!files_.createNewDurably(current, bytesOf(text)))
                    continue; // taken (maybe left over from an earlier crash): next number
                written.push_back(current);
                placement.sidecar = current;
            }
            bool taken = false;
            for (size_t i = 0; i < files.size() && !taken; ++i) {
                current = dir / names[i];
                if (files_.createNewDurably(current, contentOf(files[i], contents[i]))) {
                    written.push_back(current);
                    placement.files.push_back({current, contents[i].bytes, contents[i].sha256});
                } else {
                    taken = true;
                }
            }
            if (taken) {
                undo();
                continue;
            }
            return placement;
        } catch (const std::system_error& e) {
            undo();
            throw writeFailure(e, current);
        } catch (...) {
            undo();
            throw;
        }
    }
    throw ArchiveError(trf("{} and its numbered variants up to ({}) already exist in {}; choose another name.",
                           baseName, kMaxNumber, dir.string()));
}

} // namespace docdesk::output
