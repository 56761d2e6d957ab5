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
        throw Error(trf("Cannot create a folder for scanned pages in {}: {}", e.path1().string(),
                        e.code().message()));
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

void ScanWorkerSource::send(const ScanRequest& request) {
    // Listing reaches the network only when asked; a device named explicitly is the user's choice.
    const bool named = request.op != "list" && !request.device.empty();
    startFor(options_.network || named);
    try {
        child_->writeStdin(scanRequestLine(request) + "\n");
    } catch (const std::system_error&) {
        // The worker died just now; the reading side reports it.
    }
}

void ScanWorkerSource::stopWorker() {
    child_.reset(); // SIGKILL and reap
}

void ScanWorkerSource::protocolBroken(const ScanProtocolError& e, int pagesDelivered) {
    stopWorker(); // it says what it should not: a fresh one for the next request
    ++restarts_;
    throw DeviceError(DeviceFault::Other, e.what(), pagesDelivered);
}

void ScanWorkerSource::workerLost(int pagesDelivered) {
    std::string message;
    const auto status = child_->waitFor(std::chrono::milliseconds(500));
    if (!status)
        message =
            tr("The scanner driver stopped answering and was stopped. Switch the scanner off and on, then "
               "try again.");
    else if (status->signal != 0)
        message =
            trf("The scanner driver crashed ({}). Switch the scanner off and on, then scan the remaining "
                "pages again.",
                platform::signalName(status->signal));
    else
        message =
            trf("The scanner driver ended unexpectedly (exit code {}). Switch the scanner off and on, then "
                "scan the remaining pages again.",
                status->code);
    stopWorker();
    ++restarts_;
    throw DeviceError(DeviceFault::DriverCrashed, message, pagesDelivered);
}

std::optional<ScanWorkerLine> ScanWorkerSource::simpleRequest(const ScanRequest& request,
                                                              std::stop_token stop) {
    send(request);
    const auto deadline = Clock::now() + options_.listTimeout;
    for (;;) {
        if (stop.stop_requested()) {
            stopWorker(); // a driver busy searching the network does not take a cancel
            return std::nullopt;
        }
        if (const auto line = child_->readLine(kPollInterval)) {
            ScanWorkerLine answer;
            try {
                answer = parseScanWorkerLine(*line);
            } catch (const ScanProtocolError& e) {
                protocolBroken(e, 0);
            }
            if (answer.kind == ScanWorkerLine::Kind::Final)
                return answer;
            continue; // an event line: not for this request
        }
        if (!child_->running())
            workerLost(0);
        if (Clock::now() >= deadline) {
            stopWorker();
            ++restarts_;
            throw DeviceError(
                DeviceFault::DriverHung,
                trf("The scanner driver did not answer within {} seconds and was stopped. A scanner "
                    "may be hanging: switch it off and on, then try again.",
                    std::chrono::duration_cast<std::chrono::seconds>(options_.listTimeout).count()));
        }
    }
}

namespace {

[[noreturn]] void throwFailure(const ScanWorkerLine& answer, int pagesDelivered) {
    throw DeviceError(answer.fault, answer.error, pagesDelivered);
}

} // namespace

std::vector<DeviceInfo> ScanWorkerSource::devices(std::stop_token stop) {
    ScanRequest request;
    request.op = "list";
    request.driver = driver_;
    const auto answer = simpleRequest(request, stop);
    if (!answer)
        return {};
    if (!answer->ok)
        throwFailure(*answer, 0);
    try {
        return devicesFromAnswer(answer->answer);
    } catch (const ScanProtocolError& e) {
        protocolBroken(e, 0);
    }
}

DeviceCapabilities ScanWorkerSource::capabilities(const std::string& device, std::stop_token stop) {
    ScanRequest request;
    request.op = "options";
    request.driver = driver_;
    request.device = device;
    const auto answer = simpleRequest(request, stop);
    if (!answer)
        return {};
    if (!answer->ok)
        throwFailure(*answer, 0);
    try {
        const auto it = answer->answer.find("capabilities");
        return capabilitiesFromJson(it != answer->answer.end() ? *it : json(nullptr));
    } catch (const ScanProtocolError& e) {
        protocolBroken(e, 0);
    }
}

AcquireSummary ScanWorkerSource::acquire(const AcquireSettings& settings, std::stop_token stop,
                                         PageSink& sink) {
    const auto scratch = scanScratchFolder(options_.scratchDirectory);
    ScanRequest request;
    request.op = "scan";
    request.driver = driver_;
    request.device = settings.device;
    request.settings = settings;
    request.outDir = scratch.path().string();
    send(request);

    AcquireSummary summary;
    auto lastHeard = Clock::now();
    std::optional<Clock::time_point> cancelSent;
    std::optional<Clock::time_point> terminateSent;
    // maxPages reached: the driver is cancelled like a user's Stop, but the batch is complete.
    bool pageLimitReached = false;
    const auto endOfCancel = [&] { return pageLimitReached ? AcquireEnd::Completed : AcquireEnd::Cancelled; };

    // One line from the worker; returns true when it was the final one.
    const auto handle = [&](const std::string& line) -> bool {
        ScanWorkerLine message = parseScanWorkerLine(line);
        switch (message.kind) {
        case ScanWorkerLine::Kind::Other:
            return false;
        case ScanWorkerLine::Kind::Started:
            for (auto& w : message.warnings) {
                summary.warnings.push_back(std::move(w));
                sink.notice(summary.warnings.back());
            }
            return false;
        case ScanWorkerLine::Kind::Progress:
            sink.progress(message.progress);
            return false;
        case ScanWorkerLine::Kind::Page:
            break;
        case ScanWorkerLine::Kind::Final:
            if (!message.ok)
                throwFailure(message, summary.pages);
            summary.end = cancelSent ? endOfCancel() : message.end;
            return true;
        }
        const fs::path file = message.pageFile;
        if (file.parent_path() != scratch.path())
            throw Error(tr("The scanner worker reported a page outside its folder."));
        if (pageLimitReached) { // read before the cancel arrived: not asked for
            std::error_code ec;
            fs::remove(file, ec);
            return false;
        }
        AcquiredPage page = std::move(message.page);
        if (page.number == 0)
            page.number = summary.pages + 1;
        page.bytes = readPageFile(file);
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
                    trf("The scanner driver sent nothing for {} seconds and was stopped. Check the scanner "
                        "(paper, "
                        "cover, cable), switch it off and on, then scan the remaining pages again.",
                        std::chrono::duration_cast<std::chrono::seconds>(options_.pageTimeout).count()),
                    summary.pages);
            }
        }
    } catch (const DeviceError&) {
        throw;
    } catch (const ScanProtocolError& e) {
        protocolBroken(e, summary.pages);
    } catch (...) {
        // The sink could not store a page (disk full, ...) or the worker misbehaved: stop the
        // scanner now rather than feed paper that cannot be kept.
        stopWorker();
        throw;
    }
}

} // namespace docdesk::capture
