#include "app/scanworker/SaneDriver.h"

#include "app/scanworker/PageEncoder.h"
#include "capture/scanner/ScanProtocol.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sane/sane.h>
#include <sane/saneopts.h>

namespace docdesk::scanworker {
namespace fs = std::filesystem;
using capture::ColourMode;
using capture::DeviceError;
using capture::DeviceFault;
using capture::PaperSource;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

// What a device's own source name means; nullopt for sources docdesk does not use (film, TPU).
std::optional<PaperSource> classifySource(std::string_view name) {
    const auto n = lower(name);
    if (contains(n, "duplex"))
        return PaperSource::Duplex;
    if (contains(n, "adf") || contains(n, "feeder") || contains(n, "automatic document"))
        return PaperSource::Feeder;
    if (contains(n, "flatbed") || n == "normal" || contains(n, "document table") || contains(n, "glass"))
        return PaperSource::Flatbed;
    return std::nullopt;
}

std::optional<ColourMode> classifyMode(std::string_view name) {
    const auto n = lower(name);
    if (contains(n, "lineart") || contains(n, "line art") || contains(n, "binary") ||
        contains(n, "black & white") || contains(n, "black and white"))
        return ColourMode::Lineart;
    if (contains(n, "halftone") || contains(n, "dither"))
        return std::nullopt;
    if (contains(n, "gray") || contains(n, "grey"))
        return ColourMode::Gray;
    if (contains(n, "color") || contains(n, "colour"))
        return ColourMode::Color;
    return std::nullopt;
}

// The translated message for a SANE status: what happened and what the user can do.
DeviceError statusError(SANE_Status status, int pages, bool feeder, const std::string& device) {
    switch (int(status)) {
    case SANE_STATUS_JAMMED:
        return {
            DeviceFault::Jammed,
            tr("The paper is jammed in the scanner. Open the feeder, remove the jammed sheet, then put the "
               "pages that were not scanned back in and scan again."),
            pages};
    case SANE_STATUS_COVER_OPEN:
        return {DeviceFault::CoverOpen, tr("The scanner's cover is open. Close it and scan again."), pages};
    case SANE_STATUS_NO_DOCS:
        return {
            DeviceFault::FeederEmpty,
            feeder
                ? tr("There is no paper in the document feeder. Put the pages in the feeder and scan again.")
                : tr("The scanner found no document. Place the page on the glass and scan again."),
            pages};
    case SANE_STATUS_DEVICE_BUSY:
        return {
            DeviceFault::Busy,
            tr("The scanner is busy: another program may be using it. Wait until it is done (or close that "
               "program) and try again."),
            pages};
    case SANE_STATUS_IO_ERROR:
        return {
            DeviceFault::IoError,
            tr("The scanner stopped responding (input/output error). Check that it is switched on and its "
               "cable or network is connected, then try again."),
            pages};
    case SANE_STATUS_ACCESS_DENIED:
        return {
            DeviceFault::AccessDenied,
            tr("Access to the scanner was denied. Check that your user account may use scanners (on Linux, "
               "membership of the 'scanner' or 'lp' group), then try again."),
            pages};
    case SANE_STATUS_NO_MEM:
        return {DeviceFault::OutOfMemory,
                tr("The scanner driver ran out of memory. Try a lower resolution or a smaller page size."),
                pages};
    case SANE_STATUS_INVAL:
        return {
            DeviceFault::InvalidSettings,
            trf("The scanner '{}' refused the settings. Try another resolution, mode or page size.", device),
            pages};
    case SANE_STATUS_UNSUPPORTED:
        return {DeviceFault::Unsupported, tr("The scanner does not support this operation."), pages};
#ifdef SANE_STATUS_WARMING_UP
    case SANE_STATUS_WARMING_UP:
        return {DeviceFault::Busy, tr("The scanner's lamp is warming up. Wait a moment and scan again."),
                pages};
#endif
#ifdef SANE_STATUS_HW_LOCKED
    case SANE_STATUS_HW_LOCKED:
        return {DeviceFault::Unsupported,
                tr("The scanner's transport lock is closed. Unlock it (see the scanner's manual) and scan "
                   "again."),
                pages};
#endif
    default:
        break;
    }
    return {DeviceFault::Other, trf("The scanner reported an error: {}.", sane_strstatus(status)), pages};
}

// An open device; closed (and any scan cancelled) on destruction.
class Device {
  public:
    explicit Device(const std::string& name) : name_(name) {
        const SANE_Status status = sane_open(name.c_str(), &handle_);
        if (status == SANE_STATUS_INVAL || (status == SANE_STATUS_GOOD && !handle_))
            throw DeviceError(
                DeviceFault::NotFound,
                trf("The scanner '{}' was not found. It may be unplugged or switched off: check its "
                    "cable and power, or choose another scanner (docdesk-cli scan --list).",
                    name));
        if (status != SANE_STATUS_GOOD)
            throw statusError(status, 0, false, name);
    }
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    ~Device() {
        sane_cancel(handle_);
        sane_close(handle_);
    }
    SANE_Handle handle() const { return handle_; }
    const std::string& name() const { return name_; }

    struct Option {
        SANE_Int index = 0;
        const SANE_Option_Descriptor* d = nullptr;
        bool settable() const { return SANE_OPTION_IS_ACTIVE(d->cap) && SANE_OPTION_IS_SETTABLE(d->cap); }
    };

    // Looked up afresh each time: setting an option may reload the others.
    std::optional<Option> find(std::string_view name) const {
        SANE_Int count = 0;
        if (sane_control_option(handle_, 0, SANE_ACTION_GET_VALUE, &count, nullptr) != SANE_STATUS_GOOD)
            return std::nullopt;
        for (SANE_Int i = 1; i < count; ++i) {
            const auto* d = sane_get_option_descriptor(handle_, i);
            if (d && d->name && name == d->name && SANE_OPTION_IS_ACTIVE(d->cap))
                return Option{i, d};
        }
        return std::nullopt;
    }

    std::vector<std::string> strings(const Option& o) const {
        std::vector<std::string> out;
        if (o.d->type == SANE_TYPE_STRING && o.d->constraint_type == SANE_CONSTRAINT_STRING_LIST)
            for (auto p = o.d->constraint.string_list; p && *p; ++p)
                out.emplace_back(*p);
        return out;
    }

    std::optional<std::string> getString(std::string_view name) const {
        const auto o = find(name);
        if (!o || o->d->type != SANE_TYPE_STRING || o->d->size <= 0)
            return std::nullopt;
        std::vector<char> buf(std::size_t(o->d->size) + 1, '\0');
        if (sane_control_option(handle_, o->index, SANE_ACTION_GET_VALUE, buf.data(), nullptr) !=
            SANE_STATUS_GOOD)
            return std::nullopt;
        return std::string(buf.data());
    }

    void setString(std::string_view name, const std::string& value) {
        const auto o = find(name);
        if (!o || !o->settable() || o->d->type != SANE_TYPE_STRING)
            return;
        std::vector<char> buf(std::max<std::size_t>(std::size_t(o->d->size), value.size() + 1), '\0');
        std::memcpy(buf.data(), value.data(), value.size());
        check(sane_control_option(handle_, o->index, SANE_ACTION_SET_VALUE, buf.data(), nullptr));
    }

    bool isNumber(const Option& o) const {
        return (o.d->type == SANE_TYPE_INT || o.d->type == SANE_TYPE_FIXED) && o.d->size == sizeof(SANE_Word);
    }
    double toDouble(const Option& o, SANE_Word w) const {
        return o.d->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : w;
    }

    std::optional<double> getNumber(std::string_view name) const {
        const auto o = find(name);
        if (!o || !isNumber(*o))
            return std::nullopt;
        SANE_Word w = 0;
        if (sane_control_option(handle_, o->index, SANE_ACTION_GET_VALUE, &w, nullptr) != SANE_STATUS_GOOD)
            return std::nullopt;
        return toDouble(*o, w);
    }

    std::optional<capture::ValueRange> range(const Option& o) const {
        if (!isNumber(o) || o.d->constraint_type != SANE_CONSTRAINT_RANGE || !o.d->constraint.range)
            return std::nullopt;
        const auto* r = o.d->constraint.range;
        return capture::ValueRange{toDouble(o, r->min), toDouble(o, r->max), toDouble(o, r->quant)};
    }

    std::vector<double> wordList(const Option& o) const {
        std::vector<double> out;
        if (isNumber(o) && o.d->constraint_type == SANE_CONSTRAINT_WORD_LIST && o.d->constraint.word_list)
            for (SANE_Word i = 1; i <= o.d->constraint.word_list[0]; ++i)
                out.push_back(toDouble(o, o.d->constraint.word_list[i]));
        return out;
    }

    // The nearest value the option allows.
    double nearestAllowed(const Option& o, double wanted) const {
        if (const auto r = range(o)) {
            double v = std::clamp(wanted, r->min, r->max);
            if (r->step > 0)
                v = r->min + std::round((v - r->min) / r->step) * r->step;
            return std::clamp(v, r->min, r->max);
        }
        const auto list = wordList(o);
        if (!list.empty())
            return *std::min_element(list.begin(), list.end(), [&](double a, double b) {
                return std::abs(a - wanted) < std::abs(b - wanted);
            });
        return wanted;
    }

    // Sets a number option to the nearest allowed value; returns the value the device took.
    std::optional<double> setNumber(std::string_view name, double wanted) {
        const auto o = find(name);
        if (!o || !o->settable() || !isNumber(*o))
            return std::nullopt;
        const double v = nearestAllowed(*o, wanted);
        SANE_Word w = o->d->type == SANE_TYPE_FIXED ? SANE_FIX(v) : SANE_Word(std::lround(v));
        check(sane_control_option(handle_, o->index, SANE_ACTION_SET_VALUE, &w, nullptr));
        return getNumber(name);
    }

  private:
    void check(SANE_Status status) const {
        if (status != SANE_STATUS_GOOD)
            throw statusError(status, 0, false, name_);
    }
    std::string name_;
    SANE_Handle handle_ = nullptr;
};

// Clears the handle the signal handler may cancel when the scan ends, however it ends.
class ScanningMark {
  public:
    ScanningMark(std::atomic<void*>& slot, SANE_Handle h) : slot_(slot) { slot_.store(h); }
    ScanningMark(const ScanningMark&) = delete;
    ScanningMark& operator=(const ScanningMark&) = delete;
    ~ScanningMark() { slot_.store(nullptr); }

  private:
    std::atomic<void*>& slot_;
};

// Chooses the device's source for what the user asked; the device's name for it.
std::string chooseSource(Device& dev, PaperSource wanted, PaperSource& actual) {
    const auto option = dev.find(SANE_NAME_SCAN_SOURCE);
    const auto names = option ? dev.strings(*option) : std::vector<std::string>{};
    if (wanted == PaperSource::Default) {
        const auto current = dev.getString(SANE_NAME_SCAN_SOURCE).value_or("");
        actual = classifySource(current).value_or(PaperSource::Flatbed);
        return current;
    }
    if (names.empty()) {
        // No source option: a plain flatbed (or a sheet-fed scanner that says nothing).
        if (wanted != PaperSource::Flatbed)
            throw DeviceError(
                DeviceFault::InvalidSettings,
                trf("The scanner '{}' has no document feeder. Scan from the glass (--source flatbed).",
                    dev.name()));
        actual = PaperSource::Flatbed;
        return {};
    }
    for (const auto& n : names) {
        if (classifySource(n) == wanted) {
            dev.setString(SANE_NAME_SCAN_SOURCE, n);
            actual = wanted;
            return n;
        }
    }
    std::string offered;
    for (const auto& n : names)
        offered += (offered.empty() ? "" : ", ") + n;
    throw DeviceError(DeviceFault::InvalidSettings,
                      trf("The scanner '{}' has no '{}' source; it offers: {}.", dev.name(),
                          capture::paperSourceName(wanted), offered));
}

void chooseMode(Device& dev, ColourMode wanted, AppliedSettings& applied) {
    const auto option = dev.find(SANE_NAME_SCAN_MODE);
    const auto names = option ? dev.strings(*option) : std::vector<std::string>{};
    const auto depthOption = dev.find(SANE_NAME_BIT_DEPTH);
    const auto depths = depthOption ? dev.wordList(*depthOption) : std::vector<double>{};
    const auto offersDepth = [&](double d) {
        return std::find(depths.begin(), depths.end(), d) != depths.end();
    };
    if (wanted != ColourMode::Default) {
        std::optional<std::string> pick;
        for (const auto& n : names)
            if (classifyMode(n) == wanted) {
                pick = n;
                break;
            }
        if (!pick && wanted == ColourMode::Lineart && offersDepth(1)) {
            // No lineart mode, but grey at 1 bit per sample is the same thing (e.g. SANE's test backend).
            for (const auto& n : names)
                if (classifyMode(n) == ColourMode::Gray)
                    pick = n;
            if (pick) {
                dev.setString(SANE_NAME_SCAN_MODE, *pick);
                dev.setNumber(SANE_NAME_BIT_DEPTH, 1);
                applied.mode = *pick + " (1 bit)";
                return;
            }
        }
        if (!pick && !names.empty()) {
            std::string offered;
            for (const auto& n : names)
                offered += (offered.empty() ? "" : ", ") + n;
            throw DeviceError(DeviceFault::InvalidSettings,
                              trf("The scanner '{}' has no {} mode; it offers: {}.", dev.name(),
                                  capture::colourModeName(wanted), offered));
        }
        if (pick)
            dev.setString(SANE_NAME_SCAN_MODE, *pick);
        // Documents need 8 bits per sample; 16 would double the size for nothing.
        if (wanted != ColourMode::Lineart && offersDepth(8))
            dev.setNumber(SANE_NAME_BIT_DEPTH, 8);
    }
    applied.mode = dev.getString(SANE_NAME_SCAN_MODE).value_or("");
}

void chooseResolution(Device& dev, int wanted, AppliedSettings& applied) {
    if (wanted > 0) {
        std::optional<double> took = dev.setNumber(SANE_NAME_SCAN_RESOLUTION, wanted);
        if (!took) { // older backends: separate x and y resolutions
            took = dev.setNumber(SANE_NAME_SCAN_X_RESOLUTION, wanted);
            dev.setNumber(SANE_NAME_SCAN_Y_RESOLUTION, wanted);
        }
        if (took && std::lround(*took) != wanted)
            applied.warnings.push_back(
                trf("The scanner does not offer {} dpi; it scans at {} dpi.", wanted, std::lround(*took)));
    }
    applied.resolution = dev.getNumber(SANE_NAME_SCAN_RESOLUTION)
                             .value_or(dev.getNumber(SANE_NAME_SCAN_X_RESOLUTION).value_or(0));
}

void choosePageSize(Device& dev, const capture::PageSize& size, AppliedSettings& applied) {
    const auto brX = dev.find(SANE_NAME_SCAN_BR_X);
    const auto brY = dev.find(SANE_NAME_SCAN_BR_Y);
    if (!brX || !brY || !brX->settable() || !brY->settable()) {
        applied.warnings.push_back(
            tr("The scanner has no adjustable scan area; the page size was left as is."));
        return;
    }
    // Millimetres, or pixels at the chosen resolution.
    const double scale =
        brX->d->unit == SANE_UNIT_PIXEL ? (applied.resolution > 0 ? applied.resolution : 300) / 25.4 : 1.0;
    const double left = dev.setNumber(SANE_NAME_SCAN_TL_X, 0).value_or(0);
    const double top = dev.setNumber(SANE_NAME_SCAN_TL_Y, 0).value_or(0);
    const double x = dev.setNumber(SANE_NAME_SCAN_BR_X, left + size.widthMm * scale).value_or(0);
    const double y = dev.setNumber(SANE_NAME_SCAN_BR_Y, top + size.heightMm * scale).value_or(0);
    const double gotW = (x - left) / scale;
    const double gotH = (y - top) / scale;
    if (gotW + 1 < size.widthMm || gotH + 1 < size.heightMm)
        applied.warnings.push_back(
            trf("The page ({:.0f} x {:.0f} mm) is larger than the scanner's area; it scans "
                "{:.0f} x {:.0f} mm.",
                size.widthMm, size.heightMm, gotW, gotH));
}

// -100..100 onto the device's range, 0 being its middle.
void chooseLevel(Device& dev, const char* name, std::optional<int> wanted, AppliedSettings& applied,
                 const char* missingMessage) {
    if (!wanted)
        return;
    const auto o = dev.find(name);
    const auto r = o ? dev.range(*o) : std::nullopt;
    if (!o || !o->settable() || !r) {
        applied.warnings.push_back(missingMessage);
        return;
    }
    const double mid = (r->min + r->max) / 2;
    const double v = std::clamp(*wanted, -100, 100) / 100.0;
    dev.setNumber(name, v >= 0 ? mid + v * (r->max - mid) : mid + v * (mid - r->min));
}

// Reads one frame (until EOF), reporting progress and polling for a cancel between reads.
// Returns the frame, or nullopt when the scan was cancelled.
std::optional<RawFrame> readFrame(SANE_Handle h, const SANE_Parameters& p, int page, int frameIndex,
                                  int frames, ScanEvents& events, int pagesBefore, bool feeder,
                                  const std::string& device) {
    RawFrame f;
    switch (p.format) {
    case SANE_FRAME_GRAY:
        f.kind = RawFrame::Kind::Gray;
        break;
    case SANE_FRAME_RGB:
        f.kind = RawFrame::Kind::Rgb;
        break;
    case SANE_FRAME_RED:
        f.kind = RawFrame::Kind::Red;
        break;
    case SANE_FRAME_GREEN:
        f.kind = RawFrame::Kind::Green;
        break;
    case SANE_FRAME_BLUE:
        f.kind = RawFrame::Kind::Blue;
        break;
    default:
        throw DeviceError(
            DeviceFault::Unsupported,
            trf("The scanner '{}' sends images in a format docdesk cannot read (SANE frame {}). "
                "Choose another mode.",
                device, int(p.format)),
            pagesBefore);
    }
    f.depth = p.depth;
    f.width = p.pixels_per_line;
    f.bytesPerLine = p.bytes_per_line;
    if (f.bytesPerLine <= 0 || f.width <= 0)
        throw DeviceError(DeviceFault::Other, tr("The scanner announced an empty page."), pagesBefore);
    const std::size_t expected = p.lines > 0 ? std::size_t(p.bytes_per_line) * std::size_t(p.lines) : 0;
    f.data.resize(expected > 0 ? expected : std::size_t(p.bytes_per_line) * 256);
    std::size_t filled = 0;
    auto lastReport = std::chrono::steady_clock::now();
    for (;;) {
        if (events.cancelRequested()) {
            sane_cancel(h);
            return std::nullopt;
        }
        if (filled == f.data.size()) // unknown height (hand scanners), or more than announced
            f.data.resize(f.data.size() * 2);
        const auto room = std::min<std::size_t>(f.data.size() - filled, 256 * 1024);
        SANE_Int got = 0;
        const SANE_Status status = sane_read(h, f.data.data() + filled, SANE_Int(room), &got);
        if (status == SANE_STATUS_EOF)
            break;
        if (status == SANE_STATUS_CANCELLED)
            return std::nullopt;
        if (status != SANE_STATUS_GOOD)
            throw statusError(status, pagesBefore, feeder, device);
        filled += std::size_t(std::max(got, 0));
        const auto now = std::chrono::steady_clock::now();
        if (expected > 0 && now - lastReport >= std::chrono::milliseconds(250)) {
            lastReport = now;
            events.progress(page, (frameIndex + double(filled) / double(expected)) / frames);
        }
    }
    f.height = int(filled / std::size_t(f.bytesPerLine));
    if (p.lines > 0)
        f.height = std::min(f.height, p.lines);
    if (f.height <= 0)
        throw DeviceError(DeviceFault::IoError,
                          tr("The scanner ended the page before sending any image data."), pagesBefore);
    f.data.resize(std::size_t(f.height) * std::size_t(f.bytesPerLine));
    return f;
}

void writeFile(const fs::path& file, const std::vector<std::byte>& bytes) {
    // Written beside and renamed, so the client never sees half a page. Not flushed to disk:
    // the client copies it into the journal durably and deletes it.
    const fs::path part = fs::path(file).concat(".part");
    {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        if (!out)
            throw Error(trf("Cannot write the scanned page to {}.", part.string()));
    }
    fs::rename(part, file);
}

// The frames of one page, after sane_start: one for grey and colour scanners, three (red, green,
// blue) for three-pass ones. Nullopt when the scan was cancelled.
std::optional<std::vector<RawFrame>> readFrames(SANE_Handle h, const std::string& device, int page,
                                                ScanEvents& events, int pagesBefore, bool feeder) {
    std::vector<RawFrame> frames;
    for (int frameIndex = 0;; ++frameIndex) {
        SANE_Parameters p{};
        SANE_Status status = sane_get_parameters(h, &p);
        if (status != SANE_STATUS_GOOD)
            throw statusError(status, pagesBefore, feeder, device);
        const bool single = p.format == SANE_FRAME_GRAY || p.format == SANE_FRAME_RGB;
        auto frame = readFrame(h, p, page, frameIndex, single ? 1 : 3, events, pagesBefore, feeder, device);
        if (!frame)
            return std::nullopt;
        frames.push_back(std::move(*frame));
        if (p.last_frame || frameIndex >= 2)
            return frames;
        status = sane_start(h); // the next band of a three-pass scan
        if (status == SANE_STATUS_CANCELLED)
            return std::nullopt;
        if (status != SANE_STATUS_GOOD)
            throw statusError(status, pagesBefore, feeder, device);
    }
}

} // namespace

SaneDriver::SaneDriver(bool network) : network_(network) {
    SANE_Int version = 0;
    sane_init(&version, nullptr);
}

SaneDriver::~SaneDriver() {
    sane_exit();
}

void SaneDriver::cancelFromSignal() noexcept {
    if (void* h = scanning_.load())
        sane_cancel(h); // async-signal-safe by the SANE standard
}

std::vector<capture::DeviceInfo> SaneDriver::devices() {
    const SANE_Device** list = nullptr;
    const SANE_Status status = sane_get_devices(&list, network_ ? SANE_FALSE : SANE_TRUE);
    if (status != SANE_STATUS_GOOD)
        throw statusError(status, 0, false, "");
    std::vector<capture::DeviceInfo> out;
    for (auto p = list; p && *p; ++p) {
        const auto& d = **p;
        out.push_back(
            {d.name ? d.name : "", d.vendor ? d.vendor : "", d.model ? d.model : "", d.type ? d.type : ""});
    }
    return out;
}

std::string SaneDriver::resolveDevice(const std::string& device) {
    if (!device.empty())
        return device;
    const auto all = devices();
    if (all.empty())
        throw DeviceError(DeviceFault::NotFound,
                          tr("No scanner was found. Check that the scanner is connected and switched on; "
                             "'docdesk-cli scan --list' shows the scanners docdesk can see."));
    return all.front().name;
}

capture::DeviceCapabilities SaneDriver::capabilities(const std::string& device) {
    Device dev(resolveDevice(device));
    capture::DeviceCapabilities caps;
    if (const auto o = dev.find(SANE_NAME_SCAN_SOURCE))
        for (const auto& n : dev.strings(*o))
            if (const auto kind = classifySource(n))
                caps.sources.push_back({*kind, n});
    if (const auto o = dev.find(SANE_NAME_SCAN_MODE)) {
        for (const auto& n : dev.strings(*o))
            if (const auto kind = classifyMode(n))
                caps.modes.push_back({*kind, n});
        const auto depth = dev.find(SANE_NAME_BIT_DEPTH);
        const auto depths = depth ? dev.wordList(*depth) : std::vector<double>{};
        const bool hasLineart = std::any_of(caps.modes.begin(), caps.modes.end(),
                                            [](const auto& m) { return m.kind == ColourMode::Lineart; });
        if (!hasLineart && std::find(depths.begin(), depths.end(), 1.0) != depths.end())
            for (const auto& m : std::vector(caps.modes))
                if (m.kind == ColourMode::Gray)
                    caps.modes.push_back({ColourMode::Lineart, m.name + " (1 bit)"});
    }
    auto resolution = dev.find(SANE_NAME_SCAN_RESOLUTION);
    if (!resolution)
        resolution = dev.find(SANE_NAME_SCAN_X_RESOLUTION);
    if (resolution) {
        caps.resolutionRange = dev.range(*resolution);
        for (double v : dev.wordList(*resolution))
            caps.resolutions.push_back(int(std::lround(v)));
    }
    const auto brX = dev.find(SANE_NAME_SCAN_BR_X);
    const auto brY = dev.find(SANE_NAME_SCAN_BR_Y);
    if (brX && brY && brX->d->unit == SANE_UNIT_MM) {
        const auto rx = dev.range(*brX);
        const auto ry = dev.range(*brY);
        if (rx && ry)
            caps.maxPageSize = capture::PageSize{rx->max, ry->max};
    }
    if (const auto o = dev.find(SANE_NAME_BRIGHTNESS))
        caps.brightness = dev.range(*o);
    if (const auto o = dev.find(SANE_NAME_CONTRAST))
        caps.contrast = dev.range(*o);
    return caps;
}

capture::AcquireSummary SaneDriver::scan(const std::string& device, const capture::AcquireSettings& settings,
                                         const fs::path& outDir, ScanEvents& events) {
    Device dev(resolveDevice(device));
    AppliedSettings applied;
    applied.device = dev.name();
    // Source first: the other options' ranges may depend on it.
    PaperSource source = PaperSource::Flatbed;
    applied.source = chooseSource(dev, settings.source, source);
    chooseMode(dev, settings.mode, applied);
    chooseResolution(dev, settings.resolution, applied);
    if (settings.pageSize)
        choosePageSize(dev, *settings.pageSize, applied);
    chooseLevel(dev, SANE_NAME_BRIGHTNESS, settings.brightness, applied,
                tr("The scanner has no brightness setting; it was left out."));
    chooseLevel(dev, SANE_NAME_CONTRAST, settings.contrast, applied,
                tr("The scanner has no contrast setting; it was left out."));
    events.started(applied);

    const bool feeder = source == PaperSource::Feeder || source == PaperSource::Duplex;
    const std::string description =
        "sane:" + dev.name() + (applied.source.empty() ? std::string() : " (" + applied.source + ")");
    capture::AcquireSummary summary;
    summary.warnings = applied.warnings;
    ScanningMark mark(scanning_, dev.handle());
    for (;;) {
        if (events.cancelRequested()) {
            summary.end = capture::AcquireEnd::Cancelled;
            break;
        }
        const int number = summary.pages + 1;
        SANE_Status status = sane_start(dev.handle());
        if (status == SANE_STATUS_NO_DOCS && feeder && summary.pages > 0) {
            summary.end = capture::AcquireEnd::FeederEmpty; // the batch is done
            break;
        }
        if (status == SANE_STATUS_CANCELLED) {
            summary.end = capture::AcquireEnd::Cancelled;
            break;
        }
        if (status != SANE_STATUS_GOOD)
            throw statusError(status, summary.pages, feeder, dev.name());

        const auto frames = readFrames(dev.handle(), dev.name(), number, events, summary.pages, feeder);
        if (!frames) {
            summary.end = capture::AcquireEnd::Cancelled;
            break;
        }
        const double dpi = applied.resolution;
        const auto encoded = encodePage(*frames, settings.encoding, dpi);
        ScannedPage page;
        page.number = number;
        page.file =
            outDir / fmt::format("page-{:04}{}", number, encoded.mediaType == "image/jpeg" ? ".jpg" : ".png");
        page.mediaType = encoded.mediaType;
        page.source = description;
        page.width = encoded.width;
        page.height = encoded.height;
        page.dpi = dpi;
        writeFile(page.file, encoded.bytes);
        summary.pages = number;
        events.page(page);
        if (!feeder) {
            summary.end = capture::AcquireEnd::Completed;
            break;
        }
    }
    return summary;
}

} // namespace docdesk::scanworker
