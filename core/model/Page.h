#pragma once
// A page of a capture session as the journal records it. Plain value type.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace docdesk {

struct PageRecord {
    std::int64_t id = 0;                     // stable within the session
    std::int64_t originalId = 0;             // the stored original this page comes from
    std::filesystem::path originalFile;      // absolute path of the original's bytes
    std::string mediaType;                   // e.g. "image/jpeg", "application/pdf"
    std::string sha256;                      // of the original's bytes
    std::uint64_t byteSize = 0;              // of the original
    std::string source;                      // where it came from: a file name, a device
    int sourcePage = 1;                      // 1-based page within the original
    int position = 0;                        // 0-based order in the session
    std::string transformsJson = "{}";       // non-destructive edits (rotation, crop, mode)
    std::optional<std::string> analysisJson; // barcodes, edges, blank, skew — when analysed
    std::string createdAt;                   // ISO 8601 UTC

    // A pass-through document (an Office file, an e-mail, an archive...): one entry in the
    // session that keeps its original's exact bytes and is filed as it is, never rendered.
    bool isPassThrough() const {
        return mediaType != "image/jpeg" && mediaType != "image/png" && mediaType != "image/tiff" &&
               mediaType != "image/bmp" && mediaType != "image/webp" && mediaType != "application/pdf";
    }
};

} // namespace docdesk
