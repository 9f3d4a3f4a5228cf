// Keeps the SQLite store's WAL file small: checkpoints on a thread of its own, and truncates the
// WAL when it passes a limit. Internal to the SQLite store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "store/sqlite/ticker.h"

namespace quell::store {

class SqliteDb;

// Checkpoints the WAL about every 500 ms, on a thread of its own (copying the WAL back into
// the database waits for the disk; the batch commits must not wait for it).
//
// Why the WAL grew without bound before (470 MB beside a 71 MB database after 200,000
// alerts): under sustained load the batch holds SQLite's write transaction almost all the
// time, since the next batch begins at the first write after a commit. A PASSIVE checkpoint
// copies frames back but never rewinds the WAL; SQLite starts writing the WAL from its start
// again only when a write transaction begins while every frame has been copied back and no
// reader uses it, and the next batch always began (and appended) before the checkpoint was
// done. RESTART and TRUNCATE need a moment with no writer, which the batch never left. The
// file also never shrinks by itself (no journal_size_limit), so it stayed that large while
// idle.
//
// Now: a PASSIVE checkpoint without the write lock copies most of the WAL while ingest goes
// on; then, when the WAL is past half the limit (or nothing was written since the last look,
// so the server is idle), the batch is committed and, with the write lock held so that no
// batch begins, a TRUNCATE checkpoint copies the little that came since and empties the file.
// It does not wait for readers on older snapshots (they hold it back a moment, not forever).
// Should that fall behind, TruncateIfOverLimit truncates the WAL at a batch boundary once it
// passes the limit, and journal_size_limit cuts back a WAL SQLite restarts on its own.
class WalCheckpointer {
 public:
  // Opens a connection of its own to the database at `path`. With a limit, `writer` (the
  // store's writer connection) cuts back a WAL SQLite restarts to it too.
  static Result<std::unique_ptr<WalCheckpointer>> Open(const std::string& path, int64_t limit_bytes,
                                                       SqliteDb& writer);
  // Stops the thread and leaves the WAL file empty.
  ~WalCheckpointer();

  // Starts the thread. `commit_batch` is called with `write_mu` (the store's write lock) held:
  // it commits the store's batch and says whether no batch is open now (SQLite's write lock is
  // free for the truncation).
  void Start(std::mutex& write_mu, std::function<bool()> commit_batch);
  // Stops the thread, after the checkpoint in progress if any.
  void Stop();
  // Called at a batch boundary, the one moment the store holds no SQLite write transaction:
  // past the limit (the background checkpoints could not keep up), truncates the WAL there.
  void TruncateIfOverLimit(SqliteDb& writer);

 private:
  WalCheckpointer(std::unique_ptr<SqliteDb> db, std::string wal_path, int64_t limit_bytes);
  void Tick();
  int64_t WalBytes() const;

  std::unique_ptr<SqliteDb> db_;
  std::string wal_path_;
  int64_t limit_bytes_;  // 0: none
  std::mutex* write_mu_ = nullptr;
  std::function<bool()> commit_batch_;
  int64_t last_seen_wal_ = -1;
  std::unique_ptr<Ticker> ticker_;
};

}  // namespace quell::store
