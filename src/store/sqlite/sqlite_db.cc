#include "store/sqlite/sqlite_db.h"

#include "common/hash.h"

namespace quell::store {

int64_t FingerprintKey(std::string_view fingerprint) {
  return static_cast<int64_t>(Xxh3(fingerprint));
}

namespace {

void FingerprintKeyFunction(sqlite3_context* context, int, sqlite3_value** args) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  const auto size = static_cast<size_t>(sqlite3_value_bytes(args[0]));
  sqlite3_result_int64(context, FingerprintKey(std::string_view(text ? text : "", size)));
}

}  // namespace

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return {StatusCode::kUnavailable, std::move(message)};
  if (primary == SQLITE_CONSTRAINT) return {StatusCode::kConflict, std::move(message)};
  return {StatusCode::kInternal, std::move(message)};
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindUncopied(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}

void SqliteStatement::ClearBindings() { sqlite3_clear_bindings(stmt_); }

SqliteStatement& SqliteStatement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status error = SqliteError(db_, rc, "sqlite step");
  sqlite3_reset(stmt_);
  return Error(std::move(error));
}

Status SqliteStatement::Run() {
  for (;;) {
    QUELL_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size))
              : std::string();
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool create,
                                                 bool synchronous_full) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status error = SqliteError(raw, rc, "cannot open " + path);
    sqlite3_close(raw);
    return Error(std::move(error));
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  rc = sqlite3_create_function_v2(raw, "quell_fp_key", 1,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                  FingerprintKeyFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(SqliteError(raw, rc, "cannot register quell_fp_key"));
  // The writer (the one connection that creates) keeps the hot indexes in a 32 MiB page cache;
  // readers read through the mmap and need little of their own. The caps bound the heap: five
  // connections of 64 MiB each let RSS grow with the database for hours. Temp data never
  // touches disk.
  QUELL_RETURN_IF_ERROR(db->Exec(create ? "PRAGMA cache_size=-32768;" : "PRAGMA cache_size=-8192;"));
  QUELL_RETURN_IF_ERROR(db->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
      "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"));
  QUELL_RETURN_IF_ERROR(db->Exec(synchronous_full ? "PRAGMA synchronous=FULL;"
                                                  : "PRAGMA synchronous=NORMAL;"));
  return db;
}

SqliteDb::~SqliteDb() {
  statements_.clear();  // finalize before close
  sqlite3_close(db_);
}

Status SqliteDb::Exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  Status error = SqliteError(nullptr, rc, "sqlite exec");
  return {error.code(), "sqlite: " + text};
}

Status SqliteDb::Checkpoint(int mode, bool wait) {
  if (!wait) sqlite3_busy_timeout(db_, 0);
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, mode, nullptr, nullptr);
  if (!wait) sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "wal checkpoint");
  return Status::Ok();
}

Result<SqliteStatement*> SqliteDb::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(SqliteError(db_, rc, "sqlite prepare"));
  auto owned = std::make_unique<SqliteStatement>(db_, stmt);
  SqliteStatement* result = owned.get();
  statements_.emplace(sql, std::move(owned));
  return result;
}

}  // namespace quell::store
