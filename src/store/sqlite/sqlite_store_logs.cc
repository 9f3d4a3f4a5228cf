#include <algorithm>
#include <cstdint>

#include "store/row_mapping.h"
#include "store/shared_sql.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/sqlite_tx.h"

namespace quell::store {

Status SqliteStore::AppendLogs(std::vector<model::LogEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  QUELL_ASSIGN_OR_RETURN(auto tx, BeginDirect());
  for (auto& e : entries) {
    QUELL_ASSIGN_OR_RETURN(
        auto* s, writer_->Prepare("INSERT INTO log_entries (service, ts, level, message, "
                                  "template_id, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    BindLogEntry(*s, e);
    QUELL_RETURN_IF_ERROR(s->Run());
    e.id = writer_->LastInsertId();
  }
  return tx->Commit();
}

Result<std::vector<model::LogEntry>> SqliteStore::ListLogs(const LogQuery& q) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlListLogs>));
  s->Bind(1, q.service)
      .Bind(2, q.since)
      .Bind(3, q.until > 0 ? q.until : INT64_MAX)
      .Bind(4, int64_t{std::max(1, q.limit)});
  return CollectRows(*s, [](const SqliteStatement& row) { return ReadLogEntry(row); });
}

Status SqliteStore::PruneLogs(TimeMs older_than, int64_t max_rows) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  QUELL_ASSIGN_OR_RETURN(auto* old, writer_->Prepare(SqliteSql<kSqlPruneOldLogs>));
  old->Bind(1, older_than);
  QUELL_RETURN_IF_ERROR(old->Run());
  QUELL_ASSIGN_OR_RETURN(auto* excess, writer_->Prepare(SqliteSql<kSqlPruneExcessLogs>));
  excess->Bind(1, max_rows);
  return excess->Run();
}

}  // namespace quell::store
