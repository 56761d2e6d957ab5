#include "capture/scanner/ScanWorkerSource.h"

#include "capture/scanner/ScanProtocol.h"
#include "core/common/Translate.h"
#include "platform/HelperProgram.h"
#include "platform/ProcessLimits.h"
#include "platform/ScratchFolder.h"

#include <csignal>
#include <fstream>
#include <system_error>
#include <thread>

namespace docdesk::capture {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kPollInterval{200};

// A private folder for the page files in transit, removed with everything in it at the end.
platform::ScratchFolder scanScratchFolder(const fs::path& parent) {
    try {
        return platform::ScratchFolder(parent, "docdesk-scan");
    } catch (const fs::filesystem_error& e) {
        throw Error(trf("Cannot create a folder for scanned pages in {}: {}", e.path1().string(), e.code().message()));
    }
}

std::vector<std::byte> readPageFile(const fs::path& file) {
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    std::ifstream in(file, std::ios::binary);
    std::vector<std::byte> bytes(ec ? 0 : size);
    if (!bytes.empty())
        in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
    if (ec || bytes.empty() || !in || std::uintmax_t(in.gcount()) != size)
        throw Error(trf("The scanned page {} could not be read.", file.string()));
    return bytes;
}

} // namespace

ScanWorkerSource::ScanWorkerSource(std::string driver, ScanWorkerOptions options)
    : driver_(std::move(driver)), options_(std::move(options)) {
    if (options_.executable.empty())
        options_.executable = platform::helperProgram("docdesk-scan-worker");
}

ScanWorkerSource::~ScanWorkerSource() {
    if (!child_)
        return;
    // End of input makes an idle worker close its devices (sane_exit) and exit; a stuck one is
    // killed by ChildProcess's destructor.
    child_->closeStdin();
    try {
        child_->waitFor(std::chrono::seconds(2));
    } catch (const std::system_error&) {
    }
}

void ScanWorkerSource::start(bool network) {
    platform::ChildOptions opts;
    opts.pipeStdin = true;
    opts.pipeStdout = true;
    std::vector<std::string> argv{options_.executable.string(), "--serve", "--memory-limit-mb",
                                  std::to_string(options_.memoryMegabytes)};
    if (network)
        argv.push_back("--network");
    try {
        child_.emplace(argv, opts);
        childNetwork_ = network;
    } catch (const std::system_error& e) {
        throw DeviceError(DeviceFault::DriverMissing,
                          trf("The scanner worker {} could not be started ({}). Reinstall docdesk.",
                              options_.executable.string(), e.code().message()));
    }
}

void ScanWorkerSource::startFor(bool network) {
    if (child_ && !child_->running()) { // died while idle
        child_.reset();
        ++restarts_;
    }
    if (child_ && childNetwork_ != network) { // the other kind: let it close its devices and end
        child_->closeStdin();
        try {
            child_->waitFor(std::chrono::seconds(2));
        } catch (const std::system_error&) {
        }
        child_.reset();
    }
    if (!child_)
        start(network);
}

void ScanWorkerSource::send(const json& request) {
    // Listing reaches the network only when asked; a device named explicitly is the user's choice.
    const bool named = request.value("op", "") != "list" && !request.value("device", "").empty();
    startFor(options_.network || named);
    try {
        child_->writeStdin(request.dump() + "\n");
    } catch (const std::system_error&) {
        // The worker died just now; the reading side reports it.
    }
}

void ScanWorkerSource::stopWorker() {
    child_.reset(); // SIGKILL and reap
}

void ScanWorkerSource::workerLost(int pagesDelivered) {
    std::string message;
    const auto status = child_->waitFor(std::chrono::milliseconds(500));
    if (!status)
        message = tr("The scanner driver stopped answering and was stopped. Switch the scanner off and on, then "
                     "try again.");
    else if (status->signal != 0)
        message = trf("The scanner driver crashed ({}). Switch the scanner off and on, then scan the remaining "
                      "pages again.",
                      platform::signalName(status->signal));
    else
        message = trf("The scanner driver ended unexpectedly (exit code {}). Switch the scanner off and on, then "
                      "scan the remaining pages again.",
                      status->code);
    stopWorker();
    ++restarts_;
    throw DeviceError(DeviceFault::DriverCrashed, message, pagesDelivered);
}

std::optional<json> ScanWorkerSource::simpleRequest(const json& request, std::stop_token stop) {
    send(request);
    const auto deadline = Clock::now() + options_.listTimeout;
    for (;;) {
        if (stop.stop_requested()) {
            stopWorker(); // a driver busy searching the network does not take a cancel
            return std::nullopt;
        }
        if (const auto line = child_->readLine(kPollInterval)) {
            auto answer = json::parse(*line, nullptr, false);
            if (answer.is_object() && answer.contains("ok"))
                return answer;
            continue; // an event line: not for this request
        }
        if (!child_->running())
            workerLost(0);
        if (Clock::now() >= deadline) {
            stopWorker();
            ++restarts_;
            throw DeviceError(DeviceFault::DriverHung,
                              trf("The scanner driver did not answer within {} seconds and was stopped. A scanner "
                                  "may be hanging: switch it off and on, then try again.",
                                  std::chrono::duration_cast<std::chrono::seconds>(options_.listTimeout).count()));
        }
    }
}

namespace {

[[noreturn]] void throwFailure(const json& answer, int pagesDelivered) {
    throw DeviceError(faultFromCode(answer.value("status", "error")),
                      answer.value("error", std::string(tr("The scanner reported an error."))), pagesDelivered);
}

} // namespace

std::vector<DeviceInfo> ScanWorkerSource::devices(std::stop_token stop) {
    const auto answer = simpleRequest({{"op", "list"}, {"driver", driver_}}, stop);
    std::vector<DeviceInfo> out;
    if (!answer)
        return out;
    if (!answer->value("ok", false))
        throwFailure(*answer, 0);
    for (const auto& d : answer->value("devices", json::array()))
        out.push_back(deviceFromJson(d));
    return out;
}

DeviceCapabilities ScanWorkerSource::capabilities(const std::string& device, std::stop_token stop) {
    const auto answer = simpleRequest({{"op", "options"}, {"driver", driver_}, {"device", device}}, stop);
    if (!answer)
        return {};
    if (!answer->value("ok", false))
        throwFailure(*answer, 0);
    return capabilitiesFromJson(answer->value("capabilities", json::object()));
}

AcquireSummary ScanWorkerSource::acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) {
    const auto scratch = scanScratchFolder(options_.scratchDirectory);
    send({{"op", "scan"},
          {"driver", driver_},
          {"device", settings.device},
          {"settings", settingsToJson(settings)},
          {"out_dir", scratch.path().string()}});

    AcquireSummary summary;
    auto lastHeard = Clock::now();
    std::optional<Clock::time_point> cancelSent;
    std::optional<Clock::time_point> terminateSent;
    // maxPages reached: the driver is cancelled like a user's Stop, but the batch is complete.
    bool pageLimitReached = false;
    const auto endOfCancel = [&] { return pageLimitReached ? AcquireEnd::Completed : AcquireEnd::Cancelled; };

    // One line from the worker; returns true when it was the final one.
    const auto handle = [&](const std::string& line) -> bool {
        const auto message = json::parse(line, nullptr, false);
        if (!message.is_object())
            return false;
        const std::string event = message.value("event", "");
        if (event == "started") {
            for (const auto& w : message.value("warnings", json::array()))
                if (w.is_string()) {
                    summary.warnings.push_back(w.get<std::string>());
                    sink.notice(summary.warnings.back());
                }
        } else if (event == "progress") {
            sink.progress({message.value("page", 0), message.value("fraction", -1.0)});
        } else if (event == "page") {
            const fs::path file = message.value("file", "");
            if (file.parent_path() != scratch.path())
                throw Error(tr("The scanner worker reported a page outside its folder."));
            if (pageLimitReached) { // read before the cancel arrived: not asked for
                std::error_code ec;
                fs::remove(file, ec);
                return false;
            }
            AcquiredPage page;
            page.number = message.value("page", summary.pages + 1);
            page.bytes = readPageFile(file);
            page.mediaType = message.value("media_type", "image/png");
            page.source = message.value("source", "");
            page.width = message.value("width", 0);
            page.height = message.value("height", 0);
            page.dpi = message.value("dpi", 0.0);
            sink.page(std::move(page)); // stored before the next line is read
            ++summary.pages;
            std::error_code ec;
            fs::remove(file, ec);
            if (settings.maxPages > 0 && summary.pages >= settings.maxPages && !cancelSent) {
                pageLimitReached = true;
                cancelSent = Clock::now();
                try {
                    child_->writeStdin("{\"op\":\"cancel\"}\n");
                } catch (const std::system_error&) {
                }
            }
        } else if (message.contains("ok")) {
            if (!message.value("ok", false))
                throwFailure(message, summary.pages);
            const std::string end = message.value("end", "completed");
            summary.end = end == "cancelled" ? AcquireEnd::Cancelled
                          : end == "feeder_empty" ? AcquireEnd::FeederEmpty
                                                  : AcquireEnd::Completed;
            if (cancelSent)
                summary.end = endOfCancel();
            return true;
        }
        return false;
    };

    try {
        for (;;) {
            const auto now = Clock::now();
            if (stop.stop_requested() && !cancelSent) {
                cancelSent = now;
                try {
                    child_->writeStdin("{\"op\":\"cancel\"}\n");
                } catch (const std::system_error&) {
                }
            }
            if (cancelSent && !terminateSent && now - *cancelSent > options_.cancelGrace) {
                child_->signal(SIGTERM); // the driver makes no progress: cancel from its signal handler
                terminateSent = now;
            }
            if (terminateSent && now - *terminateSent > std::chrono::seconds(3)) {
                stopWorker();
                ++restarts_;
                summary.end = endOfCancel();
                return summary;
            }
            if (const auto line = child_->readLine(kPollInterval)) {
                lastHeard = Clock::now();
                if (handle(*line))
                    return summary;
                continue;
            }
            if (!child_->running()) {
                // Lines written just before the end are still in the pipe: take their pages.
                while (const auto rest = child_->readLine(std::chrono::milliseconds(0)))
                    if (handle(*rest))
                        return summary;
                if (cancelSent) {
                    stopWorker();
                    ++restarts_;
                    summary.end = endOfCancel();
                    return summary;
                }
                workerLost(summary.pages);
            }
            if (!cancelSent && Clock::now() - lastHeard > options_.pageTimeout) {
                stopWorker();
                ++restarts_;
                throw DeviceError(
                    DeviceFault::DriverHung,
                    trf("The scanner driver sent nothing for {} seconds and was stopped. Check the scanner (paper, "
                        "cover, cable), switch it off and on, then scan the remaining pages again.",
                        std::chrono::duration_cast<std::chrono::seconds>(options_.pageTimeout).count()),
                    summary.pages);
            }
        }
    } catch (const DeviceError&) {
        throw;
    } catch (...) {
        // The sink could not store a page (disk full, ...) or the worker misbehaved: stop the
        // scanner now rather than feed paper that cannot be kept.
        stopWorker();
        throw;
    }
}

} // namespace docdesk::capture
