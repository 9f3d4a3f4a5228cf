// The SQLite store's batch: the write transactions that committed into the redo log and into
// the one open SQLite transaction, not yet into SQLite. Many transactions, one SQLite commit
// (group commit); the log makes each one durable before that. Internal to the SQLite store:
// the store guards a Batch with its write lock and decides when to commit it (sqlite_store.cc).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/status.h"
#include "store/sqlite/hot_rows.h"
#include "store/sqlite/redo_log.h"

namespace quell::store {

class SqliteDb;

struct Batch {
  std::unique_ptr<RedoLog> log;
  bool open = false;         // BEGIN issued, COMMIT not yet
  uint64_t applied_seq = 0;  // the last record the database holds
  uint64_t next_seq = 1;
  std::atomic<bool> pending{false};  // records the database does not hold yet
  bool broken = false;  // the open transaction was lost: replay the log before going on
  // dedup_key -> X: a pending job with this key and run_at <= X exists (the store is the only
  // writer: it holds the log). Ingest enqueues the same few jobs with every transaction; this
  // spares the upserts that would change nothing. A claim forgets its key.
  std::unordered_map<std::string, TimeMs> pending_jobs;
  // The redo record being built by the transaction in progress; kept between transactions so
  // that a big one does not grow (and page in) a fresh buffer each time.
  std::string record;
  HotRows hot;

  // Starts the batch's SQLite transaction on `db` (the writer) if it is not running.
  Status Begin(SqliteDb& db);
  // Commits the open batch to SQLite, with the last record it holds, and empties the log. On
  // failure the batch is rolled back and marked broken: nothing acknowledged is lost (it is
  // all in the log), Replay brings SQLite up to the log.
  Status Commit(SqliteDb& db);
  // Brings SQLite up to the redo log: replays, in one transaction, every record the database
  // does not hold (after a crash, or after a failed batch).
  Status Replay(SqliteDb& db);
};

// dedup_key -> run_at maps keep the earliest run_at per key.
void KeepEarliest(std::unordered_map<std::string, TimeMs>& jobs, const std::string& key,
                  TimeMs run_at);

// The sequence number of the last redo record the database at `db` holds.
Result<uint64_t> AppliedSeq(SqliteDb& db);

}  // namespace quell::store
