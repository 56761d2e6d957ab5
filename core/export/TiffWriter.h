#pragma once
// Multi-page TIFFs, built in memory with libtiff: colour pages JPEG-compressed (YCbCr), grey
// pages JPEG-compressed, black-and-white pages 1 bit with CCITT Group 4 — the usual archive
// TIFF. Each page carries its resolution; the first names the document (DocumentName,
// ImageDescription, Software "docdesk", DateTime).
#include "core/export/DocumentInfo.h"
#include "core/export/PageRenderer.h"

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace docdesk::output {

class TiffWriter {
  public:
    explicit TiffWriter(const DocumentInfo& info, int jpegQuality = 85);
    TiffWriter(const TiffWriter&) = delete;
    TiffWriter& operator=(const TiffWriter&) = delete;
    ~TiffWriter();

    // Appends a page; throws docdesk::Error with libtiff's message on failure.
    void addPage(const PageRaster& page);
    int pageCount() const;
    // The finished file. The writer cannot be used afterwards.
    std::vector<std::byte> finish();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::vector<std::byte> writeTiff(std::span<const PageRaster> pages, const DocumentInfo& info,
                                 int jpegQuality = 85);

} // namespace docdesk::output
