#include "capture/scanner/ScanProtocol.h"

#include <stdexcept>
#include <string>

namespace docdesk::capture {
using nlohmann::json;

namespace {

json rangeToJson(const std::optional<ValueRange>& r) {
    if (!r)
        return nullptr;
    return {{"min", r->min}, {"max", r->max}, {"step", r->step}};
}

std::optional<ValueRange> rangeFromJson(const json& j) {
    if (!j.is_object())
        return std::nullopt;
    return ValueRange{j.value("min", 0.0), j.value("max", 0.0), j.value("step", 0.0)};
}

std::string text(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::string_view paperSourceName(PaperSource source) {
    switch (source) {
    case PaperSource::Flatbed: return "flatbed";
    case PaperSource::Feeder: return "adf";
    case PaperSource::Duplex: return "duplex";
    case PaperSource::Default: break;
    }
    return "default";
}

std::string_view colourModeName(ColourMode mode) {
    switch (mode) {
    case ColourMode::Color: return "color";
    case ColourMode::Gray: return "gray";
    case ColourMode::Lineart: return "lineart";
    case ColourMode::Default: break;
    }
    return "default";
}

PaperSource paperSourceFromName(std::string_view name) {
    if (name == "flatbed")
        return PaperSource::Flatbed;
    if (name == "adf" || name == "feeder")
        return PaperSource::Feeder;
    if (name == "duplex")
        return PaperSource::Duplex;
    if (name == "default" || name.empty())
        return PaperSource::Default;
    throw std::invalid_argument("unknown paper source " + std::string(name));
}

ColourMode colourModeFromName(std::string_view name) {
    if (name == "color" || name == "colour")
        return ColourMode::Color;
    if (name == "gray" || name == "grey")
        return ColourMode::Gray;
    if (name == "lineart" || name == "bw")
        return ColourMode::Lineart;
    if (name == "default" || name.empty())
        return ColourMode::Default;
    throw std::invalid_argument("unknown colour mode " + std::string(name));
}

DeviceFault faultFromCode(std::string_view code) {
    for (int i = 0; i <= int(DeviceFault::Other); ++i) {
        const auto fault = DeviceFault(i);
        if (faultCode(fault) == code)
            return fault;
    }
    return DeviceFault::Other;
}

std::string_view acquireEndName(AcquireEnd end) {
    switch (end) {
    case AcquireEnd::FeederEmpty: return "feeder_empty";
    case AcquireEnd::Cancelled: return "cancelled";
    case AcquireEnd::Completed: break;
    }
    return "completed";
}

json settingsToJson(const AcquireSettings& s) {
    json j = {{"source", paperSourceName(s.source)},
              {"mode", colourModeName(s.mode)},
              {"resolution", s.resolution},
              {"encoding", s.encoding == PageEncoding::Jpeg ? "jpeg" : "png"}};
    j["page_size"] = s.pageSize ? json{{"width_mm", s.pageSize->widthMm}, {"height_mm", s.pageSize->heightMm}}
                                : json(nullptr);
    j["brightness"] = s.brightness ? json(*s.brightness) : json(nullptr);
    j["contrast"] = s.contrast ? json(*s.contrast) : json(nullptr);
    return j;
}

AcquireSettings settingsFromJson(const json& j) {
    AcquireSettings s;
    s.source = paperSourceFromName(text(j, "source"));
    s.mode = colourModeFromName(text(j, "mode"));
    s.resolution = j.value("resolution", 0);
    s.encoding = text(j, "encoding") == "jpeg" ? PageEncoding::Jpeg : PageEncoding::Png;
    if (const auto it = j.find("page_size"); it != j.end() && it->is_object())
        s.pageSize = PageSize{it->value("width_mm", 0.0), it->value("height_mm", 0.0)};
    if (const auto it = j.find("brightness"); it != j.end() && it->is_number())
        s.brightness = it->get<int>();
    if (const auto it = j.find("contrast"); it != j.end() && it->is_number())
        s.contrast = it->get<int>();
    return s;
}

json deviceToJson(const DeviceInfo& d) {
    return {{"name", d.name}, {"vendor", d.vendor}, {"model", d.model}, {"type", d.type}};
}

DeviceInfo deviceFromJson(const json& j) {
    return {text(j, "name"), text(j, "vendor"), text(j, "model"), text(j, "type")};
}

json capabilitiesToJson(const DeviceCapabilities& c) {
    json j = {{"sources", json::array()}, {"modes", json::array()}, {"resolutions", c.resolutions}};
    for (const auto& s : c.sources)
        j["sources"].push_back({{"kind", paperSourceName(s.kind)}, {"name", s.name}});
    for (const auto& m : c.modes)
        j["modes"].push_back({{"kind", colourModeName(m.kind)}, {"name", m.name}});
    j["resolution_range"] = rangeToJson(c.resolutionRange);
    j["max_page_size"] = c.maxPageSize
                             ? json{{"width_mm", c.maxPageSize->widthMm}, {"height_mm", c.maxPageSize->heightMm}}
                             : json(nullptr);
    j["brightness"] = rangeToJson(c.brightness);
    j["contrast"] = rangeToJson(c.contrast);
    return j;
}

DeviceCapabilities capabilitiesFromJson(const json& j) {
    DeviceCapabilities c;
    for (const auto& s : j.value("sources", json::array()))
        c.sources.push_back({paperSourceFromName(text(s, "kind")), text(s, "name")});
    for (const auto& m : j.value("modes", json::array()))
        c.modes.push_back({colourModeFromName(text(m, "kind")), text(m, "name")});
    for (const auto& r : j.value("resolutions", json::array()))
        if (r.is_number())
            c.resolutions.push_back(r.get<int>());
    c.resolutionRange = rangeFromJson(j.value("resolution_range", json()));
    if (const auto it = j.find("max_page_size"); it != j.end() && it->is_object())
        c.maxPageSize = PageSize{it->value("width_mm", 0.0), it->value("height_mm", 0.0)};
    c.brightness = rangeFromJson(j.value("brightness", json()));
    c.contrast = rangeFromJson(j.value("contrast", json()));
    return c;
}

} // namespace docdesk::capture
