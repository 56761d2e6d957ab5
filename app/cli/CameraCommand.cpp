// docdesk-cli camera — pages from a webcam or document camera (or a video file): each page
// held still under the camera is stored once, with its document corners as the crop.
#include "app/cli/Commands.h"
#include "app/common/AppEnvironment.h"
#include "capture/PageSources.h"
#include "core/common/Translate.h"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

namespace docdesk::cli {
namespace {

int parseCount(const std::string& option, const std::string& value, int max) {
    int n = 0;
    try {
        n = std::stoi(value);
    } catch (const std::exception&) {
        n = -1;
    }
    if (n < 0 || n > max)
        throw UsageError(trf("{} needs a number from 0 to {}, not {}", option, max, value));
    return n;
}

void listCameras(capture::PageSource& cameras, bool json) {
    const auto devices = cameras.devices({});
    if (json) {
        auto list = nlohmann::ordered_json::array();
        for (const auto& d : devices)
            list.push_back({{"device", d.name}, {"name", d.model}});
        std::cout << list.dump() << "\n";
    } else if (devices.empty()) {
        std::cout << tr("No cameras found.") << "\n";
    } else {
        for (const auto& d : devices)
            std::cout << d.name << "  " << d.model << "\n";
    }
}

// One line per page as soon as it is stored.
void printStored(const capture::AcquiredPage& page, const PageRecord& record, bool json) {
    if (json)
        std::cout << nlohmann::ordered_json{{"page", page.number},
                                            {"id", record.id},
                                            {"transforms", nlohmann::json::parse(record.transformsJson)}}
                         .dump()
                  << std::endl;
    else
        std::cout << trf("Page {} stored.", page.number) << std::endl;
}

} // namespace

int runCamera(const std::vector<std::string>& args) {
    if (std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        std::cout << tr(
            "Usage: docdesk-cli camera [--list] [--device DEVICE|FILE] [--count N] [--seconds S]\n"
            "                          [--session ID | --new-session] [--json]\n"
            "\n"
            "Watches a webcam or document camera (or plays a video file) and stores each page\n"
            "that is held still under it, once, with the page's corners as its crop.\n"
            "\n"
            "  --list        list the cameras of this machine\n"
            "  --device D    a camera number (0), a device (/dev/video2) or a video file\n"
            "  --count N     stop after N pages (default: no limit)\n"
            "  --seconds S   stop after S seconds (default: no limit; Ctrl+C stops too)\n"
            "  --json        one JSON line per page\n");
        return 0;
    }
    const auto camera = capture::makePageSource(capture::SourceKind::Camera);
    capture::AcquireSettings settings;
    std::string sessionId;
    bool newSession = false, json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--list") {
            listCameras(*camera, json || std::find(args.begin(), args.end(), "--json") != args.end());
            return 0;
        } else if (args[i] == "--device") {
            settings.device = optionValue(args, i);
        } else if (args[i] == "--count") {
            settings.maxPages = parseCount("--count", optionValue(args, i), 100000);
        } else if (args[i] == "--seconds") {
            settings.camera.options.timeout =
                std::chrono::seconds(parseCount("--seconds", optionValue(args, i), 86400));
        } else if (args[i] == "--session") {
            sessionId = optionValue(args, i);
        } else if (args[i] == "--new-session") {
            newSession = true;
        } else if (args[i] == "--json") {
            json = true;
        } else {
            throw UsageError(trf("unknown argument {}", args[i]));
        }
    }
    if (newSession && !sessionId.empty())
        throw UsageError(tr("--session and --new-session cannot be combined"));
    std::unique_ptr<journal::Session> session = openSessionForWriting(sessionId, newSession);

    if (!json)
        std::cout << tr("Hold each page still under the camera; Ctrl+C stops.") << std::endl;
    int stored = 0;
    {
        StopOnInterrupt interrupts; // Ctrl+C stops the camera; the pages stored so far stay
        capture::JournalPageSink sink(*session, {[json](const capture::AcquiredPage& page,
                                                        const PageRecord& p) { printStored(page, p, json); },
                                                 {},
                                                 {}});
        stored = camera->acquire(settings, interrupts.token(), sink).pages;
    }
    if (!json)
        std::cout << trnf("{} page stored in session {}.", "{} pages stored in session {}.", unsigned(stored),
                          stored, session->summary().id)
                  << "\n";
    return 0;
}

} // namespace docdesk::cli
