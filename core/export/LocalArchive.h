#pragma once
// The local archive folder, docdesk's default filing target. A document's files are placed
// at root/folder/name atomically (complete or absent, also after a crash) and never
// overwrite anything: when a name is taken, "name (2).pdf", "name (3).pdf"… are used, decided
// race-free by the file system (DurableFiles::createNewDurably), so two docdesk instances
// filing into one folder cannot clobber each other.
//
// Sidecar: optionally a JSON file beside the document, named after the document's file with
// ".json" appended ("Invoice.pdf.json"; for a document of several files, "Invoice.json"
// beside "Invoice-001.jpg"…). It is written before the document, so whoever sees the document
// can rely on its sidecar being there; it lists the placed files with size and SHA-256.
#include "core/common/Error.h"
#include "core/ports/DurableFiles.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace docdesk::output {

// A document could not be placed: the message names the path and the operating system's
// reason (no permission, disk full, a file where a folder should be…).
class ArchiveError : public Error {
  public:
    using Error::Error;
};

// One file of a document: its name is the document's base name + suffix + extension.
struct ArchiveFile {
    std::string suffix;    // "" for single-file documents, "-001"… for one image per page
    std::string extension; // with the dot: ".pdf"
    std::vector<std::byte> bytes;
    // Instead of `bytes`: a file copied in pieces (memory stays flat whatever its size). When
    // `sourceSha256` is given (a stored original's recorded hash), the copy is checked against
    // it on the way and refused when it differs; otherwise the file is hashed first.
    std::filesystem::path sourceFile{};
    std::string sourceSha256{};
};

struct PlacedFile {
    std::filesystem::path path;
    std::uint64_t bytes = 0;
    std::string sha256;
};

struct Placement {
    std::vector<PlacedFile> files;
    std::optional<std::filesystem::path> sidecar;
};

class LocalArchive {
  public:
    LocalArchive(std::filesystem::path root, ports::DurableFiles& files);

    const std::filesystem::path& root() const { return root_; }

    // Called with every file of a placement attempt (the document's files and its sidecar:
    // final path, size, SHA-256) before any of them is written, so a journal can record what
    // is about to appear (and recognise it after a crash). May throw: nothing is written then.
    using BeforeWriting =
        std::function<void(const std::vector<PlacedFile>& files, const std::optional<PlacedFile>& sidecar)>;
    void setBeforeWriting(BeforeWriting hook) { beforeWriting_ = std::move(hook); }

    // Places a document's files in root/folder, creating folders as needed. All files (and the
    // sidecar) share one numbered base name: when any of them is taken, the next number is
    // tried for all. `sidecar` (a JSON object) is written with a "files" list added.
    // Throws ArchiveError for an unusable folder or name (absolute, "..", separators) and when
    // writing fails; then nothing of this document is left in the archive.
    Placement place(const std::filesystem::path& folder, const std::string& baseName,
                    std::span<const ArchiveFile> files,
                    const std::optional<nlohmann::json>& sidecar = std::nullopt);

  private:
    std::optional<Placement> tryPlace(const std::filesystem::path& dir, const std::string& base,
                                      std::span<const ArchiveFile> files,
                                      std::span<const PlacedFile> contents,
                                      const std::optional<nlohmann::json>& sidecar);

    std::filesystem::path root_;
    ports::DurableFiles& files_;
    BeforeWriting beforeWriting_;
};

// Throws ArchiveError unless `folder` is a relative path that stays below the archive root.
void checkArchiveFolder(const std::filesystem::path& folder);
// Throws ArchiveError unless `name` can be a file name (not empty, no separators or control
// characters, not "." or "..").
void checkArchiveFileName(const std::string& name);

} // namespace docdesk::output
