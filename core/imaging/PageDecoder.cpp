#include "core/imaging/PageDecoder.h"

#include "core/common/Error.h"
#include "core/common/PluginSlot.h"
#include "core/common/Translate.h"
#include "core/imaging/ImageCodecs.h"
#include "core/imaging/PdfPlugin.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <set>

namespace docdesk::imaging {
namespace {

// docdesk's own codecs for the images inside scanned PDFs, handed to the PDF plugin.
bool decodeForPdfPlugin(const std::byte* data, std::size_t size, codecs::ReadMode mode, cv::Mat* out) {
    *out = codecs::decode(data, size, mode);
    return !out->empty();
}

// Function-local, so that a loader set from a static initialiser (tests, fuzz target) finds it built.
PluginSlot<pdf::PdfPluginApi>& pdfPluginSlot() {
    static PluginSlot<pdf::PdfPluginApi> slot(
        [](const pdf::PdfPluginApi& api) { api.useImageDecoder(decodeForPdfPlugin); });
    return slot;
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
        return little ? (u16(off) | (size_t(u16(off + 2)) << 16)) : ((size_t(u16(off)) << 16) | u16(off + 2));
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

// The message for what the plugin reports.
[[noreturn]] void throwPdfStatus(pdf::Status status) {
    switch (status) {
    case pdf::Status::Locked:
        throw UnreadableFileError(
            tr("The PDF file is password-protected. Remove the password and add it again."));
    case pdf::Status::NoSuchPage:
        throw UnreadableFileError(tr("The PDF file has fewer pages than expected."));
    case pdf::Status::PageDamaged:
        throw UnreadableFileError(tr("A page of the PDF file is damaged."));
    case pdf::Status::RenderFailed:
        throw UnreadableFileError(tr("A page of the PDF file could not be rendered."));
    case pdf::Status::Ok:
    case pdf::Status::Damaged:
        break;
    }
    throw UnreadableFileError(tr("The PDF file is damaged or not a PDF."));
}

// A PDF document opened by the plugin (poppler), closed with it.
class PdfDocument {
  public:
    explicit PdfDocument(const std::filesystem::path& file) : api_(pdf::requiredPlugin()) {
        pdf::Status status = pdf::Status::Ok;
        document_ = api_.openFile(file.c_str(), &status);
        if (document_ == nullptr)
            throwPdfStatus(status);
    }
    explicit PdfDocument(std::span<const std::byte> bytes) : api_(pdf::requiredPlugin()) {
        pdf::Status status = pdf::Status::Ok;
        document_ = api_.openMemory(bytes.data(), bytes.size(), &status);
        if (document_ == nullptr)
            throwPdfStatus(status);
    }
    ~PdfDocument() { api_.close(document_); }
    PdfDocument(const PdfDocument&) = delete;
    PdfDocument& operator=(const PdfDocument&) = delete;

    int pages() const { return api_.pageCount(document_); }
    // The page's width and height in points; throws for a page that is not there or damaged.
    std::pair<double, double> pageSize(int pageIndex) const {
        double width = 0, height = 0;
        if (const auto status = api_.pageSize(document_, pageIndex, &width, &height);
            status != pdf::Status::Ok)
            throwPdfStatus(status);
        return {width, height};
    }
    // The page rendered at `dpi` into 8-bit BGR.
    cv::Mat render(int pageIndex, double dpi) const {
        cv::Mat bgr;
        if (const auto status = api_.renderPage(document_, pageIndex, dpi, &bgr); status != pdf::Status::Ok)
            throwPdfStatus(status);
        return bgr;
    }

  private:
    const pdf::PdfPluginApi& api_;
    void* document_ = nullptr;
};

RgbImage toRgbImage(const cv::Mat& bgr) {
    RgbImage out;
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    out.width = rgb.cols;
    out.height = rgb.rows;
    out.pixels.resize(size_t(rgb.cols) * size_t(rgb.rows) * 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * size_t(rgb.cols) * 3, rgb.ptr(y), size_t(rgb.cols) * 3);
    return out;
}

cv::Mat fitInto(const cv::Mat& src, int maxEdge) {
    const double scale = std::min(1.0, double(maxEdge) / std::max(src.cols, src.rows));
    if (scale >= 1.0)
        return src;
    cv::Mat dst;
    cv::resize(src, dst,
               cv::Size(std::max(1, int(src.cols * scale + 0.5)), std::max(1, int(src.rows * scale + 0.5))),
               0, 0, cv::INTER_AREA);
    return dst;
}

// Refuses a PDF page holding an image that declares more than `maxPixels` (before poppler
// draws it: see PdfPageImage.h, largestImage).
void refuseHugePdfImage(const std::filesystem::path& file, int pageIndex, std::uint64_t maxPixels) {
    std::int64_t width = 0, height = 0;
    if (pdf::requiredPlugin().largestImage(file.c_str(), pageIndex, &width, &height) &&
        double(width) * double(height) > double(maxPixels))
        throw UnreadableFileError(
            trf("The page holds an image too large to render ({} x {} pixels; the limit is {} megapixels).",
                width, height, maxPixels / 1'000'000));
}

RgbImage renderPdfThumbnail(const std::filesystem::path& file, int pageIndex, int maxEdge) {
    const PdfDocument document(file);
    const auto [width, height] = document.pageSize(pageIndex);
    refuseHugePdfImage(file, pageIndex, DecodeOptions{}.maxPixels);
    const double longest = std::max({width, height, 1.0});
    const double dpi = std::clamp(maxEdge * 72.0 / longest, 1.0, 600.0);
    return toRgbImage(fitInto(document.render(pageIndex, dpi), maxEdge));
}

std::uint32_t be32(std::span<const std::byte> b, size_t off) {
    return (std::uint32_t(b[off]) << 24) | (std::uint32_t(b[off + 1]) << 16) |
           (std::uint32_t(b[off + 2]) << 8) | std::uint32_t(b[off + 3]);
}
unsigned be16(std::span<const std::byte> b, size_t off) {
    return (unsigned(b[off]) << 8) | unsigned(b[off + 1]);
}
unsigned le16(std::span<const std::byte> b, size_t off) {
    return unsigned(b[off]) | (unsigned(b[off + 1]) << 8);
}
std::uint32_t le24(std::span<const std::byte> b, size_t off) {
    return std::uint32_t(b[off]) | (std::uint32_t(b[off + 1]) << 8) | (std::uint32_t(b[off + 2]) << 16);
}
std::uint32_t le32(std::span<const std::byte> b, size_t off) {
    return le24(b, off) | (std::uint32_t(b[off + 3]) << 24);
}

// One segment of a JPEG's header: its marker, where it starts (at the 0xFF) and its length
// field (which counts itself, not the marker).
struct JpegSegment {
    unsigned marker = 0;
    size_t pos = 0;
    size_t length = 0;
};

// The next segment from `pos` on, skipping fill bytes and the markers without a segment (SOI,
// RSTn, TEM); false at bytes that are no marker or at the end of the data.
bool nextJpegSegment(std::span<const std::byte> b, size_t& pos, JpegSegment& segment) {
    while (pos + 4 <= b.size()) {
        if (unsigned(b[pos]) != 0xFF)
            return false;
        const unsigned marker = unsigned(b[pos + 1]);
        if (marker == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            pos += 2;
            continue;
        }
        segment = {marker, pos, be16(b, pos + 2)};
        pos += 2 + segment.length;
        return true;
    }
    return false;
}

bool isJpegFrame(unsigned marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

std::optional<ImageSize> jpegSize(std::span<const std::byte> b) {
    size_t pos = 2;
    JpegSegment s;
    while (nextJpegSegment(b, pos, s)) {
        if (isJpegFrame(s.marker)) {
            if (s.pos + 9 > b.size())
                return std::nullopt;
            return ImageSize{int(be16(b, s.pos + 7)), int(be16(b, s.pos + 5))};
        }
        if (s.length < 2)
            return std::nullopt;
    }
    return std::nullopt;
}

// True when the markers lead, through a frame header, to a scan with data after it: what
// libjpeg's header reading demands before it decodes anything. Enough to count a JPEG as one
// readable page without decoding it (a decode at 1/8 scale still Huffman-decodes every block:
// as long as the whole analysis decode, 20 ms on a 300-dpi page); damage inside the scan
// shows, as before, when the page is analysed.
bool jpegReachesScan(std::span<const std::byte> b) {
    bool frame = false;
    size_t pos = 2;
    JpegSegment s;
    while (nextJpegSegment(b, pos, s)) {
        if (s.marker == 0xD9)
            return false; // the image ends before any scan
        if (s.length < 2 || s.pos + 2 + s.length > b.size())
            return false;
        frame = frame || isJpegFrame(s.marker);
        if (s.marker == 0xDA)
            return frame && s.pos + 2 + s.length < b.size();
    }
    return false;
}

std::optional<ImageSize> tiffSize(std::span<const std::byte> b, int pageIndex) {
    if (b.size() < 8)
        return std::nullopt;
    const bool little = unsigned(b[0]) == 'I';
    auto u16 = [&](size_t off) { return little ? le16(b, off) : be16(b, off); };
    auto u32 = [&](size_t off) { return little ? le32(b, off) : be32(b, off); };
    size_t ifd = u32(4);
    for (int i = 0; i < pageIndex && ifd != 0; ++i) {
        if (ifd + 2 > b.size())
            return std::nullopt;
        const size_t next = ifd + 2 + size_t(u16(ifd)) * 12;
        if (next + 4 > b.size())
            return std::nullopt;
        ifd = u32(next);
    }
    if (ifd == 0 || ifd + 2 > b.size())
        return std::nullopt;
    const unsigned entries = u16(ifd);
    ImageSize size;
    for (unsigned e = 0; e < entries; ++e) {
        const size_t entry = ifd + 2 + size_t(e) * 12;
        if (entry + 12 > b.size())
            return std::nullopt;
        const unsigned tag = u16(entry), type = u16(entry + 2);
        const std::uint32_t value = type == 3 ? u16(entry + 8) : u32(entry + 8);
        if (tag == 256)
            size.width = int(std::min<std::uint32_t>(value, 1u << 30));
        else if (tag == 257)
            size.height = int(std::min<std::uint32_t>(value, 1u << 30));
    }
    if (size.width <= 0 || size.height <= 0)
        return std::nullopt;
    return size;
}

// BMP and WebP are decoded by the plugin (ImageCodecs.h): a missing plugin is an installation
// problem, not a damaged file.
void requireCodecPlugin(MediaKind kind) {
    std::string error;
    if ((kind == MediaKind::Bmp || kind == MediaKind::Webp) && !codecs::pluginAvailable(error))
        throw UnreadableFileError(
            trf("Support for BMP and WebP images could not be loaded ({}). Reinstall docdesk.", error));
}

} // namespace

std::optional<ImageSize> readDeclaredSize(std::span<const std::byte> b, MediaKind kind, int pageIndex) {
    switch (kind) {
    case MediaKind::Png:
        if (b.size() >= 24)
            return ImageSize{int(std::min<std::uint32_t>(be32(b, 16), 1u << 30)),
                             int(std::min<std::uint32_t>(be32(b, 20), 1u << 30))};
        return std::nullopt;
    case MediaKind::Jpeg:
        return jpegSize(b);
    case MediaKind::Tiff:
        return tiffSize(b, pageIndex);
    case MediaKind::Bmp:
        if (b.size() >= 26) {
            const auto w = static_cast<std::int32_t>(le32(b, 18));
            const auto h = static_cast<std::int32_t>(le32(b, 22));
            return ImageSize{int(std::min<std::int64_t>(std::abs(std::int64_t(w)), 1 << 30)),
                             int(std::min<std::int64_t>(std::abs(std::int64_t(h)), 1 << 30))};
        }
        return std::nullopt;
    case MediaKind::Webp:
        if (b.size() >= 30 && std::memcmp(b.data() + 12, "VP8 ", 4) == 0)
            return ImageSize{int(le16(b, 26) & 0x3FFF), int(le16(b, 28) & 0x3FFF)};
        if (b.size() >= 25 && std::memcmp(b.data() + 12, "VP8L", 4) == 0) {
            const std::uint32_t bits = le32(b, 21);
            return ImageSize{int((bits & 0x3FFF) + 1), int(((bits >> 14) & 0x3FFF) + 1)};
        }
        if (b.size() >= 30 && std::memcmp(b.data() + 12, "VP8X", 4) == 0)
            return ImageSize{int(le24(b, 24) + 1), int(le24(b, 27) + 1)};
        return std::nullopt;
    case MediaKind::Pdf:
    case MediaKind::Unknown:
        break;
    }
    return std::nullopt;
}

// A decode target (codecs::DecodeTarget) that puts the pixels into the vector `context`.
static cv::Mat intoVector(int rows, int cols, int type, void* context) {
    auto& pixels = *static_cast<PixelBytes*>(context);
    pixels.resize(size_t(rows) * size_t(cols) * size_t(CV_ELEM_SIZE(type)));
    return cv::Mat(rows, cols, type, pixels.data());
}

// Reads and decodes page `pageIndex` of an image file into 8-bit BGR (EXIF orientation applied),
// refusing images that declare more than `maxPixels` before any pixel memory is allocated. A
// JPEG's pixels may land in `into` (the result then points there; see codecs::DecodeTarget).
static cv::Mat decodeImage(const std::filesystem::path& file, MediaKind kind, int pageIndex,
                           std::uint64_t maxPixels, bool keepGrey = false, PixelBytes* into = nullptr) {
    // AnyColour keeps grey sources at one channel; both apply EXIF orientation.
    const auto mode = keepGrey ? codecs::ReadMode::AnyColour : codecs::ReadMode::Colour;
    cv::Mat bgr;
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throw UnreadableFileError(trf("Cannot open {}.", file.string()));
    // One read of the known size: byte-wise stream iteration cost 20 ms of a 2 MB page scan.
    const std::streamoff size = in.tellg();
    std::vector<char> data(size > 0 ? size_t(size) : 0);
    in.seekg(0);
    if (size < 0 || !in.read(data.data(), std::streamsize(data.size())))
        throw UnreadableFileError(trf("Cannot read {}.", file.string()));
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data.data()), data.size());
    const auto declared = readDeclaredSize(bytes, kind, pageIndex);
    if (!declared)
        throw UnreadableFileError(tr("The image is damaged or truncated."));
    const double pixels = double(declared->width) * double(declared->height);
    if (pixels > double(maxPixels))
        throw UnreadableFileError(
            trf("The image is too large to analyse ({} x {} pixels; the limit is {} megapixels).",
                declared->width, declared->height, maxPixels / 1'000'000));
    requireCodecPlugin(kind);
    bgr = codecs::decode(bytes.data(), bytes.size(), mode, kind == MediaKind::Tiff ? pageIndex : 0,
                         into != nullptr ? codecs::DecodeTarget{intoVector, into} : codecs::DecodeTarget{});
    if (bgr.empty())
        throw UnreadableFileError(tr("The image is damaged or truncated."));
    return bgr;
}

// A PDF page: the image of a scanned page as it is, else the page rendered at options.pdfDpi.
static cv::Mat decodePdfPage(const std::filesystem::path& file, int pageIndex, const DecodeOptions& options) {
    cv::Mat bgr;
    if (pdf::requiredPlugin().fullPageImage(file.c_str(), pageIndex, options.pdfDpi, options.maxPixels,
                                            options.keepGrey, &bgr))
        return bgr; // a scanned PDF page, taken as the image it is
    const PdfDocument document(file);
    const auto [width, height] = document.pageSize(pageIndex);
    const double pixels = width * options.pdfDpi / 72.0 * height * options.pdfDpi / 72.0;
    if (pixels > double(options.maxPixels))
        throw UnreadableFileError(
            trf("The page is too large to analyse ({:.0f} megapixels; the limit is {}).", pixels / 1e6,
                options.maxPixels / 1'000'000));
    refuseHugePdfImage(file, pageIndex, options.maxPixels);
    return document.render(pageIndex, options.pdfDpi);
}

DecodedPage decodePage(const std::filesystem::path& file, MediaKind kind, int pageIndex,
                       const DecodeOptions& options) {
    cv::Mat bgr;
    PixelBytes decoded; // a JPEG is decoded straight into the result
    if (kind == MediaKind::Pdf) {
        bgr = decodePdfPage(file, pageIndex, options);
    } else {
        bgr = decodeImage(file, kind, pageIndex, options.maxPixels, options.keepGrey, &decoded);
    }
    if (bgr.channels() != 1 && bgr.channels() != 3) // defensive: AnyColour never yields others
        cv::cvtColor(bgr, bgr, bgr.channels() == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
    DecodedPage out;
    out.width = bgr.cols;
    out.height = bgr.rows;
    out.channels = bgr.channels();
    const size_t rowBytes = size_t(bgr.cols) * size_t(out.channels);
    if (!decoded.empty() && bgr.data == decoded.data() && bgr.isContinuous() &&
        decoded.size() == rowBytes * size_t(bgr.rows)) {
        out.bgr = std::move(decoded);
        return out;
    }
    out.bgr.resize(rowBytes * size_t(bgr.rows));
    for (int y = 0; y < bgr.rows; ++y)
        std::memcpy(out.bgr.data() + size_t(y) * rowBytes, bgr.ptr(y), rowBytes);
    return out;
}

// Throws for an image declaring more than `maxPixels`.
static void refuseBomb(const ImageSize& declared, std::uint64_t maxPixels) {
    if (double(declared.width) * double(declared.height) > double(maxPixels))
        throw UnreadableFileError(trf("The image is too large ({} x {} pixels; the limit is {} megapixels).",
                                      declared.width, declared.height, maxPixels / 1'000'000));
}

int countPages(std::span<const std::byte> bytes, MediaKind kind, std::uint64_t maxPixels) {
    switch (kind) {
    case MediaKind::Pdf: {
        const PdfDocument document(bytes);
        if (document.pages() <= 0)
            throw UnreadableFileError(tr("The PDF file contains no pages."));
        return document.pages();
    }
    case MediaKind::Tiff: {
        const int pages = countTiffPages(bytes);
        // The first pages' sizes (each look follows the page chain again: a few suffice).
        for (int i = 0; i < std::min(pages, 64); ++i)
            if (const auto declared = readDeclaredSize(bytes, kind, i))
                refuseBomb(*declared, maxPixels);
        return pages;
    }
    case MediaKind::Jpeg:
    case MediaKind::Png:
    case MediaKind::Bmp:
    case MediaKind::Webp: {
        const auto declared = readDeclaredSize(bytes, kind);
        if (!declared)
            throw UnreadableFileError(tr("The image is damaged or truncated."));
        refuseBomb(*declared, maxPixels);
        if (kind == MediaKind::Jpeg) {
            if (!jpegReachesScan(bytes))
                throw UnreadableFileError(tr("The image is damaged or truncated."));
            return 1;
        }
        requireCodecPlugin(kind);
        const cv::Mat img = codecs::decode(bytes, codecs::ReadMode::Unchanged);
        if (img.empty())
            throw UnreadableFileError(tr("The image is damaged or truncated."));
        return 1;
    }
    case MediaKind::Unknown:
        break;
    }
    throw UnreadableFileError(tr("This file is not an image or PDF docdesk can read."));
}

namespace pdf {

void setPdfPluginLoader(PdfPluginLoader loader) {
    pdfPluginSlot().setLoader(loader);
}

const PdfPluginApi* plugin(std::string& error) {
    return pdfPluginSlot().get(error);
}

const PdfPluginApi& requiredPlugin() {
    std::string error;
    const PdfPluginApi* api = plugin(error);
    if (api == nullptr)
        throw UnreadableFileError(trf("PDF support could not be loaded ({}). Reinstall docdesk.", error));
    return *api;
}

} // namespace pdf

RgbImage renderThumbnail(const std::filesystem::path& file, MediaKind kind, int pageIndex, int maxEdge) {
    if (kind == MediaKind::Pdf)
        return renderPdfThumbnail(file, pageIndex, maxEdge);
    return toRgbImage(fitInto(decodeImage(file, kind, pageIndex, DecodeOptions{}.maxPixels), maxEdge));
}

} // namespace docdesk::imaging
