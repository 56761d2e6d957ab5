#pragma once
// The factory for scanner sources (NAPS2's ScanBridgeFactory): which drivers this build and
// system offer, and a PageSource for one of them. Every driver runs in docdesk-scan-worker, so
// all of them come back as a ScanWorkerSource; callers see only PageSource.
#include "capture/PageSource.h"
#include "capture/scanner/ScanWorkerSource.h"

#include <memory>
#include <string_view>
#include <vector>

namespace docdesk::capture {

enum class ScannerDriver {
    Sane,  // Linux and the BSDs (libsane in the worker)
    Twain, // planned: Windows, macOS
    Wia,   // planned: Windows
    Escl,  // planned: network scanners (AirScan) on every system
};

std::string_view scannerDriverName(ScannerDriver driver); // "sane", "twain", "wia", "escl"

// The drivers this build can use, the platform's usual one first.
std::vector<ScannerDriver> availableScannerDrivers();

// A source for `driver`; DeviceError (Unsupported) when this build does not have it.
std::unique_ptr<PageSource> makeScannerSource(ScannerDriver driver, ScanWorkerOptions options = {});

// The platform's usual driver (the first of availableScannerDrivers()).
std::unique_ptr<PageSource> makeScannerSource(ScanWorkerOptions options = {});

} // namespace docdesk::capture
