#pragma once
// Multi-page PDFs of scanned pages, built in memory with libharu. Each page is one image
// filling the page, sized from the image's resolution (A4 at 300 dpi = 595 x 842 pt). JPEG
// pages go in as they are (DCTDecode, no re-encoding); bilevel pages are compressed with
// CCITT Group 4. Metadata: Title, Subject, Keywords (the field values), Creator "docdesk",
// CreationDate. Pages may carry the text OCR found on them as an invisible text layer (text
// rendering mode 3 in an embedded DejaVu Sans, each word stretched over its box), so viewers
// find and select the words where they are printed; the page image stays untouched. With
// `pdfa` the finished file is made PDF/A-2b (core/export/PdfA.h).
#include "core/export/DocumentInfo.h"
#include "core/export/PageRenderer.h"
#include "core/ocr/PageText.h"

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace docdesk::output {

class PdfWriter {
  public:
    explicit PdfWriter(const DocumentInfo& info, bool pdfa = false);
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;
    ~PdfWriter();

    // Appends a page. libharu copies the bytes, so `page` may be released afterwards.
    // Throws docdesk::Error (with libharu's error code) when the page cannot be added.
    // `text` (boxes in the page image's pixels) becomes the page's invisible text layer.
    void addPage(EncodedPage page, const ocr::PageText* text = nullptr);
    int pageCount() const;
    // The finished file. The writer cannot be used afterwards.
    std::vector<std::byte> finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// All pages into one PDF.
std::vector<std::byte> writePdf(std::span<const EncodedPage> pages, const DocumentInfo& info);

// The TrueType font of text layers (DejaVu Sans, Debian package fonts-dejavu-core); throws
// docdesk::Error when it is not installed.
std::string textLayerFontFile();

} // namespace docdesk::output
