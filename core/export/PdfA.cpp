#include "core/export/PdfA.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

// qpdf 11: use std::shared_ptr, not its old PointerHolder (else its headers warn).
#define POINTERHOLDER_TRANSITION 4
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>
#include <qpdf/QUtil.hh>
#include <set>
#include <sstream>

namespace docdesk::output {
namespace {

std::string xmlEscape(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20 || c == '\t')
                out += c;
        }
    }
    return out;
}

// "name: value; ..." and the distinct values "a, b", as PdfWriter writes Subject and Keywords.
std::string subjectOf(const DocumentInfo& info) {
    if (!info.subject.empty())
        return info.subject;
    std::string s;
    for (const auto& [name, value] : info.fields)
        s += (s.empty() ? "" : "; ") + name + ": " + value;
    return s;
}

std::string keywordsOf(const DocumentInfo& info) {
    std::set<std::string> seen;
    std::string s;
    for (const auto& [name, value] : info.fields)
        if (!value.empty() && seen.insert(value).second)
            s += (s.empty() ? "" : ", ") + value;
    return s;
}

struct Dates {
    std::string pdf; // D:20240501120000Z
    std::string xmp; // 2024-05-01T12:00:00Z
};

Dates datesOf(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{floor<seconds>(t - day)};
    const int y = int(ymd.year());
    const unsigned mo = unsigned(ymd.month()), d = unsigned(ymd.day());
    const auto h = hms.hours().count(), mi = hms.minutes().count(), s = hms.seconds().count();
    return {fmt::format("D:{:04}{:02}{:02}{:02}{:02}{:02}Z", y, mo, d, h, mi, s),
            fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, mo, d, h, mi, s)};
}

constexpr const char* kProducer = "docdesk";

std::string xmpPacket(const DocumentInfo& info, const Dates& dates) {
    std::ostringstream x;
    x << "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      << "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      << "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      << "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
      << "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n</rdf:Description>\n"
      << "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
      << "<dc:format>application/pdf</dc:format>\n";
    if (!info.title.empty())
        x << "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" << xmlEscape(info.title)
          << "</rdf:li></rdf:Alt></dc:title>\n";
    if (const auto subject = subjectOf(info); !subject.empty())
        x << "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" << xmlEscape(subject)
          << "</rdf:li></rdf:Alt></dc:description>\n";
    x << "</rdf:Description>\n"
      << "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
      << "<xmp:CreatorTool>docdesk</xmp:CreatorTool>\n<xmp:CreateDate>" << dates.xmp << "</xmp:CreateDate>\n"
      << "<xmp:ModifyDate>" << dates.xmp << "</xmp:ModifyDate>\n<xmp:MetadataDate>" << dates.xmp
      << "</xmp:MetadataDate>\n</rdf:Description>\n"
      << "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
      << "<pdf:Producer>" << kProducer << "</pdf:Producer>\n";
    if (const auto keywords = keywordsOf(info); !keywords.empty())
        x << "<pdf:Keywords>" << xmlEscape(keywords) << "</pdf:Keywords>\n";
    x << "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
    return x.str();
}

// The Info dictionary again, with exactly what the XMP packet says.
QPDFObjectHandle infoDictionary(QPDF& pdf, const DocumentInfo& info, const Dates& dates) {
    auto dict = QPDFObjectHandle::newDictionary();
    const auto set = [&](const char* key, const std::string& value) {
        if (!value.empty())
            dict.replaceKey(key, QPDFObjectHandle::newUnicodeString(value));
    };
    set("/Title", info.title);
    set("/Subject", subjectOf(info));
    set("/Keywords", keywordsOf(info));
    set("/Creator", "docdesk");
    set("/Producer", kProducer);
    set("/CreationDate", dates.pdf);
    set("/ModDate", dates.pdf);
    return pdf.makeIndirectObject(dict);
}

std::string readFile(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

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

std::vector<std::byte> repairTextFonts(const std::vector<std::byte>& bytes) {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processMemoryFile("document.pdf", reinterpret_cast<const char*>(bytes.data()), bytes.size());
    repairToUnicode(pdf);
    return writeOut(pdf, false);
}

std::string srgbProfileFile() {
    for (const char* file : {"/usr/share/color/icc/sRGB.icc", "/usr/share/color/icc/colord/sRGB.icc",
                             "/usr/share/color/icc/ghostscript/srgb.icc"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(file, ec))
            return file;
    }
    throw Error(tr("PDF/A needs an sRGB colour profile (Debian package icc-profiles-free)."));
}

std::vector<std::byte> makePdfA2b(const std::vector<std::byte>& bytes, const DocumentInfo& info) {
    const std::string icc = readFile(srgbProfileFile());
    if (icc.size() < 128)
        throw Error(tr("PDF/A needs an sRGB colour profile (Debian package icc-profiles-free)."));
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processMemoryFile("document.pdf", reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const Dates dates = datesOf(info.created);
    auto root = pdf.getRoot();

    auto metadata = QPDFObjectHandle::newStream(&pdf, xmpPacket(info, dates));
    metadata.getDict().replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
    metadata.getDict().replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
    root.replaceKey("/Metadata", metadata);

    auto profile = QPDFObjectHandle::newStream(&pdf, icc);
    profile.getDict().replaceKey("/N", QPDFObjectHandle::newInteger(3));
    auto intent = QPDFObjectHandle::newDictionary();
    intent.replaceKey("/Type", QPDFObjectHandle::newName("/OutputIntent"));
    intent.replaceKey("/S", QPDFObjectHandle::newName("/GTS_PDFA1"));
    intent.replaceKey("/OutputConditionIdentifier", QPDFObjectHandle::newString("sRGB IEC61966-2.1"));
    intent.replaceKey("/Info", QPDFObjectHandle::newString("sRGB IEC61966-2.1"));
    intent.replaceKey("/DestOutputProfile", profile);
    root.replaceKey("/OutputIntents", QPDFObjectHandle::newArray({pdf.makeIndirectObject(intent)}));
    pdf.getTrailer().replaceKey("/Info", infoDictionary(pdf, info, dates));
    repairToUnicode(pdf);
    return writeOut(pdf, true);
}

} // namespace docdesk::output
