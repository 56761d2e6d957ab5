#include "core/pipeline/ProposedEdits.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace docdesk::pipeline {
namespace {

// A document covering this share of the page is the page itself (a sheet on the glass, a
// feeder page): cropping would only shave the margins.
constexpr double kFillsPage = 0.8;
// Smaller finds are barcodes, logos or stamps, not documents to cut out.
constexpr double kSmallestDocument = 0.03;
// Below this a measured skew is noise, and deskewing would only re-encode an untouched page.
constexpr double kSmallestSkew = 0.3;

PointF centre(const Quad& q) {
    return {(q[0].x + q[1].x + q[2].x + q[3].x) / 4, (q[0].y + q[1].y + q[2].y + q[3].y) / 4};
}

std::optional<Quad> quadOf(const nlohmann::json& corners) {
    if (!corners.is_array() || corners.size() != 4)
        return std::nullopt;
    Quad q;
    for (size_t i = 0; i < 4; ++i) {
        const auto& p = corners[i];
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
            return std::nullopt;
        q[i] = {p[0].get<double>(), p[1].get<double>()};
    }
    return q;
}

// The documents worth cutting out, main first: neither filling the page nor tiny, and not
// inside one taken already (a text block on a receipt). Empty when the main document fills the
// page: then the page is the document.
std::vector<Quad> documentsToCut(const nlohmann::json& analysis) {
    const double pageArea = analysis.value("width", 0.0) * analysis.value("height", 0.0);
    const auto it = analysis.find("documents");
    std::vector<Quad> out;
    if (pageArea <= 0 || it == analysis.end() || !it->is_array())
        return out;
    for (const auto& d : *it) {
        const auto q = d.is_object() ? quadOf(d.value("corners", nlohmann::json())) : std::nullopt;
        if (!q)
            continue;
        const double share = quadArea(*q) / pageArea;
        if (share >= kFillsPage && out.empty())
            return {};
        if (share < kSmallestDocument || share >= kFillsPage)
            continue;
        if (std::none_of(out.begin(), out.end(), [&](const Quad& taken) { return centreInside(*q, taken); }))
            out.push_back(*q);
    }
    return out;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

} // namespace

bool centreInside(const Quad& corners, const Quad& area) {
    // Inside a convex quad: on the same side of all four edges.
    const PointF c = centre(corners);
    int sign = 0;
    for (size_t i = 0; i < 4; ++i) {
        const PointF a = area[i], b = area[(i + 1) % 4];
        const double cross = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        const int s = cross > 0 ? 1 : cross < 0 ? -1 : 0;
        if (s != 0 && sign != 0 && s != sign)
            return false;
        if (s != 0)
            sign = s;
    }
    return true;
}

CaptureKind captureKindOf(const PageRecord& page) {
    const std::string source = lower(page.source);
    if (source.starts_with("sane:")) {
        // "sane:DEVICE (SOURCE)" with the device's own name for its paper source; a scanner
        // without a source option is a flatbed.
        const auto open = source.rfind(" (");
        const std::string paper = open == std::string::npos ? std::string() : source.substr(open);
        for (const char* feeder : {"adf", "feeder", "duplex", "sheet"})
            if (paper.find(feeder) != std::string::npos)
                return CaptureKind::FeederScan;
        return CaptureKind::FlatbedScan;
    }
    if (page.mediaType == "application/pdf")
        return CaptureKind::PdfPage;
    return CaptureKind::Photo;
}

namespace {

// The rules' page mode, on a page the user left as captured. Shadow removal is for photos:
// a scanner lights the page evenly, and dividing its "shadows" out would only grey the paper.
PageTransforms withRulesMode(PageTransforms t, CaptureKind kind, const rules::PageEditRules& rules) {
    if (t.mode == PageMode::Original && (rules.mode != PageMode::ShadowRemoval || kind == CaptureKind::Photo))
        t.mode = rules.mode;
    return t;
}

// The crops (and, without one, the deskew) analysis proposes for the page.
std::vector<PageTransforms> proposeGeometry(const PageTransforms& current, const nlohmann::json& analysis,
                                            CaptureKind kind, const rules::PageEditRules& rules) {
    if (current.crop || !analysis.is_object() || !analysis.contains("width"))
        return {current};
    const bool mayCrop = rules.crop == rules::AutoCrop::Auto &&
                         (kind == CaptureKind::Photo || kind == CaptureKind::FlatbedScan);
    const auto documents = mayCrop ? documentsToCut(analysis) : std::vector<Quad>();
    if (documents.size() > 1 && rules.splitReceipts) {
        std::vector<PageTransforms> pieces;
        for (const Quad& q : documents) {
            PageTransforms t = current;
            t.crop = q;
            pieces.push_back(t);
        }
        return pieces;
    }
    PageTransforms t = current;
    // With several documents and no split, cutting out one would lose the others.
    if (documents.size() == 1)
        t.crop = documents.front();
    const auto measured = analysis.find("skew_degrees");
    const double skew = measured != analysis.end() && measured->is_number() ? measured->get<double>() : 0.0;
    if (!t.crop && rules.deskew && t.deskewDegrees == 0 && std::abs(skew) >= kSmallestSkew &&
        std::abs(skew) <= 45)
        t.deskewDegrees = skew;
    return {t};
}

} // namespace

std::vector<PageTransforms> proposeEdits(const PageTransforms& current, const nlohmann::json& analysis,
                                         CaptureKind kind, const rules::PageEditRules& rules) {
    auto pieces = proposeGeometry(current, analysis, kind, rules);
    for (auto& t : pieces)
        t = withRulesMode(t, kind, rules);
    return pieces;
}

} // namespace docdesk::pipeline
