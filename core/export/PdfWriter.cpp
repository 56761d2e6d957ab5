#include "core/export/PdfWriter.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/export/ImageHeader.h"
#include "core/export/PdfA.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <filesystem>
#include <hpdf.h>
#include <map>
#include <set>

namespace docdesk::output {
namespace {

// libharu's UTF-8 encoder (2.3.0) handles the Basic Multilingual Plane only and misreads
// invalid sequences, so text is cleaned first: anything it cannot take becomes U+FFFD.
std::string cleanUtf8(const std::string& in, size_t maxBytes) {
    static const std::string replacement = "\xEF\xBF\xBD";
    std::string out;
    size_t i = 0;
    while (i < in.size() && out.size() < maxBytes) {
        const auto c = static_cast<unsigned char>(in[i]);
        const size_t len = c < 0x80           ? 1
                           : (c >> 5) == 0x6  ? 2
                           : (c >> 4) == 0xE  ? 3
                           : (c >> 3) == 0x1E ? 4
                                              : 0;
        bool complete = len > 0 && i + len <= in.size();
        for (size_t k = 1; complete && k < len; ++k)
            complete = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
        bool ok = complete && len <= 3;
        if (ok && len == 1)
            ok = c >= 0x20 || c == '\t'; // no control characters in metadata
        if (ok && len == 2)
            ok = c >= 0xC2; // no overlong forms
        if (ok && len == 3) {
            const unsigned cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(in[i + 1]) & 0x3Fu) << 6) |
                                (static_cast<unsigned char>(in[i + 2]) & 0x3Fu);
            ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
        }
        if (ok)
            out.append(in, i, len);
        else
            out += replacement;
        i += complete ? len : 1;
    }
    return out;
}

std::string fieldsAsSubject(const std::map<std::string, std::string>& fields) {
    std::string s;
    for (const auto& [name, value] : fields) {
        if (!s.empty())
            s += "; ";
        s += name + ": " + value;
    }
    return s;
}

std::string fieldValuesAsKeywords(const std::map<std::string, std::string>& fields) {
    std::set<std::string> seen;
    std::string s;
    for (const auto& [name, value] : fields) {
        if (value.empty() || !seen.insert(value).second)
            continue;
        if (!s.empty())
            s += ", ";
        s += value;
    }
    return s;
}

HPDF_Date pdfDate(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(t - day)};
    HPDF_Date d{};
    d.year = int(ymd.year());
    d.month = int(unsigned(ymd.month()));
    d.day = int(unsigned(ymd.day()));
    d.hour = int(hms.hours().count());
    d.minutes = int(hms.minutes().count());
    d.seconds = int(hms.seconds().count());
    d.ind = 'Z';
    return d;
}

// Keeps the page within the sizes PDF viewers (and libharu) accept, preserving the aspect.
void fitPageSize(double& w, double& h) {
    const double longest = std::max(w, h), shortest = std::min(w, h);
    double scale = 1;
    if (longest > HPDF_MAX_PAGE_SIZE)
        scale = HPDF_MAX_PAGE_SIZE / longest;
    else if (shortest < HPDF_MIN_PAGE_SIZE)
        scale = std::min(HPDF_MIN_PAGE_SIZE / shortest, HPDF_MAX_PAGE_SIZE / longest);
    w *= scale;
    h *= scale;
}

// Top and bottom of each text line of the page, in image pixels.
std::map<int, std::pair<int, int>> lineExtents(const ocr::PageText& text) {
    std::map<int, std::pair<int, int>> lines;
    for (const auto& w : text.words) {
        auto [it, fresh] = lines.try_emplace(w.line, w.y, w.y + w.height);
        if (!fresh) {
            it->second.first = std::min(it->second.first, w.y);
            it->second.second = std::max(it->second.second, w.y + w.height);
        }
    }
    return lines;
}

// Sets the font at `size` (or smaller) and stretches the next text to `width` points. libharu
// refuses a horizontal scaling outside 10-300% and then the whole PDF ("libharu error 0x1056"):
// a word far narrower than its text gets a smaller font; one far wider (a receipt's widely
// spaced "1,59   A" read as one word) covers the start of its box, whole, so that searching
// still finds it (spacing its letters apart would make viewers read them as separate words).
void fitWord(HPDF_Page p, HPDF_Font font, double size, const std::string& text, double width) {
    HPDF_Page_SetFontAndSize(p, font, HPDF_REAL(size));
    HPDF_Page_SetHorizontalScalling(p, 100);
    const double natural = HPDF_Page_TextWidth(p, text.c_str());
    if (natural <= 0)
        return;
    double scaling = 100 * width / natural;
    if (scaling < HPDF_MIN_HORIZONTALSCALING) {
        HPDF_Page_SetFontAndSize(p, font,
                                 HPDF_REAL(std::max(0.01, size * scaling / HPDF_MIN_HORIZONTALSCALING)));
        scaling = HPDF_MIN_HORIZONTALSCALING;
    }
    HPDF_Page_SetHorizontalScalling(p, HPDF_REAL(std::min(scaling, double(HPDF_MAX_HORIZONTALSCALING))));
}

// The words as invisible text over a page of w x h points: each word sized by its line's
// height, its baseline at the line's bottom less the font's descent, stretched to its box.
void drawTextLayer(HPDF_Page p, HPDF_Font font, const ocr::PageText& text, double w, double h) {
    if (text.width <= 0 || text.height <= 0 || text.words.empty())
        return;
    const double sx = w / text.width, sy = h / text.height;
    const auto lines = lineExtents(text);
    HPDF_Page_BeginText(p);
    HPDF_Page_SetTextRenderingMode(p, HPDF_INVISIBLE);
    for (size_t i = 0; i < text.words.size(); ++i) {
        const auto& word = text.words[i];
        std::string s = cleanUtf8(word.text, 1000);
        const auto& [top, bottom] = lines.at(word.line);
        // A line's box reaches from the capitals' top to the descenders' bottom: about 1.1 em.
        const double size = std::clamp((bottom - top) * sy / 1.1, 1.0, 500.0);
        if (s.empty() || word.width <= 0)
            continue;
        fitWord(p, font, size, s, word.width * sx);
        const double baseline = h - bottom * sy + 0.2 * size; // most lines have some descenders
        HPDF_Page_SetTextMatrix(p, 1, 0, 0, 1, HPDF_REAL(word.x * sx), HPDF_REAL(baseline));
        // A real space after each word but a line's last, so text extraction keeps words apart.
        if (i + 1 < text.words.size() && text.words[i + 1].line == word.line)
            s += ' ';
        HPDF_Page_ShowText(p, s.c_str());
    }
    HPDF_Page_EndText(p);
}

// The bytes of a JPEG or G4 page, read by libharu in place when the document is saved (PdfWriter::
// addPage). The callbacks follow libharu's memory stream: a short read at the end returns
// HPDF_STREAM_EOF without raising an error.
struct BytesInPlace {
    std::vector<std::byte> bytes;
    size_t position = 0;

    static BytesInPlace& of(HPDF_Stream stream) { return *static_cast<BytesInPlace*>(stream->attr); }
    static HPDF_STATUS read(HPDF_Stream stream, HPDF_BYTE* out, HPDF_UINT* size) {
        BytesInPlace& j = of(stream);
        const size_t n = std::min<size_t>(*size, j.bytes.size() - j.position);
        std::memcpy(out, j.bytes.data() + j.position, n);
        j.position += n;
        const bool whole = n == *size;
        *size = HPDF_UINT(n);
        return whole ? HPDF_OK : HPDF_STREAM_EOF;
    }
    static HPDF_STATUS seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode) {
        BytesInPlace& j = of(stream);
        const std::int64_t base = mode == HPDF_SEEK_CUR   ? std::int64_t(j.position)
                                  : mode == HPDF_SEEK_END ? std::int64_t(j.bytes.size())
                                                          : 0;
        const std::int64_t to = base + pos;
        if (to < 0 || to > std::int64_t(j.bytes.size()))
            return HPDF_SetError(stream->error, HPDF_STREAM_EOF, 0);
        j.position = size_t(to);
        return HPDF_OK;
    }
    static HPDF_INT32 tell(HPDF_Stream stream) { return HPDF_INT32(of(stream).position); }
    static HPDF_UINT32 size(HPDF_Stream stream) { return HPDF_UINT32(of(stream).bytes.size()); }
};

} // namespace

std::string textLayerFontFile() {
    for (const char* file :
         {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
          "/usr/share/fonts/TTF/DejaVuSans.ttf"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(file, ec))
            return file;
    }
    throw Error(
        tr("The searchable text layer needs the font DejaVu Sans (Debian package fonts-dejavu-core)."));
}

struct PdfWriter::Impl {
    HPDF_Doc doc = nullptr;
    HPDF_STATUS error = HPDF_OK;
    HPDF_STATUS detail = 0;
    int pages = 0;
    size_t imageBytes = 0; // of the pages added, to size the finished document's buffer
    bool pdfa = false;
    DocumentInfo info;
    std::deque<BytesInPlace> images; // the JPEG and G4 pages' bytes, read in place at save
    HPDF_Font textFont = nullptr;    // loaded with the first text layer

    HPDF_Font font() {
        if (!textFont) {
            const std::string file = textLayerFontFile();
            const char* name = HPDF_LoadTTFontFromFile(doc, file.c_str(), HPDF_TRUE);
            check(name ? HPDF_OK : HPDF_TTF_INVALID_FOMAT);
            textFont = HPDF_GetFont(doc, name, "UTF-8");
            check(textFont ? HPDF_OK : HPDF_INVALID_FONT_NAME);
        }
        return textFont;
    }

    // The whole document, written straight into one buffer. HPDF_SaveToStream writes to the
    // document's `stream` (hpdf_doc.h), a chain of 4 KB blocks by default, which then had to be
    // copied out into a zeroed buffer: about 10 ms of the CLI's time per 300-dpi page. With a
    // callback writer there instead (libharu's HPDF_SaveToFile writes through such a stream
    // too, so the offsets in the cross-reference table are counted the same way), the bytes
    // are copied once. libharu frees that stream with the document.
    std::vector<std::byte> save() {
        std::vector<std::byte> out;
        out.reserve(imageBytes + 64 * 1024); // the images and the document's own objects
        check(doc->stream == nullptr ? HPDF_OK : HPDF_INVALID_OPERATION); // a document is saved once
        doc->stream = HPDF_CallbackWriter_New(doc->mmgr, &appendTo, &out);
        check(doc->stream != nullptr ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM);
        check(HPDF_SaveToStream(doc));
        return out;
    }

    // The callback writer's write function: appends to the vector given as its data.
    static HPDF_STATUS appendTo(HPDF_Stream stream, const HPDF_BYTE* bytes, HPDF_UINT size) {
        try {
            auto& out = *static_cast<std::vector<std::byte>*>(stream->attr);
            const auto* first = reinterpret_cast<const std::byte*>(bytes);
            out.insert(out.end(), first, first + size);
            return HPDF_OK;
        } catch (const std::bad_alloc&) {
            return HPDF_FAILD_TO_ALLOC_MEM; // no exception through libharu's C frames
        }
    }

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (doc)
            HPDF_Free(doc);
    }

    // Called by libharu on any error. It must not throw (libharu is C); the error is
    // recorded and turned into an exception by check() once libharu has returned.
    static void onError(HPDF_STATUS error, HPDF_STATUS detail, void* self) {
        auto* impl = static_cast<Impl*>(self);
        if (impl->error == HPDF_OK) {
            impl->error = error;
            impl->detail = detail;
        }
    }

    // Gives `image` the encoded `bytes` as its data, read in place at save instead of copied
    // into libharu's stream of 4 KB blocks.
    void replaceStream(HPDF_Image image, std::vector<std::byte>&& bytes, int page) {
        BytesInPlace& held = images.emplace_back(BytesInPlace{std::move(bytes), 0});
        HPDF_Stream inPlace = HPDF_CallbackReader_New(doc->mmgr, &BytesInPlace::read, &BytesInPlace::seek,
                                                      &BytesInPlace::tell, &BytesInPlace::size, &held);
        check(inPlace != nullptr ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM, page);
        HPDF_Stream_Free(image->stream);
        image->stream = inPlace;
    }

    // Throws when the last libharu call failed; `page` (1-based) names the page concerned.
    void check(HPDF_STATUS status, int page = 0) {
        if (status == HPDF_OK && error == HPDF_OK)
            return;
        const HPDF_STATUS code = error != HPDF_OK ? error : status;
        const auto hex = fmt::format("{:#06x}", unsigned(code));
        switch (code) {
        case HPDF_FAILD_TO_ALLOC_MEM:
            throw Error(tr("There is not enough memory to write the PDF."));
        case HPDF_INVALID_JPEG_DATA:
        case HPDF_UNSUPPORTED_JPEG_FORMAT:
        case HPDF_INVALID_IMAGE:
            throw Error(trf("Page {} cannot be put into the PDF: its image is damaged or in a form PDF does "
                            "not support (libharu error {}).",
                            page, hex));
        case HPDF_PAGE_INVALID_SIZE:
            throw Error(trf("Page {} cannot be put into the PDF: its size is outside what PDF allows "
                            "(libharu error {}).",
                            page, hex));
        default:
            throw Error(
                trf("The PDF could not be written (libharu error {}, detail {}).", hex, unsigned(detail)));
        }
    }
};

PdfWriter::PdfWriter(const DocumentInfo& info, bool pdfa) : impl_(std::make_unique<Impl>()) {
    impl_->pdfa = pdfa;
    impl_->info = info;
    impl_->doc = HPDF_New(&Impl::onError, impl_.get());
    if (!impl_->doc)
        throw Error(tr("There is not enough memory to write the PDF."));
    Impl& d = *impl_;
    // Compresses the page content and raw images; JPEG and CCITT images keep their own filter.
    d.check(HPDF_SetCompressionMode(d.doc, HPDF_COMP_ALL));
    d.check(HPDF_UseUTFEncodings(d.doc));
    d.check(HPDF_SetCurrentEncoder(d.doc, "UTF-8"));
    constexpr size_t kMaxText = 8000; // libharu's strings are limited; metadata is a summary
    auto set = [&](HPDF_InfoType type, const std::string& value) {
        if (!value.empty())
            d.check(HPDF_SetInfoAttr(d.doc, type, cleanUtf8(value, kMaxText).c_str()));
    };
    set(HPDF_INFO_TITLE, info.title);
    set(HPDF_INFO_SUBJECT, info.subject.empty() ? fieldsAsSubject(info.fields) : info.subject);
    set(HPDF_INFO_KEYWORDS, fieldValuesAsKeywords(info.fields));
    set(HPDF_INFO_CREATOR, "docdesk");
    d.check(HPDF_SetInfoDateAttr(d.doc, HPDF_INFO_CREATION_DATE, pdfDate(info.created)));
}

PdfWriter::~PdfWriter() = default;

int PdfWriter::pageCount() const {
    return impl_->pages;
}

void PdfWriter::addPage(EncodedPage page, const ocr::PageText* text) {
    Impl& d = *impl_;
    const size_t imageBytes = page.bytes.size();
    if (!d.doc)
        throw Error(tr("The PDF was already finished."));
    const int number = d.pages + 1;
    if (page.width <= 0 || page.height <= 0 || !page.dpi.known() || page.bytes.empty())
        throw Error(trf("Page {} cannot be put into the PDF: it has no image.", number));
    HPDF_Image image = nullptr;
    if (page.encoding == PageEncoding::Jpeg) {
        // libharu copies a JPEG byte by byte four times (into a memory stream, into the image's
        // stream of 4 KB blocks, and out of both at save): a third of the CLI's time while it
        // files. It is loaded from its head alone, which is all libharu reads of it, and the
        // image's stream then replaced by one reading the page's bytes in place at save. (libharu
        // reads up to the frame header of SOF0, 1, 2 or 9; pages put into PDFs have the first three.)
        const auto header = readJpegHeader(page.bytes);
        const size_t head = header && header->sequentialOrProgressiveHuffman ? header->frameEnd : 0;
        image = HPDF_LoadJpegImageFromMem(d.doc, reinterpret_cast<const HPDF_BYTE*>(page.bytes.data()),
                                          HPDF_UINT(head > 0 ? head : page.bytes.size()));
        if (image != nullptr && head > 0)
            d.replaceStream(image, std::move(page.bytes), number);
    } else if (page.encoding == PageEncoding::G4) {
        // Compressed where the page was rendered: a 1 x 1 image gives libharu's dictionary of a
        // CCITT image (/CCITTFaxDecode, /K -1, /BlackIs1 false), which then takes the page's
        // size and its data, read in place at save like a JPEG's.
        const HPDF_BYTE white = 0;
        image = HPDF_Image_LoadRaw1BitImageFromMem(d.doc, &white, 1, 1, 1, HPDF_FALSE, HPDF_TRUE);
        if (image != nullptr) {
            d.check(image->filterParams != nullptr ? HPDF_OK : HPDF_INVALID_IMAGE, number);
            d.check(HPDF_Dict_AddNumber(image, "Width", HPDF_INT32(page.width)), number);
            d.check(HPDF_Dict_AddNumber(image, "Height", HPDF_INT32(page.height)), number);
            d.check(HPDF_Dict_AddNumber(image->filterParams, "Columns", HPDF_INT32(page.width)), number);
            d.check(HPDF_Dict_AddNumber(image->filterParams, "Rows", HPDF_INT32(page.height)), number);
            d.replaceStream(image, std::move(page.bytes), number);
        }
    } else {
        const size_t stride = (size_t(page.width) + 7) / 8;
        if (page.bytes.size() < stride * size_t(page.height))
            throw Error(trf("Page {} cannot be put into the PDF: its image is incomplete.", number));
        // libharu's `black_is1` is the /BlackIs1 decode parameter, not the input's meaning: its
        // CCITT encoder always takes 1 = black. With /BlackIs1 true a DeviceGray image shows
        // inverted, so it stays false (checked by export_test's rendering of a bw page).
        image = HPDF_Image_LoadRaw1BitImageFromMem(
            d.doc, reinterpret_cast<const HPDF_BYTE*>(page.bytes.data()), HPDF_UINT(page.width),
            HPDF_UINT(page.height), HPDF_UINT(stride), HPDF_FALSE, HPDF_TRUE);
    }
    d.check(image ? HPDF_OK : HPDF_INVALID_IMAGE, number);
    double w = page.widthPoints(), h = page.heightPoints();
    fitPageSize(w, h);
    HPDF_Page p = HPDF_AddPage(d.doc);
    d.check(p ? HPDF_OK : HPDF_INVALID_PAGE, number);
    d.check(HPDF_Page_SetWidth(p, HPDF_REAL(w)), number);
    d.check(HPDF_Page_SetHeight(p, HPDF_REAL(h)), number);
    d.check(HPDF_Page_DrawImage(p, image, 0, 0, HPDF_REAL(w), HPDF_REAL(h)), number);
    if (text && !text->words.empty()) {
        drawTextLayer(p, d.font(), *text, w, h);
        d.check(HPDF_OK, number);
    }
    ++d.pages;
    d.imageBytes += imageBytes;
}

std::vector<std::byte> PdfWriter::finish() {
    Impl& d = *impl_;
    if (!d.doc)
        throw Error(tr("The PDF was already finished."));
    if (d.pages == 0)
        throw Error(tr("A PDF needs at least one page."));
    std::vector<std::byte> out = d.save();
    HPDF_Free(d.doc);
    d.doc = nullptr;
    if (d.pdfa)
        return makePdfA2b(out, d.info);
    if (d.textFont)
        return repairTextFonts(out);
    return out;
}

std::vector<std::byte> writePdf(std::span<const EncodedPage> pages, const DocumentInfo& info) {
    PdfWriter writer(info);
    for (const EncodedPage& page : pages)
        writer.addPage(page);
    return writer.finish();
}

} // namespace docdesk::output
