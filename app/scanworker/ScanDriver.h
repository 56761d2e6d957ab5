#pragma once
// A scanner driver inside docdesk-scan-worker (NAPS2's IScanDriver): SANE today; TWAIN, WIA
// and eSCL later (see capture/PageSource.h for the plan). Drivers speak docdesk's capture
// types; their own library's types stay in their .cpp. Failures throw capture::DeviceError.
#include "capture/PageSource.h"

#include <filesystem>
#include <string>
#include <vector>

namespace docdesk::scanworker {

// A page written by the driver to a file in the caller's folder.
struct ScannedPage {
    int number = 0; // 1-based within the scan
    std::filesystem::path file;
    std::string mediaType;
    std::string source; // device and paper source, e.g. "sane:test:0 (Flatbed)"
    int width = 0;
    int height = 0;
    double dpi = 0;
};

// What the settings became on the device (the device's own names).
struct AppliedSettings {
    std::string device;
    std::string source;
    std::string mode;
    double resolution = 0;
    std::vector<std::string> warnings; // translated
};

// The driver's link back to the protocol while a scan runs.
class ScanEvents {
  public:
    virtual ~ScanEvents() = default;
    virtual void started(const AppliedSettings& settings) = 0;
    virtual void progress(int page, double fraction) = 0;
    virtual void page(const ScannedPage& page) = 0;
    // Polled between reads: true once the client asked to cancel (or went away).
    virtual bool cancelRequested() = 0;
};

class ScanDriver {
  public:
    virtual ~ScanDriver() = default;
    virtual std::vector<capture::DeviceInfo> devices() = 0;
    virtual capture::DeviceCapabilities capabilities(const std::string& device) = 0;
    // Scans until the flatbed page is done, the feeder is empty, or a cancel; writes each page
    // into `outDir` and reports it before reading the next. Returns how it ended and the count.
    virtual capture::AcquireSummary scan(const std::string& device, const capture::AcquireSettings& settings,
                                         const std::filesystem::path& outDir, ScanEvents& events) = 0;
    // Called from a signal handler: must only do async-signal-safe work (SANE's sane_cancel is).
    virtual void cancelFromSignal() noexcept = 0;
};

} // namespace docdesk::scanworker
