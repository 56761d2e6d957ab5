#include "core/gateway/Outbox.h"

#include "core/common/Sha256.h"
#include "core/common/Translate.h"

#include <chrono>
#include <fmt/chrono.h>
#include <nlohmann/json.hpp>
#include <random>

namespace docdesk::gateway {
namespace fs = std::filesystem;
using journal::SqliteDatabase;

namespace {

const char* const kStateNames[] = {"queued", "uploading", "verifying", "failed", "paused"};

OutboxState parseState(const std::string& s) {
    for (int i = 0; i < 5; ++i)
        if (s == kStateNames[i])
            return OutboxState(i);
    return OutboxState::Queued;
}

std::string nowUtc() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                       std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
}

std::string randomTag() {
    std::random_device rd;
    return fmt::format("{:08x}{:08x}", rd(), rd());
}

const char* const kItemColumns = "id, profile, file, remote_folder, file_name, title, fields, bytes, sha256, "
                                 "state, reason, attempts, created_at";

OutboxItem readItem(SqliteDatabase::Statement& q, const fs::path& folder) {
    OutboxItem i;
    i.id = q.int64(0);
    i.profile = q.text(1);
    i.file = folder / q.text(2);
    i.remoteFolder = q.text(3);
    i.fileName = q.text(4);
    i.title = q.text(5);
    const auto fields = nlohmann::json::parse(q.text(6), nullptr, false);
    if (fields.is_object())
        for (const auto& [k, v] : fields.items())
            if (v.is_string())
                i.fields[k] = v.get<std::string>();
    i.bytes = std::uint64_t(q.int64(7));
    i.sha256 = q.text(8);
    i.state = parseState(q.text(9));
    i.reason = q.text(10);
    i.attempts = int(q.int64(11));
    i.createdAt = q.text(12);
    return i;
}

} // namespace

std::string outboxStateName(OutboxState state) {
    return kStateNames[int(state)];
}

Outbox::Outbox(const fs::path& dataDir)
    : folder_(dataDir / "outbox"), db_((fs::create_directories(dataDir), dataDir / "outbox.sqlite"),
                                       SqliteDatabase::Mode::ReadWriteCreate) {
    fs::create_directories(folder_);
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS items ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT, profile TEXT NOT NULL, file TEXT NOT NULL,"
        " remote_folder TEXT NOT NULL, file_name TEXT NOT NULL, title TEXT NOT NULL, fields TEXT NOT NULL,"
        " bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL,"
        " attempts INTEGER NOT NULL, created_at TEXT NOT NULL)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS ledger ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT, item_id INTEGER NOT NULL, profile TEXT NOT NULL,"
        " document TEXT NOT NULL, remote_folder TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL,"
        " location TEXT NOT NULL, etag TEXT NOT NULL, delivered_at TEXT NOT NULL, local_file TEXT NOT NULL)");
    // Files of delivered items whose removal a crash interrupted.
    SqliteDatabase::Statement q(
        db_, "SELECT local_file FROM ledger WHERE local_file NOT IN (SELECT file FROM items)");
    while (q.step()) {
        std::error_code ec;
        if (!q.text(0).empty())
            fs::remove(folder_ / q.text(0), ec);
    }
}

void Outbox::requeueInterrupted() {
    std::lock_guard g(mutex_);
    db_.exec("UPDATE items SET state = 'queued' WHERE state IN ('uploading', 'verifying')");
}

OutboxItem Outbox::enqueue(const fs::path& file, const NewOutboxItem& item, bool move) {
    const auto bytes = fs::file_size(file);
    const auto sha = item.sha256.empty() ? sha256HexOfFile(file) : item.sha256;
    const std::string name = randomTag() + fs::path(item.fileName).extension().string();
    const fs::path target = folder_ / name;
    if (move) {
        fs::rename(file, target);
    } else {
        // Copied under a temporary name first, so an item never points at half a file.
        const fs::path temp = folder_ / (name + ".part");
        fs::copy_file(file, temp);
        fs::rename(temp, target);
    }
    std::lock_guard lock(mutex_);
    return insertItem(name, item, bytes, sha);
}

TakenItem Outbox::takeOnce(const fs::path& file, const NewOutboxItem& item, const std::string& storedName) {
    std::error_code ec;
    // Done before: a copy of `file` that a kill left behind (the outbox on another file system)
    // is no longer needed.
    if (auto queued = itemStoredAs(storedName)) {
        fs::remove(file, ec);
        return {TakeOutcome::AlreadyQueued, std::move(queued)};
    }
    if (deliveredAs(storedName)) {
        fs::remove(file, ec);
        return {TakeOutcome::AlreadyDelivered, std::nullopt};
    }
    const fs::path target = folder_ / storedName;
    const fs::path temp = folder_ / (storedName + ".part");
    fs::remove(temp, ec);                    // left by a copy that was killed; the name is ours alone
    const bool inPlace = fs::exists(target); // moved before a kill, not yet recorded
    if (!inPlace && !fs::exists(file))
        return {TakeOutcome::Missing, std::nullopt};
    if (!inPlace) {
        fs::rename(file, target, ec);
        if (ec == std::errc::cross_device_link) {
            // The outbox is on another file system: a complete copy first, then the move.
            fs::copy_file(file, temp, ec);
            if (!ec)
                fs::rename(temp, target, ec);
            if (ec) {
                std::error_code ignored;
                fs::remove(temp, ignored);
            }
        }
        if (ec)
            throw Error(trf("Cannot put {} into the outbox folder {}: {}", item.fileName, folder_.string(),
                            ec.message()));
    }
    const auto bytes = fs::file_size(target);
    const auto sha = item.sha256.empty() ? sha256HexOfFile(target) : item.sha256;
    std::lock_guard lock(mutex_);
    auto queued = insertItem(storedName, item, bytes, sha);
    fs::remove(file, ec); // the copied original, when the outbox is on another file system
    return {TakeOutcome::Queued, std::move(queued)};
}

std::optional<OutboxItem> Outbox::itemStoredAs(const std::string& storedName) {
    std::lock_guard lock(mutex_);
    const auto sql = fmt::format("SELECT {} FROM items WHERE file = ?", kItemColumns);
    SqliteDatabase::Statement q(db_, sql.c_str());
    q.bind(1, storedName);
    if (!q.step())
        return std::nullopt;
    return readItem(q, folder_);
}

bool Outbox::deliveredAs(const std::string& storedName) {
    std::lock_guard lock(mutex_);
    SqliteDatabase::Statement q(db_, "SELECT 1 FROM ledger WHERE local_file = ?");
    q.bind(1, storedName);
    return q.step();
}

OutboxItem Outbox::insertItem(const std::string& storedName, const NewOutboxItem& item, std::uint64_t bytes,
                              const std::string& sha256) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [k, v] : item.fields)
        fields[k] = v;
    SqliteDatabase::Statement ins(
        db_, "INSERT INTO items (profile, file, remote_folder, file_name, title, fields, "
             "bytes, sha256, state, reason, attempts, created_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', '', 0, ?)");
    ins.bind(1, item.profile)
        .bind(2, storedName)
        .bind(3, item.remoteFolder)
        .bind(4, item.fileName)
        .bind(5, item.title);
    ins.bind(6, fields.dump()).bind(7, std::int64_t(bytes)).bind(8, sha256).bind(9, nowUtc());
    ins.run();
    const auto id = db_.lastInsertId();
    SqliteDatabase::Statement q(db_, fmt::format("SELECT {} FROM items WHERE id = ?", kItemColumns).c_str());
    q.bind(1, id);
    q.step();
    return readItem(q, folder_);
}

std::vector<OutboxItem> Outbox::items(const std::string& profile) {
    std::lock_guard lock(mutex_);
    const auto sql =
        fmt::format("SELECT {} FROM items WHERE ? = '' OR profile = ? ORDER BY id", kItemColumns);
    SqliteDatabase::Statement q(db_, sql.c_str());
    q.bind(1, profile).bind(2, profile);
    std::vector<OutboxItem> out;
    while (q.step())
        out.push_back(readItem(q, folder_));
    return out;
}

std::optional<OutboxItem> Outbox::item(std::int64_t id) {
    std::lock_guard lock(mutex_);
    const auto sql = fmt::format("SELECT {} FROM items WHERE id = ?", kItemColumns);
    SqliteDatabase::Statement q(db_, sql.c_str());
    q.bind(1, id);
    if (!q.step())
        return std::nullopt;
    return readItem(q, folder_);
}

void Outbox::setState(std::int64_t id, OutboxState state, const std::string& reason) {
    std::lock_guard lock(mutex_);
    SqliteDatabase::Statement q(db_, "UPDATE items SET state = ?, reason = ? WHERE id = ?");
    q.bind(1, outboxStateName(state)).bind(2, reason).bind(3, id);
    q.run();
}

void Outbox::startAttempt(std::int64_t id) {
    std::lock_guard lock(mutex_);
    SqliteDatabase::Statement q(
        db_, "UPDATE items SET state = ?, reason = '', attempts = attempts + 1 WHERE id = ?");
    q.bind(1, outboxStateName(OutboxState::Uploading)).bind(2, id);
    q.run();
}

void Outbox::requeue(std::int64_t id) {
    setState(id, OutboxState::Queued);
}

LedgerEntry Outbox::recordDelivery(std::int64_t id, const Delivery& delivery) {
    const auto it = item(id);
    if (!it)
        throw Error(trf("Outbox item {} does not exist (any more).", id));
    LedgerEntry e;
    e.itemId = id;
    e.profile = it->profile;
    e.document = it->fileName;
    e.remoteFolder = it->remoteFolder;
    e.bytes = delivery.bytes;
    e.sha256 = it->sha256;
    e.location = delivery.location;
    e.etag = delivery.etag;
    e.deliveredAt = nowUtc();
    {
        std::lock_guard lock(mutex_);
        SqliteDatabase::Transaction tx(db_);
        SqliteDatabase::Statement ins(db_,
                                      "INSERT INTO ledger (item_id, profile, document, remote_folder, bytes, "
                                      "sha256, location, etag, delivered_at, local_file) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        ins.bind(1, id)
            .bind(2, e.profile)
            .bind(3, e.document)
            .bind(4, e.remoteFolder)
            .bind(5, std::int64_t(e.bytes));
        ins.bind(6, e.sha256).bind(7, e.location).bind(8, e.etag).bind(9, e.deliveredAt);
        ins.bind(10, it->file.filename().string());
        ins.run();
        e.id = db_.lastInsertId();
        SqliteDatabase::Statement del(db_, "DELETE FROM items WHERE id = ?");
        del.bind(1, id);
        del.run();
        tx.commit();
    }
    std::error_code ec;
    fs::remove(it->file, ec);
    return e;
}

std::vector<LedgerEntry> Outbox::ledger() {
    std::lock_guard lock(mutex_);
    SqliteDatabase::Statement q(
        db_, "SELECT id, item_id, profile, document, remote_folder, bytes, sha256, location, "
             "etag, delivered_at FROM ledger ORDER BY id");
    std::vector<LedgerEntry> out;
    while (q.step()) {
        LedgerEntry e;
        e.id = q.int64(0);
        e.itemId = q.int64(1);
        e.profile = q.text(2);
        e.document = q.text(3);
        e.remoteFolder = q.text(4);
        e.bytes = std::uint64_t(q.int64(5));
        e.sha256 = q.text(6);
        e.location = q.text(7);
        e.etag = q.text(8);
        e.deliveredAt = q.text(9);
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace docdesk::gateway
