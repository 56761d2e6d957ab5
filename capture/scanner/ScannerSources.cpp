#include "capture/scanner/ScannerSources.h"

#include "core/common/Translate.h"

#include <algorithm>

namespace docdesk::capture {

std::string_view scannerDriverName(ScannerDriver driver) {
    switch (driver) {
    case ScannerDriver::Twain:
        return "twain";
    case ScannerDriver::Wia:
        return "wia";
    case ScannerDriver::Escl:
        return "escl";
    case ScannerDriver::Sane:
        break;
    }
    return "sane";
}

std::vector<ScannerDriver> availableScannerDrivers() {
    // Only SANE exists so far (app/scanworker links libsane); the others join this list, per
    // platform, as their drivers are added to the worker.
    return {ScannerDriver::Sane};
}

std::unique_ptr<PageSource> makeScannerSource(ScannerDriver driver, ScanWorkerOptions options) {
    const auto available = availableScannerDrivers();
    if (std::find(available.begin(), available.end(), driver) == available.end())
        throw DeviceError(DeviceFault::Unsupported,
                          trf("The scanner driver '{}' is not available in this version of docdesk.",
                              scannerDriverName(driver)));
    return std::make_unique<ScanWorkerSource>(std::string(scannerDriverName(driver)), std::move(options));
}

std::unique_ptr<PageSource> makeScannerSource(ScanWorkerOptions options) {
    return makeScannerSource(availableScannerDrivers().front(), std::move(options));
}

} // namespace docdesk::capture
