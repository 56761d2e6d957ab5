// docdesk-cli scan — pages from a scanner straight into a capture session, each stored the
// moment it is complete. Ctrl+C (SIGINT) or SIGTERM cancels: the scanner stops, the pages
// scanned until then stay in the session.
#include "app/cli/Commands.h"
#include "app/common/AppEnvironment.h"
#include "capture/PageSources.h"
#include "capture/scanner/ScanProtocol.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/journal/Session.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

namespace docdesk::cli {
using nlohmann::json;

namespace {

constexpr int kExitCancelled = 130; // as a shell reports a program ended by Ctrl+C

struct ScanArgs {
    bool help = false;
    bool json = false;
    bool list = false;
    bool network = false;
    bool options = false;
    bool newSession = false;
    std::string session;
    int timeoutSeconds = 120;
    capture::AcquireSettings settings;
};

int parseInt(const std::string& option, const std::string& text, int min, int max) {
    int value = 0;
    try {
        size_t used = 0;
        value = std::stoi(text, &used);
        if (used != text.size())
            throw std::invalid_argument(text);
    } catch (const std::exception&) {
        throw UsageError(trf("{} needs a whole number", option));
    }
    if (value < min || value > max)
        throw UsageError(trf("{} must be between {} and {}", option, min, max));
    return value;
}

capture::PageSize parsePageSize(const std::string& text) {
    if (text == "a4")
        return {210, 297};
    if (text == "a5")
        return {148, 210};
    if (text == "letter")
        return {215.9, 279.4};
    if (text == "legal")
        return {215.9, 355.6};
    static const std::regex custom(R"(^([0-9]+(?:\.[0-9]+)?)x([0-9]+(?:\.[0-9]+)?)(mm)?$)");
    std::smatch m;
    if (std::regex_match(text, m, custom)) {
        const capture::PageSize size{std::stod(m[1]), std::stod(m[2])};
        if (size.widthMm >= 10 && size.heightMm >= 10 && size.widthMm <= 2000 && size.heightMm <= 2000)
            return size;
    }
    throw UsageError(tr("--page-size takes a4, a5, letter, legal or WIDTHxHEIGHTmm (10 to 2000 mm)"));
}

ScanArgs parse(const std::vector<std::string>& args) {
    ScanArgs a;
    a.settings.resolution = 300;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (arg == "-h" || arg == "--help")
            a.help = true;
        else if (arg == "--json")
            a.json = true;
        else if (arg == "--list")
            a.list = true;
        else if (arg == "--network")
            a.network = true;
        else if (arg == "--options")
            a.options = true;
        else if (arg == "--new-session")
            a.newSession = true;
        else if (arg == "--session")
            a.session = optionValue(args, i);
        else if (arg == "--device")
            a.settings.device = optionValue(args, i);
        else if (arg == "--source") {
            const auto v = optionValue(args, i);
            if (v != "flatbed" && v != "adf" && v != "duplex")
                throw UsageError(tr("--source takes flatbed, adf or duplex"));
            a.settings.source = capture::paperSourceFromName(v);
        } else if (arg == "--mode") {
            const auto v = optionValue(args, i);
            if (v != "color" && v != "gray" && v != "grey" && v != "lineart")
                throw UsageError(tr("--mode takes color, gray or lineart"));
            a.settings.mode = capture::colourModeFromName(v);
        } else if (arg == "--resolution")
            a.settings.resolution = parseInt(arg, optionValue(args, i), 25, 9600);
        else if (arg == "--page-size")
            a.settings.pageSize = parsePageSize(optionValue(args, i));
        else if (arg == "--brightness")
            a.settings.brightness = parseInt(arg, optionValue(args, i), -100, 100);
        else if (arg == "--contrast")
            a.settings.contrast = parseInt(arg, optionValue(args, i), -100, 100);
        else if (arg == "--format") {
            const auto v = optionValue(args, i);
            if (v != "png" && v != "jpeg")
                throw UsageError(tr("--format takes png or jpeg"));
            a.settings.encoding = v == "jpeg" ? capture::PageEncoding::Jpeg : capture::PageEncoding::Png;
        } else if (arg == "--pages")
            a.settings.maxPages = parseInt(arg, optionValue(args, i), 1, 100000);
        else if (arg == "--timeout")
            a.timeoutSeconds = parseInt(arg, optionValue(args, i), 1, 3600);
        else
            throw UsageError(trf("unknown option {}", arg));
    }
    if (a.newSession && !a.session.empty())
        throw UsageError(tr("--session and --new-session cannot be combined"));
    if (a.list && a.options)
        throw UsageError(tr("--list and --options cannot be combined"));
    if (a.network && !a.list)
        throw UsageError(tr("--network goes with --list (a scanner named with --device is reached however it "
                            "is connected)"));
    return a;
}

void printHelp() {
    std::cout << tr(
        "Usage: docdesk-cli scan --list [--network] [--json]\n"
        "       docdesk-cli scan --options [--device NAME] [--json]\n"
        "       docdesk-cli scan [--device NAME] [--source flatbed|adf|duplex] [--resolution DPI]\n"
        "                        [--mode color|gray|lineart] [--page-size a4|a5|letter|legal|WxHmm]\n"
        "                        [--brightness N] [--contrast N] [--format png|jpeg] [--pages N]\n"
        "                        [--timeout S]\n"
        "                        [--session ID | --new-session] [--json]\n"
        "\n"
        "Scans pages into a capture session (the last one used unless told otherwise). Each page\n"
        "is stored as soon as it is complete; from the feeder (adf, duplex) scanning goes on until\n"
        "the feeder is empty, from the glass (flatbed) it takes one page.\n"
        "\n"
        "  --list              show the scanners connected to this computer (USB)\n"
        "  --network           with --list: search the local network for scanners too (the\n"
        "                      drivers send discovery broadcasts; never done without it)\n"
        "  --options           show what a scanner offers (sources, modes, resolutions, area)\n"
        "  --device NAME       the scanner (as --list shows it); default: the first one found\n"
        "  --resolution DPI    dots per inch (default 300; the nearest the scanner offers)\n"
        "  --page-size SIZE    the scan area from the top-left corner (default: the scanner's)\n"
        "  --brightness N, --contrast N\n"
        "                      -100 to 100, 0 being the scanner's middle setting\n"
        "  --format png|jpeg   how pages are stored: PNG (lossless, default) or JPEG (colour\n"
        "                      and grey only; lineart is always PNG)\n"
        "  --pages N           stop after N pages (from the feeder; default: until it is empty)\n"
        "  --timeout S         seconds without any data before the scanner driver counts as\n"
        "                      hung and is stopped (default 120)\n"
        "\n"
        "With --json, one line per stored page: {\"page\": N, \"id\": ..., \"source\": ...,\n"
        "\"width\": ..., \"height\": ...}, then a summary line {\"end\": ..., \"pages\": N, ...}.\n"
        "Exit status: 0 when scanning ended normally (also when the feeder ran empty), 1 on a\n"
        "scanner error (the pages scanned before it are kept), 2 on wrong usage, 130 when\n"
        "cancelled (Ctrl+C).\n");
}

// SIGINT and SIGTERM become a stop request while a scan runs; a second one ends the program
// at once (the journal keeps every page stored so far).
class InterruptsStopScanning : public StopOnInterrupt {
  public:
    InterruptsStopScanning() : StopOnInterrupt(/*secondEndsProgram=*/true) {}
};

int listDevices(capture::PageSource& source, const ScanArgs& a) {
    InterruptsStopScanning interrupts;
    const auto devices = source.devices(interrupts.token());
    if (interrupts.token().stop_requested())
        return kExitCancelled;
    if (a.json) {
        json all = json::array();
        for (const auto& d : devices)
            all.push_back(capture::deviceToJson(d));
        std::cout << all.dump() << std::endl;
        return 0;
    }
    if (devices.empty())
        std::cout << tr("No scanner was found.") << "\n";
    for (const auto& d : devices)
        std::cout << d.name << "  " << d.vendor << " " << d.model
                  << (d.type.empty() ? "" : "  (" + d.type + ")") << "\n";
    return 0;
}

std::string describeRange(const capture::ValueRange& r) {
    return r.step > 0 ? fmt::format("{}..{} (step {})", r.min, r.max, r.step)
                      : fmt::format("{}..{}", r.min, r.max);
}

int showOptions(capture::PageSource& source, const ScanArgs& a) {
    InterruptsStopScanning interrupts;
    const auto caps = source.capabilities(a.settings.device, interrupts.token());
    if (interrupts.token().stop_requested())
        return kExitCancelled;
    if (a.json) {
        auto j = capture::capabilitiesToJson(caps);
        j["device"] = a.settings.device;
        std::cout << j.dump() << std::endl;
        return 0;
    }
    std::string line;
    for (const auto& s : caps.sources)
        line +=
            (line.empty() ? "" : ", ") + std::string(capture::paperSourceName(s.kind)) + " (" + s.name + ")";
    std::cout << tr("Sources:") << " " << (line.empty() ? tr("one (flatbed)") : line) << "\n";
    line.clear();
    for (const auto& m : caps.modes)
        line +=
            (line.empty() ? "" : ", ") + std::string(capture::colourModeName(m.kind)) + " (" + m.name + ")";
    std::cout << tr("Modes:") << " " << line << "\n";
    line.clear();
    for (int r : caps.resolutions)
        line += (line.empty() ? "" : ", ") + std::to_string(r);
    if (caps.resolutionRange)
        line = describeRange(*caps.resolutionRange);
    std::cout << tr("Resolutions (dpi):") << " " << line << "\n";
    if (caps.maxPageSize)
        std::cout << trf("Largest area: {:.0f} x {:.0f} mm", caps.maxPageSize->widthMm,
                         caps.maxPageSize->heightMm)
                  << "\n";
    if (caps.brightness)
        std::cout << tr("Brightness:") << " " << describeRange(*caps.brightness) << "\n";
    if (caps.contrast)
        std::cout << tr("Contrast:") << " " << describeRange(*caps.contrast) << "\n";
    return 0;
}

int scanIntoSession(capture::PageSource& source, const ScanArgs& a) {
    std::unique_ptr<journal::Session> session = openSessionForWriting(a.session, a.newSession);
    const std::string sessionId = session->summary().id;

    capture::JournalPageSink::Callbacks report;
    report.notice = [](const std::string& message) { std::cerr << "docdesk-cli: " << message << std::endl; };
    report.stored = [&](const capture::AcquiredPage& page, const PageRecord& record) {
        if (a.json)
            std::cout << json{{"page", page.number},
                              {"id", record.id},
                              {"position", record.position + 1},
                              {"source", record.source},
                              {"media_type", record.mediaType},
                              {"width", page.width},
                              {"height", page.height},
                              {"dpi", page.dpi},
                              {"sha256", record.sha256}}
                             .dump()
                      << std::endl; // flushed: a reader may act on each page at once
        else
            std::cout << trf("Page {} stored ({} x {} pixels, {} dpi).", page.number, page.width, page.height,
                             page.dpi)
                      << std::endl;
    };
    capture::JournalPageSink sink(*session, report);

    json summaryLine = {{"session", sessionId}};
    int exitCode = 0;
    {
        InterruptsStopScanning interrupts;
        try {
            const auto summary = source.acquire(a.settings, interrupts.token(), sink);
            summaryLine["end"] = capture::acquireEndName(summary.end);
            summaryLine["warnings"] = summary.warnings;
            if (summary.end == capture::AcquireEnd::Cancelled) {
                exitCode = kExitCancelled;
                std::cerr
                    << trf("Scanning was cancelled. The {} pages scanned before are kept in session {}.",
                           sink.storedPages(), sessionId)
                    << "\n";
            } else if (!a.json) {
                std::cout << trf("{} pages scanned into session {}.", sink.storedPages(), sessionId) << "\n";
            }
        } catch (const capture::DeviceError& e) {
            exitCode = 1;
            summaryLine["end"] = "error";
            summaryLine["status"] = capture::faultCode(e.fault());
            summaryLine["error"] = e.what();
            std::cerr << "docdesk-cli: " << e.what() << "\n"
                      << trf("{} pages scanned before the error are kept in session {}.", sink.storedPages(),
                             sessionId)
                      << "\n";
        }
    }
    summaryLine["pages"] = sink.storedPages();
    if (a.json)
        std::cout << summaryLine.dump() << std::endl;
    return exitCode;
}

} // namespace

int runScan(const std::vector<std::string>& args) {
    const auto a = parse(args);
    if (a.help) {
        printHelp();
        return 0;
    }
    capture::PageSourceOptions options;
    options.scanner.pageTimeout = std::chrono::seconds(a.timeoutSeconds);
    options.scanner.network = a.network;
    const auto source = capture::makePageSource(capture::SourceKind::Scanner, options);
    try {
        if (a.list)
            return listDevices(*source, a);
        if (a.options)
            return showOptions(*source, a);
    } catch (const capture::DeviceError& e) {
        if (a.json)
            std::cout << json{{"error", e.what()}, {"status", capture::faultCode(e.fault())}}.dump()
                      << std::endl;
        throw;
    }
    return scanIntoSession(*source, a);
}

} // namespace docdesk::cli
