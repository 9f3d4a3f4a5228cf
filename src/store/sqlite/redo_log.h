// The SQLite store's redo log: what makes a write transaction durable before SQLite commits it.
//
// A SQLite commit writes every page the transaction touched to the WAL, so a transaction of a
// few alerts costs tens of KiB of page writes. The store instead runs many write transactions
// inside one SQLite transaction (a "batch", committed every batch interval or when a reader
// needs the data) and makes each one durable by appending its statements to this log first:
// one small sequential write per transaction. At open, records the database has not applied
// are replayed. Only one process uses a log at a time (an exclusive lock on the file).
//
// RedoOp is one write statement as data: which statement and its bound parameters. Replaying
// it runs the same SQL with the same values, so the log needs no encoding of Quell's types.
// Not thread-safe: the store uses it under its write lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/sqlite/sqlite_db.h"

namespace quell::store {

class RedoOp {
 public:
  explicit RedoOp(uint8_t statement) : statement_(statement) { params_.reserve(kTypicalParams); }

  uint8_t statement() const { return statement_; }
  // Parameters by 1-based index, as SqliteStatement::Bind; binding an index again replaces it.
  RedoOp& Bind(int index, int64_t value);
  RedoOp& Bind(int index, std::string_view value);
  RedoOp& Bind(int index, double value);
  RedoOp& BindNull(int index);

  // Binds without copying: the op must outlive the statement's run (then ClearBindings).
  void BindTo(SqliteStatement& statement) const;
  void AppendTo(std::string& out) const;
  // Reads one op from the front of `in` and advances it; InvalidArgument if malformed.
  static Result<RedoOp> Read(std::string_view& in);

 private:
  static constexpr size_t kTypicalParams = 24;  // the widest statement (an alert) has 22
  enum class Type : uint8_t { kNull, kInt, kDouble, kText };
  struct Param {
    Type type = Type::kNull;
    int64_t i = 0;
    double d = 0;
    std::string text;
  };
  Param& At(int index);

  uint8_t statement_;
  std::vector<Param> params_;  // params_[i] is ?(i+1)
};

struct RedoRecord {
  uint64_t seq = 0;
  std::string payload;  // RedoOps, back to back
};

class RedoLog {
 public:
  // Opens (creating) the log at `path` and locks it. Unavailable if another process holds it.
  // With `sync`, every append is fdatasync'ed (power-loss durability).
  static Result<std::unique_ptr<RedoLog>> Open(const std::string& path, bool sync);
  ~RedoLog();
  RedoLog(const RedoLog&) = delete;
  RedoLog& operator=(const RedoLog&) = delete;

  // The records from the start of the file with consecutive sequence numbers, up to the first
  // torn, corrupt or stale one (the file is overwritten from the start after each batch, so
  // older records may follow the current ones).
  Result<std::vector<RedoRecord>> ReadAll();
  // Appends one record. When this returns Ok the record survives a crash of the process.
  Status Append(uint64_t seq, std::string_view payload);
  // The next record is written at the start of the file (the database holds everything so far).
  void Rewind() { offset_ = 0; }
  uint64_t bytes_since_rewind() const { return offset_; }

 private:
  RedoLog(int fd, bool sync) : fd_(fd), sync_(sync) {}
  int fd_;
  bool sync_;
  uint64_t offset_ = 0;
  std::string frame_;  // a frame's header, reused
};

}  // namespace quell::store
