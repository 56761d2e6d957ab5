#pragma once
// A thin RAII layer over the SQLite C API for the journal (and later the outbox and ledger).
// Errors become JournalError carrying SQLite's message.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace docdesk::journal {

class SqliteDatabase {
  public:
    enum class Mode { ReadWriteCreate, ReadWrite, ReadOnly };
    SqliteDatabase(const std::filesystem::path& file, Mode mode);
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;
    ~SqliteDatabase();

    void exec(const char* sql);

    class Statement {
      public:
        Statement(SqliteDatabase& db, const char* sql);
        Statement(const Statement&) = delete;
        Statement& operator=(const Statement&) = delete;
        ~Statement();
        Statement& bind(int index, std::int64_t value);
        Statement& bind(int index, const std::string& value);
        Statement& bindNull(int index);
        // True when a row is available; false when done.
        bool step();
        void run() {
            while (step()) {
            }
        }
        std::int64_t int64(int column) const;
        std::string text(int column) const;
        std::optional<std::string> optionalText(int column) const;
        void reset();

      private:
        SqliteDatabase& db_;
        sqlite3_stmt* stmt_ = nullptr;
    };

    // Rolls back unless committed.
    class Transaction {
      public:
        explicit Transaction(SqliteDatabase& db);
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;
        ~Transaction();
        void commit();

      private:
        SqliteDatabase& db_;
        bool done_ = false;
    };

    std::int64_t lastInsertId() const;
    [[noreturn]] void fail(const std::string& what) const;

  private:
    sqlite3* db_ = nullptr;
    std::filesystem::path file_;
};

} // namespace docdesk::journal
