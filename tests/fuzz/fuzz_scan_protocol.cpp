// The JSON-lines protocol between docdesk and docdesk-scan-worker (capture/scanner/ScanProtocol.h),
// as both sides read it. The first byte picks the side:
//   even: the rest is a request line as the worker reads it; an accepted request must survive
//         being written (scanRequestLine) and read again unchanged, settings included;
//   odd:  the rest is a line from the worker as ScanWorkerSource reads it; a final answer is
//         also read as a device list and as a device's capabilities, and accepted
//         capabilities must survive being written and read again.
// Refusals must be ScanProtocolError (a docdesk::Error) with a message; anything else escaping,
// or a sanitizer report (an out-of-range number cast to int), is a crash.
#include "FuzzInput.h"
#include "capture/scanner/ScanProtocol.h"

#include <filesystem>

using namespace docdesk;
using namespace docdesk::capture;

namespace {

bool sameSettings(const AcquireSettings& a, const AcquireSettings& b) {
    const auto sameSize = [](const std::optional<PageSize>& x, const std::optional<PageSize>& y) {
        return x.has_value() == y.has_value() &&
               (!x || (x->widthMm == y->widthMm && x->heightMm == y->heightMm));
    };
    return a.source == b.source && a.mode == b.mode && a.resolution == b.resolution &&
           a.encoding == b.encoding && sameSize(a.pageSize, b.pageSize) && a.brightness == b.brightness &&
           a.contrast == b.contrast;
}

void checkRequest(std::string_view line) {
    ScanRequest request;
    try {
        request = parseScanRequest(line);
    } catch (const ScanProtocolError& e) {
        fuzz::expectMessage(e);
        return;
    }
    fuzz::require(!request.driver.empty(), "a request names a driver");
    fuzz::require(request.op != "scan" || !request.outDir.empty(), "a scan request names its folder");
    fuzz::require(request.settings.resolution >= 0 && request.settings.resolution <= kScanMaxResolution,
                  "the resolution is in range");
    const auto again = parseScanRequest(scanRequestLine(request)); // must not throw
    fuzz::require(again.op == request.op && again.driver == request.driver &&
                      again.device == request.device && again.outDir == request.outDir,
                  "a request reads back as it was written");
    fuzz::require(request.op != "scan" || sameSettings(again.settings, request.settings),
                  "scan settings read back as they were written");
}

void checkAnswer(const ScanWorkerLine& answer) {
    fuzz::require(answer.ok || !answer.error.empty(), "a failed answer says why");
    try {
        for (const auto& d : devicesFromAnswer(answer.answer))
            (void)d;
    } catch (const ScanProtocolError& e) {
        fuzz::expectMessage(e);
    }
    const auto it = answer.answer.find("capabilities");
    if (it == answer.answer.end())
        return;
    DeviceCapabilities capabilities;
    try {
        capabilities = capabilitiesFromJson(*it);
    } catch (const ScanProtocolError& e) {
        fuzz::expectMessage(e);
        return;
    }
    const auto written = capabilitiesToJson(capabilities);
    fuzz::require(capabilitiesToJson(capabilitiesFromJson(written)) == written,
                  "capabilities read back as they were written");
}

void checkWorkerLine(std::string_view line) {
    ScanWorkerLine message;
    try {
        message = parseScanWorkerLine(line);
    } catch (const ScanProtocolError& e) {
        fuzz::expectMessage(e);
        return;
    }
    switch (message.kind) {
    case ScanWorkerLine::Kind::Page: {
        const auto name = std::filesystem::path(message.pageFile).filename();
        fuzz::require(!name.empty() && name != "." && name != "..", "a page names a file");
        // number 0: not sent (the client counts the page itself)
        fuzz::require(message.page.number >= 0 && message.page.number <= kScanMaxPageNumber &&
                          message.page.width >= 0 && message.page.height >= 0 && message.page.dpi >= 0,
                      "a page's numbers are in range");
        break;
    }
    case ScanWorkerLine::Kind::Progress:
        fuzz::require(message.progress.fraction == -1.0 ||
                          (message.progress.fraction >= 0 && message.progress.fraction <= 1),
                      "progress is a fraction or unknown");
        break;
    case ScanWorkerLine::Kind::Final:
        checkAnswer(message);
        break;
    case ScanWorkerLine::Kind::Started:
    case ScanWorkerLine::Kind::Other:
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    const auto line = fuzz::textOf(data + 1, size - 1);
    if (data[0] % 2 == 0)
        checkRequest(line);
    else
        checkWorkerLine(line);
    return 0;
}
