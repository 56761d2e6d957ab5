#include "core/imaging/PageDecoder.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <set>

namespace docdesk::imaging {
namespace {

void silencePoppler() {
    // poppler prints parse errors of damaged files to stderr; docdesk reports them itself.
    static const bool done = [] {
        poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
        return true;
    }();
    (void)done;
}

// Counts the IFDs of a TIFF by following the chain, with bounds and loop checks.
int countTiffPages(std::span<const std::byte> b) {
    auto u8 = [&](size_t off) { return static_cast<unsigned>(b[off]); };
    const bool little = u8(0) == 'I';
    auto u16 = [&](size_t off) -> unsigned {
        if (off + 2 > b.size())
            throw UnreadableFileError(tr("The TIFF file is truncated."));
        return little ? u8(off) | (u8(off + 1) << 8) : (u8(off) << 8) | u8(off + 1);
    };
    auto u32 = [&](size_t off) -> size_t {
        if (off + 4 > b.size())
            throw UnreadableFileError(tr("The TIFF file is truncated."));
        return little ? (u16(off) | (size_t(u16(off + 2)) << 16))
                      : ((size_t(u16(off)) << 16) | u16(off + 2));
    };
    size_t ifd = u32(4);
    std::set<size_t> seen;
    int pages = 0;
    while (ifd != 0) {
        if (!seen.insert(ifd).second || pages > 100000)
            throw UnreadableFileError(tr("The TIFF file is damaged (its page list loops)."));
        const unsigned entries = u16(ifd);
        ifd = u32(ifd + 2 + size_t(entries) * 12);
        ++pages;
    }
    if (pages == 0)
        throw UnreadableFileError(tr("The TIFF file contains no pages."));
    return pages;
}

std::unique_ptr<poppler::document> loadPdf(std::unique_ptr<poppler::document> doc) {
    if (!doc)
        throw UnreadableFileError(tr("The PDF file is damaged or not a PDF."));
    if (doc->is_locked())
        throw UnreadableFileError(
            tr("The PDF file is password-protected. Remove the password and add it again."));
    return doc;
}

RgbImage toRgbImage(const cv::Mat& bgr) {
    RgbImage out;
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    out.width = rgb.cols;
    out.height = rgb.rows;
    out.pixels.resize(size_t(rgb.cols) * size_t(rgb.rows) * 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * size_t(rgb.cols) * 3, rgb.ptr(y),
                    size_t(rgb.cols) * 3);
    return out;
}

cv::Mat fitInto(const cv::Mat& src, int maxEdge) {
    const double scale = std::min(1.0, double(maxEdge) / std::max(src.cols, src.rows));
    if (scale >= 1.0)
        return src;
    cv::Mat dst;
    cv::resize(src, dst,
               cv::Size(std::max(1, int(src.cols * scale + 0.5)),
                        std::max(1, int(src.rows * scale + 0.5))),
               0, 0, cv::INTER_AREA);
    return dst;
}

RgbImage renderPdfThumbnail(const std::filesystem::path& file, int pageIndex, int maxEdge) {
    silencePoppler();
    auto doc = loadPdf(std::unique_ptr<poppler::document>(poppler::document::load_from_file(file.string())));
    if (pageIndex < 0 || pageIndex >= doc->pages())
        throw UnreadableFileError(tr("The PDF file has fewer pages than expected."));
    std::unique_ptr<poppler::page> page(doc->create_page(pageIndex));
    if (!page)
        throw UnreadableFileError(tr("A page of the PDF file is damaged."));
    const poppler::rectf box = page->page_rect();
    const double longest = std::max({box.width(), box.height(), 1.0});
    const double dpi = std::clamp(maxEdge * 72.0 / longest, 1.0, 600.0);
    poppler::page_renderer renderer;
    renderer.set_render_hints(poppler::page_renderer::antialiasing |
                              poppler::page_renderer::text_antialiasing);
    renderer.set_image_format(poppler::image::format_argb32);
    poppler::image img = renderer.render_page(page.get(), dpi, dpi);
    if (!img.is_valid())
        throw UnreadableFileError(tr("A page of the PDF file could not be rendered."));
    // format_argb32 stores native-endian 32-bit words 0xAARRGGBB: BGRA bytes on little endian.
    cv::Mat bgra(img.height(), img.width(), CV_8UC4, img.data(), size_t(img.bytes_per_row()));
    cv::Mat bgr;
    cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
    return toRgbImage(fitInto(bgr, maxEdge));
}

} // namespace

int countPages(std::span<const std::byte> bytes, MediaKind kind) {
    switch (kind) {
    case MediaKind::Pdf: {
        silencePoppler();
        auto doc = loadPdf(std::unique_ptr<poppler::document>(poppler::document::load_from_raw_data(
            reinterpret_cast<const char*>(bytes.data()), static_cast<int>(bytes.size()))));
        if (doc->pages() <= 0)
            throw UnreadableFileError(tr("The PDF file contains no pages."));
        return doc->pages();
    }
    case MediaKind::Tiff:
        return countTiffPages(bytes);
    case MediaKind::Jpeg:
    case MediaKind::Png:
    case MediaKind::Bmp:
    case MediaKind::Webp: {
        const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1,
                          const_cast<std::byte*>(bytes.data()));
        // A reduced decode is enough to prove the image is readable, and is fast for JPEG.
        const int flags = kind == MediaKind::Jpeg ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_UNCHANGED;
        cv::Mat img;
        try {
            img = cv::imdecode(raw, flags);
        } catch (const cv::Exception&) {
        }
        if (img.empty())
            throw UnreadableFileError(tr("The image is damaged or truncated."));
        return 1;
    }
    case MediaKind::Unknown:
        break;
    }
    throw UnreadableFileError(tr("This file is not an image or PDF docdesk can read."));
}

RgbImage renderThumbnail(const std::filesystem::path& file, MediaKind kind, int pageIndex,
                         int maxEdge) {
    if (kind == MediaKind::Pdf)
        return renderPdfThumbnail(file, pageIndex, maxEdge);
    cv::Mat img;
    try {
        if (kind == MediaKind::Tiff && pageIndex > 0) {
            std::vector<cv::Mat> pages;
            cv::imreadmulti(file.string(), pages, cv::IMREAD_COLOR);
            if (pageIndex < int(pages.size()))
                img = pages[size_t(pageIndex)];
        } else {
            img = cv::imread(file.string(), cv::IMREAD_COLOR);
        }
    } catch (const cv::Exception&) {
    }
    if (img.empty())
        throw UnreadableFileError(tr("The image is damaged or truncated."));
    return toRgbImage(fitInto(img, maxEdge));
}

} // namespace docdesk::imaging
