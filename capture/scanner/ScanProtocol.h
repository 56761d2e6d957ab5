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
#include <string_view>

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

nlohmann::json settingsToJson(const AcquireSettings& settings);
AcquireSettings settingsFromJson(const nlohmann::json& json);
nlohmann::json deviceToJson(const DeviceInfo& device);
DeviceInfo deviceFromJson(const nlohmann::json& json);
nlohmann::json capabilitiesToJson(const DeviceCapabilities& capabilities);
DeviceCapabilities capabilitiesFromJson(const nlohmann::json& json);

} // namespace docdesk::capture
