#pragma once
// The plugin docdesk-pdf.so (built from PdfPlugin.cpp, PdfPageImage.cpp and PdfRewrite.cpp):
// everything docdesk does with poppler and qpdf. poppler and qpdf bring some 25 shared libraries
// (NSS, GnuTLS, fontconfig, FreeType, OpenJPEG, Little CMS...) whose loading cost every start of
// docdesk-cli and docdesk-worker about 20 ms of CPU, although most runs never read or write a
// PDF; core loads the plugin on the first PDF it counts, renders or writes. Without poppler's
// and qpdf's headers, like CodecPlugin.h.
#include "core/imaging/CodecPlugin.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace docdesk::imaging::pdf {

// What went wrong, as a value: the messages (translated) are core's.
enum class Status {
    Ok,
    Damaged,      // not a PDF, or damaged beyond what poppler repairs
    Locked,       // password-protected
    NoSuchPage,   // the page index is beyond the document
    PageDamaged,  // the page object cannot be read
    RenderFailed, // poppler gave no image for the page
};

// How the plugin decodes the images inside scanned PDFs (JPEG, and CCITT fax as TIFF):
// docdesk's own codecs (ImageCodecs.h), handed to the plugin when it is loaded.
using ImageDecoder = bool (*)(const std::byte* data, std::size_t size, codecs::ReadMode mode, cv::Mat* out);

// The qpdf pass over a PDF docdesk wrote with libharu (see core/export/PdfA.h): the ToUnicode
// maps of its UTF-8 fonts are always repaired; with `pdfa` the document gets what PDF/A-2b asks.
struct PdfRewrite {
    bool pdfa = false;
    std::string xmp;        // the XMP metadata stream
    std::string iccProfile; // the sRGB profile of the output intent
    // The new Info dictionary, e.g. {"/Title", "..."} (text, written as PDF text strings).
    std::vector<std::pair<std::string, std::string>> info;
};

// The plugin's entry points; kVersion changes whenever this table does. The functions throw
// nothing but std::bad_alloc: other failures come back as values.
struct PdfPluginApi {
    static constexpr int kVersion = 1;
    int version;
    // Called once, on loading.
    void (*useImageDecoder)(ImageDecoder decoder);

    // poppler: a document read from a file, or from memory that must outlive it; nullptr with
    // `status` Damaged or Locked.
    void* (*openFile)(const char* file, Status* status);
    void* (*openMemory)(const std::byte* data, std::size_t size, Status* status);
    void (*close)(void* document);
    int (*pageCount)(void* document);
    // The page's size in points (1/72 inch), as it is rendered.
    Status (*pageSize)(void* document, int pageIndex, double* width, double* height);
    // The page rendered at `dpi` into 8-bit BGR.
    Status (*renderPage)(void* document, int pageIndex, double dpi, cv::Mat* bgr);

    // qpdf, see PdfPageImage.h: the image of a page that is one image and nothing else (false
    // when the page is more, or cannot be read so), and the largest image a page holds.
    bool (*fullPageImage)(const char* file, int pageIndex, double dpi, std::uint64_t maxPixels, bool keepGrey,
                          cv::Mat* out);
    bool (*largestImage)(const char* file, int pageIndex, std::int64_t* width, std::int64_t* height);
    // qpdf: `pdf` rewritten as asked into `out`; false with qpdf's message in `error`.
    bool (*rewrite)(const std::byte* pdf, std::size_t size, const PdfRewrite& request,
                    std::vector<std::byte>* out, std::string* error);
};

// How the plugin is found: set once at start-up by the programs (see app::initialise), as for
// the image codec plugin. The loader is called at most once.
using PdfPluginLoader = const PdfPluginApi* (*)(std::string& error);
void setPdfPluginLoader(PdfPluginLoader loader);

// The plugin, loaded on the first call; nullptr with `error` set when it cannot be loaded.
const PdfPluginApi* plugin(std::string& error);
// The same for code that needs it: a missing plugin is an installation problem, not a damaged
// file, and throws UnreadableFileError saying so ("PDF support could not be loaded ...").
const PdfPluginApi& requiredPlugin();

} // namespace docdesk::imaging::pdf

extern "C" const docdesk::imaging::pdf::PdfPluginApi* docdesk_pdf_plugin();
