#pragma once
// The JSON-lines protocol between ScanWorkerSource and docdesk-scan-worker, in one place so
// both sides agree. One request per line on the worker's stdin; answers on its stdout. A line
// holding "ok" is the last answer to a request; "event" lines before it report progress.
//
//   {"op": "list", "driver": "sane"}
//       -> {"ok": true, "devices": [{"name", "vendor", "model", "type"}, ...]}
//   {"op": "options", "driver": "sane", "device": NAME}
//       -> {"ok": true, "device": NAME, "capabilities": {...see capabilitiesToJson...}}
//   {"op": "scan", "driver": "sane", "device": NAME, "settings": {...}, "out_dir": DIR}
//       -> {"event": "started", "device": NAME, "source": "Automatic Document Feeder",
//           "mode": "Gray", "resolution": 300, "warnings": [...]}
//          {"event": "progress", "page": N, "fraction": 0.42}            (a few per second)
//          {"event": "page", "page": N, "file": DIR/page-0001.png, "media_type": "image/png",
//           "width": W, "height": H, "dpi": D, "source": "sane:test:0 (Flatbed)"}
//          ... one "page" line per sheet (side), as soon as its file is complete ...
//       -> {"event": "done", "ok": true, "pages": N, "end": "completed|feeder_empty|cancelled"}
//        | {"event": "error", "ok": false, "status": "jammed", "error": MESSAGE, "pages": N}
//   {"op": "cancel"}   only while a scan runs; no answer of its own: the scan ends with
//                      "end": "cancelled" (pages reported before stay valid).
// Failures of list/options: {"ok": false, "status": CODE, "error": MESSAGE}. Status codes are
// faultCode() names. The worker also cancels on SIGTERM, and on end of input (its client died).
#include "capture/PageSource.h"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::capture {

// Names used on the command line and in the protocol: "default", "flatbed", "adf", "duplex".
std::string_view paperSourceName(PaperSource source);
// "color", "gray", "lineart", "default".
std::string_view colourModeName(ColourMode mode);
// Inverse of the above; std::invalid_argument for an unknown name ("grey" and "bw" are taken).
PaperSource paperSourceFromName(std::string_view name);
ColourMode colourModeFromName(std::string_view name);
DeviceFault faultFromCode(std::string_view code);
std::string_view acquireEndName(AcquireEnd end);
// Inverse of acquireEndName; an unknown name is a normal end (Completed).
AcquireEnd acquireEndFromName(std::string_view name);

nlohmann::json settingsToJson(const AcquireSettings& settings);
AcquireSettings settingsFromJson(const nlohmann::json& json);
nlohmann::json deviceToJson(const DeviceInfo& device);
DeviceInfo deviceFromJson(const nlohmann::json& json);
// The "devices" of a list answer.
std::vector<DeviceInfo> devicesFromAnswer(const nlohmann::json& answer);
nlohmann::json capabilitiesToJson(const DeviceCapabilities& capabilities);
DeviceCapabilities capabilitiesFromJson(const nlohmann::json& json);

// Both sides read what the other wrote as outside data: a driver may corrupt the worker, and a
// line may be cut. Every *FromJson above and the two readers below check each field's type and
// range and refuse a bad line with ScanProtocolError (its message says which field), never
// with a JSON library exception or an out-of-range conversion.
class ScanProtocolError : public Error {
  public:
    using Error::Error;
};

// Bounds of the numbers either side accepts.
inline constexpr int kScanMaxResolution = 19200;      // dpi asked for or reported
inline constexpr int kScanMaxPageNumber = 1'000'000;  // pages of one acquisition
inline constexpr int kScanMaxPixels = 1 << 20;        // a page's width or height
inline constexpr double kScanMaxMillimetres = 10'000; // a page size

// A request line as the worker reads it.
struct ScanRequest {
    std::string op;              // "list", "options", "scan", "cancel"
    std::string driver = "sane"; // never empty
    std::string device;
    AcquireSettings settings; // "scan": its settings (device and maxPages are not sent)
    std::string outDir;       // "scan": where the worker writes page files; never empty
};
ScanRequest parseScanRequest(std::string_view line);
std::string scanRequestLine(const ScanRequest& request);

// A line from the worker as ScanWorkerSource reads it.
struct ScanWorkerLine {
    enum class Kind {
        Other,    // not for the client (a blank line, an unknown event): skipped
        Started,  // `warnings`
        Progress, // `progress`
        Page,     // `page`, and `pageFile`: the page's file as sent (never empty, never ending in
                  // "." or ".."; the client checks that it lies in its scratch folder)
        Final,    // the last answer of a request: `ok`, and `fault` + `error` when not ok, `end`
    };
    Kind kind = Kind::Other;
    std::vector<std::string> warnings;
    AcquireProgress progress;
    AcquiredPage page;    // without bytes; number 0 when the worker sent none
    std::string pageFile; // as sent
    bool ok = false;
    DeviceFault fault = DeviceFault::Other;
    std::string error; // never empty when !ok
    AcquireEnd end = AcquireEnd::Completed;
    nlohmann::json answer; // a final answer as sent (devices, capabilities)
};
ScanWorkerLine parseScanWorkerLine(std::string_view line);

} // namespace docdesk::capture
