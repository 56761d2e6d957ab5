#pragma once
// The outbox: documents filed for a gateway profile, waiting for the user's Upload, and the
// ledger of every delivery made. One SQLite database (WAL) in the data folder, outbox.sqlite,
// beside the folder outbox/ holding the files themselves.
//
// An item walks queued -> uploading -> verifying -> done, or ends in failed (with the reason)
// or paused (the server is full). Its file is removed only in the step that records the
// verified delivery in the ledger; an item left uploading or verifying by a killed upload run
// is queued again by requeueInterrupted() (which the caller runs only when no upload run is
// going on: app::openOutbox and app::runGatewayUpload hold the outbox's run lock for that), and
// its connector finds any copy that already arrived. Several processes may open the outbox at
// once (SQLite locking).
#include "core/gateway/Connector.h"
#include "core/journal/SqliteDatabase.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace docdesk::gateway {

enum class OutboxState { Queued, Uploading, Verifying, Failed, Paused };
std::string outboxStateName(OutboxState state); // "queued", "uploading"...

struct OutboxItem {
    std::int64_t id = 0;
    std::string profile;
    std::filesystem::path file; // inside the outbox folder
    std::string remoteFolder;
    std::string fileName;
    std::string title;
    std::map<std::string, std::string> fields;
    std::uint64_t bytes = 0;
    std::string sha256;
    OutboxState state = OutboxState::Queued;
    std::string reason; // why it failed or is paused (translated), empty otherwise
    int attempts = 0;
    std::string createdAt; // UTC, ISO 8601
};

struct LedgerEntry {
    std::int64_t id = 0;
    std::int64_t itemId = 0;
    std::string profile;
    std::string document; // file name as delivered
    std::string remoteFolder;
    std::uint64_t bytes = 0;
    std::string sha256;
    std::string location; // URL or server id
    std::string etag;
    std::string deliveredAt; // UTC, ISO 8601
};

struct NewOutboxItem {
    std::string profile;
    std::string remoteFolder;
    std::string fileName;
    std::string title;
    std::map<std::string, std::string> fields;
    // The file's SHA-256 when the caller already knows it (filing hashed the bytes as it wrote
    // them); empty: the outbox reads the file to hash it.
    std::string sha256{};
};

// What Outbox::takeOnce found and did.
enum class TakeOutcome {
    Queued,           // the file was taken in now
    AlreadyQueued,    // an item under that name was there already
    AlreadyDelivered, // the ledger holds a delivery under that name
    Missing,          // neither the file nor anything under that name exists
};
struct TakenItem {
    TakeOutcome outcome = TakeOutcome::Missing;
    std::optional<OutboxItem> item; // Queued and AlreadyQueued
};

class Outbox {
  public:
    // Opens (creating when missing) `dataDir`/outbox.sqlite and `dataDir`/outbox/.
    explicit Outbox(const std::filesystem::path& dataDir);

    // Takes `file` into the outbox (moved when `move`, else copied; the copy is complete before
    // the item exists) and queues it. Returns the item.
    OutboxItem enqueue(const std::filesystem::path& file, const NewOutboxItem& item, bool move);

    // Takes `file` in as an item stored under `storedName`, a name the caller derives from where
    // the document comes from (unique to it), so that doing it again after a kill at any point
    // neither loses nor doubles the document: an item or a delivery under that name is
    // reported, not made again, and a file under that name without an item (killed between
    // the move and the record) is queued as it is. The file is moved (renamed; copied under a
    // temporary name and then removed when the outbox is on another file system). Throws
    // docdesk::Error naming the outbox folder when it cannot be written (e.g. it is full);
    // then nothing is left in the outbox and `file` stays where it was.
    TakenItem takeOnce(const std::filesystem::path& file, const NewOutboxItem& item,
                       const std::string& storedName);

    // Items not yet delivered, oldest first; only `profile`'s when given.
    std::vector<OutboxItem> items(const std::string& profile = {});
    std::optional<OutboxItem> item(std::int64_t id);

    // Items left "uploading" or "verifying" by a run that was killed go back to "queued". Only
    // for a caller that knows no upload run is in progress (it holds the run lock).
    void requeueInterrupted();

    void setState(std::int64_t id, OutboxState state, const std::string& reason = {});
    // One more attempt at sending item `id` begins: state uploading, no reason, attempts + 1, in
    // one durable write (one sync of the database per attempt, not two).
    void startAttempt(std::int64_t id);
    // Queues failed and paused items of `profile` again (an explicit Upload retries them).
    void requeue(std::int64_t id);

    // Records the verified delivery in the ledger and removes the item and its file, in that
    // order (a crash in between leaves a file that the next open removes).
    LedgerEntry recordDelivery(std::int64_t id, const Delivery& delivery);

    std::vector<LedgerEntry> ledger();

    const std::filesystem::path& folder() const { return folder_; }

  private:
    std::optional<OutboxItem> itemStoredAs(const std::string& storedName);
    bool deliveredAs(const std::string& storedName);
    OutboxItem insertItem(const std::string& storedName, const NewOutboxItem& item, std::uint64_t bytes,
                          const std::string& sha256);

    std::mutex mutex_; // the uploader records from several threads
    std::filesystem::path folder_;
    journal::SqliteDatabase db_;
};

} // namespace docdesk::gateway
