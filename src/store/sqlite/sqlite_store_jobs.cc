#include "store/row_mapping.h"
#include "store/shared_sql.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/sqlite_tx.h"

namespace quell::store {

Result<std::optional<Job>> SqliteStore::ClaimJob(TimeMs now, TimeMs lease_ms) {
  QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite(/*open_batch=*/false));
  QUELL_ASSIGN_OR_RETURN(auto job, tx->LeaseDueJob(now, lease_ms));
  QUELL_RETURN_IF_ERROR(tx->Commit());
  return job;
}

Status SqliteStore::CompleteJob(int64_t job_id) {
  QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
  QUELL_RETURN_IF_ERROR(tx->DeleteJob(job_id));
  return tx->Commit();
}

Status SqliteStore::RetryJob(int64_t job_id, TimeMs run_at, const std::string& error,
                             bool count_attempt) {
  QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
  QUELL_RETURN_IF_ERROR(tx->ReleaseJob(job_id, run_at, error, count_attempt));
  return tx->Commit();
}

Result<std::vector<Job>> SqliteStore::ListJobs() {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlListJobs>));
  return CollectRows(*s, [](const SqliteStatement& row) { return ReadJob(row); });
}

Result<int64_t> SqliteStore::CountDueJobs(TimeMs now) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlCountDueJobs>));
  s->Bind(1, now);
  return QueryCount(*s);
}

}  // namespace quell::store
