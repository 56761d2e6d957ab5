// docdesk-pdf.so: poppler behind the C entry point docdesk_pdf_plugin(), with the qpdf parts of
// PdfPageImage.cpp and PdfRewrite.cpp (see PdfPlugin.h for why this is a plugin). Loaded by
// core on the first PDF only.
#include "core/imaging/PdfPlugin.h"

#include "core/imaging/PdfPageImage.h"

#include <memory>
#include <new>
#include <opencv2/imgproc.hpp>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

namespace docdesk::imaging::pdf {
bool rewritePdf(const std::byte* pdf, std::size_t size, const PdfRewrite& request,
                std::vector<std::byte>* out,
                std::string* error); // PdfRewrite.cpp
} // namespace docdesk::imaging::pdf

namespace {

using docdesk::imaging::pdf::PdfPluginApi;
using docdesk::imaging::pdf::Status;

// Called before every use of poppler.
void silencePoppler() {
    // poppler prints parse errors of damaged files to stderr; docdesk reports them itself.
    static const bool done = [] {
        poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
        return true;
    }();
    (void)done;
    // poppler-cpp builds its global tables (encodings, Unicode maps, font set-up) when the first
    // document opens and drops them when the last one closes: every page of a worker (and every
    // fuzz input) paid for them again. One small document kept open keeps them for the process.
    static const std::unique_ptr<poppler::document> keepTables = [] {
        static const char minimal[] =
            "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
        return std::unique_ptr<poppler::document>(
            poppler::document::load_from_raw_data(minimal, static_cast<int>(sizeof minimal - 1)));
    }();
}

void* opened(poppler::document* document, Status* status) {
    if (document == nullptr) {
        *status = Status::Damaged;
        return nullptr;
    }
    if (document->is_locked()) {
        delete document;
        *status = Status::Locked;
        return nullptr;
    }
    *status = Status::Ok;
    return document;
}

void* openFile(const char* file, Status* status) {
    silencePoppler();
    return opened(poppler::document::load_from_file(file), status);
}

void* openMemory(const std::byte* data, std::size_t size, Status* status) {
    silencePoppler();
    if (size > std::size_t(std::numeric_limits<int>::max())) {
        *status = Status::Damaged;
        return nullptr;
    }
    return opened(poppler::document::load_from_raw_data(reinterpret_cast<const char*>(data), int(size)),
                  status);
}

void close(void* document) {
    delete static_cast<poppler::document*>(document);
}

int pageCount(void* document) {
    return static_cast<poppler::document*>(document)->pages();
}

std::unique_ptr<poppler::page> pageOf(void* document, int pageIndex, Status* status) {
    auto* d = static_cast<poppler::document*>(document);
    if (pageIndex < 0 || pageIndex >= d->pages()) {
        *status = Status::NoSuchPage;
        return nullptr;
    }
    std::unique_ptr<poppler::page> page(d->create_page(pageIndex));
    *status = page ? Status::Ok : Status::PageDamaged;
    return page;
}

Status pageSize(void* document, int pageIndex, double* width, double* height) {
    Status status = Status::Ok;
    const auto page = pageOf(document, pageIndex, &status);
    if (!page)
        return status;
    const poppler::rectf box = page->page_rect();
    *width = box.width();
    *height = box.height();
    return Status::Ok;
}

Status renderPage(void* document, int pageIndex, double dpi, cv::Mat* bgr) {
    Status status = Status::Ok;
    const auto page = pageOf(document, pageIndex, &status);
    if (!page)
        return status;
    poppler::page_renderer renderer;
    renderer.set_render_hints(poppler::page_renderer::antialiasing |
                              poppler::page_renderer::text_antialiasing);
    renderer.set_image_format(poppler::image::format_argb32);
    poppler::image img = renderer.render_page(page.get(), dpi, dpi);
    if (!img.is_valid())
        return Status::RenderFailed;
    // format_argb32 stores native-endian 32-bit words 0xAARRGGBB: BGRA bytes on little endian.
    cv::Mat bgra(img.height(), img.width(), CV_8UC4, img.data(), size_t(img.bytes_per_row()));
    try {
        cv::cvtColor(bgra, *bgr, cv::COLOR_BGRA2BGR);
    } catch (const cv::Exception& e) {
        if (e.code == cv::Error::StsNoMem)
            throw std::bad_alloc();
        return Status::RenderFailed;
    }
    return Status::Ok;
}

bool fullPageImage(const char* file, int pageIndex, double dpi, std::uint64_t maxPixels, bool keepGrey,
                   cv::Mat* out) {
    auto image = docdesk::imaging::detail::fullPageImage(file, pageIndex, dpi, maxPixels, keepGrey);
    if (!image)
        return false;
    *out = std::move(*image);
    return true;
}

bool largestImage(const char* file, int pageIndex, std::int64_t* width, std::int64_t* height) {
    const auto largest = docdesk::imaging::detail::largestImage(file, pageIndex);
    if (!largest)
        return false;
    *width = largest->first;
    *height = largest->second;
    return true;
}

const PdfPluginApi kApi{PdfPluginApi::kVersion,
                        docdesk::imaging::detail::useImageDecoder,
                        openFile,
                        openMemory,
                        close,
                        pageCount,
                        pageSize,
                        renderPage,
                        fullPageImage,
                        largestImage,
                        docdesk::imaging::pdf::rewritePdf};

} // namespace

extern "C" __attribute__((visibility("default"))) const PdfPluginApi* docdesk_pdf_plugin() {
    return &kApi;
}
