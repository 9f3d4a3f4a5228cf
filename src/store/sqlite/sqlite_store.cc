#include "store/sqlite/sqlite_store.h"

#include <algorithm>

#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/sqlite/ticker.h"
#include "store/sqlite/wal_checkpointer.h"

namespace quell::store {

SqliteStore::SqliteStore() = default;

SqliteStore::~SqliteStore() {
  flusher_.reset();
  if (checkpointer_) checkpointer_->Stop();
  if (batch_.log) {
    std::lock_guard lock(write_mu_);
    (void)Flush();
  }
  checkpointer_.reset();  // leaves the WAL file empty
}

Status SqliteStore::Open(const SqliteOptions& options) {
  QUELL_ASSIGN_OR_RETURN(writer_, SqliteDb::Open(options.path, true, options.synchronous_full));
  QUELL_RETURN_IF_ERROR(MigrateSqlite(*writer_));
  // The process that holds the redo log batches its transactions and replays what a crash
  // left in the log; another process (a CLI command beside `quell serve`) writes directly.
  if (options.batch_interval_ms > 0) {
    auto log = RedoLog::Open(options.path + "-redo", options.synchronous_full);
    if (log) {
      batch_.log = std::move(*log);
      std::lock_guard lock(write_mu_);
      QUELL_RETURN_IF_ERROR(Recover());
    } else if (log.error().code() != StatusCode::kUnavailable) {
      return log.error();
    }
  }
  QUELL_ASSIGN_OR_RETURN(checkpointer_,
                         WalCheckpointer::Open(options.path, options.wal_limit_bytes, *writer_));
  if (batch_.log) {
    // Commits the batch every batch interval, so that readers in other processes see it, the
    // write lock is free for them now and then, and the redo log holds one interval at most.
    flusher_ = std::make_unique<Ticker>(std::max<TimeMs>(1, options.batch_interval_ms), [this] {
      std::lock_guard write_lock(write_mu_);
      (void)Flush();
    });
  }
  checkpointer_->Start(write_mu_, [this] {
    (void)Flush();
    return !batch_.open;
  });
  return readers_.Open(options.path, options.readers);
}

Result<std::unique_ptr<StoreTx>> SqliteStore::Begin() {
  QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
  return std::unique_ptr<StoreTx>(std::move(tx));
}

ReaderPool& SqliteStore::Readers(Sees sees) {
  // A thread inside a write transaction reads what SQLite holds (it cannot flush its own).
  if (sees == Sees::kBatch && batch_.pending && owner_.load() != std::this_thread::get_id()) {
    std::lock_guard lock(write_mu_);
    (void)Flush();  // on failure the read sees the last commit
  }
  return readers_;
}

Result<std::unique_lock<std::mutex>> SqliteStore::LockDirect() {
  std::unique_lock lock(write_mu_);
  QUELL_RETURN_IF_ERROR(Flush());
  return lock;
}

Result<std::unique_ptr<SqliteTx>> SqliteStore::BeginDirect() {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  QUELL_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
  return std::make_unique<SqliteTx>(*writer_, std::move(lock), nullptr, owner_);
}

Result<std::unique_ptr<SqliteTx>> SqliteStore::BeginWrite(bool open_batch) {
  if (!batch_.log) return BeginDirect();
  std::unique_lock lock(write_mu_);
  if (batch_.broken) QUELL_RETURN_IF_ERROR(Recover());
  if (open_batch) QUELL_RETURN_IF_ERROR(batch_.Begin(*writer_));
  return std::make_unique<SqliteTx>(*writer_, std::move(lock), &batch_, owner_);
}

Status SqliteStore::Flush() {
  if (batch_.broken) return Recover();
  if (!batch_.open) return Status::Ok();
  // On failure nothing acknowledged is lost: it is all in the log. Start over from it.
  if (!batch_.Commit(*writer_).ok()) return Recover();
  if (checkpointer_) checkpointer_->TruncateIfOverLimit(*writer_);
  return Status::Ok();
}

Status SqliteStore::Recover() { return batch_.Replay(*writer_); }

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  auto store = std::make_unique<SqliteStore>();
  QUELL_RETURN_IF_ERROR(store->Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

Result<RedoRepair> RepairSqliteRedoLog(const std::string& path) {
  uint64_t applied = 0;  // what the database holds: older records after the bad one are stale
  if (auto db = SqliteDb::Open(path, false, false)) {
    if (auto seq = AppliedSeq(**db)) applied = *seq;
  }
  return RedoLog::Repair(path + "-redo", applied);
}

}  // namespace quell::store
