#pragma once
// A small HTTP/1.1 server on 127.0.0.1 (a free port) for connector tests: no real gateway runs,
// a handler written from the gateway's published API answers each request. It reads the request
// line, headers, Content-Length or chunked bodies, answers "Expect: 100-continue", splits
// multipart/form-data into parts, keeps connections alive as curl expects, and records every
// request for assertions. One thread per connection, at most `maxConnections` at a time (more
// are answered 503). Loopback only: it never binds another address.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace docdesk::test {

struct FakeHttpPart {
    std::string name;
    std::string fileName; // empty for plain fields
    std::string contentType;
    std::string data;
};

struct FakeHttpRequest {
    std::string method;
    std::string target;                         // as sent: path?query
    std::string path;                           // percent-decoded, without the query
    std::map<std::string, std::string> query;   // decoded; a repeated name keeps the last value
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;                           // cleared in the record when over 1 MB
    std::uint64_t bodyBytes = 0;
    std::vector<FakeHttpPart> parts; // multipart/form-data (large data cleared in the record)

    std::string header(const std::string& lowerName) const;
    std::string queryValue(const std::string& name) const;
    const FakeHttpPart* part(const std::string& name) const;
    std::vector<std::string> partValues(const std::string& name) const; // every part with that name
};

struct FakeHttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Closes the connection without answering (the handler has already done its work), as a
    // server does that crashes or loses the network after storing a document.
    bool dropConnection = false;

    static FakeHttpResponse json(int status, std::string body);
    static FakeHttpResponse text(int status, std::string body);
    static FakeHttpResponse dropped();
};

using FakeHttpHandler = std::function<FakeHttpResponse(const FakeHttpRequest&)>;

class FakeHttpServer {
  public:
    explicit FakeHttpServer(FakeHttpHandler handler, int maxConnections = 16);
    ~FakeHttpServer();
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;

    int port() const { return port_; }
    std::string url() const; // http://127.0.0.1:P/
    std::vector<FakeHttpRequest> requests() const;
    size_t requestCount() const;
    size_t countOf(const std::string& method, const std::string& pathPrefix) const;

  private:
    void acceptLoop();
    void serve(int fd);

    FakeHttpHandler handler_;
    int maxConnections_;
    int listenFd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> active_{0};
    mutable std::mutex mutex_;
    std::vector<int> openFds_;
    std::vector<std::thread> threads_;
    std::vector<FakeHttpRequest> records_;
    std::mutex handlerMutex_; // handlers run one at a time, so fakes need no locking of their own
    std::thread acceptThread_;
};

// Helpers for fakes and tests.
std::string fakePercentDecode(const std::string& s, bool plusIsSpace);
std::string fakeBase64Decode(const std::string& s);

} // namespace docdesk::test
