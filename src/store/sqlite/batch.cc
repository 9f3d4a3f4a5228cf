#include "store/sqlite/batch.h"

#include <algorithm>

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"
#include "store/sqlite/write_statements.h"

namespace quell::store {
namespace {

Status SetAppliedSeq(SqliteDb& db, uint64_t seq) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("UPDATE redo_state SET applied_seq = ?1"));
  s->Bind(1, static_cast<int64_t>(seq));
  return s->Run();
}

}  // namespace

Status Batch::Begin(SqliteDb& db) {
  if (open) return Status::Ok();
  QUELL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  open = true;
  // Another process (a CLI beside the server) may have written since the last batch.
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("PRAGMA data_version"));
  QUELL_ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t version = row ? s->Int(0) : -1;
  s->Reset();
  if (version != hot.data_version) {
    hot.Clear();
    hot.data_version = version;
  }
  return Status::Ok();
}

Status Batch::Commit(SqliteDb& db) {
  const uint64_t last = next_seq - 1;
  Status status = Status::Ok();
  if (last > applied_seq) status = SetAppliedSeq(db, last);
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok()) {
    (void)db.Exec("ROLLBACK");
    open = false;
    broken = true;
    return status;
  }
  open = false;
  applied_seq = last;
  pending = false;
  // The database holds every record now: empty the log (a failure only means the next
  // records overwrite these, which replay tells apart by sequence number).
  (void)log->Truncate();
  return Status::Ok();
}

Status Batch::Replay(SqliteDb& db) {
  pending_jobs.clear();
  hot.Clear();
  if (open) {
    (void)db.Exec("ROLLBACK");
    open = false;
  }
  QUELL_ASSIGN_OR_RETURN(uint64_t applied, AppliedSeq(db));
  QUELL_ASSIGN_OR_RETURN(auto records, log->ReadAll(applied));
  uint64_t last = applied;
  QUELL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status status = Status::Ok();
  for (const auto& r : records) {
    if (r.seq <= last) continue;
    if (r.seq != last + 1) break;  // not a continuation of what the database holds
    status = ReplayRecord(db, r.payload);
    if (!status.ok()) break;
    last = r.seq;
  }
  if (status.ok()) status = SetAppliedSeq(db, last);
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok()) {
    (void)db.Exec("ROLLBACK");
    return Internal("cannot replay the redo log: " + status.message());
  }
  applied_seq = last;
  next_seq = last + 1;
  pending = false;
  broken = false;
  QUELL_RETURN_IF_ERROR(log->Truncate());
  return Status::Ok();
}

void KeepEarliest(std::unordered_map<std::string, TimeMs>& jobs, const std::string& key,
                  TimeMs run_at) {
  auto [entry, added] = jobs.emplace(key, run_at);
  if (!added) entry->second = std::min(entry->second, run_at);
}

Result<uint64_t> AppliedSeq(SqliteDb& db) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("SELECT applied_seq FROM redo_state"));
  QUELL_ASSIGN_OR_RETURN(int64_t applied, QueryCount(*s));
  return static_cast<uint64_t>(applied);
}

}  // namespace quell::store
