#pragma once
// The upload run shared by the GUI's Upload / Upload all and `docdesk-cli upload`: the profile's
// outbox items go through its connector, 2–4 at a time, each verified before it is recorded in
// the ledger and removed from the outbox. It runs only when called: nothing else in docdesk opens
// a network connection.
//
// Failures stay per item: retryable ones (network, 408, 429, 5xx) are retried with backoff;
// a 401 asks for the password again (through `askPassword`) and goes on with the rest; a 507
// (server full) pauses the batch, leaving the remaining items queued. Cancelling puts items in
// flight back in the queue. Synchronous; call it on a background thread in the GUI (no wx here).
#include "core/common/Error.h"
#include "core/gateway/Outbox.h"
#include "core/gateway/RetryPolicy.h"
#include "core/vault/Profile.h"
#include "core/vault/Secret.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace docdesk::app {

struct UploadProgress {
    std::int64_t itemId = 0; // the item that moved (0 for a summary update)
    std::string document;
    std::uint64_t itemSent = 0;
    std::uint64_t itemBytes = 0;
    std::uint64_t totalSent = 0; // over the whole run
    std::uint64_t totalBytes = 0;
    double bytesPerSecond = 0;
    std::optional<std::chrono::seconds> timeLeft;
    size_t itemsDone = 0;
    size_t itemsTotal = 0;
};
// Called from the upload threads (serialised, at most every ~100 ms per item plus at each end).
using UploadProgressSink = std::function<void(const UploadProgress&)>;

// Asked after the gateway refused the password: `why` is a translated sentence to show. Returns
// the new password, or nullopt when the user declines (the run then stops asking and leaves the
// items queued).
using PasswordProvider = std::function<std::optional<vault::Secret>(const std::string& why)>;

struct UploadOptions {
    std::vector<std::int64_t> itemIds; // empty = every item of the profile
    int parallel = 2;                  // 1..4 transfers at a time
    gateway::RetryPolicy retry;
    gateway::DebugLogSink debugLog; // redacted header trace, or empty
    // Transport limits (tests shorten them to provoke low-speed aborts quickly).
    std::chrono::milliseconds connectTimeout{10'000};
    std::chrono::seconds lowSpeedTime{30};
};

struct UploadItemResult {
    std::int64_t itemId = 0;
    std::string document;
    bool delivered = false;
    std::optional<gateway::LedgerEntry> ledger;
    gateway::OutboxState state = gateway::OutboxState::Queued; // when not delivered
    std::string error;                                         // translated, when not delivered
};

struct UploadRunResult {
    std::vector<UploadItemResult> items; // every item the run was asked to send
    bool paused = false;                 // the server is full (507)
    bool cancelled = false;
    bool ok() const; // every item delivered
};

// The outbox in the data folder (platform::appDirs().data), or in `dataDir`. Items a killed
// upload run left "uploading" are queued again, unless an upload run (in this or another
// process) holds the outbox's run lock: then they really are in flight and keep their state.
std::unique_ptr<gateway::Outbox> openOutbox();
std::unique_ptr<gateway::Outbox> openOutbox(const std::filesystem::path& dataDir);

// Another upload run (the window's or `docdesk-cli upload`, in any process) is sending from
// the same outbox. One run at a time: two would send the same document twice at once.
class UploadInProgress : public Error {
  public:
    using Error::Error;
};

// Holds the outbox's run lock (<data>/outbox.lock) while it runs; throws UploadInProgress,
// naming the other process, when another run holds it.
UploadRunResult runGatewayUpload(gateway::Outbox& outbox, const vault::Profile& profile,
                                 std::optional<vault::Secret> password, const PasswordProvider& askPassword,
                                 const UploadProgressSink& progress, std::stop_token stop,
                                 const UploadOptions& options = {});

// Test connection (the profiles dialog's button, `docdesk-cli profile test`): one request to the
// gateway that needs the login (WebDAV: PROPFIND depth 0 on the base URL; CMIS: GET of the
// browser binding's service document; HTTP form: GET /api/documents/ with the token). Returns the HTTP
// status; throws docdesk::Error with a message for the user when the login is refused or the
// gateway answers with an error, and gateway::TransportError when it cannot be reached.
int testGatewayConnection(const vault::Profile& profile, const vault::Secret& password, std::stop_token stop,
                          const gateway::DebugLogSink& debugLog = {});

// Browse folders (the profiles dialog's Browse button, `docdesk-cli profile browse`): the
// names of the folders directly inside `folder` (slash-separated below the gateway's base URL;
// empty = the base itself), sorted. Only when the user asked: WebDAV PROPFIND depth 1, CMIS
// the folder's children (paged). Throws like testGatewayConnection; docdesk::Error for form
// upload gateways, which have no folders.
std::vector<std::string> listGatewayFolders(const vault::Profile& profile, const vault::Secret& password,
                                            const std::string& folder, std::stop_token stop,
                                            const gateway::DebugLogSink& debugLog = {});

} // namespace docdesk::app
