// A thin RAII wrapper over the sqlite3 C API: a connection with a cache of prepared statements,
// and a statement with bind/step/column helpers. Not thread-safe: one thread per connection at a
// time (SqliteStore guards connections with its own locks).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

namespace quell::store {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binds parameters by 1-based index; strings are copied by SQLite (SQLITE_TRANSIENT).
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view value);
  SqliteStatement& Bind(int index, double value);
  SqliteStatement& BindNull(int index);
  // Binds text without copying it: `value` must stay alive and unchanged until ClearBindings
  // (or a new binding of the index).
  SqliteStatement& BindUncopied(int index, std::string_view value);
  void ClearBindings();

  // Steps once: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion (for statements that return no rows).
  Status Run();
  // Ready for reuse: resets and clears bindings. Done automatically by SqliteDb::Prepare.
  void Reset();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// The integer key alerts are indexed by instead of their fingerprint text (schema.cc, 11): half
// the index size, so a storm of new alerts, each a random insert into that index, writes half
// the pages. Every connection has it as the SQL function quell_fp_key(text).
int64_t FingerprintKey(std::string_view fingerprint);

class SqliteDb {
 public:
  // Opens (creating if asked) the database file with the pragmas Quell relies on: WAL,
  // busy_timeout, foreign_keys, synchronous NORMAL or FULL. The connection that creates is the
  // writer and gets the larger page cache (32 MiB; readers 8 MiB).
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool create,
                                                bool synchronous_full);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results.
  Status Exec(const char* sql);
  // A cached prepared statement, reset and ready to bind. `sql` must be a string literal (its
  // address is the cache key). The reference is valid until the next Prepare of the same SQL.
  Result<SqliteStatement*> Prepare(const char* sql);
  // Runs a WAL checkpoint (SQLITE_CHECKPOINT_PASSIVE, FULL, RESTART or TRUNCATE). Without
  // `wait`, a lock held by another connection fails it at once (Unavailable) instead of waiting
  // up to the busy timeout; a PASSIVE one never waits.
  Status Checkpoint(int mode, bool wait);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  static constexpr int kBusyTimeoutMs = 10000;
  sqlite3* db_;
  std::unordered_map<const char*, std::unique_ptr<SqliteStatement>> statements_;
};

// The Status for a failed sqlite3 call (busy/locked are Unavailable: retry later).
Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace quell::store
