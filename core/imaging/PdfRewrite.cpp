// The qpdf pass over the PDFs docdesk writes (core/export/PdfA.h says what and why), in the
// plugin docdesk-pdf.so: export builds the metadata, qpdf puts it into the file here.
#include "core/imaging/PdfPlugin.h"

// qpdf 11: use std::shared_ptr, not its old PointerHolder (else its headers warn).
#define POINTERHOLDER_TRANSITION 4
#include <cstring>
#include <exception>
#include <fmt/format.h>
#include <new>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>

namespace docdesk::imaging::pdf {
namespace {

// A ToUnicode CMap for fonts whose codes are Unicode (BMP) code points: bfranges of 256 codes
// (a range may only vary in its last byte), surrogates left out.
std::string unicodeToUnicodeCMap() {
    std::string m = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    std::vector<int> highs;
    for (int hi = 0; hi < 256; ++hi)
        if (hi < 0xD8 || hi > 0xDF)
            highs.push_back(hi);
    for (size_t start = 0; start < highs.size(); start += 100) {
        const size_t n = std::min<size_t>(100, highs.size() - start);
        m += fmt::format("{} beginbfrange\n", n);
        for (size_t k = start; k < start + n; ++k)
            m += fmt::format("<{0:02X}00> <{0:02X}FF> <{0:02X}00>\n", highs[k]);
        m += "endbfrange\n";
    }
    return m + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
}

// libharu 2.3.0 gives its UTF-8 (Type0) fonts a ToUnicode CMap written with cidrange operators,
// which PDF viewers reject ("Invalid 'begincidrange' operator in ToUnicode CMap"); the codes are
// Unicode, so a proper identity map replaces it.
void repairToUnicode(QPDF& pdf) {
    for (auto& object : pdf.getAllObjects()) {
        if (!object.isDictionary() || !object.getKey("/Subtype").isNameAndEquals("/Type0"))
            continue;
        auto map = object.getKey("/ToUnicode");
        if (!map.isStream())
            continue;
        const auto data = map.getStreamData(qpdf_dl_generalized);
        const std::string text(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
        if (text.find("begincidrange") != std::string::npos)
            map.replaceStreamData(unicodeToUnicodeCMap(), QPDFObjectHandle::newNull(),
                                  QPDFObjectHandle::newNull());
    }
}

// The XMP stream, the sRGB output intent and the new Info dictionary of PDF/A-2b.
void addPdfAMetadata(QPDF& pdf, const PdfRewrite& request) {
    auto root = pdf.getRoot();
    auto metadata = QPDFObjectHandle::newStream(&pdf, request.xmp);
    metadata.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
    metadata.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
    root.replaceKey("/Metadata", metadata);

    auto profile = QPDFObjectHandle::newStream(&pdf, request.iccProfile);
    profile.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(3));
    auto intent = QPDFObjectHandle::newDictionary();
    intent.replaceKey("/Type", QPDFObjectHandle::newName("/OutputIntent"));
    intent.replaceKey("/S", QPDFObjectHandle::newName("/GTS_PDFA1"));
    intent.replaceKey("/OutputConditionIdentifier", QPDFObjectHandle::newString("sRGB IEC61966-2.1"));
    intent.replaceKey("/Info", QPDFObjectHandle::newString("sRGB IEC61966-2.1"));
    intent.replaceKey("/DestOutputProfile", profile);
    root.replaceKey("/OutputIntents", QPDFObjectHandle::newArray({pdf.makeIndirectObject(intent)}));

    auto info = QPDFObjectHandle::newDictionary();
    for (const auto& [key, value] : request.info)
        info.replaceKey(key, QPDFObjectHandle::newUnicodeString(value));
    pdf.getTrailer().replaceKey("/Info", pdf.makeIndirectObject(info));
}

std::vector<std::byte> writeOut(QPDF& pdf, bool pdfa) {
    QPDFWriter writer(pdf);
    writer.setOutputMemory();
    if (pdfa) {
        writer.setMinimumPDFVersion("1.7");
        writer.setDeterministicID(true); // the /ID from the content: same document, same ID
    }
    writer.write();
    const auto buffer = writer.getBufferSharedPointer();
    std::vector<std::byte> out(buffer->getSize());
    std::memcpy(out.data(), buffer->getBuffer(), out.size());
    return out;
}

} // namespace

bool rewritePdf(const std::byte* data, std::size_t size, const PdfRewrite& request,
                std::vector<std::byte>* out, std::string* error) {
    try {
        QPDF pdf;
        pdf.setSuppressWarnings(true);
        pdf.processMemoryFile("document.pdf", reinterpret_cast<const char*>(data), size);
        if (request.pdfa)
            addPdfAMetadata(pdf, request);
        repairToUnicode(pdf);
        *out = writeOut(pdf, request.pdfa);
        return true;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        *error = e.what();
        return false;
    }
}

} // namespace docdesk::imaging::pdf
