#pragma once
// Multi-page PDFs of scanned pages, built in memory with libharu. Each page is one image
// filling the page, sized from the image's resolution (A4 at 300 dpi = 595 x 842 pt). JPEG
// pages go in as they are (DCTDecode, no re-encoding); bilevel pages are compressed with
// CCITT Group 4. Metadata: Title, Subject, Keywords (the field values), Creator "docdesk",
// CreationDate.
#include "core/export/DocumentInfo.h"
#include "core/export/PageRenderer.h"

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace docdesk::output {

class PdfWriter {
public:
    explicit PdfWriter(const DocumentInfo& info);
    PdfWriter(const PdfWriter&) = delete;
    PdfWriter& operator=(const PdfWriter&) = delete;
    ~PdfWriter();

    // Appends a page. libharu copies the bytes, so `page` may be released afterwards.
    // Throws docdesk::Error (with libharu's error code) when the page cannot be added.
    void addPage(const EncodedPage& page);
    int pageCount() const;
    // The finished file. The writer cannot be used afterwards.
    std::vector<std::byte> finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// All pages into one PDF.
std::vector<std::byte> writePdf(std::span<const EncodedPage> pages, const DocumentInfo& info);

} // namespace docdesk::output
