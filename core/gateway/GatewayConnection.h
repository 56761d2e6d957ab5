#pragma once
// How to reach one gateway: the plain settings a connector needs, built from a vault::Profile
// and its password (see connectionFor). Keeping connectors on this struct instead of the
// profile store lets them be tested against a server without any vault.
#include "core/common/Error.h"
#include "core/vault/Profile.h"
#include "core/vault/Secret.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace docdesk::gateway {

// Where the transport writes its debug trace (request and response headers, with
// Authorization, cookies and tokens already redacted). Empty = no trace.
using DebugLogSink = std::function<void(const std::string& line)>;

struct GatewayConnection {
    std::string baseUrl; // e.g. https://dms.example.org/dav/ (a trailing slash is added)
    std::string user;
    std::shared_ptr<const vault::Secret> password; // may be null (token-only or anonymous)
    std::string caBundle;                          // PEM file of extra trusted CAs, empty = the system's
    std::string pinnedPublicKey;                   // curl's "sha256//BASE64" form, empty = no pin
    std::string proxy; // explicit proxy; empty = from the environment (http_proxy...)
    std::chrono::milliseconds connectTimeout{10'000};
    // A transfer slower than lowSpeedBytes per second for lowSpeedTime is given up (instead of
    // a total timeout, which would break large files on slow lines).
    long lowSpeedBytes = 1;
    std::chrono::seconds lowSpeedTime{30};
    DebugLogSink debugLog;
};

// Settings for `profile`, with `password` (may be null).
GatewayConnection connectionFor(const vault::Profile& profile, std::shared_ptr<const vault::Secret> password);

// The gateway could not be reached or did not finish answering (refused, reset, timed out,
// TLS handshake failed). `retryable` is false for failures that will not go away on their own
// (certificate not trusted, pin mismatch, wrong host name).
class TransportError : public Error {
  public:
    TransportError(const std::string& message, bool retryable) : Error(message), retryable_(retryable) {}
    bool retryable() const { return retryable_; }

  private:
    bool retryable_;
};

// The gateway answered with an HTTP status the operation cannot go on from.
class GatewayRejected : public Error {
  public:
    GatewayRejected(const std::string& message, long status,
                    std::optional<std::chrono::seconds> retryAfter = {})
        : Error(message), status_(status), retryAfter_(retryAfter) {}
    long status() const { return status_; }
    std::optional<std::chrono::seconds> retryAfter() const { return retryAfter_; }
    // 408, 429 and 5xx (except 507, which means the server is full: retrying will not help).
    bool retryable() const { return status_ == 408 || status_ == 429 || (status_ >= 500 && status_ != 507); }

  private:
    long status_;
    std::optional<std::chrono::seconds> retryAfter_;
};

// The user's stop request ended the transfer (a result of cancelling, not a failure).
class TransferCancelled : public Error {
  public:
    using Error::Error;
};

} // namespace docdesk::gateway
