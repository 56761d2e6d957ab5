#include "core/journal/SqliteDatabase.h"

#include "core/common/Error.h"
#include "core/common/Translate.h"

#include <sqlite3.h>

namespace docdesk::journal {

SqliteDatabase::SqliteDatabase(const std::filesystem::path& file, Mode mode) : file_(file) {
    int flags = SQLITE_OPEN_FULLMUTEX;
    switch (mode) {
    case Mode::ReadWriteCreate:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    case Mode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Mode::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    }
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw JournalError(trf("Cannot open the session index {}: {}", file.string(), msg));
    }
    // Another process (the CLI reading while the GUI writes) may hold the write lock briefly.
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_extended_result_codes(db_, 1);
}

SqliteDatabase::~SqliteDatabase() {
    sqlite3_close_v2(db_);
}

void SqliteDatabase::fail(const std::string& what) const {
    throw JournalError(trf("Session index {}: {} ({})", file_.string(), what, sqlite3_errmsg(db_)));
}

void SqliteDatabase::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw JournalError(trf("Session index {}: {}", file_.string(), msg));
    }
}

std::int64_t SqliteDatabase::lastInsertId() const {
    return sqlite3_last_insert_rowid(db_);
}

SqliteDatabase::Statement::Statement(SqliteDatabase& db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db.db_, sql, -1, &stmt_, nullptr) != SQLITE_OK)
        db.fail("cannot prepare statement");
}

SqliteDatabase::Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
        db_.fail("cannot bind value");
    return *this;
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bind(int index, const std::string& value) {
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK)
        db_.fail("cannot bind value");
    return *this;
}

SqliteDatabase::Statement& SqliteDatabase::Statement::bindNull(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK)
        db_.fail("cannot bind value");
    return *this;
}

bool SqliteDatabase::Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    db_.fail("statement failed");
}

std::int64_t SqliteDatabase::Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string SqliteDatabase::Statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

std::optional<std::string> SqliteDatabase::Statement::optionalText(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL)
        return std::nullopt;
    return text(column);
}

void SqliteDatabase::Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

SqliteDatabase::Transaction::Transaction(SqliteDatabase& db) : db_(db) {
    db_.exec("BEGIN IMMEDIATE");
}

SqliteDatabase::Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
        }
    }
}

void SqliteDatabase::Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

} // namespace docdesk::journal
