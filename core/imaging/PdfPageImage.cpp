#include "core/imaging/PdfPageImage.h"

#include "core/imaging/PdfPlugin.h"

// qpdf 11: use std::shared_ptr, not its old PointerHolder (else its headers warn).
#define POINTERHOLDER_TRANSITION 4
#include <algorithm>
#include <array>
#include <cmath>
#include <new>
#include <opencv2/imgproc.hpp>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <set>
#include <string>
#include <vector>

namespace docdesk::imaging::detail {
namespace {

// docdesk's own codecs, handed over when the plugin is loaded (PdfPlugin.h).
pdf::ImageDecoder imageDecoder = nullptr;

cv::Mat decodeBytes(const unsigned char* data, std::size_t size, codecs::ReadMode mode) {
    cv::Mat out;
    if (imageDecoder != nullptr)
        imageDecoder(reinterpret_cast<const std::byte*>(data), size, mode, &out);
    return out;
}

// A PDF transformation matrix [a b c d e f]: (x, y) -> (a x + c y + e, b x + d y + f).
using PdfMatrix = std::array<double, 6>;
constexpr PdfMatrix kIdentity{1, 0, 0, 1, 0, 0};

// m applied first, then n (PDF's "m x n").
PdfMatrix times(const PdfMatrix& m, const PdfMatrix& n) {
    return {m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],        m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]};
}

// Follows a page's content stream and accepts only "draw one image XObject", with graphics
// state, clipping, transformations, marked content and invisible text (an OCR layer) around
// it. Visible text, paths that paint, shadings and inline images mean the page is more.
class SingleImagePainting : public QPDFObjectHandle::ParserCallbacks {
  public:
    void handleObject(QPDFObjectHandle object) override {
        if (failed_)
            return;
        if (!object.isOperator()) {
            operands_.push_back(object);
            return;
        }
        const std::string op = object.getOperatorValue();
        if (op == "q") {
            saved_.push_back(ctm_);
        } else if (op == "Q") {
            if (saved_.empty()) {
                failed_ = true;
            } else {
                ctm_ = saved_.back();
                saved_.pop_back();
            }
        } else if (op == "cm") {
            PdfMatrix m{};
            if (operands_.size() != 6) {
                failed_ = true;
            } else {
                for (size_t i = 0; i < 6; ++i) {
                    if (!operands_[i].isNumber()) {
                        failed_ = true;
                        break;
                    }
                    m[i] = operands_[i].getNumericValue();
                }
                ctm_ = times(m, ctm_);
            }
        } else if (op == "Do") {
            if (operands_.size() != 1 || !operands_[0].isName() || !image_.empty()) {
                failed_ = true;
            } else {
                image_ = operands_[0].getName();
                imageCtm_ = ctm_;
            }
        } else if (op == "Tr") {
            textMode_ =
                operands_.size() == 1 && operands_[0].isInteger() ? int(operands_[0].getIntValue()) : 0;
        } else if (op == "Tj" || op == "TJ" || op == "'" || op == "\"") {
            failed_ = failed_ || textMode_ != 3; // only the invisible text of an OCR layer
        } else if (kHarmless.count(op) == 0) { // C++17 here: see the clang note in tests/fuzz/CMakeLists.txt
            failed_ = true;                    // anything that paints besides the image
        }
        operands_.clear();
    }
    void handleEOF() override {}

    // The resource name of the one image drawn, and where: empty when the page is more.
    const std::string& image() const { return failed_ ? empty_ : image_; }
    const PdfMatrix& imageMatrix() const { return imageCtm_; }

  private:
    std::vector<QPDFObjectHandle> operands_;
    std::vector<PdfMatrix> saved_;
    PdfMatrix ctm_ = kIdentity;
    PdfMatrix imageCtm_ = kIdentity;
    std::string image_;
    const std::string empty_;
    bool failed_ = false;
    int textMode_ = 0;
    // Operators that set state, clip, or mark content, but paint nothing.
    inline static const std::set<std::string> kHarmless{
        "gs",  "w",  "J",  "j",  "M",  "d",  "ri", "i",  "re", "W",  "W*", "n",   "BDC", "BMC",
        "EMC", "MP", "DP", "BT", "ET", "Tf", "Td", "TD", "Tm", "T*", "Tc", "Tw",  "Tz",  "TL",
        "Ts",  "g",  "G",  "rg", "RG", "k",  "K",  "cs", "CS", "sc", "SC", "scn", "SCN"};
};

// Grey or RGB, from the image's /ColorSpace: 1 or 3 components, 0 for anything else.
int componentsOf(QPDFObjectHandle colourSpace) {
    if (colourSpace.isName()) {
        const std::string name = colourSpace.getName();
        return name == "/DeviceGray" || name == "/CalGray" ? 1
               : name == "/DeviceRGB" || name == "/CalRGB" ? 3
                                                           : 0;
    }
    if (colourSpace.isArray() && colourSpace.getArrayNItems() >= 1 && colourSpace.getArrayItem(0).isName()) {
        const std::string family = colourSpace.getArrayItem(0).getName();
        if (family == "/CalGray")
            return 1;
        if (family == "/CalRGB")
            return 3;
        if (family == "/ICCBased" && colourSpace.getArrayNItems() == 2 &&
            colourSpace.getArrayItem(1).isStream()) {
            auto n = colourSpace.getArrayItem(1).getDict().getKey("/N");
            if (n.isInteger() && (n.getIntValue() == 1 || n.getIntValue() == 3))
                return int(n.getIntValue());
        }
    }
    return 0;
}

// The single filter of a stream, or "" for none, "?" for a chain.
std::string filterOf(QPDFObjectHandle dict) {
    auto filter = dict.getKey("/Filter");
    if (filter.isNull())
        return "";
    if (filter.isName())
        return filter.getName();
    if (filter.isArray() && filter.getArrayNItems() == 1 && filter.getArrayItem(0).isName())
        return filter.getArrayItem(0).getName();
    return "?";
}

// Whether the image lands exactly on the box (within 1 % of its size), upright.
bool coversBox(const PdfMatrix& m, const QPDFObjectHandle::Rectangle& box) {
    const double w = box.urx - box.llx, h = box.ury - box.lly;
    if (w <= 0 || h <= 0 || std::abs(m[1]) > 1e-6 * w || std::abs(m[2]) > 1e-6 * h)
        return false;
    const double tx = 0.01 * w, ty = 0.01 * h;
    return std::abs(m[0] - w) <= tx && std::abs(m[3] - h) <= ty && std::abs(m[4] - box.llx) <= tx &&
           std::abs(m[5] - box.lly) <= ty;
}

// Unpacked pixels of a raw image stream (rows padded to whole bytes for 1 bit).
cv::Mat rawPixels(const Buffer& data, int width, int height, int components, int bits, bool inverted) {
    const size_t rowBytes = bits == 1 ? (size_t(width) + 7) / 8 : size_t(width) * size_t(components);
    if (data.getSize() < rowBytes * size_t(height))
        return {};
    const unsigned char* bytes = data.getBuffer();
    if (bits == 8) {
        cv::Mat wrapped(height, width, components == 1 ? CV_8UC1 : CV_8UC3, const_cast<unsigned char*>(bytes),
                        rowBytes);
        cv::Mat out;
        if (components == 3)
            cv::cvtColor(wrapped, out, cv::COLOR_RGB2BGR);
        else
            out = wrapped.clone();
        return out;
    }
    cv::Mat out(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y) {
        const unsigned char* row = bytes + rowBytes * size_t(y);
        auto* dst = out.ptr<unsigned char>(y);
        for (int x = 0; x < width; ++x) {
            const bool one = (row[x / 8] >> (7 - x % 8)) & 1;
            dst[x] = (one != inverted) ? 255 : 0; // DeviceGray: 1 is white
        }
    }
    return out;
}

// CCITT fax data (the usual compression of bilevel scans) wrapped in a minimal TIFF, which
// OpenCV decodes through libtiff: parameters as in the PDF's /DecodeParms (PDF 32000 7.4.6).
cv::Mat decodeCcitt(const Buffer& data, QPDFObjectHandle params, int width, int height) {
    const auto integer = [&](const char* key, long long fallback) {
        if (!params.isDictionary())
            return fallback;
        auto value = params.getKey(key);
        return value.isInteger() ? value.getIntValue() : fallback;
    };
    const auto flag = [&](const char* key) {
        if (!params.isDictionary())
            return false;
        auto value = params.getKey(key);
        return value.isBool() && value.getBoolValue();
    };
    const long long k = integer("/K", 0);
    if (integer("/Columns", 1728) != width)
        return {};
    const bool blackIs1 = flag("/BlackIs1");
    std::vector<unsigned char> tiff;
    const auto put16 = [&](unsigned v) {
        tiff.push_back(static_cast<unsigned char>(v & 0xff));
        tiff.push_back(static_cast<unsigned char>(v >> 8));
    };
    const auto put32 = [&](std::uint32_t v) {
        put16(v & 0xffff);
        put16(v >> 16);
    };
    struct Entry {
        unsigned tag, type;
        std::uint32_t value;
    };
    constexpr unsigned kShort = 3, kLong = 4;
    std::vector<Entry> entries{
        {256, kLong, std::uint32_t(width)},
        {257, kLong, std::uint32_t(height)},
        {258, kShort, 1},
        {259, kShort, k < 0 ? 4u : 3u},    // CCITT group 4 / group 3
        {262, kShort, blackIs1 ? 1u : 0u}, // PDF: 0 bits are black unless /BlackIs1
        {273, kLong, 0},                   // strip offset, set below
        {277, kShort, 1},
        {278, kLong, std::uint32_t(height)},
        {279, kLong, std::uint32_t(data.getSize())},
    };
    if (k >= 0) // T4Options: 2D coding when K > 0; fill bits when rows are byte-aligned
        entries.push_back({292, kLong, (k > 0 ? 1u : 0u) | (flag("/EncodedByteAlign") ? 4u : 0u)});
    else
        entries.push_back({293, kLong, 0});
    const std::uint32_t dataOffset = std::uint32_t(8 + 2 + entries.size() * 12 + 4);
    entries[5].value = dataOffset;
    tiff.insert(tiff.end(), {'I', 'I', 42, 0});
    put32(8);
    put16(unsigned(entries.size()));
    for (const auto& e : entries) {
        put16(e.tag);
        put16(e.type);
        put32(1);
        if (e.type == kShort) {
            put16(e.value);
            put16(0);
        } else {
            put32(e.value);
        }
    }
    put32(0);
    tiff.insert(tiff.end(), data.getBuffer(), data.getBuffer() + data.getSize());
    return decodeBytes(tiff.data(), tiff.size(), codecs::ReadMode::Grey);
}

} // namespace

namespace {

// What an image XObject must be for docdesk to decode it itself: no masks or alpha, 8 bits per
// component (or 1-bit grey, possibly inverted), a colour space it knows, a size within limits.
struct PlainImage {
    long long width = 0, height = 0, bits = 0;
    int components = 0;
    bool inverted = false; // a bilevel image with /Decode [1 0]
};

std::optional<PlainImage> plainImage(QPDFObjectHandle dict, std::uint64_t maxPixels) {
    // Masks, decode arrays (other than an inverted bilevel) and alpha need the renderer.
    if (dict.getKey("/ImageMask").isBool() && dict.getKey("/ImageMask").getBoolValue())
        return std::nullopt;
    if (!dict.getKey("/SMask").isNull() || !dict.getKey("/Mask").isNull())
        return std::nullopt;
    auto widthKey = dict.getKey("/Width"), heightKey = dict.getKey("/Height");
    auto bitsKey = dict.getKey("/BitsPerComponent");
    if (!widthKey.isInteger() || !heightKey.isInteger() || !bitsKey.isInteger())
        return std::nullopt;
    PlainImage p;
    p.width = widthKey.getIntValue();
    p.height = heightKey.getIntValue();
    p.bits = bitsKey.getIntValue();
    if (p.width < 1 || p.height < 1 || p.width > 65535 || p.height > 65535 ||
        double(p.width) * double(p.height) > double(maxPixels))
        return std::nullopt;
    p.components = componentsOf(dict.getKey("/ColorSpace"));
    if (p.components == 0 || (p.bits != 8 && !(p.bits == 1 && p.components == 1)))
        return std::nullopt;
    if (auto decode = dict.getKey("/Decode"); !decode.isNull()) {
        const bool invertedBilevel = p.bits == 1 && decode.isArray() && decode.getArrayNItems() == 2 &&
                                     decode.getArrayItem(0).isNumber() && decode.getArrayItem(1).isNumber() &&
                                     decode.getArrayItem(0).getNumericValue() == 1 &&
                                     decode.getArrayItem(1).getNumericValue() == 0;
        if (!invertedBilevel)
            return std::nullopt;
        p.inverted = true;
    }
    return p;
}

// The image's pixels, for the filters docdesk decodes itself; empty for the others (JBIG2,
// JPEG 2000, chains of filters: poppler decodes those).
cv::Mat decodeImageStream(QPDFObjectHandle image, const PlainImage& p) {
    QPDFObjectHandle dict = image.getDict();
    const std::string filter = filterOf(dict);
    if (filter == "/DCTDecode") {
        const auto data = image.getRawStreamData();
        return decodeBytes(data->getBuffer(), data->getSize(),
                           p.components == 1 ? codecs::ReadMode::Grey : codecs::ReadMode::Colour);
    }
    if (filter == "" || filter == "/FlateDecode" || filter == "/LZWDecode" || filter == "/RunLengthDecode") {
        const auto data = image.getStreamData(qpdf_dl_generalized);
        return rawPixels(*data, int(p.width), int(p.height), p.components, int(p.bits), p.inverted);
    }
    if (filter == "/CCITTFaxDecode" && p.bits == 1 && !p.inverted) {
        const auto data = image.getRawStreamData();
        return decodeCcitt(*data, dict.getKey("/DecodeParms"), int(p.width), int(p.height));
    }
    return {};
}

// To the resolution asked for, as rasterising would give (the CLI contract's page coordinates;
// only exact-size images stay untouched), turned as the page says. False when that size is
// over the limit.
bool toPageGeometry(cv::Mat& pixels, QPDFPageObjectHelper& page, const QPDFObjectHandle::Rectangle& box,
                    double dpi, std::uint64_t maxPixels) {
    const cv::Size target(std::max(1, int(std::lround((box.urx - box.llx) / 72.0 * dpi))),
                          std::max(1, int(std::lround((box.ury - box.lly) / 72.0 * dpi))));
    if (std::abs(target.width - pixels.cols) > 2 || std::abs(target.height - pixels.rows) > 2) {
        if (double(target.width) * target.height > double(maxPixels))
            return false;
        cv::resize(pixels, pixels, target, 0, 0,
                   target.width < pixels.cols ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    auto rotate = page.getAttribute("/Rotate", false);
    const long long turns = rotate.isInteger() ? ((rotate.getIntValue() % 360) + 360) % 360 / 90 : 0;
    if (turns == 1)
        cv::rotate(pixels, pixels, cv::ROTATE_90_CLOCKWISE);
    else if (turns == 2)
        cv::rotate(pixels, pixels, cv::ROTATE_180);
    else if (turns == 3)
        cv::rotate(pixels, pixels, cv::ROTATE_90_COUNTERCLOCKWISE);
    return true;
}

// Page `pageIndex` of `file`, read into `pdf` (which must outlive it); empty when the file
// has no such page. Throws what qpdf throws for files it cannot take.
std::optional<QPDFPageObjectHelper> openQpdfPage(QPDF& pdf, const std::filesystem::path& file,
                                                 int pageIndex) {
    pdf.setSuppressWarnings(true);
    pdf.processFile(file.string().c_str());
    auto pages = QPDFPageDocumentHelper(pdf).getAllPages();
    if (pageIndex < 0 || size_t(pageIndex) >= pages.size())
        return std::nullopt;
    return pages[size_t(pageIndex)];
}

} // namespace

void useImageDecoder(pdf::ImageDecoder decoder) {
    imageDecoder = decoder;
}

std::optional<cv::Mat> fullPageImage(const std::filesystem::path& file, int pageIndex, double dpi,
                                     std::uint64_t maxPixels, bool keepGrey) {
    try {
        QPDF pdf;
        auto opened = openQpdfPage(pdf, file, pageIndex);
        if (!opened)
            return std::nullopt;
        QPDFPageObjectHelper& page = *opened;
        SingleImagePainting painting;
        page.parseContents(&painting);
        if (painting.image().empty())
            return std::nullopt;
        auto images = page.getImages();
        const auto found = images.find(painting.image());
        if (found == images.end() || !found->second.isStream())
            return std::nullopt;
        const auto box = page.getCropBox(false, true).getArrayAsRectangle();
        if (!coversBox(painting.imageMatrix(), box))
            return std::nullopt;
        const auto plain = plainImage(found->second.getDict(), maxPixels);
        if (!plain)
            return std::nullopt;
        cv::Mat pixels = decodeImageStream(found->second, *plain);
        if (pixels.empty() || pixels.cols != plain->width || pixels.rows != plain->height)
            return std::nullopt;
        if (!toPageGeometry(pixels, page, box, dpi, maxPixels))
            return std::nullopt;
        if (pixels.channels() == 1 && !keepGrey)
            cv::cvtColor(pixels, pixels, cv::COLOR_GRAY2BGR);
        return pixels;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception&) {
        return std::nullopt; // damaged, encrypted, unusual: the renderer decides and explains
    }
}

std::optional<std::pair<std::int64_t, std::int64_t>> largestImage(const std::filesystem::path& file,
                                                                  int pageIndex) {
    try {
        QPDF pdf;
        auto page = openQpdfPage(pdf, file, pageIndex);
        if (!page)
            return std::nullopt;
        std::optional<std::pair<std::int64_t, std::int64_t>> largest;
        page->forEachImage(true, [&](QPDFObjectHandle& image, QPDFObjectHandle&, const std::string&) {
            auto dict = image.getDict();
            auto width = dict.getKey("/Width"), height = dict.getKey("/Height");
            if (!width.isInteger() || !height.isInteger())
                return;
            const std::int64_t w = std::max<long long>(0, width.getIntValue());
            const std::int64_t h = std::max<long long>(0, height.getIntValue());
            if (!largest || double(w) * double(h) > double(largest->first) * double(largest->second))
                largest = std::pair{w, h};
        });
        return largest;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception&) {
        return std::nullopt; // damaged in a way qpdf does not take: poppler decides
    }
}

} // namespace docdesk::imaging::detail
