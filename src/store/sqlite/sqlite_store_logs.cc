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

// One writer: the lines remembered before each DELETE are the ones it removes (the id is the
// cursor), and one transaction holds both, so a line is either still stored or remembered.
Status SqliteStore::PruneLogs(TimeMs older_than, int64_t max_rows,
                              const std::optional<LogCursor>& remember_after) {
  std::unique_ptr<SqliteTx> tx;
  std::unique_lock<std::mutex> lock;
  if (remember_after) {
    QUELL_ASSIGN_OR_RETURN(tx, BeginDirect());
  } else {
    QUELL_ASSIGN_OR_RETURN(lock, LockDirect());
  }
  auto remember = [&](const char* sql, int64_t bound) -> Status {
    if (!remember_after) return Status::Ok();
    QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare(sql));
    s->Bind(1, remember_after->id).Bind(2, bound);
    return s->Run();
  };
  QUELL_RETURN_IF_ERROR(remember("INSERT OR IGNORE INTO log_pruned (tx, id, service, ts) SELECT "
                                 "0, id, service, ts FROM log_entries WHERE id > ?1 AND ts < ?2",
                                 older_than));
  QUELL_ASSIGN_OR_RETURN(auto* old, writer_->Prepare(SqliteSql<kSqlPruneOldLogs>));
  old->Bind(1, older_than);
  QUELL_RETURN_IF_ERROR(old->Run());
  QUELL_RETURN_IF_ERROR(remember("INSERT OR IGNORE INTO log_pruned (tx, id, service, ts) SELECT "
                                 "0, id, service, ts FROM log_entries WHERE id > ?1 AND id <= "
                                 "(SELECT max(id) FROM log_entries) - ?2",
                                 max_rows));
  QUELL_ASSIGN_OR_RETURN(auto* excess, writer_->Prepare(SqliteSql<kSqlPruneExcessLogs>));
  excess->Bind(1, max_rows);
  QUELL_RETURN_IF_ERROR(excess->Run());
  if (!tx) return Status::Ok();
  QUELL_ASSIGN_OR_RETURN(auto* forget, writer_->Prepare("DELETE FROM log_pruned WHERE id <= ?1"));
  forget->Bind(1, remember_after->id);
  QUELL_RETURN_IF_ERROR(forget->Run());
  return tx->Commit();
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

Result<std::vector<PrunedLines>> SqliteStore::CountPrunedBetween(const LogCursor& after,
                                                               const LogCursor& upto,
                                                               const std::vector<int64_t>& read) {
  std::string ids = "[";
  for (int64_t id : read) ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
  ids += "]";
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(
      auto* s, r.db().Prepare("SELECT service, ts - ts % 60000, count(*) FROM log_pruned WHERE "
                              "id > ?1 AND id <= ?2 AND id NOT IN (SELECT value FROM "
                              "json_each(?3)) GROUP BY 1, 2 ORDER BY 1, 2"));
  s->Bind(1, after.id).Bind(2, upto.id).Bind(3, ids);
  return CollectRows(*s, [](const SqliteStatement& row) {
    return PrunedLines{row.Text(0), row.Int(1), row.Int(2)};
  });
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
