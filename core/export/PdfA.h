#pragma once
// PDF/A-2b from a PDF that libharu wrote: the file is read back with qpdf (in the plugin
// docdesk-pdf.so, core/imaging/PdfPlugin.h) and given what
// PDF/A-2 asks beyond it: an XMP metadata stream (pdfaid:part 2, conformance B, with the
// title, subject, keywords, creator, producer and dates of the Info dictionary, which is
// rewritten to match), an sRGB output intent (the ICC profile of icc-profiles-free or colord),
// and a document ID. libharu already embeds every font and writes no encryption, transparency
// or external content. No validator runs here; export_test checks these points on the file.
#include "core/export/DocumentInfo.h"

#include <cstddef>
#include <string>
#include <vector>

namespace docdesk::output {

// The PDF made PDF/A-2b. Throws docdesk::Error when no sRGB profile is installed, the PDF
// plugin cannot be loaded or qpdf cannot read the file.
std::vector<std::byte> makePdfA2b(const std::vector<std::byte>& pdf, const DocumentInfo& info);

// The PDF with the ToUnicode maps of libharu's UTF-8 fonts repaired (PdfWriter's text layer);
// makePdfA2b does this too.
std::vector<std::byte> repairTextFonts(const std::vector<std::byte>& pdf);

// The sRGB ICC profile used for the output intent; throws docdesk::Error when none is found.
std::string srgbProfileFile();

} // namespace docdesk::output
