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
};

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace quell::store
