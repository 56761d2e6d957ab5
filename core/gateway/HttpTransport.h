#pragma once
// One HTTP conversation with the gateway over libcurl (no libcurl type leaves the .cpp).
// Request bodies are streamed from disk, so memory stays flat whatever the file size.
// Security is not configurable away: TLS verification is always on (plus the profile's CA
// bundle and public-key pin), redirects are never followed (so credentials cannot travel to
// another host), and the debug trace has credentials redacted.
#include "core/gateway/GatewayConnection.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace docdesk::gateway {

// One part of a multipart/form-data body: a text value, or a file streamed from disk.
struct FormPart {
    std::string name;
    std::string value;          // the text, or
    std::filesystem::path file; // a file sent as the part's content (takes precedence)
    std::string fileName;       // the part's filename (file parts; empty = the file's name)
    std::string contentType;    // empty = text/plain for values, application/octet-stream for files
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers; // "Name: value" (never a credential: see tokenAuthorization)
    // Sends "Authorization: Token <the connection's password>" (paperless-ngx API tokens); the
    // header line is built in guarded memory and wiped after the transfer.
    bool tokenAuthorization = false;
    std::string body;               // a small body (XML, JSON), or
    std::filesystem::path bodyFile; // a file streamed as the body (takes precedence), or
    std::vector<FormPart> form;     // a multipart/form-data body (takes precedence over both)
    // The part of bodyFile to send (a chunk of a chunked upload); bodyLength 0 = to the end.
    std::uint64_t bodyOffset = 0;
    std::uint64_t bodyLength = 0;
    // When set, the response body is handed over in pieces instead of kept in the response.
    std::function<void(std::span<const char>)> responseSink;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers; // names in lower case, last value wins
    std::optional<std::chrono::seconds> retryAfter;
    std::string header(const std::string& lowerName) const;
};

// Bytes of the request body sent so far, of `total`.
using TransferProgress = std::function<void(std::uint64_t sent, std::uint64_t total)>;

class HttpTransport {
  public:
    explicit HttpTransport(GatewayConnection connection);
    ~HttpTransport();
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    const GatewayConnection& connection() const { return connection_; }
    // Replaces the password (after the user typed it again on a 401).
    void setPassword(std::shared_ptr<const vault::Secret> password);

    // Performs `request` and returns whatever status the server answered. Throws
    // TransportError when no complete answer came, TransferCancelled when `stop` was requested.
    HttpResponse perform(const HttpRequest& request, std::stop_token stop,
                         const TransferProgress& progress = {});

  private:
    struct Handle;
    GatewayConnection connection_;
    std::unique_ptr<Handle> handle_;
};

// A header line as it may appear in a debug log: the values of Authorization,
// Proxy-Authorization, Cookie, Set-Cookie and token headers replaced by "[redacted]".
std::string redactHeaderLine(std::string_view line);

// Seconds from a Retry-After value (delta-seconds or an HTTP date), nullopt when unreadable.
std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value);

// Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are).
std::string encodePathSegment(std::string_view segment);

} // namespace docdesk::gateway
