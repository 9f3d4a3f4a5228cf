// The SQLite Store: Quell's default storage, one file in the data directory.
//
// One writer connection (WAL) serves the write transaction and the job-queue updates; a small
// pool of reader connections serves reads concurrently with writes. Schema changes are numbered
// migrations applied at open (PRAGMA user_version). Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "store/sqlite/redo_log.h"
#include "store/store.h"

namespace quell::store {

struct SqliteOptions {
  std::string path;
  // fsync the WAL on every commit (power-loss durability). Process crashes never lose a
  // commit either way.
  bool synchronous_full = false;
  int readers = 4;
  // Write transactions commit into a batch: each one is made durable by a record in the redo
  // log (DB-redo) and the batch is committed to SQLite at most this often, or as soon as a
  // read needs it. 0: every transaction commits to SQLite itself.
  TimeMs batch_interval_ms = 500;
  // The SQLite WAL is checkpointed and truncated when it passes half of this, and at the latest
  // (inside a batch commit) when it passes all of it; a WAL SQLite restarts is cut back to it.
  // 0: no limit (checkpoints only as the WAL allows).
  int64_t wal_limit_bytes = int64_t{64} << 20;
};

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

// `quell repair`: when the redo log of the database at `path` has a corrupt record in the
// middle (which stops OpenSqliteStore), saves a copy of the log and cuts it before the bad
// record, so that the next open replays the records before it. Nothing to do: corrupt is false.
Result<RedoRepair> RepairSqliteRedoLog(const std::string& path);

}  // namespace quell::store
