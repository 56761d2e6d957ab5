#include "capture/scanner/ScanProtocol.h"

#include "core/common/Translate.h"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>

namespace docdesk::capture {
using nlohmann::json;

namespace {

// `what` names the field (protocol words, not translated).
[[noreturn]] void refuse(const std::string& what) {
    throw ScanProtocolError(trf("The scanner worker and docdesk could not understand each other ({}). Close "
                                "docdesk and start it again; if it happens again, reinstall docdesk.",
                                what));
}

const json* field(const json& j, const char* key) {
    if (!j.is_object())
        return nullptr;
    const auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const json& j, const char* key) {
    const json* v = field(j, key);
    if (!v)
        return {};
    if (!v->is_string())
        refuse(std::string(key) + " is not a text");
    return v->get<std::string>();
}

// A number in [min, max]; checked before any conversion (a double out of int's range must
// not reach a cast).
double numberOf(const json& v, const std::string& what, double min, double max) {
    if (!v.is_number())
        refuse(what + " is not a number");
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < min || d > max)
        refuse(what + " is out of range");
    return d;
}

int wholeOf(const json& v, const std::string& what, int min, int max) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > std::uint64_t(max) || (min > 0 && u < std::uint64_t(min)))
            refuse(what + " is out of range");
        return int(u);
    }
    if (v.is_number_integer()) {
        const auto i = v.get<std::int64_t>();
        if (i < min || i > max)
            refuse(what + " is out of range");
        return int(i);
    }
    const double d = numberOf(v, what, min, max);
    if (d != std::trunc(d))
        refuse(what + " is not a whole number");
    return int(d);
}

double number(const json& j, const char* key, double fallback, double min, double max) {
    const json* v = field(j, key);
    return v ? numberOf(*v, key, min, max) : fallback;
}

int whole(const json& j, const char* key, int fallback, int min, int max) {
    const json* v = field(j, key);
    return v ? wholeOf(*v, key, min, max) : fallback;
}

bool flag(const json& j, const char* key) {
    const json* v = field(j, key);
    if (!v)
        return false;
    if (!v->is_boolean())
        refuse(std::string(key) + " is not true or false");
    return v->get<bool>();
}

// An array (or nothing); anything else is refused.
const json& list(const json& j, const char* key) {
    static const json empty = json::array();
    const json* v = field(j, key);
    if (!v)
        return empty;
    if (!v->is_array())
        refuse(std::string(key) + " is not a list");
    return *v;
}

constexpr double kMaxDeviceValue = 1e9; // device units: a range of brightness, of resolution...

json rangeToJson(const std::optional<ValueRange>& r) {
    if (!r)
        return nullptr;
    return {{"min", r->min}, {"max", r->max}, {"step", r->step}};
}

std::optional<ValueRange> rangeFromJson(const json& j, const char* key) {
    const json* v = field(j, key);
    if (!v)
        return std::nullopt;
    if (!v->is_object())
        refuse(std::string(key) + " is not a range");
    return ValueRange{number(*v, "min", 0.0, -kMaxDeviceValue, kMaxDeviceValue),
                      number(*v, "max", 0.0, -kMaxDeviceValue, kMaxDeviceValue),
                      number(*v, "step", 0.0, 0.0, kMaxDeviceValue)};
}

json pageSizeToJson(const std::optional<PageSize>& size) {
    return size ? json{{"width_mm", size->widthMm}, {"height_mm", size->heightMm}} : json(nullptr);
}

std::optional<PageSize> pageSizeFromJson(const json& j, const char* key) {
    const json* v = field(j, key);
    if (!v)
        return std::nullopt;
    if (!v->is_object())
        refuse(std::string(key) + " is not a page size");
    return PageSize{number(*v, "width_mm", 0.0, 0.0, kScanMaxMillimetres),
                    number(*v, "height_mm", 0.0, 0.0, kScanMaxMillimetres)};
}

template <typename Kind> Kind kindFromName(const json& j, Kind (*fromName)(std::string_view)) {
    try {
        return fromName(text(j, "kind"));
    } catch (const std::invalid_argument&) {
        refuse("kind " + text(j, "kind"));
    }
}

} // namespace

std::string_view paperSourceName(PaperSource source) {
    switch (source) {
    case PaperSource::Flatbed:
        return "flatbed";
    case PaperSource::Feeder:
        return "adf";
    case PaperSource::Duplex:
        return "duplex";
    case PaperSource::Default:
        break;
    }
    return "default";
}

std::string_view colourModeName(ColourMode mode) {
    switch (mode) {
    case ColourMode::Color:
        return "color";
    case ColourMode::Gray:
        return "gray";
    case ColourMode::Lineart:
        return "lineart";
    case ColourMode::Default:
        break;
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
    case AcquireEnd::FeederEmpty:
        return "feeder_empty";
    case AcquireEnd::Cancelled:
        return "cancelled";
    case AcquireEnd::Completed:
        break;
    }
    return "completed";
}

AcquireEnd acquireEndFromName(std::string_view name) {
    if (name == "cancelled")
        return AcquireEnd::Cancelled;
    if (name == "feeder_empty")
        return AcquireEnd::FeederEmpty;
    return AcquireEnd::Completed;
}

json settingsToJson(const AcquireSettings& s) {
    json j = {{"source", paperSourceName(s.source)},
              {"mode", colourModeName(s.mode)},
              {"resolution", s.resolution},
              {"encoding", s.encoding == PageEncoding::Jpeg ? "jpeg" : "png"}};
    j["page_size"] = pageSizeToJson(s.pageSize);
    j["brightness"] = s.brightness ? json(*s.brightness) : json(nullptr);
    j["contrast"] = s.contrast ? json(*s.contrast) : json(nullptr);
    return j;
}

AcquireSettings settingsFromJson(const json& j) {
    if (!j.is_object() && !j.is_null())
        refuse("settings are not an object");
    AcquireSettings s;
    try {
        s.source = paperSourceFromName(text(j, "source"));
        s.mode = colourModeFromName(text(j, "mode"));
    } catch (const std::invalid_argument& e) {
        refuse(e.what());
    }
    s.resolution = whole(j, "resolution", 0, 0, kScanMaxResolution);
    const std::string encoding = text(j, "encoding");
    if (!encoding.empty() && encoding != "png" && encoding != "jpeg")
        refuse("encoding " + encoding);
    s.encoding = encoding == "jpeg" ? PageEncoding::Jpeg : PageEncoding::Png;
    s.pageSize = pageSizeFromJson(j, "page_size");
    if (field(j, "brightness"))
        s.brightness = whole(j, "brightness", 0, -100, 100);
    if (field(j, "contrast"))
        s.contrast = whole(j, "contrast", 0, -100, 100);
    return s;
}

json deviceToJson(const DeviceInfo& d) {
    return {{"name", d.name}, {"vendor", d.vendor}, {"model", d.model}, {"type", d.type}};
}

DeviceInfo deviceFromJson(const json& j) {
    if (!j.is_object())
        refuse("a device is not an object");
    return {text(j, "name"), text(j, "vendor"), text(j, "model"), text(j, "type")};
}

std::vector<DeviceInfo> devicesFromAnswer(const json& answer) {
    std::vector<DeviceInfo> out;
    for (const auto& d : list(answer, "devices"))
        out.push_back(deviceFromJson(d));
    return out;
}

json capabilitiesToJson(const DeviceCapabilities& c) {
    json j = {{"sources", json::array()}, {"modes", json::array()}, {"resolutions", c.resolutions}};
    for (const auto& s : c.sources)
        j["sources"].push_back({{"kind", paperSourceName(s.kind)}, {"name", s.name}});
    for (const auto& m : c.modes)
        j["modes"].push_back({{"kind", colourModeName(m.kind)}, {"name", m.name}});
    j["resolution_range"] = rangeToJson(c.resolutionRange);
    j["max_page_size"] = pageSizeToJson(c.maxPageSize);
    j["brightness"] = rangeToJson(c.brightness);
    j["contrast"] = rangeToJson(c.contrast);
    return j;
}

DeviceCapabilities capabilitiesFromJson(const json& j) {
    if (!j.is_object() && !j.is_null())
        refuse("capabilities are not an object");
    DeviceCapabilities c;
    for (const auto& s : list(j, "sources"))
        c.sources.push_back({kindFromName<PaperSource>(s, paperSourceFromName), text(s, "name")});
    for (const auto& m : list(j, "modes"))
        c.modes.push_back({kindFromName<ColourMode>(m, colourModeFromName), text(m, "name")});
    for (const auto& r : list(j, "resolutions"))
        c.resolutions.push_back(wholeOf(r, "resolutions", 1, kScanMaxResolution));
    c.resolutionRange = rangeFromJson(j, "resolution_range");
    c.maxPageSize = pageSizeFromJson(j, "max_page_size");
    c.brightness = rangeFromJson(j, "brightness");
    c.contrast = rangeFromJson(j, "contrast");
    return c;
}

ScanRequest parseScanRequest(std::string_view line) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object())
        refuse("a request is not a JSON object");
    ScanRequest r;
    r.op = text(j, "op");
    if (const std::string driver = text(j, "driver"); !driver.empty())
        r.driver = driver;
    r.device = text(j, "device");
    if (r.op == "scan") {
        r.settings = settingsFromJson(field(j, "settings") ? j.at("settings") : json(nullptr));
        r.outDir = text(j, "out_dir");
        if (r.outDir.empty())
            refuse("a scan request names no out_dir");
    }
    return r;
}

std::string scanRequestLine(const ScanRequest& r) {
    json j = {{"op", r.op}, {"driver", r.driver}};
    if (!r.device.empty())
        j["device"] = r.device;
    if (r.op == "scan") {
        j["settings"] = settingsToJson(r.settings);
        j["out_dir"] = r.outDir;
    }
    return j.dump();
}

ScanWorkerLine parseScanWorkerLine(std::string_view line) {
    ScanWorkerLine out;
    json j = json::parse(line, nullptr, false);
    if (!j.is_object())
        return out; // not a protocol line (the worker's stdout is its own, but be lenient)
    const std::string event = text(j, "event");
    if (event == "started") {
        out.kind = ScanWorkerLine::Kind::Started;
        for (const auto& w : list(j, "warnings"))
            if (w.is_string() && !w.get_ref<const std::string&>().empty())
                out.warnings.push_back(w.get<std::string>());
    } else if (event == "progress") {
        out.kind = ScanWorkerLine::Kind::Progress;
        out.progress.page = whole(j, "page", 0, 0, kScanMaxPageNumber);
        // A driver's estimate may run past the end: unknown then, not an error.
        const double fraction = number(j, "fraction", -1.0, -kMaxDeviceValue, kMaxDeviceValue);
        out.progress.fraction = fraction >= 0 && fraction <= 1 ? fraction : -1.0;
    } else if (event == "page") {
        out.kind = ScanWorkerLine::Kind::Page;
        out.page.number = whole(j, "page", 0, 1, kScanMaxPageNumber);
        out.pageFile = text(j, "file");
        const auto name = std::filesystem::path(out.pageFile).filename();
        if (name.empty() || name == "." || name == "..")
            refuse("a page names no file");
        out.page.mediaType = field(j, "media_type") ? text(j, "media_type") : "image/png";
        if (out.page.mediaType != "image/png" && out.page.mediaType != "image/jpeg")
            refuse("media_type " + out.page.mediaType);
        out.page.source = text(j, "source");
        out.page.width = whole(j, "width", 0, 0, kScanMaxPixels);
        out.page.height = whole(j, "height", 0, 0, kScanMaxPixels);
        out.page.dpi = number(j, "dpi", 0.0, 0.0, kScanMaxResolution);
    } else if (j.contains("ok")) {
        out.kind = ScanWorkerLine::Kind::Final;
        out.ok = flag(j, "ok");
        if (!out.ok) {
            out.fault = faultFromCode(field(j, "status") ? text(j, "status") : "error");
            out.error = text(j, "error");
            if (out.error.empty())
                out.error = tr("The scanner reported an error.");
        }
        out.end = acquireEndFromName(text(j, "end"));
        out.answer = std::move(j);
    }
    return out;
}

} // namespace docdesk::capture
