#pragma once
// A small HTTP proxy on 127.0.0.1 that sits in front of the test's Apache and breaks chosen
// requests the way real networks and servers do: the connection dropped in the middle of the
// body, a response that stops after its headers, or a status (503 with Retry-After, 507, 401)
// the real server would not give. Everything else is passed through unchanged. Each connection
// carries one request ("Connection: close"), which keeps the proxy simple and deterministic.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace docdesk::test {

struct Fault {
    enum class Kind { None, DropMidBody, HangAfterHeaders, Status } kind = Kind::None;
    int status = 0;           // for Status
    std::string extraHeaders; // for Status: "Retry-After: 1\r\n"
    static Fault none() { return {}; }
    static Fault dropMidBody() { return {Kind::DropMidBody, 0, {}}; }
    static Fault hangAfterHeaders() { return {Kind::HangAfterHeaders, 0, {}}; }
    static Fault answer(int status, std::string headers = {}) {
        return {Kind::Status, status, std::move(headers)};
    }
};

// Decides per request: method, path, and how many requests with this method came before (0-based).
using FaultRule = std::function<Fault(const std::string& method, const std::string& path, int nthOfMethod)>;

class FaultProxy {
  public:
    FaultProxy(int upstreamPort, FaultRule rule);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;
    int port() const { return port_; }
    std::string url() const; // http://127.0.0.1:P/dav/
    int faultsInjected() const { return injected_; }
    // Limits each connection's forwarded request body to `bytesPerSecond` (0 = no limit), so
    // a test can make an upload last long enough to be interrupted.
    void throttle(std::size_t bytesPerSecond) { bytesPerSecond_ = bytesPerSecond; }

  private:
    void acceptLoop();
    void serve(int client);

    int upstreamPort_;
    FaultRule rule_;
    int listenFd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> injected_{0};
    std::atomic<std::size_t> bytesPerSecond_{0};
    std::mutex mutex_;
    std::vector<int> openFds_;
    std::vector<std::thread> threads_;
    std::thread acceptThread_;
    std::vector<std::pair<std::string, int>> perMethod_;
};

} // namespace docdesk::test
