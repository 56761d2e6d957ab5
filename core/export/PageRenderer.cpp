#include "core/export/PageRenderer.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/export/CcittG4.h"
#include "core/imaging/Enhance.h"
#include "core/imaging/ImageCodecs.h"
#include "core/imaging/PageDecoder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace docdesk::output {
namespace fs = std::filesystem;

namespace {

std::vector<std::byte> readWholeFile(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec)
        throw UnreadableFileError(trf("Cannot read {}: {}", file.string(), ec.message()));
    std::vector<std::byte> bytes(size);
    std::ifstream in(file, std::ios::binary);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    if (!in || static_cast<std::uintmax_t>(in.gcount()) != size)
        throw UnreadableFileError(trf("Cannot read {}.", file.string()));
    return bytes;
}

// The pixels of a page on their way through the edits: 8-bit grey or BGR.
struct Pixels {
    cv::Mat image;
    bool bilevel = false;
    Resolution dpi;
    imaging::PixelBytes storage; // the pixels of `image` when it does not own them
};

ImageView viewOf(const cv::Mat& m) {
    return {m.data, m.cols, m.rows, static_cast<std::ptrdiff_t>(m.step[0]), m.channels()};
}

// Back from imaging's RGB result to grey or BGR.
cv::Mat fromRgb(const RgbImage& rgb, bool grey) {
    if (rgb.empty())
        throw Error(tr("The page's edits produced an empty image."));
    const cv::Mat view(rgb.height, rgb.width, CV_8UC3, const_cast<std::uint8_t*>(rgb.pixels.data()));
    cv::Mat out;
    if (grey)
        cv::extractChannel(view, out, 0); // all three channels are equal
    else
        cv::cvtColor(view, out, cv::COLOR_RGB2BGR);
    return out;
}

// A cv::Mat over `image`'s pixels, which move into `owner` (whose earlier pixels, the input of
// the warp that made `image`, are no longer needed).
cv::Mat ownedBy(imaging::DecodedPage image, imaging::PixelBytes& owner) {
    if (image.width <= 0 || image.height <= 0)
        throw Error(tr("The page's edits produced an empty image."));
    owner = std::move(image.bgr);
    return cv::Mat(image.height, image.width, image.channels == 1 ? CV_8UC1 : CV_8UC3, owner.data());
}

// True when every pixel has equal B, G and R (stops at the first that does not).
bool isGrey(const cv::Mat& bgr) {
    for (int y = 0; y < bgr.rows; ++y) {
        const std::uint8_t* p = bgr.ptr<std::uint8_t>(y);
        for (int x = 0; x < bgr.cols; ++x, p += 3)
            if (p[0] != p[1] || p[1] != p[2])
                return false;
    }
    return true;
}

// True when a grey image holds only black (0) and white (255): a bilevel original such as a
// fax TIFF, which should stay 1 bit instead of growing into a grey JPEG.
bool isBilevel(const cv::Mat& grey) {
    for (int y = 0; y < grey.rows; ++y) {
        const std::uint8_t* p = grey.ptr<std::uint8_t>(y);
        for (int x = 0; x < grey.cols; ++x)
            if (p[x] != 0 && p[x] != 255)
                return false;
    }
    return true;
}

void checkCrop(const Quad& q, const cv::Size& size) {
    double area = 0;
    for (size_t i = 0; i < 4; ++i) {
        const PointF& a = q[i];
        const PointF& b = q[(i + 1) % 4];
        area += a.x * b.y - b.x * a.y;
    }
    if (std::abs(area) / 2 < 16)
        throw Error(tr("The page's crop area is empty. Set the crop corners again."));
    double minX = q[0].x, maxX = q[0].x, minY = q[0].y, maxY = q[0].y;
    for (const PointF& p : q) {
        minX = std::min(minX, p.x);
        maxX = std::max(maxX, p.x);
        minY = std::min(minY, p.y);
        maxY = std::max(maxY, p.y);
    }
    if (maxX <= 0 || maxY <= 0 || minX >= size.width || minY >= size.height)
        throw Error(tr("The page's crop area lies outside the page. Set the crop corners again."));
}

// The original's bytes and what its header says (nothing read for PDF originals).
struct Original {
    std::vector<std::byte> bytes;
    std::optional<JpegHeader> jpeg;
    Resolution dpi;
};

Original readOriginal(const PageSource& page, const RenderOptions& options) {
    Original o;
    if (page.kind == imaging::MediaKind::Pdf) {
        o.dpi = {options.pdfDpi, options.pdfDpi};
        return o;
    }
    o.bytes = readWholeFile(page.file);
    o.dpi = readDeclaredResolution(o.bytes, page.kind, page.pageIndex);
    if (!o.dpi.known())
        o.dpi = {options.fallbackDpi, options.fallbackDpi};
    if (page.kind == imaging::MediaKind::Jpeg)
        o.jpeg = readJpegHeader(o.bytes);
    return o;
}

// A plain upright JPEG decoded with its own channel count. imaging::decodePage always yields
// BGR and looks for EXIF orientation, which makes a grey scan take ten times as long; the
// header has already shown that neither is needed here. Empty when this shortcut does not
// apply (then decodePage decodes, with its checks and messages).
cv::Mat decodePlainJpeg(const Original& original, const RenderOptions& options, const ImageView* before) {
    if (!original.jpeg || !original.jpeg->passesThroughUnchanged() ||
        double(original.jpeg->width) * double(original.jpeg->height) > double(options.maxPixels))
        return {};
    // The same decode made before (a plain JPEG has no orientation to apply, so any decode
    // mode that keeps its channels gives these very pixels).
    if (before && !before->empty() && before->width == original.jpeg->width &&
        before->height == original.jpeg->height &&
        before->channels == (original.jpeg->components > 1 ? 3 : 1))
        return cv::Mat(before->height, before->width, before->channels == 1 ? CV_8UC1 : CV_8UC3,
                       const_cast<std::uint8_t*>(before->data), size_t(before->stride));
    const cv::Mat decoded = imaging::codecs::decode(original.bytes, imaging::codecs::ReadMode::Unchanged);
    if (decoded.empty() || decoded.depth() != CV_8U || (decoded.channels() != 1 && decoded.channels() != 3) ||
        decoded.cols != original.jpeg->width || decoded.rows != original.jpeg->height)
        return {};
    return decoded;
}

Pixels decodeAndTransform(const PageSource& page, const RenderOptions& options, const Original& original,
                          const ImageView* decodedBefore = nullptr) {
    Resolution dpi = original.dpi;
    std::optional<imaging::DecodedPage> decoded;
    cv::Mat source = decodePlainJpeg(original, options, decodedBefore); // grey or BGR
    if (source.empty()) {
        decoded =
            imaging::decodePage(page.file, page.kind, page.pageIndex, {options.pdfDpi, options.maxPixels});
        source = cv::Mat(decoded->height, decoded->width, CV_8UC3, decoded->bgr.data());
    }
    const PageTransforms& t = page.transforms;
    const bool bw = t.mode == PageMode::BlackWhite;
    const bool grey = bw || t.mode == PageMode::Gray || source.channels() == 1 || isGrey(source);

    cv::Mat img = source;
    if (grey && source.channels() == 3)
        cv::cvtColor(source, img, cv::COLOR_BGR2GRAY);
    // JPEG originals are never exactly bilevel (the compression blurs edges).
    const bool keepBilevel = t.mode == PageMode::Original && grey && page.kind != imaging::MediaKind::Jpeg &&
                             page.kind != imaging::MediaKind::Pdf && isBilevel(img);
    imaging::PixelBytes warped; // the pixels of `img` once warped
    if (t.crop) {
        checkCrop(*t.crop, img.size());
        img = ownedBy(imaging::warpToRectangleKeepingLayout(viewOf(img), *t.crop), warped);
    }
    if (t.deskewDegrees != 0)
        img = ownedBy(imaging::deskewKeepingLayout(viewOf(img), t.deskewDegrees), warped);
    if (t.rotation != 0) {
        cv::Mat turned;
        cv::rotate(img, turned,
                   t.rotation == 90    ? cv::ROTATE_90_CLOCKWISE
                   : t.rotation == 180 ? cv::ROTATE_180
                                       : cv::ROTATE_90_COUNTERCLOCKWISE);
        img = turned;
        if (t.rotation != 180)
            std::swap(dpi.x, dpi.y);
    }
    if (t.mode == PageMode::ShadowRemoval)
        img = fromRgb(imaging::enhance(viewOf(img), imaging::EnhanceMode::ShadowRemoval), grey);
    imaging::PixelBytes storage;
    if (bw) {
        storage = imaging::blackAndWhite(viewOf(img)); // moved into the result, not copied
        img = cv::Mat(img.rows, img.cols, CV_8UC1, storage.data());
    } else if (keepBilevel && t.changesGeometry()) {
        cv::Mat sharp; // interpolation left grey edges
        cv::threshold(img, sharp, 127, 255, cv::THRESH_BINARY);
        img = sharp;
    }
    if (decoded && img.data == source.data)
        img = img.clone(); // `decoded` goes out of scope
    if (storage.empty() && !warped.empty() && img.data == warped.data())
        storage = std::move(warped); // the result's pixels (a moved vector keeps its buffer)
    return {img, bw || keepBilevel, dpi, std::move(storage)};
}

std::vector<std::byte> packBits(const cv::Mat& grey) {
    const size_t stride = (size_t(grey.cols) + 7) / 8;
    std::vector<std::byte> out(stride * size_t(grey.rows));
    for (int y = 0; y < grey.rows; ++y) {
        const std::uint8_t* in = grey.ptr<std::uint8_t>(y);
        std::byte* row = out.data() + size_t(y) * stride;
        int x = 0;
        // Eight pixels to a byte, eight at a time: a pixel is dark (< 128) when its top bit is
        // clear; the multiplication gathers the eight top bits, the first pixel's in the byte's
        // highest bit (a pixel at a time took 9 ms of a 300-dpi A4 page, this takes 0.8 ms).
        for (; x + 8 <= grey.cols; x += 8) {
            std::uint64_t eight = 0;
            std::memcpy(&eight, in + x, sizeof eight);
            if constexpr (std::endian::native == std::endian::big)
                eight = detail::reversedBytes(eight); // pixel x + k in byte k, as on little-endian machines
            const std::uint64_t dark = (~eight & 0x8080808080808080ull) >> 7; // 1 in each dark byte
            row[x >> 3] = std::byte(std::uint8_t((dark * 0x8040201008040201ull) >> 56));
        }
        for (; x < grey.cols; ++x)
            if (in[x] < 128)
                row[x >> 3] |= std::byte(0x80u >> (x & 7));
    }
    return out;
}

// libjpeg writes a JFIF header with an aspect ratio only; state the real resolution instead.
void setJfifDensity(std::vector<std::uint8_t>& jpeg, Resolution dpi) {
    if (jpeg.size() < 18 || jpeg[2] != 0xFF || jpeg[3] != 0xE0 ||
        std::memcmp(jpeg.data() + 6, "JFIF", 5) != 0)
        return;
    const auto x = unsigned(std::clamp(std::lround(dpi.x), 1L, 65535L));
    const auto y = unsigned(std::clamp(std::lround(dpi.y), 1L, 65535L));
    jpeg[13] = 1; // dots per inch
    jpeg[14] = std::uint8_t(x >> 8);
    jpeg[15] = std::uint8_t(x & 0xFF);
    jpeg[16] = std::uint8_t(y >> 8);
    jpeg[17] = std::uint8_t(y & 0xFF);
}

EncodedPage encode(const Pixels& px, const RenderOptions& options) {
    EncodedPage out;
    out.width = px.image.cols;
    out.height = px.image.rows;
    out.dpi = px.dpi;
    if (px.bilevel) {
        out.encoding = PageEncoding::Bilevel;
        out.components = 1;
        out.bytes = packBits(px.image);
        if (options.bilevelAsG4) {
            // Where the page is rendered (a worker of the pool), not in the one thread that
            // assembles the PDF. Noise can make G4 larger than the rows; then the rows stay.
            auto g4 = encodeG4(out.bytes, out.width, out.height);
            if (g4.size() < out.bytes.size()) {
                out.encoding = PageEncoding::G4;
                out.bytes = std::move(g4);
            }
        }
        return out;
    }
    std::vector<std::uint8_t> jpeg;
    if (!imaging::codecs::encodeJpeg(px.image, std::clamp(options.jpegQuality, 1, 100), jpeg))
        throw Error(tr("The page could not be encoded as JPEG."));
    setJfifDensity(jpeg, px.dpi);
    out.encoding = PageEncoding::Jpeg;
    out.components = px.image.channels();
    out.bytes.resize(jpeg.size());
    std::memcpy(out.bytes.data(), jpeg.data(), jpeg.size());
    return out;
}

// The original JPEG as it is, when nothing about the page asks for other pixels.
std::optional<EncodedPage> passthrough(const PageSource& page, const RenderOptions& options,
                                       Original& original) {
    const PageTransforms& t = page.transforms;
    const auto& header = original.jpeg;
    if (!header || !header->passesThroughUnchanged() || t.changesGeometry() ||
        t.mode == PageMode::BlackWhite || t.mode == PageMode::ShadowRemoval)
        return std::nullopt;
    if (t.mode == PageMode::Gray && header->components != 1)
        return std::nullopt;
    if (double(header->width) * double(header->height) > double(options.maxPixels))
        return std::nullopt; // decodePage refuses it with the right message
    EncodedPage out;
    out.encoding = PageEncoding::Jpeg;
    out.width = header->width;
    out.height = header->height;
    out.components = header->components;
    out.dpi = original.dpi;
    out.passthrough = true;
    out.bytes = std::move(original.bytes);
    return out;
}

} // namespace

PageSource pageSource(const PageRecord& page) {
    return {page.originalFile, imaging::kindFromMimeType(page.mediaType), page.sourcePage - 1,
            PageTransforms::parse(page.transformsJson)};
}

EncodedPage renderPage(const PageSource& page, const RenderOptions& options, const ImageView* decoded) {
    Original original = readOriginal(page, options);
    if (auto untouched = passthrough(page, options, original))
        return std::move(*untouched);
    return encode(decodeAndTransform(page, options, original, decoded), options);
}

std::optional<EncodedPage> passThroughPage(const PageSource& page, const RenderOptions& options) {
    if (page.kind != imaging::MediaKind::Jpeg || page.transforms.changesGeometry() ||
        page.transforms.mode == PageMode::BlackWhite)
        return std::nullopt; // decided without reading the file
    Original original = readOriginal(page, options);
    return passthrough(page, options, original);
}

PageRaster renderRaster(const PageSource& page, const RenderOptions& options) {
    const Pixels px = decodeAndTransform(page, options, readOriginal(page, options));
    PageRaster out;
    out.width = px.image.cols;
    out.height = px.image.rows;
    out.bilevel = px.bilevel;
    out.dpi = px.dpi;
    cv::Mat packed;
    if (px.image.channels() == 3) {
        out.channels = 3;
        cv::cvtColor(px.image, packed, cv::COLOR_BGR2RGB);
    } else {
        out.channels = 1;
        packed = px.image.isContinuous() ? px.image : px.image.clone();
    }
    const size_t rowBytes = size_t(out.width) * size_t(out.channels);
    out.pixels.resize(rowBytes * size_t(out.height));
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * rowBytes, packed.ptr(y), rowBytes);
    return out;
}

} // namespace docdesk::output
