#include "app/common/GatewayUpload.h"

#include "app/common/AppEnvironment.h"
#include "core/common/Error.h"
#include "core/common/Translate.h"
#include "core/gateway/CmisConnector.h"
#include "core/gateway/Connector.h"
#include "core/gateway/GatewayConnection.h"
#include "core/gateway/HttpFormConnector.h"
#include "core/gateway/HttpTransport.h"
#include "core/gateway/WebDavConnector.h"
#include "core/ports/DurableFiles.h"
#include "platform/AppDirs.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace docdesk::app {
namespace {

using namespace gateway;
using Clock = std::chrono::steady_clock;

// What the upload threads share: the queue, the password, the batch-wide stops, the progress.
class UploadRun {
  public:
    UploadRun(Outbox& outbox, const vault::Profile& profile, std::optional<vault::Secret> password,
              const PasswordProvider& askPassword, const UploadProgressSink& sink,
              const UploadOptions& options)
        : outbox_(outbox), profile_(profile), askPassword_(askPassword), sink_(sink), options_(options),
          random_(std::random_device{}()) {
        if (password)
            password_ = std::make_shared<const vault::Secret>(std::move(*password));
    }

    void add(const OutboxItem& item) {
        queue_.push_back(item);
        total_.totalBytes += item.bytes;
        ++total_.itemsTotal;
        results_[item.id] = UploadItemResult{item.id, item.fileName, false, std::nullopt, item.state, {}};
    }

    UploadRunResult run(std::stop_token stop) {
        started_ = Clock::now();
        const int threads = std::clamp(options_.parallel, 1, 4);
        {
            std::vector<std::jthread> workers;
            for (int i = 0; i < std::min<int>(threads, int(queue_.size())); ++i)
                workers.emplace_back([this, stop] { work(stop); });
        } // joined here
        UploadRunResult r;
        for (auto& [id, item] : results_) {
            // Items the run never started keep their place in the queue; say why they were not sent.
            if (!item.delivered && item.error.empty())
                item.error = paused_
                                 ? tr("Not sent: uploading is paused because the gateway's storage is full.")
                             : authGivenUp_ ? tr("Not sent: the gateway did not accept the password.")
                                            : tr("Not sent: the upload was cancelled.");
            r.items.push_back(item);
        }
        r.paused = paused_;
        r.cancelled = stop.stop_requested();
        return r;
    }

  private:
    std::optional<OutboxItem> next(std::stop_token stop) {
        std::lock_guard lock(mutex_);
        if (queue_.empty() || paused_ || authGivenUp_ || stop.stop_requested())
            return std::nullopt;
        auto item = queue_.front();
        queue_.pop_front();
        return item;
    }

    void work(std::stop_token stop) {
        std::unique_ptr<Connector> connector;
        try {
            GatewayConnection c = connectionFor(profile_, currentPassword());
            c.debugLog = options_.debugLog;
            c.connectTimeout = options_.connectTimeout;
            c.lowSpeedTime = options_.lowSpeedTime;
            connector = makeConnector(profile_.connector, std::move(c));
        } catch (const std::exception& e) {
            // Not a network problem: nothing can be sent with this profile.
            while (auto item = next(stop))
                finish(item->id, OutboxState::Failed, e.what());
            return;
        }
        while (auto item = next(stop))
            upload(*connector, *item, stop);
    }

    std::shared_ptr<const vault::Secret> currentPassword() {
        std::lock_guard lock(mutex_);
        return password_;
    }

    void finish(std::int64_t id, OutboxState state, const std::string& reason) {
        outbox_.setState(id, state, reason);
        std::lock_guard lock(mutex_);
        results_[id].state = state;
        results_[id].error = reason;
    }

    // After a 401: true when there is a (new) password to try. Only one thread asks; the others
    // wait for its answer and use it.
    bool renewPassword(const std::shared_ptr<const vault::Secret>& rejected) {
        std::unique_lock lock(askMutex_);
        {
            std::lock_guard l(mutex_);
            if (authGivenUp_)
                return false;
            if (password_ != rejected)
                return true; // someone else already asked
        }
        if (!askPassword_ || asks_ >= 3) {
            std::lock_guard l(mutex_);
            authGivenUp_ = true;
            return false;
        }
        ++asks_;
        auto fresh = askPassword_(
            trf("The gateway {} did not accept the password for {}.", profile_.url, profile_.user));
        std::lock_guard l(mutex_);
        if (!fresh) {
            authGivenUp_ = true;
            return false;
        }
        password_ = std::make_shared<const vault::Secret>(std::move(*fresh));
        return true;
    }

    void report(const OutboxItem& item, std::uint64_t sent, bool force) {
        std::lock_guard lock(mutex_);
        auto& last = lastReport_[item.id];
        const auto now = Clock::now();
        const std::uint64_t before = itemSent_[item.id];
        itemSent_[item.id] = sent;
        total_.totalSent = total_.totalSent + sent - before;
        if (!sink_ || (!force && now - last < std::chrono::milliseconds(100)))
            return;
        last = now;
        UploadProgress p = total_;
        p.itemId = item.id;
        p.document = item.fileName;
        p.itemSent = sent;
        p.itemBytes = item.bytes;
        const double seconds = std::chrono::duration<double>(now - started_).count();
        p.bytesPerSecond = seconds > 0 ? double(p.totalSent) / seconds : 0;
        if (p.bytesPerSecond > 0 && p.totalBytes >= p.totalSent)
            p.timeLeft =
                std::chrono::seconds(std::int64_t(double(p.totalBytes - p.totalSent) / p.bytesPerSecond));
        sink_(p);
    }

    DocumentToDeliver documentOf(const OutboxItem& item) const {
        DocumentToDeliver doc;
        doc.file = item.file;
        doc.remoteFolder = item.remoteFolder.empty() ? profile_.defaultFolder : item.remoteFolder;
        doc.fileName = item.fileName;
        doc.bytes = item.bytes;
        doc.sha256 = item.sha256;
        doc.title = item.title;
        doc.fields = item.fields;
        return doc;
    }

    // The server's answer was verified: into the ledger, and the item is done.
    void delivered(const OutboxItem& item, const Delivery& delivery) {
        const auto entry = outbox_.recordDelivery(item.id, delivery);
        report(item, item.bytes, true);
        std::lock_guard lock(mutex_);
        auto& r = results_[item.id];
        r.delivered = true;
        r.ledger = entry;
        r.error.clear();
        ++total_.itemsDone;
    }

    void upload(Connector& connector, const OutboxItem& item, std::stop_token stop) {
        const DocumentToDeliver doc = documentOf(item);
        bool verifying = false;
        const TransferProgress progress = [&](std::uint64_t sent, std::uint64_t total) {
            report(item, sent, false);
            if (!verifying && total > 0 && sent == total) {
                verifying = true;
                outbox_.setState(item.id, OutboxState::Verifying);
            }
        };
        int attempt = 0;
        int authRetries = 0;
        for (;;) {
            ++attempt;
            outbox_.startAttempt(item.id); // uploading again, counted
            verifying = false;
            const auto password = currentPassword();
            connector.transport().setPassword(password);
            std::optional<std::chrono::seconds> retryAfter;
            std::string reason;
            try {
                delivered(item, connector.deliver(doc, stop, progress));
                return;
            } catch (const TransferCancelled&) {
                finish(item.id, OutboxState::Queued, tr("Upload cancelled."));
                return;
            } catch (const GatewayRejected& e) {
                if (e.status() == 401) {
                    if (authRetries++ < 3 && renewPassword(password)) {
                        --attempt; // a password question is not a failed attempt
                        continue;
                    }
                    finish(item.id, OutboxState::Failed, e.what());
                    return;
                }
                if (e.status() == 507) {
                    finish(item.id, OutboxState::Paused, e.what());
                    std::lock_guard lock(mutex_);
                    paused_ = true;
                    return;
                }
                if (!e.retryable()) {
                    finish(item.id, OutboxState::Failed, e.what());
                    return;
                }
                retryAfter = e.retryAfter();
                reason = e.what();
            } catch (const TransportError& e) {
                if (!e.retryable()) {
                    finish(item.id, OutboxState::Failed, e.what());
                    return;
                }
                reason = e.what();
            } catch (const std::exception& e) {
                finish(item.id, OutboxState::Failed, e.what());
                return;
            }
            if (attempt >= options_.retry.maxAttempts) {
                finish(item.id, OutboxState::Failed, reason);
                return;
            }
            if (retryAfter && *retryAfter > options_.retry.maxRetryAfter) {
                finish(item.id, OutboxState::Failed, reason);
                return;
            }
            std::chrono::milliseconds delay;
            {
                std::lock_guard lock(mutex_);
                delay = backoffDelay(options_.retry, attempt, retryAfter, random_);
            }
            report(item, 0, true);
            if (!waitUnlessStopped(delay, stop)) {
                finish(item.id, OutboxState::Queued, tr("Upload cancelled."));
                return;
            }
        }
    }

    Outbox& outbox_;
    const vault::Profile& profile_;
    const PasswordProvider& askPassword_;
    const UploadProgressSink& sink_;
    const UploadOptions& options_;

    std::mutex mutex_;
    std::mutex askMutex_;
    std::deque<OutboxItem> queue_;
    std::map<std::int64_t, UploadItemResult> results_;
    std::map<std::int64_t, std::uint64_t> itemSent_;
    std::map<std::int64_t, Clock::time_point> lastReport_;
    UploadProgress total_;
    Clock::time_point started_;
    std::shared_ptr<const vault::Secret> password_;
    int asks_ = 0;
    bool paused_ = false;
    bool authGivenUp_ = false;
    std::mt19937 random_;
};

} // namespace

bool UploadRunResult::ok() const {
    return !paused && !cancelled &&
           std::all_of(items.begin(), items.end(), [](auto& i) { return i.delivered; });
}

std::unique_ptr<gateway::Outbox> openOutbox() {
    return openOutbox(platform::appDirs().data);
}

namespace {
std::filesystem::path runLockFile(const gateway::Outbox& outbox) {
    return outbox.folder().parent_path() / "outbox.lock";
}
} // namespace

std::unique_ptr<gateway::Outbox> openOutbox(const std::filesystem::path& dataDir) {
    auto outbox = std::make_unique<gateway::Outbox>(dataDir);
    std::string holder;
    if (auto lock = durableFiles().tryLockExclusive(runLockFile(*outbox), holder))
        outbox->requeueInterrupted(); // no run is going on: whatever says "uploading" was killed
    return outbox;
}

UploadRunResult runGatewayUpload(gateway::Outbox& outbox, const vault::Profile& profile,
                                 std::optional<vault::Secret> password, const PasswordProvider& askPassword,
                                 const UploadProgressSink& progress, std::stop_token stop,
                                 const UploadOptions& options) {
    // openOutbox() holds the lock for a moment too (to see whether a run is going on); a run
    // holds it for as long as it sends. Waiting up to a second tells the two apart.
    std::string holder;
    auto lock = durableFiles().tryLockExclusive(runLockFile(outbox), holder);
    for (int i = 0; !lock && i < 20 && !stop.stop_requested(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        lock = durableFiles().tryLockExclusive(runLockFile(outbox), holder);
    }
    if (!lock)
        throw UploadInProgress(
            trf("Another upload from this outbox is running ({}). Wait until it has finished, "
                "or cancel it, then upload again.",
                holder));
    outbox.requeueInterrupted(); // left "uploading" by a run that was killed
    UploadRun run(outbox, profile, std::move(password), askPassword, progress, options);
    const auto items = outbox.items(profile.name);
    if (options.itemIds.empty()) {
        for (const auto& i : items)
            run.add(i);
    } else {
        for (const auto id : options.itemIds) {
            const auto it = std::find_if(items.begin(), items.end(), [&](auto& i) { return i.id == id; });
            if (it == items.end())
                throw Error(trf("There is no outbox item {} for profile {}.", id, profile.name));
            run.add(*it);
        }
    }
    return run.run(stop);
}

namespace {
// The connection for one request the user asked for (Test connection, Browse folders), with a
// copy of `password` and the transport's trace (credentials redacted by the transport).
gateway::GatewayConnection connectionWith(const vault::Profile& profile, const vault::Secret& password,
                                          const gateway::DebugLogSink& debugLog) {
    gateway::GatewayConnection connection = gateway::connectionFor(
        profile, std::make_shared<const vault::Secret>(vault::Secret(password.view())));
    if (debugLog)
        connection.debugLog = debugLog;
    return connection;
}
} // namespace

int testGatewayConnection(const vault::Profile& profile, const vault::Secret& password, std::stop_token stop,
                          const gateway::DebugLogSink& debugLog) {
    gateway::GatewayConnection connection = connectionWith(profile, password, debugLog);
    if (profile.connector == vault::Connector::HttpForm) {
        // paperless-ngx: the password is an API token sent as "Authorization: Token ...".
        gateway::HttpFormConnector form(connection);
        const long status = form.checkLogin(stop);
        if (!(status >= 200 && status < 300))
            throw Error(trf("The gateway answered HTTP {} at {}.", status, form.apiUrl("documents/")));
        return static_cast<int>(status);
    }
    gateway::HttpTransport transport(connection);
    gateway::HttpRequest request;
    // CMIS: a GET of the browser binding's service URL (the repository infos) needs the login.
    request.url = transport.connection().baseUrl;
    if (profile.connector == vault::Connector::WebDav) {
        request.method = "PROPFIND";
        request.headers = {"Depth: 0", "Content-Type: application/xml"};
        request.body =
            "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><resourcetype/></prop></propfind>";
    }
    const gateway::HttpResponse response = transport.perform(request, stop);
    if (response.status == 401 || response.status == 403 || response.status == 407)
        throw Error(trf("The gateway refused the login of '{}' (HTTP {}). Check the user name and password.",
                        profile.user, response.status));
    // A form-upload endpoint may answer 405 to anything but its POST; it was reached and logged in.
    if (!(response.status >= 200 && response.status < 300) && response.status != 405)
        throw Error(trf("The gateway answered HTTP {} at {}.", response.status, request.url));
    return static_cast<int>(response.status);
}

std::vector<std::string> listGatewayFolders(const vault::Profile& profile, const vault::Secret& password,
                                            const std::string& folder, std::stop_token stop,
                                            const gateway::DebugLogSink& debugLog) {
    if (profile.connector == vault::Connector::HttpForm)
        throw Error(trf("Browsing folders is not available for {} gateways; type the folder name instead.",
                        vault::connectorName(profile.connector)));
    gateway::GatewayConnection connection = connectionWith(profile, password, debugLog);
    std::vector<std::string> names;
    try {
        if (profile.connector == vault::Connector::Cmis) {
            gateway::CmisConnector cmis(std::move(connection));
            for (const auto& child : cmis.children(folder, stop))
                if (child.baseTypeId == "cmis:folder")
                    names.push_back(child.name);
        } else {
            gateway::WebDavConnector dav(std::move(connection));
            for (const auto& entry : dav.listFolder(folder, stop))
                if (entry.isFolder)
                    names.push_back(entry.name);
        }
    } catch (const gateway::GatewayRejected& e) {
        if (e.status() == 401 || e.status() == 403)
            throw Error(
                trf("The gateway refused the login of '{}' (HTTP {}). Check the user name and password.",
                    profile.user, e.status()));
        throw;
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace docdesk::app
