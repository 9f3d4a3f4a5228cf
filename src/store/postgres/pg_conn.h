// A thin RAII wrapper over libpq: a connection that prepares each statement once (by its SQL
// text) and runs it with parameters in text format, and a result with column helpers. libpq's
// header stays in pg_conn.cc. Not thread-safe: one thread per connection at a time (PgPool
// hands connections out).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

struct pg_conn;    // PGconn
struct pg_result;  // PGresult

namespace quell::store {

// Statement parameters by 1-based index ($N), sent as text with their type, so that a
// parameter the statement does not use (the shared binders bind every field) is still typed.
// Unbound indexes below the highest are NULL text. Text is stored as ToStorableUtf8 makes it
// (common/text.h): NUL and invalid UTF-8 bytes become U+FFFD.
class PgParams {
 public:
  PgParams& Bind(int index, int64_t value);
  PgParams& Bind(int index, std::string_view value);
  PgParams& BindNull(int index);

 private:
  friend class PgConn;
  struct Param {
    std::string text;
    uint32_t type = 25;  // TEXTOID
    bool null = true;
  };
  Param& At(int index);
  std::vector<Param> params_;
};

class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  int rows() const;
  // Rows an INSERT, UPDATE or DELETE changed.
  int64_t changed() const;
  int64_t Int(int row, int column) const;
  std::string Text(int row, int column) const;

 private:
  friend class PgConn;
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// One row of a result, as the shared row readers (row_mapping.h) take it.
class PgRow {
 public:
  PgRow(const PgResult& result, int row) : result_(result), row_(row) {}
  int64_t Int(int column) const { return result_.Int(row_, column); }
  std::string Text(int column) const { return result_.Text(row_, column); }

 private:
  const PgResult& result_;
  int row_;
};

// What names a transaction on the server: its id (xid8, as a number) and the backend (pid)
// running it. What a COMMIT whose answer was lost is looked up by (pg_lost_commit.h).
struct PgTxIdentity {
  int64_t xid = 0;
  int64_t backend_pid = 0;
};

// A NOTIFY received on a LISTENing connection.
struct PgNotification {
  std::string channel;
  std::string payload;
};

class PgConn {
 public:
  // Connects to `url` (postgres://user:pass@host:port/db or any libpq connection string). The
  // error never repeats the URL (it may hold a password).
  static Result<std::unique_ptr<PgConn>> Open(const std::string& url);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs one or more statements without parameters (BEGIN, migrations).
  Status Exec(const std::string& sql);
  // BEGIN, with the new transaction's id and backend, in the same round trip.
  Result<PgTxIdentity> Begin();
  // Runs `sql` (a string literal: its address is the key of the prepared statement) with
  // `params`.
  Result<PgResult> Query(const char* sql, const PgParams& params = {});
  // COMMIT, failing unless the transaction did commit (a failed statement earlier makes
  // PostgreSQL answer COMMIT with a rollback). Failing with the connection lost (`ok()` false
  // after) says nothing of the transaction: the COMMIT may have been carried out.
  Status Commit();
  // False once the connection is lost: the pool opens a new one instead of reusing it.
  bool ok() const;
  // On a connection that LISTENs: waits up to `timeout_ms` for a notification and takes all
  // that arrived, in the order PostgreSQL sent them (commit order); none after the timeout.
  // Unavailable when the connection is lost.
  Result<std::vector<PgNotification>> AwaitNotifications(int timeout_ms);

 private:
  explicit PgConn(pg_conn* conn) : conn_(conn) {}
  // Runs `sql` (one or more statements, no parameters): the last one's result.
  Result<PgResult> Run(const char* sql);
  pg_conn* conn_;
  std::unordered_map<const char*, std::string> prepared_;  // SQL -> statement name
};

}  // namespace quell::store
