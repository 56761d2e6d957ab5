#include "core/model/PageTransforms.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace docdesk {
namespace {

using nlohmann::json;

// `message` (translated) says which value is wrong.
double finiteNumber(const json& value, const char* message) {
    if (!value.is_number() || !std::isfinite(value.get<double>()))
        throw Error(message);
    return value.get<double>();
}

constexpr const char* kBadCorner =
    DD_N("The page's edits are damaged: a crop corner is not a pair of numbers.");

PointF parsePoint(const json& p) {
    if (p.is_array() && p.size() == 2)
        return {finiteNumber(p[0], tr(kBadCorner)), finiteNumber(p[1], tr(kBadCorner))};
    if (p.is_object() && p.contains("x") && p.contains("y"))
        return {finiteNumber(p["x"], tr(kBadCorner)), finiteNumber(p["y"], tr(kBadCorner))};
    throw Error(tr(kBadCorner));
}

int parseRotation(const json& value) {
    const double degrees =
        finiteNumber(value, tr("The page's edits are damaged: the rotation is not a number."));
    if (degrees != std::floor(degrees) || std::fmod(degrees, 90.0) != 0 || std::abs(degrees) > 3600)
        throw Error(trf("The page's rotation must be a multiple of 90 degrees (it is {}).", degrees));
    return ((int(degrees) % 360) + 360) % 360;
}

} // namespace

const char* pageModeName(PageMode mode) {
    switch (mode) {
    case PageMode::Original:
        return "original";
    case PageMode::Color:
        return "color";
    case PageMode::Gray:
        return "gray";
    case PageMode::BlackWhite:
        return "bw";
    case PageMode::ShadowRemoval:
        return "shadow";
    }
    return "original";
}

std::optional<PageMode> pageModeFromName(std::string_view name) {
    if (name == "original")
        return PageMode::Original;
    if (name == "color" || name == "colour")
        return PageMode::Color;
    if (name == "gray" || name == "grey")
        return PageMode::Gray;
    if (name == "bw")
        return PageMode::BlackWhite;
    if (name == "shadow")
        return PageMode::ShadowRemoval;
    return std::nullopt;
}

bool PageTransforms::isIdentity() const {
    return !changesGeometry() && mode == PageMode::Original;
}

bool PageTransforms::changesGeometry() const {
    return rotation != 0 || crop.has_value() || deskewDegrees != 0;
}

PageTransforms PageTransforms::parse(std::string_view text) {
    PageTransforms t;
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return t;
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        throw Error(tr("The page's edits are damaged (not a JSON object)."));
    if (const auto it = j.find("rotation"); it != j.end() && !it->is_null())
        t.rotation = parseRotation(*it);
    if (const auto it = j.find("crop"); it != j.end() && !it->is_null()) {
        if (!it->is_array() || it->size() != 4)
            throw Error(tr("The page's edits are damaged: the crop area needs exactly four corners."));
        Quad q;
        for (size_t i = 0; i < 4; ++i)
            q[i] = parsePoint((*it)[i]);
        t.crop = q;
    }
    if (const auto it = j.find("mode"); it != j.end() && !it->is_null()) {
        const auto mode = it->is_string() ? pageModeFromName(it->get<std::string>()) : std::nullopt;
        if (!mode)
            throw Error(trf("The page's edits are damaged: unknown mode {} (expected original, color, gray, "
                            "bw or shadow).",
                            it->dump()));
        t.mode = *mode;
    }
    if (const auto it = j.find("deskew"); it != j.end() && !it->is_null()) {
        t.deskewDegrees =
            finiteNumber(*it, tr("The page's edits are damaged: the deskew angle is not a number."));
        // Beyond 45 degrees a page is turned, not skewed; that is what rotation is for.
        if (std::abs(t.deskewDegrees) > 45)
            throw Error(trf("The page's deskew angle must be between -45 and 45 degrees (it is {}).",
                            t.deskewDegrees));
    }
    return t;
}

std::string PageTransforms::toJson() const {
    json j = json::object();
    if (rotation != 0)
        j["rotation"] = rotation;
    if (crop) {
        json corners = json::array();
        for (const PointF& p : *crop)
            corners.push_back({p.x, p.y});
        j["crop"] = corners;
    }
    if (mode != PageMode::Original)
        j["mode"] = pageModeName(mode);
    if (deskewDegrees != 0)
        j["deskew"] = deskewDegrees;
    return j.dump();
}

bool operator==(const PageTransforms& a, const PageTransforms& b) {
    if (a.rotation != b.rotation || a.mode != b.mode || a.deskewDegrees != b.deskewDegrees ||
        a.crop.has_value() != b.crop.has_value())
        return false;
    if (a.crop)
        for (size_t i = 0; i < 4; ++i)
            if ((*a.crop)[i].x != (*b.crop)[i].x || (*a.crop)[i].y != (*b.crop)[i].y)
                return false;
    return true;
}

} // namespace docdesk
