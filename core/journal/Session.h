#pragma once
// A capture session on disk: the originals exactly as they arrived (never overwritten) and
// an SQLite index (WAL) of page order, sources, edits, analysis results and documents.
//
// Crash safety: an original's bytes are written to a temporary file and flushed (hashed as
// they pass, in pieces, so memory stays flat for any size), then it is recorded as "pending"
// with its SHA-256, renamed into place, and marked "stored" together with its pages in one
// transaction. On open, pending originals whose file is complete and matches its hash are
// finished; the rest are rolled back. So after a crash a session shows every page whose write
// completed and never a half-written one. One process at a time holds a session (a lock file);
// others may open it read-only.
#include "core/model/Page.h"
#include "core/ports/DurableFiles.h"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace docdesk::journal {

class SqliteDatabase;

struct SessionSummary {
    std::string id;
    std::filesystem::path directory;
    std::string name;
    std::string createdAt;
    int pageCount = 0;
};

struct RecoveryReport {
    int finished = 0;        // pending originals that were complete and are now stored
    int discarded = 0;       // incomplete writes that were rolled back
    int filingsFinished = 0; // documents whose files were all in place: now recorded as filed
    int filingsUndone = 0;   // documents interrupted while being placed: their files removed
};

// A document filed from the session's pages (or being filed): which pages, with which fields,
// where it went and when.
struct FilingRecord {
    std::int64_t id = 0;
    std::vector<std::int64_t> pageIds; // in document order
    std::string title;
    std::string fieldsJson; // {"name": "value", ...}
    std::string target;     // the archive folder, or "outbox:PROFILE"
    std::string location;   // the document's file (archive path or outbox item)
    std::string filesJson;  // [{"path", "bytes", "sha256"}, ...]: every file placed
    std::string filedAt;    // ISO 8601 UTC; empty while it is being filed
};

class Session {
  public:
    // Creates a new, empty session in a fresh folder below `sessionsRoot`.
    static std::unique_ptr<Session> create(const std::filesystem::path& sessionsRoot,
                                           ports::DurableFiles& files, const std::string& name = {});
    // Opens an existing session for writing: takes the lock (SessionLockedError when another
    // process holds it) and recovers from an earlier crash.
    static std::unique_ptr<Session> open(const std::filesystem::path& directory, ports::DurableFiles& files);
    // Opens for reading only, without the lock and without recovery (e.g. the CLI while the
    // GUI has the session open). Write calls throw.
    static std::unique_ptr<Session> openReadOnly(const std::filesystem::path& directory);

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    SessionSummary summary() const;
    const std::filesystem::path& directory() const { return directory_; }
    const RecoveryReport& recovery() const { return recovery_; }

    // Stores an original (the file's exact bytes) with `pageCount` pages appended to the end of
    // the session. Returns the new pages once everything is durable.
    std::vector<PageRecord> addOriginal(std::span<const std::byte> bytes, const std::string& source,
                                        const std::string& mediaType, int pageCount);
    // The same for bytes handed over in pieces by `bytes` (a file copied in chunks): read once,
    // hashed while they are written. What `bytes` throws goes on to the caller; nothing is stored.
    std::vector<PageRecord> addOriginal(const ports::DurableFiles::ByteSource& bytes,
                                        const std::string& source, const std::string& mediaType,
                                        int pageCount);

    // Pages in session order (deleted pages excluded).
    std::vector<PageRecord> pages() const;
    // The pages among `pageIds` (stored, not deleted), in session order, each once; ids that
    // are not such a page are left out. Reads only these pages (by primary key), so a caller
    // working on one batch costs the batch, not the session. Unlike pages(), `position` is the
    // page's stored order key, not its dense index in the session.
    std::vector<PageRecord> pagesWithIds(std::span<const std::int64_t> pageIds) const;
    // The pages of stored originals whose bytes have this SHA-256 (hex): how the hot folder
    // recognises a file it stored before a crash, or the same file dropped twice.
    std::vector<PageRecord> pagesWithOriginalHash(const std::string& sha256) const;
    // Whether a stored original is `bytes` long: when none is, no file of that size can be one
    // stored before, and its hash need not be taken to ask.
    bool holdsOriginalOfSize(std::uint64_t bytes) const;
    int pageCount() const;

    // Non-destructive edits and results.
    void setTransforms(std::int64_t pageId, const std::string& json);
    void setAnalysis(std::int64_t pageId, const std::string& json);
    // Stores a page's analysis together with the edits it proposes, in one transaction (a crash
    // leaves the page unanalysed or complete): the page gets `transforms[0]`; each further entry
    // becomes a new page of the same original page, with the same analysis, right after it (the
    // receipts of one scan). Returns the page and its new siblings, in order.
    std::vector<PageRecord> storeAnalysis(std::int64_t pageId, const std::string& analysisJson,
                                          std::span<const std::string> transforms);
    // Hides a page (the original stays); restorePage undoes it.
    void removePage(std::int64_t pageId);
    void restorePage(std::int64_t pageId);
    // Moves a page so that it ends up at `newPosition` (0-based) in session order.
    void movePage(std::int64_t pageId, int newPosition);

    // Filing state, written around the atomic placement of a document's files so that a
    // kill at any point leaves the document either not filed or filed and recorded:
    // 1. beginFiling records the document (state "filing") before anything is written;
    // 2. planFilingFiles records the exact files (path, size, SHA-256) just before they are
    //    written under their names;
    // 3. finishFiling marks it filed once every file is in place (abandonFiling forgets it
    //    when placing failed and nothing is left).
    // On open, a document left in "filing" counts as filed when all its planned files are in
    // place with their hashes; otherwise the ones that are there (and temporary files beside
    // them) are removed and the document is not filed.
    std::int64_t beginFiling(std::span<const std::int64_t> pageIds, const std::string& title,
                             const std::string& fieldsJson, const std::string& target);
    void planFilingFiles(std::int64_t documentId, const std::string& location, const std::string& filesJson);
    void finishFiling(std::int64_t documentId, const std::string& location, const std::string& filesJson);
    void abandonFiling(std::int64_t documentId);
    // Settles documents left "filing" as open() does (a record that could not be finished,
    // e.g. on a full disk, while this session stays open). Call it when no filing is under way.
    void settleFilings();
    // Where a filed document went later (e.g. from staging into the outbox).
    void moveFiling(std::int64_t documentId, const std::string& target, const std::string& location);
    // Forgets a filed document whose files are gone before they reached their target (so its
    // pages are filed again instead of counting as filed).
    void forgetFiling(std::int64_t documentId);
    // The documents filed, in the order they were filed.
    std::vector<FilingRecord> filings() const;
    // The filed document recorded under `documentId`, if any.
    std::optional<FilingRecord> filing(std::int64_t documentId) const;
    // The filed document that holds exactly these pages (in any order), if any.
    std::optional<FilingRecord> filingOf(std::span<const std::int64_t> pageIds) const;
    // The pages that belong to a filed document.
    std::vector<std::int64_t> filedPageIds() const;

    // The user's corrections of the filing plan (split, merge, typed fields) as they are made,
    // in order (JSON, see app/common/PlanEdits.h), so they outlive a new plan and a restart.
    std::int64_t addPlanEdit(const std::string& editJson);
    void removePlanEdit(std::int64_t editId); // undoes one
    std::vector<std::pair<std::int64_t, std::string>> planEdits() const;

    // Verifies that each stored original is present and matches its hash; returns the
    // originals that do not (by file name).
    std::vector<std::string> verify() const;

    static constexpr const char* kIndexFile = "session.sqlite";
    static constexpr const char* kOriginalsDir = "originals";
    static constexpr const char* kLockFile = "lock";

  private:
    Session(std::filesystem::path directory, std::unique_ptr<SqliteDatabase> db,
            std::unique_ptr<ports::ExclusiveLock> lock, ports::DurableFiles* files);
    static std::unique_ptr<ports::ExclusiveLock> lock(const std::filesystem::path& directory,
                                                      ports::DurableFiles& files);
    void createSchema();
    void recover();
    void reconcileFilings();
    void requireWritable() const;
    std::vector<PageRecord> pagesOfOriginal(std::int64_t originalId) const;
    std::int64_t recordPending(const std::string& fileName, const std::string& mediaType, std::uint64_t size,
                               const std::string& sha256, const std::string& source, int pageCount);

    std::filesystem::path directory_;
    std::unique_ptr<SqliteDatabase> db_;
    std::unique_ptr<ports::ExclusiveLock> lock_;
    ports::DurableFiles* files_; // null when read-only
    RecoveryReport recovery_;
    mutable std::mutex mutex_;
};

// The session folders below a folder, newest first, without opening them.
std::vector<std::filesystem::path> sessionDirectories(const std::filesystem::path& sessionsRoot);
// The sessions below a folder with their summaries (each index is read), newest first.
std::vector<SessionSummary> listSessions(const std::filesystem::path& sessionsRoot);

} // namespace docdesk::journal
