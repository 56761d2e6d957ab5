#pragma once
// Scanners as a PageSource, through the worker process docdesk-scan-worker (app/scanworker),
// which holds the driver (SANE today). A driver that crashes or hangs costs the worker: the
// pages reported before stay delivered, acquire() throws DeviceError (DriverCrashed or
// DriverHung), and the next call starts a fresh worker. Nothing is remembered here (the app
// remembers the last device); the worker stays running between calls and ends with this object.
//
// Pages travel as files: the worker writes each finished page into a private scratch folder
// and reports it; acquire() reads it, hands it to the sink (which stores it in the journal),
// and deletes it before taking the next report.
#include "capture/PageSource.h"
#include "capture/scanner/ScanProtocol.h"
#include "platform/ChildProcess.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace docdesk::capture {

struct ScanWorkerOptions {
    std::filesystem::path executable;              // default: docdesk-scan-worker beside this program
    std::chrono::milliseconds listTimeout{30'000}; // finding devices, reading a device's options
    // The driver counts as hung when it sends nothing (no page, no progress) for this long while
    // scanning. Generous: a scanner may warm up its lamp or wait for the feeder.
    std::chrono::milliseconds pageTimeout{120'000};
    std::chrono::milliseconds cancelGrace{10'000}; // after asking to cancel, before stopping the worker
    std::uint64_t memoryMegabytes = 4096;          // address-space cap of the worker
    std::filesystem::path scratchDirectory;        // where page files pass through; default: the temp folder
    // Listing searches the network too (the user asked: "Search the network", scan --list
    // --network). Without it the worker cannot open network sockets and lists local scanners
    // only; a device the user names explicitly is reached however it is connected.
    bool network = false;
};

class ScanWorkerSource final : public PageSource {
  public:
    // `driver` names the worker's driver: "sane" (later "twain", "wia", "escl").
    explicit ScanWorkerSource(std::string driver = "sane", ScanWorkerOptions options = {});
    ScanWorkerSource(const ScanWorkerSource&) = delete;
    ScanWorkerSource& operator=(const ScanWorkerSource&) = delete;
    ~ScanWorkerSource() override; // lets an idle worker close its devices and exit

    std::string_view kind() const override { return driver_; }
    std::vector<DeviceInfo> devices(std::stop_token stop) override;
    DeviceCapabilities capabilities(const std::string& device, std::stop_token stop) override;
    AcquireSummary acquire(const AcquireSettings& settings, std::stop_token stop, PageSink& sink) override;

    // How many workers were replaced after a crash or hang.
    int restarts() const { return restarts_; }
    // The running worker's process id, 0 when none (for diagnostics and tests).
    int workerPid() const { return child_ ? child_->pid() : 0; }

  private:
    void start(bool network);
    // Makes sure a worker with (or without) network access runs, replacing one of the other kind.
    void startFor(bool network);
    void send(const ScanRequest& request);
    // The final answer ("ok") to a list/options request; nullopt when stopped.
    std::optional<ScanWorkerLine> simpleRequest(const ScanRequest& request, std::stop_token stop);
    [[noreturn]] void workerLost(int pagesDelivered);
    // The worker sent a line that breaks the protocol: it is replaced, and DeviceError thrown.
    [[noreturn]] void protocolBroken(const ScanProtocolError& e, int pagesDelivered);
    void stopWorker();

    std::string driver_;
    ScanWorkerOptions options_;
    std::optional<platform::ChildProcess> child_;
    bool childNetwork_ = false;
    int restarts_ = 0;
};

} // namespace docdesk::capture
