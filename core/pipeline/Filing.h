#pragma once
// The filing step: documents made of journal pages are rendered (edits applied, untouched
// JPEGs passed through), written as PDF, multi-page TIFF or one image per page, and placed in
// the local archive. Pages render in parallel; documents are written in order as soon as
// their pages are ready. A document that fails (unreadable page, damaged edits, unwritable
// folder) does not stop the others, and the session is only read, never changed.
//
// Cancellation is a result: documents not yet written when `stop` is requested come back as
// Cancelled; a document is either placed completely or not at all.
#include "core/export/LocalArchive.h"
#include "core/export/PageRenderer.h"
#include "core/journal/Session.h"
#include "core/model/Page.h"
#include "core/ocr/PageText.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

namespace docdesk::pipeline {

enum class OutputFormat {
    Pdf,    // one PDF per document
    Tiff,   // one multi-page TIFF per document
    Images, // one JPEG (or 1-bit PNG for black-and-white pages) per page
};

// One document of the filing plan.
struct DocumentToFile {
    std::vector<std::int64_t> pageIds; // PageRecord::id, in document order
    std::filesystem::path folder;      // relative to the archive root; empty = the root
    std::string fileName;              // with or without the format's extension
    std::string title;
    std::map<std::string, std::string> fields;
};

// Renders one page for filing: the encoded page (for PDF and images) or, when `raster`, its
// pixels (for TIFF); throws like output::renderPage. The application passes one that decodes
// in a worker process (untrusted bytes are never decoded in the app or CLI).
using PageRenderFunction = std::function<std::variant<output::EncodedPage, output::PageRaster>(
    const output::PageSource& page, const output::RenderOptions& options, bool raster)>;

struct FilingOptions {
    OutputFormat format = OutputFormat::Pdf;
    int jpegQuality = 85; // for pages that are encoded again
    bool sidecar = false; // a JSON file with title and fields beside each document
    int threads = 2;      // pages rendered in parallel
    double pdfDpi = 300;  // resolution at which PDF originals are rendered
    bool pdfa = false;    // PDFs are written as PDF/A-2b
    // The text OCR found on pages (by PageRecord::id), laid under them in PDFs as an invisible,
    // searchable text layer. Read from the threads that render.
    std::shared_ptr<const std::map<std::int64_t, ocr::PageText>> pageTexts;
    // How pages are rendered; empty: in this process (output::renderPage/renderRaster), which
    // only tests and benchmarks of the renderer itself do. Called from the threads that render.
    PageRenderFunction renderer;
};

// The options each page is rendered with for filing with `options`.
output::RenderOptions renderOptions(const FilingOptions& options);

struct FilingProgress {
    size_t documentsDone = 0;
    size_t documentsTotal = 0;
    size_t pagesDone = 0;
    size_t pagesTotal = 0;
};

enum class FilingStatus { Filed, Failed, Cancelled };

struct FiledDocument {
    FilingStatus status = FilingStatus::Cancelled;
    std::filesystem::path path;            // the document's file (the first page's for Images)
    std::vector<output::PlacedFile> files; // every file written, with size and SHA-256
    std::optional<std::filesystem::path> sidecar;
    std::uint64_t bytes = 0;   // of `path`
    std::string sha256;        // of `path`
    std::string error;         // translated message when Failed
    bool alreadyFiled = false; // Filed earlier (path: where); nothing written now
    bool ok() const { return status == FilingStatus::Filed; }
};

using FilingProgressSink = std::function<void(const FilingProgress&)>;

// Files `documents` (their pages looked up by id in `pages`) into `archive`. Returns one
// result per document, in order. `onProgress` is called on the calling thread after each
// page and each document. Throws only for programming errors; every failure of a document
// is reported in its result.
std::vector<FiledDocument> fileDocuments(std::span<const PageRecord> pages,
                                         std::span<const DocumentToFile> documents,
                                         output::LocalArchive& archive, const FilingOptions& options,
                                         std::stop_token stop, const FilingProgressSink& onProgress = {});

// The same with the pages of a session (removed pages cannot be filed).
std::vector<FiledDocument> fileDocuments(const journal::Session& session,
                                         std::span<const DocumentToFile> documents,
                                         output::LocalArchive& archive, const FilingOptions& options,
                                         std::stop_token stop, const FilingProgressSink& onProgress = {});

} // namespace docdesk::pipeline
