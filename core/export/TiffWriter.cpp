#include "core/export/TiffWriter.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <tiffio.h>

namespace docdesk::output {
namespace {

// The file being built, as libtiff's client I/O sees it.
struct MemoryFile {
    std::vector<std::byte> data;
    toff_t position = 0;
};

tmsize_t readProc(thandle_t h, void* buffer, tmsize_t size) {
    auto* f = static_cast<MemoryFile*>(h);
    if (size <= 0 || f->position >= f->data.size())
        return 0;
    const size_t n = std::min<size_t>(size_t(size), f->data.size() - size_t(f->position));
    std::memcpy(buffer, f->data.data() + f->position, n);
    f->position += n;
    return tmsize_t(n);
}

tmsize_t writeProc(thandle_t h, void* buffer, tmsize_t size) {
    auto* f = static_cast<MemoryFile*>(h);
    if (size < 0)
        return -1;
    const size_t end = size_t(f->position) + size_t(size);
    try {
        if (end > f->data.size())
            f->data.resize(end);
    } catch (const std::bad_alloc&) {
        return -1; // libtiff reports the failed write
    }
    std::memcpy(f->data.data() + f->position, buffer, size_t(size));
    f->position = end;
    return size;
}

toff_t seekProc(thandle_t h, toff_t offset, int whence) {
    auto* f = static_cast<MemoryFile*>(h);
    const toff_t base = whence == SEEK_CUR ? f->position : whence == SEEK_END ? f->data.size() : 0;
    f->position = base + offset;
    return f->position;
}

int closeProc(thandle_t) {
    return 0;
}
toff_t sizeProc(thandle_t h) {
    return static_cast<MemoryFile*>(h)->data.size();
}
int mapProc(thandle_t, void**, toff_t*) {
    return 0;
}
void unmapProc(thandle_t, void*, toff_t) {}

std::string tiffDate(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(t - day)};
    return fmt::format("{:04}:{:02}:{:02} {:02}:{:02}:{:02}", int(ymd.year()), unsigned(ymd.month()),
                       unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(),
                       hms.seconds().count());
}

} // namespace

struct TiffWriter::Impl {
    MemoryFile file;
    TIFF* tif = nullptr;
    int jpegQuality = 85;
    int pages = 0;
    std::string title, description, date;
    std::string lastError;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (tif)
            TIFFClose(tif);
    }

    static int onError(TIFF*, void* self, const char* module, const char* format, va_list args) {
        char text[512];
        std::vsnprintf(text, sizeof text, format, args);
        auto* impl = static_cast<Impl*>(self);
        if (impl->lastError.empty())
            impl->lastError = std::string(module ? module : "libtiff") + ": " + text;
        return 1; // handled: keep libtiff's global handler (stderr) quiet
    }
    static int onWarning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

    [[noreturn]] void fail(int page) {
        throw Error(trf("Page {} cannot be put into the TIFF file ({}).", page,
                        lastError.empty() ? std::string(tr("libtiff reported an error")) : lastError));
    }
};

TiffWriter::TiffWriter(const DocumentInfo& info, int jpegQuality) : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.jpegQuality = std::clamp(jpegQuality, 1, 100);
    d.title = info.title;
    for (const auto& [name, value] : info.fields)
        d.description += (d.description.empty() ? "" : "; ") + name + ": " + value;
    if (!info.subject.empty())
        d.description = info.subject;
    d.date = tiffDate(info.created);
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, &Impl::onError, &d);
    TIFFOpenOptionsSetWarningHandlerExtR(options, &Impl::onWarning, &d);
    d.tif = TIFFClientOpenExt("docdesk.tif", "w", &d.file, readProc, writeProc, seekProc, closeProc, sizeProc,
                              mapProc, unmapProc, options);
    TIFFOpenOptionsFree(options);
    if (!d.tif)
        throw Error(trf("The TIFF file could not be started ({}).", d.lastError));
}

TiffWriter::~TiffWriter() = default;

int TiffWriter::pageCount() const {
    return impl_->pages;
}

void TiffWriter::addPage(const PageRaster& page) {
    Impl& d = *impl_;
    if (!d.tif)
        throw Error(tr("The TIFF file was already finished."));
    const int number = d.pages + 1;
    if (page.width <= 0 || page.height <= 0 ||
        page.pixels.size() < size_t(page.width) * size_t(page.height) * size_t(page.channels))
        throw Error(trf("Page {} cannot be put into the TIFF file: it has no image.", number));
    TIFF* t = d.tif;
    const bool bilevel = page.bilevel && page.channels == 1;
    bool ok = TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE) &&
              TIFFSetField(t, TIFFTAG_IMAGEWIDTH, page.width) &&
              TIFFSetField(t, TIFFTAG_IMAGELENGTH, page.height) &&
              TIFFSetField(t, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT) &&
              TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
              TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, page.channels) &&
              TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH) &&
              TIFFSetField(t, TIFFTAG_XRESOLUTION, float(page.dpi.known() ? page.dpi.x : 300)) &&
              TIFFSetField(t, TIFFTAG_YRESOLUTION, float(page.dpi.known() ? page.dpi.y : 300)) &&
              TIFFSetField(t, TIFFTAG_SOFTWARE, "docdesk") &&
              TIFFSetField(t, TIFFTAG_DATETIME, d.date.c_str());
    if (ok && !d.title.empty())
        ok = TIFFSetField(t, TIFFTAG_DOCUMENTNAME, d.title.c_str());
    if (ok && !d.description.empty())
        ok = TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, d.description.c_str());
    if (ok && bilevel) {
        ok = TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1) &&
             TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4) &&
             TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE) &&
             TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, page.height);
    } else if (ok) {
        // JPEG strips must hold whole MCU rows: 16 covers 2x2 chroma subsampling.
        ok = TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8) &&
             TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_JPEG) &&
             TIFFSetField(t, TIFFTAG_JPEGQUALITY, d.jpegQuality) &&
             TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 256);
        if (ok && page.channels == 3)
            ok = TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR) &&
                 TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
        else if (ok)
            ok = TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    }
    if (!ok)
        d.fail(number);
    const size_t rowBytes = size_t(page.width) * size_t(page.channels);
    std::vector<std::uint8_t> row(bilevel ? (size_t(page.width) + 7) / 8 : rowBytes);
    for (int y = 0; y < page.height; ++y) {
        const std::uint8_t* in = page.pixels.data() + size_t(y) * rowBytes;
        if (bilevel) {
            std::fill(row.begin(), row.end(), std::uint8_t(0));
            for (int x = 0; x < page.width; ++x)
                if (in[x] < 128) // MinIsWhite: 1 = black
                    row[size_t(x) >> 3] |= std::uint8_t(0x80u >> (x & 7));
        } else {
            std::memcpy(row.data(), in, rowBytes);
        }
        if (TIFFWriteScanline(t, row.data(), std::uint32_t(y), 0) < 0)
            d.fail(number);
    }
    if (!TIFFWriteDirectory(t))
        d.fail(number);
    ++d.pages;
}

std::vector<std::byte> TiffWriter::finish() {
    Impl& d = *impl_;
    if (!d.tif)
        throw Error(tr("The TIFF file was already finished."));
    if (d.pages == 0)
        throw Error(tr("A TIFF file needs at least one page."));
    TIFFFlush(d.tif);
    TIFFClose(d.tif);
    d.tif = nullptr;
    if (!d.lastError.empty())
        throw Error(trf("The TIFF file could not be written ({}).", d.lastError));
    return std::move(d.file.data);
}

std::vector<std::byte> writeTiff(std::span<const PageRaster> pages, const DocumentInfo& info,
                                 int jpegQuality) {
    TiffWriter writer(info, jpegQuality);
    for (const PageRaster& page : pages)
        writer.addPage(page);
    return writer.finish();
}

} // namespace docdesk::output
