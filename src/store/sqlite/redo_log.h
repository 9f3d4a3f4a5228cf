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

namespace quell::store {

// sqlite_db.h (and sqlite3.h) stay out of this header: sqlite_store.h, which many files include,
// includes it for RedoRepair.
class SqliteStatement;

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

// What a scan of the log found.
struct RedoScan {
  std::vector<RedoRecord> records;  // from the start, consecutive
  uint64_t end = 0;                 // byte offset where they end
  uint64_t file_size = 0;
  // A bad record at `end` with an intact record after it (at `resumes_at`): corruption in the
  // middle of the log, not the torn tail a crash leaves.
  bool corrupt = false;
  uint64_t resumes_at = 0;
};

// What `quell repair` did to a log.
struct RedoRepair {
  bool corrupt = false;      // false: nothing to repair, the file is untouched
  uint64_t bad_offset = 0;   // where the bad record started: the file now ends there
  uint64_t dropped_bytes = 0;
  size_t kept_records = 0;
  std::string copy_path;     // the whole file as it was
};

class RedoLog {
 public:
  // Opens (creating) the log at `path` and locks it. Unavailable if another process holds it.
  // With `sync`, every append is fdatasync'ed (power-loss durability). A new file's directory
  // is fsynced, so that the file itself survives a power failure.
  static Result<std::unique_ptr<RedoLog>> Open(const std::string& path, bool sync);
  ~RedoLog();
  RedoLog(const RedoLog&) = delete;
  RedoLog& operator=(const RedoLog&) = delete;

  // The records from the start of the file with consecutive sequence numbers, up to the end of
  // the file, a torn last record (a crash in the middle of an append: dropped) or a stale one
  // (sequence number at most `applied_seq` or not following: left by a log that was rewound
  // without being truncated). A bad record followed by an intact one with a newer sequence
  // number is corruption: InvalidArgument naming the file and the byte offset, and how to go
  // on (`quell repair`).
  Result<std::vector<RedoRecord>> ReadAll(uint64_t applied_seq = 0);
  Result<RedoScan> Scan(uint64_t applied_seq);
  // Appends one record. When this returns Ok the record survives a crash of the process.
  Status Append(uint64_t seq, std::string_view payload);
  // Empties the file (the database holds everything so far); the next record is written at its
  // start. On failure the next records overwrite the old ones from the start, which ReadAll
  // tells apart by their sequence numbers.
  Status Truncate();
  uint64_t bytes_since_rewind() const { return offset_; }
  const std::string& path() const { return path_; }

  // For `quell repair`: when the log at `path` has a corrupt record in the middle, copies the
  // file to `path`.corrupt-<UTC time> and cuts it before the bad record (keeping every record
  // before it). Unavailable if a process holds the log.
  static Result<RedoRepair> Repair(const std::string& path, uint64_t applied_seq);

 private:
  RedoLog(int fd, bool sync, std::string path) : fd_(fd), sync_(sync), path_(std::move(path)) {}
  int fd_;
  bool sync_;
  std::string path_;
  uint64_t offset_ = 0;
  std::string frame_;  // a frame's header, reused
};

}  // namespace quell::store
