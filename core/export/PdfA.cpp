#include "core/export/PdfA.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/common/XmlText.h"
#include "core/imaging/PdfPlugin.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace docdesk::output {
namespace {

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
        x << "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" << xmlText(info.title)
          << "</rdf:li></rdf:Alt></dc:title>\n";
    if (const auto subject = subjectOf(info); !subject.empty())
        x << "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" << xmlText(subject)
          << "</rdf:li></rdf:Alt></dc:description>\n";
    x << "</rdf:Description>\n"
      << "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
      << "<xmp:CreatorTool>docdesk</xmp:CreatorTool>\n<xmp:CreateDate>" << dates.xmp << "</xmp:CreateDate>\n"
      << "<xmp:ModifyDate>" << dates.xmp << "</xmp:ModifyDate>\n<xmp:MetadataDate>" << dates.xmp
      << "</xmp:MetadataDate>\n</rdf:Description>\n"
      << "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
      << "<pdf:Producer>" << kProducer << "</pdf:Producer>\n";
    if (const auto keywords = keywordsOf(info); !keywords.empty())
        x << "<pdf:Keywords>" << xmlText(keywords) << "</pdf:Keywords>\n";
    x << "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
    return x.str();
}

// The Info dictionary again, with exactly what the XMP packet says.
std::vector<std::pair<std::string, std::string>> infoDictionary(const DocumentInfo& info,
                                                                const Dates& dates) {
    std::vector<std::pair<std::string, std::string>> dict;
    const auto set = [&](const char* key, const std::string& value) {
        if (!value.empty())
            dict.emplace_back(key, value);
    };
    set("/Title", info.title);
    set("/Subject", subjectOf(info));
    set("/Keywords", keywordsOf(info));
    set("/Creator", "docdesk");
    set("/Producer", kProducer);
    set("/CreationDate", dates.pdf);
    set("/ModDate", dates.pdf);
    return dict;
}

std::string readFile(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The qpdf pass of the plugin docdesk-pdf.so (imaging/PdfPlugin.h).
std::vector<std::byte> rewrite(const std::vector<std::byte>& pdf, const imaging::pdf::PdfRewrite& request) {
    std::string error;
    std::vector<std::byte> out;
    if (!imaging::pdf::requiredPlugin().rewrite(pdf.data(), pdf.size(), request, &out, &error))
        throw Error(trf("The PDF could not be finished: {}", error));
    return out;
}

} // namespace

std::vector<std::byte> repairTextFonts(const std::vector<std::byte>& bytes) {
    return rewrite(bytes, {});
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
    const Dates dates = datesOf(info.created);
    imaging::pdf::PdfRewrite request;
    request.pdfa = true;
    request.xmp = xmpPacket(info, dates);
    request.iccProfile = icc;
    request.info = infoDictionary(info, dates);
    return rewrite(bytes, request);
}

} // namespace docdesk::output
