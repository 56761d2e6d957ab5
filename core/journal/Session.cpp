#include "core/journal/Session.h"

#include "core/common/Error.h"
#include "core/common/Sha256.h"
#include "core/common/Translate.h"
#include "core/journal/SqliteDatabase.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <system_error>

namespace docdesk::journal {
namespace fs = std::filesystem;
namespace {

constexpr int kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS originals(
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL UNIQUE,
  media_type TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  source TEXT NOT NULL,
  page_count INTEGER NOT NULL CHECK(page_count > 0),
  state TEXT NOT NULL CHECK(state IN ('pending', 'stored')),
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages(
  id INTEGER PRIMARY KEY,
  original_id INTEGER NOT NULL REFERENCES originals(id),
  source_page INTEGER NOT NULL,
  position INTEGER NOT NULL,
  transforms TEXT NOT NULL DEFAULT '{}',
  analysis TEXT,
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS pages_by_position ON pages(deleted, position);
CREATE TABLE IF NOT EXISTS documents(
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL CHECK(state IN ('filing', 'filed')),
  title TEXT NOT NULL DEFAULT '',
  fields TEXT NOT NULL DEFAULT '{}',
  target TEXT NOT NULL,
  files TEXT NOT NULL DEFAULT '[]',
  location TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  filed_at TEXT);
CREATE TABLE IF NOT EXISTS document_pages(
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  page_id INTEGER NOT NULL REFERENCES pages(id),
  position INTEGER NOT NULL,
  PRIMARY KEY(document_id, page_id));
CREATE INDEX IF NOT EXISTS document_pages_by_page ON document_pages(page_id);
-- Per-file look-ups of a long watch (issue 19): by hash (a file seen before), by original
-- (the pages just stored) and the documents left "filing" (settled before each filing).
-- Without them each is a scan of the whole session. Added on open to older sessions of this
-- format; a docdesk without them reads such a session unchanged.
CREATE INDEX IF NOT EXISTS originals_by_sha256 ON originals(sha256);
CREATE INDEX IF NOT EXISTS pages_by_original ON pages(original_id);
CREATE INDEX IF NOT EXISTS documents_by_state ON documents(state);
CREATE TABLE IF NOT EXISTS plan_edits(
  id INTEGER PRIMARY KEY,
  edit TEXT NOT NULL,
  created_at TEXT NOT NULL);
)sql";

constexpr const char* kPageColumns =
    "SELECT p.id, p.original_id, o.file_name, o.media_type, o.sha256, o.byte_size, o.source, "
    "p.source_page, p.position, p.transforms, p.analysis, o.created_at "
    "FROM pages p JOIN originals o ON o.id = p.original_id ";

std::string nowIso8601() {
    using namespace std::chrono;
    const auto now = floor<seconds>(system_clock::now());
    const auto day = floor<days>(now);
    const year_month_day ymd{day};
    const hh_mm_ss hms{now - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", int(ymd.year()), unsigned(ymd.month()),
                       unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(),
                       hms.seconds().count());
}

std::string randomHex(int bytes) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string s;
    for (int i = 0; i < bytes; ++i)
        s += fmt::format("{:02x}", unsigned(rng() & 0xff));
    return s;
}

std::string newSessionId() {
    // Sortable by creation time; the random tail keeps two sessions of one second apart.
    std::string t = nowIso8601(); // 2026-11-23T19:40:12Z
    std::string id;
    for (char c : t)
        if (std::isdigit(static_cast<unsigned char>(c)))
            id += c;
    id.insert(8, "-");
    return id + "-" + randomHex(2);
}

// The stored original's extension: from the media type for page sources; for pass-through
// documents the source's own extension when it is a plain one (so ".docx" stays ".docx").
std::string extensionForMime(const std::string& mime, const std::string& source) {
    if (mime == "image/jpeg")
        return ".jpg";
    if (mime == "image/png")
        return ".png";
    if (mime == "image/tiff")
        return ".tif";
    if (mime == "image/bmp")
        return ".bmp";
    if (mime == "image/webp")
        return ".webp";
    if (mime == "application/pdf")
        return ".pdf";
    std::string ext = fs::path(source).extension().string();
    const bool plain =
        ext.size() >= 2 && ext.size() <= 9 &&
        std::all_of(ext.begin() + 1, ext.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
    if (!plain)
        return ".bin";
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

PageRecord readPage(const SqliteDatabase::Statement& st, const fs::path& originalsDir) {
    PageRecord p;
    p.id = st.int64(0);
    p.originalId = st.int64(1);
    p.originalFile = originalsDir / st.text(2);
    p.mediaType = st.text(3);
    p.sha256 = st.text(4);
    p.byteSize = static_cast<std::uint64_t>(st.int64(5));
    p.source = st.text(6);
    p.sourcePage = static_cast<int>(st.int64(7));
    p.position = static_cast<int>(st.int64(8));
    p.transformsJson = st.text(9);
    p.analysisJson = st.optionalText(10);
    p.createdAt = st.text(11);
    return p;
}

void insertPages(SqliteDatabase& db, std::int64_t originalId, int pageCount) {
    SqliteDatabase::Statement next(db, "SELECT COALESCE(MAX(position) + 1, 0) FROM pages");
    next.step();
    std::int64_t position = next.int64(0);
    SqliteDatabase::Statement ins(db,
                                  "INSERT INTO pages(original_id, source_page, position) VALUES(?, ?, ?)");
    for (int i = 1; i <= pageCount; ++i) {
        ins.bind(1, originalId).bind(2, std::int64_t{i}).bind(3, position++);
        ins.run();
        ins.reset();
    }
}

bool fileMatches(const fs::path& file, std::uint64_t size, const std::string& sha256) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec) || fs::file_size(file, ec) != size || ec)
        return false;
    try {
        return sha256HexOfFile(file) == sha256;
    } catch (const fs::filesystem_error&) {
        return false;
    }
}

// The temporary files DurableFiles writes beside `target` start with this (the name is
// shortened the same way; see platform/DurableFiles_posix.cpp).
std::string tempPrefixFor(const fs::path& target) {
    std::string name = target.filename().string();
    if (name.size() > 100) {
        size_t cut = 100;
        while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80)
            --cut;
        name.resize(cut);
    }
    return ".tmp-" + name + "-";
}

void removeTempFilesFor(const fs::path& target) {
    const std::string prefix = tempPrefixFor(target);
    std::error_code ec;
    for (auto it = fs::directory_iterator(target.parent_path(), ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        if (it->path().filename().string().starts_with(prefix))
            fs::remove(it->path(), ec);
}

struct PlannedFile {
    fs::path path;
    std::uint64_t bytes = 0;
    std::string sha256;
};

std::vector<PlannedFile> plannedFiles(const std::string& json) {
    std::vector<PlannedFile> out;
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_array())
        return out;
    for (const auto& f : j)
        if (f.is_object() && f.contains("path") && f.contains("bytes") && f.contains("sha256"))
            out.push_back({fs::path(f["path"].get<std::string>()), f["bytes"].get<std::uint64_t>(),
                           f["sha256"].get<std::string>()});
    return out;
}

} // namespace

Session::Session(fs::path directory, std::unique_ptr<SqliteDatabase> db,
                 std::unique_ptr<ports::ExclusiveLock> lock, ports::DurableFiles* files)
    : directory_(std::move(directory)), db_(std::move(db)), lock_(std::move(lock)), files_(files) {}

Session::~Session() = default;

std::unique_ptr<ports::ExclusiveLock> Session::lock(const fs::path& directory, ports::DurableFiles& files) {
    std::string holder;
    auto lock = files.tryLockExclusive(directory / kLockFile, holder);
    if (!lock)
        throw SessionLockedError(
            trf("The session {} is open in another docdesk window ({}). Close it there first, or "
                "start a new session.",
                directory.filename().string(), holder));
    return lock;
}

std::unique_ptr<Session> Session::create(const fs::path& sessionsRoot, ports::DurableFiles& files,
                                         const std::string& name) {
    std::error_code ec;
    fs::create_directories(sessionsRoot, ec);
    fs::path dir;
    for (int attempt = 0; attempt < 10; ++attempt) {
        dir = sessionsRoot / newSessionId();
        if (fs::create_directory(dir, ec))
            break;
        if (ec)
            throw JournalError(trf("Cannot create the session folder {}: {}", dir.string(), ec.message()));
    }
    fs::create_directory(dir / kOriginalsDir, ec);
    if (ec)
        throw JournalError(trf("Cannot create the session folder {}: {}", dir.string(), ec.message()));
    auto l = lock(dir, files);
    auto db = std::make_unique<SqliteDatabase>(dir / kIndexFile, SqliteDatabase::Mode::ReadWriteCreate);
    std::unique_ptr<Session> s(new Session(dir, std::move(db), std::move(l), &files));
    s->createSchema();
    SqliteDatabase::Transaction tx(*s->db_);
    SqliteDatabase::Statement meta(*s->db_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
    for (const auto& [k, v] :
         {std::pair<std::string, std::string>{"schema_version", std::to_string(kSchemaVersion)},
          {"created_at", nowIso8601()},
          {"name", name}}) {
        meta.bind(1, k).bind(2, v);
        meta.run();
        meta.reset();
    }
    tx.commit();
    return s;
}

std::unique_ptr<Session> Session::open(const fs::path& directory, ports::DurableFiles& files) {
    if (!fs::exists(directory / kIndexFile))
        throw JournalError(
            trf("{} is not a docdesk session (it has no {}).", directory.string(), kIndexFile));
    auto l = lock(directory, files);
    auto db = std::make_unique<SqliteDatabase>(directory / kIndexFile, SqliteDatabase::Mode::ReadWrite);
    std::unique_ptr<Session> s(new Session(directory, std::move(db), std::move(l), &files));
    s->createSchema();
    s->recover();
    return s;
}

std::unique_ptr<Session> Session::openReadOnly(const fs::path& directory) {
    if (!fs::exists(directory / kIndexFile))
        throw JournalError(
            trf("{} is not a docdesk session (it has no {}).", directory.string(), kIndexFile));
    auto db = std::make_unique<SqliteDatabase>(directory / kIndexFile, SqliteDatabase::Mode::ReadOnly);
    return std::unique_ptr<Session>(new Session(directory, std::move(db), nullptr, nullptr));
}

void Session::createSchema() {
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA synchronous=FULL");
    db_->exec("PRAGMA foreign_keys=ON");
    db_->exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    int version = kSchemaVersion;
    {
        SqliteDatabase::Statement v(*db_, "SELECT value FROM meta WHERE key = 'schema_version'");
        if (v.step())
            version = std::stoi(v.text(0));
    }
    if (version > kSchemaVersion)
        throw JournalError(
            trf("The session {} was written by a newer docdesk (format {}); update docdesk to open it.",
                directory_.filename().string(), version));
    SqliteDatabase::Transaction tx(*db_);
    if (version < 2) // format 1 created the document tables but never wrote to them
        db_->exec("DROP TABLE IF EXISTS document_pages; DROP TABLE IF EXISTS documents;");
    db_->exec(kSchema);
    if (version < kSchemaVersion)
        db_->exec(
            fmt::format("UPDATE meta SET value = '{}' WHERE key = 'schema_version'", kSchemaVersion).c_str());
    tx.commit();
}

void Session::recover() {
    const fs::path originals = directory_ / kOriginalsDir;
    struct Pending {
        std::int64_t id;
        std::string file;
        std::uint64_t size;
        std::string sha;
        int pages;
    };
    std::vector<Pending> pending;
    {
        SqliteDatabase::Statement st(
            *db_,
            "SELECT id, file_name, byte_size, sha256, page_count FROM originals WHERE state = 'pending'");
        while (st.step())
            pending.push_back({st.int64(0), st.text(1), static_cast<std::uint64_t>(st.int64(2)), st.text(3),
                               static_cast<int>(st.int64(4))});
    }
    for (const auto& p : pending) {
        SqliteDatabase::Transaction tx(*db_);
        if (fileMatches(originals / p.file, p.size, p.sha)) {
            SqliteDatabase::Statement up(*db_, "UPDATE originals SET state = 'stored' WHERE id = ?");
            up.bind(1, p.id).run();
            insertPages(*db_, p.id, p.pages);
            ++recovery_.finished;
        } else {
            SqliteDatabase::Statement del(*db_, "DELETE FROM originals WHERE id = ?");
            del.bind(1, p.id).run();
            std::error_code ec;
            fs::remove(originals / p.file, ec);
            ++recovery_.discarded;
        }
        tx.commit();
    }
    // Temporary files of interrupted writes (they were never renamed into place).
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(originals, ec))
        if (entry.path().filename().string().starts_with(".tmp-"))
            fs::remove(entry.path(), ec);
    reconcileFilings();
}

void Session::requireWritable() const {
    if (!files_)
        throw JournalError(trf("The session {} is open read-only.", directory_.filename().string()));
}

SessionSummary Session::summary() const {
    std::lock_guard g(mutex_);
    SessionSummary s;
    s.id = directory_.filename().string();
    s.directory = directory_;
    SqliteDatabase::Statement meta(*db_, "SELECT key, value FROM meta");
    while (meta.step()) {
        if (meta.text(0) == "name")
            s.name = meta.text(1);
        else if (meta.text(0) == "created_at")
            s.createdAt = meta.text(1);
    }
    SqliteDatabase::Statement n(*db_, "SELECT COUNT(*) FROM pages WHERE deleted = 0");
    n.step();
    s.pageCount = static_cast<int>(n.int64(0));
    return s;
}

std::vector<PageRecord> Session::addOriginal(std::span<const std::byte> bytes, const std::string& source,
                                             const std::string& mediaType, int pageCount) {
    return addOriginal(ports::DurableFiles::sourceOf(bytes), source, mediaType, pageCount);
}

std::int64_t Session::recordPending(const std::string& fileName, const std::string& mediaType,
                                    std::uint64_t size, const std::string& sha256, const std::string& source,
                                    int pageCount) {
    SqliteDatabase::Transaction tx(*db_);
    SqliteDatabase::Statement ins(*db_, "INSERT INTO originals(file_name, media_type, byte_size, sha256, "
                                        "source, page_count, state, created_at) "
                                        "VALUES(?, ?, ?, ?, ?, ?, 'pending', ?)");
    ins.bind(1, fileName)
        .bind(2, mediaType)
        .bind(3, static_cast<std::int64_t>(size))
        .bind(4, sha256)
        .bind(5, source)
        .bind(6, std::int64_t{pageCount})
        .bind(7, nowIso8601());
    ins.run();
    const std::int64_t id = db_->lastInsertId();
    tx.commit();
    return id;
}

std::vector<PageRecord> Session::addOriginal(const ports::DurableFiles::ByteSource& bytes,
                                             const std::string& source, const std::string& mediaType,
                                             int pageCount) {
    requireWritable();
    if (pageCount <= 0)
        throw std::invalid_argument("addOriginal: pageCount must be positive");
    const std::string fileName = randomHex(12) + extensionForMime(mediaType, source);
    const fs::path target = directory_ / kOriginalsDir / fileName;
    // 1. The bytes go to a flushed temporary file, hashed on the way (a temporary file left by
    //    a crash is removed on open). 2. Once the hash is known, the intent is recorded, and
    //    only then does the file take its name, so recovery can always check it. The index is
    //    locked only around its own steps: other calls go on while a large file is copied.
    Sha256 hash;
    std::uint64_t size = 0;
    const ports::DurableFiles::ByteSource hashing = [&](std::span<std::byte> buffer) {
        const size_t n = bytes(buffer);
        hash.update(std::span(buffer).first(n));
        size += n;
        return n;
    };
    std::int64_t originalId = 0;
    try {
        files_->writeAtomically(target, hashing, [&] {
            std::lock_guard g(mutex_);
            originalId = recordPending(fileName, mediaType, size, hash.hexDigest(), source, pageCount);
        });
    } catch (const fs::filesystem_error& e) {
        if (originalId != 0) {
            std::lock_guard g(mutex_);
            SqliteDatabase::Statement del(*db_, "DELETE FROM originals WHERE id = ?");
            del.bind(1, originalId).run();
        }
        throw JournalError(trf("Cannot store {} in the session folder {}: {}", source, directory_.string(),
                               e.code().message()));
    }
    // 3. Commit point: the original and its pages become visible together.
    std::lock_guard g(mutex_);
    {
        SqliteDatabase::Transaction tx(*db_);
        SqliteDatabase::Statement up(*db_, "UPDATE originals SET state = 'stored' WHERE id = ?");
        up.bind(1, originalId).run();
        insertPages(*db_, originalId, pageCount);
        tx.commit();
    }
    return pagesOfOriginal(originalId);
}

// In the next two, `+p.deleted` keeps SQLite from walking pages_by_position (all pages of the
// session) instead of the index by original / by hash: a few pages, sorted afterwards.
std::vector<PageRecord> Session::pagesOfOriginal(std::int64_t originalId) const {
    std::vector<PageRecord> out;
    SqliteDatabase::Statement st(
        *db_, (std::string(kPageColumns) + "WHERE p.original_id = ? AND +p.deleted = 0 ORDER BY p.position")
                  .c_str());
    st.bind(1, originalId);
    while (st.step())
        out.push_back(readPage(st, directory_ / kOriginalsDir));
    return out;
}

std::vector<PageRecord> Session::pagesWithOriginalHash(const std::string& sha256) const {
    std::lock_guard g(mutex_);
    std::vector<PageRecord> out;
    SqliteDatabase::Statement st(
        *db_, (std::string(kPageColumns) +
               "WHERE o.state = 'stored' AND o.sha256 = ? AND +p.deleted = 0 ORDER BY p.position")
                  .c_str());
    st.bind(1, sha256);
    while (st.step())
        out.push_back(readPage(st, directory_ / kOriginalsDir));
    return out;
}

bool Session::holdsOriginalOfSize(std::uint64_t bytes) const {
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_,
                                 "SELECT 1 FROM originals WHERE state = 'stored' AND byte_size = ? LIMIT 1");
    st.bind(1, static_cast<std::int64_t>(bytes));
    return st.step();
}

std::vector<PageRecord> Session::pages() const {
    std::lock_guard g(mutex_);
    std::vector<PageRecord> out;
    SqliteDatabase::Statement st(
        *db_, (std::string(kPageColumns) + "WHERE o.state = 'stored' AND p.deleted = 0 ORDER BY p.position")
                  .c_str());
    int index = 0;
    while (st.step()) {
        out.push_back(readPage(st, directory_ / kOriginalsDir));
        out.back().position = index++; // dense order for callers
    }
    return out;
}

std::vector<PageRecord> Session::pagesWithIds(std::span<const std::int64_t> pageIds) const {
    std::vector<std::int64_t> ids(pageIds.begin(), pageIds.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::lock_guard g(mutex_);
    std::vector<PageRecord> out;
    out.reserve(ids.size());
    SqliteDatabase::Statement st(
        *db_,
        (std::string(kPageColumns) + "WHERE p.id = ? AND o.state = 'stored' AND p.deleted = 0").c_str());
    for (const auto id : ids) {
        st.bind(1, id);
        if (st.step())
            out.push_back(readPage(st, directory_ / kOriginalsDir));
        st.reset();
    }
    std::sort(out.begin(), out.end(),
              [](const PageRecord& a, const PageRecord& b) { return a.position < b.position; });
    return out;
}

int Session::pageCount() const {
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement n(*db_, "SELECT COUNT(*) FROM pages p JOIN originals o ON o.id = p.original_id "
                                      "WHERE o.state = 'stored' AND p.deleted = 0");
    n.step();
    return static_cast<int>(n.int64(0));
}

void Session::setTransforms(std::int64_t pageId, const std::string& json) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "UPDATE pages SET transforms = ? WHERE id = ?");
    st.bind(1, json).bind(2, pageId).run();
}

void Session::setAnalysis(std::int64_t pageId, const std::string& json) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "UPDATE pages SET analysis = ? WHERE id = ?");
    st.bind(1, json).bind(2, pageId).run();
}

std::vector<PageRecord> Session::storeAnalysis(std::int64_t pageId, const std::string& analysisJson,
                                               std::span<const std::string> transforms) {
    requireWritable();
    if (transforms.empty())
        throw std::invalid_argument("storeAnalysis: a page needs its transforms");
    std::lock_guard g(mutex_);
    SqliteDatabase::Transaction tx(*db_);
    SqliteDatabase::Statement page(*db_, "SELECT original_id, source_page, position FROM pages WHERE id = ?");
    page.bind(1, pageId);
    if (!page.step())
        throw JournalError(trf("The page {} is not in the session.", pageId));
    const std::int64_t originalId = page.int64(0), sourcePage = page.int64(1), position = page.int64(2);
    page.reset();
    const auto extra = static_cast<std::int64_t>(transforms.size() - 1);
    SqliteDatabase::Statement up(*db_, "UPDATE pages SET analysis = ?, transforms = ? WHERE id = ?");
    up.bind(1, analysisJson).bind(2, transforms[0]).bind(3, pageId).run();
    std::vector<std::int64_t> ids{pageId};
    if (extra > 0) {
        SqliteDatabase::Statement shift(*db_, "UPDATE pages SET position = position + ? WHERE position > ?");
        shift.bind(1, extra).bind(2, position).run();
        SqliteDatabase::Statement ins(
            *db_, "INSERT INTO pages(original_id, source_page, position, transforms, analysis) "
                  "VALUES(?, ?, ?, ?, ?)");
        for (std::int64_t k = 1; k <= extra; ++k) {
            ins.bind(1, originalId).bind(2, sourcePage).bind(3, position + k).bind(4, transforms[size_t(k)]);
            ins.bind(5, analysisJson).run();
            ins.reset();
            ids.push_back(db_->lastInsertId());
        }
    }
    tx.commit();
    std::vector<PageRecord> out;
    SqliteDatabase::Statement st(*db_, (std::string(kPageColumns) + "WHERE p.id = ?").c_str());
    for (const auto id : ids) {
        st.bind(1, id);
        if (st.step())
            out.push_back(readPage(st, directory_ / kOriginalsDir));
        st.reset();
    }
    return out;
}

void Session::removePage(std::int64_t pageId) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "UPDATE pages SET deleted = 1 WHERE id = ?");
    st.bind(1, pageId).run();
}

void Session::restorePage(std::int64_t pageId) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "UPDATE pages SET deleted = 0 WHERE id = ?");
    st.bind(1, pageId).run();
}

void Session::movePage(std::int64_t pageId, int newPosition) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Transaction tx(*db_);
    std::vector<std::int64_t> order;
    {
        SqliteDatabase::Statement st(*db_, "SELECT id FROM pages WHERE deleted = 0 ORDER BY position");
        while (st.step())
            if (st.int64(0) != pageId)
                order.push_back(st.int64(0));
    }
    newPosition = std::clamp(newPosition, 0, static_cast<int>(order.size()));
    order.insert(order.begin() + newPosition, pageId);
    SqliteDatabase::Statement up(*db_, "UPDATE pages SET position = ? WHERE id = ?");
    for (size_t i = 0; i < order.size(); ++i) {
        up.bind(1, static_cast<std::int64_t>(i)).bind(2, order[i]).run();
        up.reset();
    }
    tx.commit();
}

std::vector<std::string> Session::verify() const {
    std::lock_guard g(mutex_);
    std::vector<std::string> bad;
    SqliteDatabase::Statement st(
        *db_, "SELECT file_name, byte_size, sha256 FROM originals WHERE state = 'stored' ORDER BY id");
    while (st.step()) {
        if (!fileMatches(directory_ / kOriginalsDir / st.text(0), static_cast<std::uint64_t>(st.int64(1)),
                         st.text(2)))
            bad.push_back(st.text(0));
    }
    return bad;
}

// --- filing state ---

std::int64_t Session::beginFiling(std::span<const std::int64_t> pageIds, const std::string& title,
                                  const std::string& fieldsJson, const std::string& target) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Transaction tx(*db_);
    SqliteDatabase::Statement ins(*db_, "INSERT INTO documents(state, title, fields, target, started_at) "
                                        "VALUES('filing', ?, ?, ?, ?)");
    ins.bind(1, title).bind(2, fieldsJson).bind(3, target).bind(4, nowIso8601()).run();
    const std::int64_t id = db_->lastInsertId();
    SqliteDatabase::Statement page(
        *db_, "INSERT INTO document_pages(document_id, page_id, position) VALUES(?, ?, ?)");
    for (size_t i = 0; i < pageIds.size(); ++i) {
        page.bind(1, id).bind(2, pageIds[i]).bind(3, static_cast<std::int64_t>(i)).run();
        page.reset();
    }
    tx.commit();
    return id;
}

void Session::planFilingFiles(std::int64_t documentId, const std::string& location,
                              const std::string& filesJson) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(
        *db_, "UPDATE documents SET files = ?, location = ? WHERE id = ? AND state = 'filing'");
    st.bind(1, filesJson).bind(2, location).bind(3, documentId).run();
}

void Session::finishFiling(std::int64_t documentId, const std::string& location,
                           const std::string& filesJson) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(
        *db_, "UPDATE documents SET state = 'filed', files = ?, location = ?, filed_at = ? "
              "WHERE id = ?");
    st.bind(1, filesJson).bind(2, location).bind(3, nowIso8601()).bind(4, documentId).run();
}

void Session::abandonFiling(std::int64_t documentId) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "DELETE FROM documents WHERE id = ? AND state = 'filing'");
    st.bind(1, documentId).run();
}

void Session::moveFiling(std::int64_t documentId, const std::string& target, const std::string& location) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "UPDATE documents SET target = ?, location = ? WHERE id = ?");
    st.bind(1, target).bind(2, location).bind(3, documentId).run();
}

void Session::forgetFiling(std::int64_t documentId) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Transaction tx(*db_);
    SqliteDatabase::Statement unlinkPages(*db_, "DELETE FROM document_pages WHERE document_id = ?");
    unlinkPages.bind(1, documentId).run();
    SqliteDatabase::Statement removeDocument(*db_, "DELETE FROM documents WHERE id = ?");
    removeDocument.bind(1, documentId).run();
    tx.commit();
}

void Session::settleFilings() {
    requireWritable();
    std::lock_guard g(mutex_);
    reconcileFilings();
}

void Session::reconcileFilings() {
    struct Open {
        std::int64_t id;
        std::string files;
    };
    std::vector<Open> open;
    {
        SqliteDatabase::Statement st(*db_, "SELECT id, files FROM documents WHERE state = 'filing'");
        while (st.step())
            open.push_back({st.int64(0), st.text(1)});
    }
    for (const auto& d : open) {
        const auto files = plannedFiles(d.files);
        size_t present = 0;
        for (const auto& f : files) {
            removeTempFilesFor(f.path);
            present += fileMatches(f.path, f.bytes, f.sha256) ? 1 : 0;
        }
        SqliteDatabase::Transaction tx(*db_);
        if (!files.empty() && present == files.size()) {
            SqliteDatabase::Statement up(*db_,
                                         "UPDATE documents SET state = 'filed', filed_at = ? WHERE id = ?");
            up.bind(1, nowIso8601()).bind(2, d.id).run();
            ++recovery_.filingsFinished;
        } else {
            // Interrupted before all its files were in place: what is there is ours (our name,
            // our hash) and goes, so the document can be filed again without a copy.
            for (const auto& f : files)
                if (fileMatches(f.path, f.bytes, f.sha256)) {
                    std::error_code ec;
                    fs::remove(f.path, ec);
                }
            SqliteDatabase::Statement del(*db_, "DELETE FROM documents WHERE id = ?");
            del.bind(1, d.id).run();
            ++recovery_.filingsUndone;
        }
        tx.commit();
    }
}

namespace {

constexpr const char* kFilingColumns =
    "SELECT d.id, d.title, d.fields, d.target, d.location, d.files, COALESCE(d.filed_at, ''), "
    "(SELECT group_concat(page_id) FROM (SELECT page_id FROM document_pages WHERE document_id = d.id "
    "ORDER BY position)) FROM documents d ";

FilingRecord readFiling(const SqliteDatabase::Statement& st) {
    FilingRecord r;
    r.id = st.int64(0);
    r.title = st.text(1);
    r.fieldsJson = st.text(2);
    r.target = st.text(3);
    r.location = st.text(4);
    r.filesJson = st.text(5);
    r.filedAt = st.text(6);
    const std::string ids = st.optionalText(7).value_or("");
    for (size_t at = 0; at < ids.size();) {
        const size_t comma = std::min(ids.find(',', at), ids.size());
        r.pageIds.push_back(std::stoll(ids.substr(at, comma - at)));
        at = comma + 1;
    }
    return r;
}

} // namespace

std::vector<FilingRecord> Session::filings() const {
    std::lock_guard g(mutex_);
    std::vector<FilingRecord> out;
    SqliteDatabase::Statement st(
        *db_, (std::string(kFilingColumns) + "WHERE d.state = 'filed' ORDER BY d.filed_at, d.id").c_str());
    while (st.step())
        out.push_back(readFiling(st));
    return out;
}

std::optional<FilingRecord> Session::filing(std::int64_t documentId) const {
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(
        *db_, (std::string(kFilingColumns) + "WHERE d.state = 'filed' AND d.id = ?").c_str());
    st.bind(1, documentId);
    if (!st.step())
        return std::nullopt;
    return readFiling(st);
}

std::optional<FilingRecord> Session::filingOf(std::span<const std::int64_t> pageIds) const {
    if (pageIds.empty())
        return std::nullopt;
    std::vector<std::int64_t> wanted(pageIds.begin(), pageIds.end());
    std::sort(wanted.begin(), wanted.end());
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(
        *db_,
        (std::string(kFilingColumns) +
         "WHERE d.state = 'filed' AND d.id IN (SELECT document_id FROM document_pages WHERE page_id = ?) "
         "ORDER BY d.id DESC")
            .c_str());
    st.bind(1, wanted.front());
    while (st.step()) {
        auto r = readFiling(st);
        auto have = r.pageIds;
        std::sort(have.begin(), have.end());
        if (have == wanted)
            return r;
    }
    return std::nullopt;
}

std::vector<std::int64_t> Session::filedPageIds() const {
    std::lock_guard g(mutex_);
    std::vector<std::int64_t> out;
    SqliteDatabase::Statement st(*db_,
                                 "SELECT DISTINCT dp.page_id FROM document_pages dp JOIN documents d "
                                 "ON d.id = dp.document_id WHERE d.state = 'filed' ORDER BY dp.page_id");
    while (st.step())
        out.push_back(st.int64(0));
    return out;
}

// --- plan edits ---

std::int64_t Session::addPlanEdit(const std::string& editJson) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "INSERT INTO plan_edits(edit, created_at) VALUES(?, ?)");
    st.bind(1, editJson).bind(2, nowIso8601()).run();
    return db_->lastInsertId();
}

void Session::removePlanEdit(std::int64_t editId) {
    requireWritable();
    std::lock_guard g(mutex_);
    SqliteDatabase::Statement st(*db_, "DELETE FROM plan_edits WHERE id = ?");
    st.bind(1, editId).run();
}

std::vector<std::pair<std::int64_t, std::string>> Session::planEdits() const {
    std::lock_guard g(mutex_);
    std::vector<std::pair<std::int64_t, std::string>> out;
    SqliteDatabase::Statement st(*db_, "SELECT id, edit FROM plan_edits ORDER BY id");
    while (st.step())
        out.emplace_back(st.int64(0), st.text(1));
    return out;
}

} // namespace docdesk::journal
