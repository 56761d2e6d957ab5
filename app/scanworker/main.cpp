// docdesk-scan-worker — runs scanner drivers (SANE today) outside the application, so a
// driver that crashes, aborts or hangs costs this process, never the session: the client
// (capture/scanner/ScanWorkerSource) notices, keeps the pages reported so far, and starts a
// new worker for the next request. Runs without core dumps (pages are private) and with an
// address-space cap. Protocol: JSON lines, see capture/scanner/ScanProtocol.h.
#include "app/common/AppEnvironment.h"
#include "app/scanworker/SaneDriver.h"
#include "app/scanworker/WorkerIo.h"
#include "capture/scanner/ScanProtocol.h"
#include "core/common/Translate.h"
#include "platform/ProcessLimits.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

using namespace docdesk;
using nlohmann::json;

namespace {

std::atomic<scanworker::ScanDriver*> g_activeDriver{nullptr};
volatile std::sig_atomic_t g_terminate = 0;

void onTerminate() noexcept {
    g_terminate = 1;
    if (auto* driver = g_activeDriver.load())
        driver->cancelFromSignal();
}

// Drivers by the name requests give; created on first use (sane_init may take a moment).
class Drivers {
  public:
    explicit Drivers(bool network) : network_(network) {}
    scanworker::ScanDriver& get(const std::string& name) {
        const std::string key = name.empty() ? "sane" : name;
        auto& slot = drivers_[key];
        if (!slot) {
            if (key != "sane")
                throw capture::DeviceError(
                    capture::DeviceFault::Unsupported,
                    trf("The scanner driver '{}' is not available on this system.", key));
            slot = std::make_unique<scanworker::SaneDriver>(network_);
        }
        return *slot;
    }

  private:
    bool network_;
    std::map<std::string, std::unique_ptr<scanworker::ScanDriver>> drivers_;
};

bool isCancel(const std::string& line) {
    try {
        return capture::parseScanRequest(line).op == "cancel";
    } catch (const capture::ScanProtocolError&) {
        return false;
    }
}

// Streams a scan's events as protocol lines and takes "cancel" between reads.
class ProtocolEvents final : public scanworker::ScanEvents {
  public:
    explicit ProtocolEvents(scanworker::ProtocolChannel& io) : io_(io) {}

    void started(const scanworker::AppliedSettings& s) override {
        send({{"event", "started"},
              {"device", s.device},
              {"source", s.source},
              {"mode", s.mode},
              {"resolution", s.resolution},
              {"warnings", s.warnings}});
    }
    void progress(int page, double fraction) override {
        send({{"event", "progress"}, {"page", page}, {"fraction", std::round(fraction * 1000) / 1000}});
    }
    void page(const scanworker::ScannedPage& p) override {
        ++pages_;
        send({{"event", "page"},
              {"page", p.number},
              {"file", p.file.string()},
              {"media_type", p.mediaType},
              {"width", p.width},
              {"height", p.height},
              {"dpi", p.dpi},
              {"source", p.source}});
    }
    bool cancelRequested() override {
        if (g_terminate)
            cancelled_ = true;
        while (const auto line = io_.readLine(false)) {
            if (isCancel(*line))
                cancelled_ = true;
            else
                std::cerr << "docdesk-scan-worker: ignored while scanning: " << *line << "\n";
        }
        if (io_.inputEnded() || clientGone_)
            cancelled_ = true; // the client died: stop the scanner rather than feed paper for no one
        return cancelled_;
    }
    int pagesSent() const { return pages_; }
    void send(const json& line) {
        if (!io_.writeLine(line.dump()))
            clientGone_ = true;
    }

  private:
    scanworker::ProtocolChannel& io_;
    bool cancelled_ = false;
    bool clientGone_ = false;
    int pages_ = 0;
};

json failure(const capture::DeviceError& e) {
    return {{"ok", false}, {"status", capture::faultCode(e.fault())}, {"error", e.what()}};
}

void serve(scanworker::ProtocolChannel& io, Drivers& drivers) {
    while (!g_terminate) {
        const auto line = io.readLine(true);
        if (!line) {
            if (io.inputEnded())
                return; // the client closed our input
            continue;   // a signal: the loop condition decides
        }
        if (line->empty())
            continue;
        capture::ScanRequest request;
        try {
            request = capture::parseScanRequest(*line);
        } catch (const capture::ScanProtocolError& e) {
            if (!io.writeLine(json{{"ok", false}, {"status", "error"}, {"error", e.what()}}.dump()))
                return;
            continue;
        }
        const std::string& op = request.op;
        if (op == "cancel")
            continue; // a cancel that arrived after its scan ended has nothing to answer
        json answer;
        try {
            auto& driver = drivers.get(request.driver);
            const std::string& device = request.device;
            if (op == "list") {
                answer = {{"ok", true}, {"devices", json::array()}};
                for (const auto& d : driver.devices())
                    answer["devices"].push_back(capture::deviceToJson(d));
            } else if (op == "options") {
                answer = {{"ok", true},
                          {"device", device},
                          {"capabilities", capture::capabilitiesToJson(driver.capabilities(device))}};
            } else if (op == "scan") {
                ProtocolEvents events(io);
                g_activeDriver.store(&driver);
                try {
                    const auto summary = driver.scan(device, request.settings, request.outDir, events);
                    g_activeDriver.store(nullptr);
                    answer = {{"event", "done"},
                              {"ok", true},
                              {"pages", summary.pages},
                              {"end", capture::acquireEndName(summary.end)}};
                } catch (const capture::DeviceError& e) {
                    g_activeDriver.store(nullptr);
                    answer = failure(e);
                    answer["event"] = "error";
                    answer["pages"] = events.pagesSent(); // reported before the failure: they stay valid
                } catch (const std::exception& e) {
                    g_activeDriver.store(nullptr);
                    answer = {{"event", "error"},
                              {"ok", false},
                              {"status", "error"},
                              {"error", e.what()},
                              {"pages", events.pagesSent()}};
                }
            } else {
                answer = {{"ok", false}, {"status", "error"}, {"error", "unknown op '" + op + "'"}};
            }
        } catch (const capture::DeviceError& e) {
            answer = failure(e);
        } catch (const std::exception& e) {
            answer = {{"ok", false}, {"status", "error"}, {"error", e.what()}};
        }
        if (!io.writeLine(answer.dump()))
            return;
    }
}

// Unless the user asked to search the network (--network), the drivers' discovery (BJNP, SNMP,
// WS-Discovery broadcasts; mDNS through avahi-daemon on the system bus) must not reach the LAN:
// no IPv4/IPv6 sockets, and no system bus to ask avahi on.
void stayOffTheNetwork() {
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/docdesk-scan-worker-stays-local", 1);
    if (!platform::denyNetworkSockets())
        std::cerr
            << "docdesk-scan-worker: could not block network sockets here; listing local scanners only\n";
}

} // namespace

int main(int argc, char** argv) {
    app::initialise();
    std::uint64_t memoryMb = 0;
    bool serveRequests = false;
    bool network = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--version") {
            std::cout << "docdesk-scan-worker " << DOCDESK_VERSION << "\n";
            return 0;
        }
        if (a == "--serve")
            serveRequests = true;
        else if (a == "--network")
            network = true;
        else if (a == "--memory-limit-mb" && i + 1 < argc)
            memoryMb = std::strtoull(argv[++i], nullptr, 10);
    }
    if (!serveRequests) {
        std::cerr << tr("docdesk-scan-worker is started by docdesk and docdesk-cli (--serve); it is not run "
                        "by hand.")
                  << "\n";
        return 2;
    }
    platform::disableCoreDumps();
#if defined(__SANITIZE_ADDRESS__)
    (void)memoryMb; // AddressSanitizer reserves terabytes of address space: no cap there
#else
    platform::limitAddressSpace(memoryMb << 20);
#endif
    if (!network)
        stayOffTheNetwork();
    scanworker::installSignalHandlers(onTerminate);
    scanworker::ProtocolChannel io;
    Drivers drivers(network);
    serve(io, drivers);
    return 0;
}
