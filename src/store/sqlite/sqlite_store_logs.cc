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

// One writer commits the lines in id order, so the id alone is the cursor (tx stays 0) and no
// line is ever held back.
Result<LogPage> SqliteStore::ReadLogsAfter(const LogCursor& after, int limit) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT " LOG_ENTRY_COLUMNS " FROM log_entries "
                                                 "WHERE id > ?1 ORDER BY id LIMIT ?2"));
  s->Bind(1, after.id).Bind(2, int64_t{std::max(1, limit)});
  LogPage page;
  QUELL_ASSIGN_OR_RETURN(page.entries, CollectRows(*s, [](const SqliteStatement& row) {
                           return ReadLogEntry(row);
                         }));
  page.next = page.entries.empty() ? after : LogCursor{0, page.entries.back().id};
  return page;
}

Result<int64_t> SqliteStore::CountLogsAfter(const LogCursor& after, const std::string& service,
                                            TimeMs since, TimeMs until) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(
      auto* s, r.db().Prepare(service.empty()
                                  ? "SELECT count(*) FROM log_entries WHERE ?1 = '' AND ts "
                                    "BETWEEN ?2 AND ?3 AND id > ?4"
                                  : "SELECT count(*) FROM log_entries WHERE service = ?1 AND ts "
                                    "BETWEEN ?2 AND ?3 AND id > ?4"));
  s->Bind(1, service).Bind(2, since).Bind(3, until).Bind(4, after.id);
  return QueryCount(*s);
}

}  // namespace quell::store
