#include "store/sqlite/wal_checkpointer.h"

#include <sys/stat.h>

#include <algorithm>
#include <utility>

#include "store/sqlite/sqlite_db.h"

namespace quell::store {
namespace {

// Copies the whole WAL into the database and truncates it to nothing. Never waits: a reader
// still on an older snapshot (or another process's write) makes it fail at once, and the next
// try comes a batch interval later. Called with the store's write lock held and no batch open.
Status TruncateWal(SqliteDb& db) { return db.Checkpoint(SQLITE_CHECKPOINT_TRUNCATE, false); }

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Open(const std::string& path,
                                                               int64_t limit_bytes,
                                                               SqliteDb& writer) {
  // Checkpoints (copying the WAL back into the database, with an fsync) run on a background
  // thread instead of inside whichever commit crosses the WAL size limit.
  QUELL_RETURN_IF_ERROR(writer.Exec("PRAGMA wal_autocheckpoint=0;"));
  QUELL_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(path, false, false));
  limit_bytes = std::max<int64_t>(0, limit_bytes);
  if (limit_bytes > 0) {
    // A WAL SQLite restarts from its start is cut back to the limit.
    const std::string limit = "PRAGMA journal_size_limit=" + std::to_string(limit_bytes) + ";";
    QUELL_RETURN_IF_ERROR(writer.Exec(limit.c_str()));
    QUELL_RETURN_IF_ERROR(db->Exec(limit.c_str()));
  }
  return std::unique_ptr<WalCheckpointer>(
      new WalCheckpointer(std::move(db), path + "-wal", limit_bytes));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteDb> db, std::string wal_path,
                                 int64_t limit_bytes)
    : db_(std::move(db)), wal_path_(std::move(wal_path)), limit_bytes_(limit_bytes) {}

WalCheckpointer::~WalCheckpointer() {
  Stop();
  // The WAL file is left empty.
  (void)db_->Exec("PRAGMA wal_checkpoint(TRUNCATE);");
}

void WalCheckpointer::Start(std::mutex& write_mu, std::function<bool()> commit_batch) {
  write_mu_ = &write_mu;
  commit_batch_ = std::move(commit_batch);
  ticker_ = std::make_unique<Ticker>(500, [this] { Tick(); });
}

void WalCheckpointer::Stop() { ticker_.reset(); }

void WalCheckpointer::TruncateIfOverLimit(SqliteDb& writer) {
  if (limit_bytes_ > 0 && WalBytes() > limit_bytes_) (void)TruncateWal(writer);
}

void WalCheckpointer::Tick() {
  if (WalBytes() > 0) {
    // PASSIVE never blocks writers or readers.
    (void)db_->Checkpoint(SQLITE_CHECKPOINT_PASSIVE, false);
    const int64_t wal = WalBytes();
    const bool idle = wal == last_seen_wal_;
    if (wal > 0 && ((limit_bytes_ > 0 && wal >= limit_bytes_ / 2) || idle)) {
      std::lock_guard write_lock(*write_mu_);
      if (commit_batch_()) (void)TruncateWal(*db_);
    }
  }
  last_seen_wal_ = WalBytes();
}

int64_t WalCheckpointer::WalBytes() const {
  struct stat st {};
  return ::stat(wal_path_.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

}  // namespace quell::store
