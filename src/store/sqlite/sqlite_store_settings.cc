#include "store/shared_sql.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace quell::store {

Result<std::optional<std::string>> SqliteStore::GetSetting(const std::string& key) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlGetSetting>));
  s->Bind(1, key);
  return QueryOne(*s, [](const SqliteStatement& row) { return row.Text(0); });
}

Status SqliteStore::PutSetting(const std::string& key, const std::string& value) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare(SqliteSql<kSqlPutSetting>));
  s->Bind(1, key).Bind(2, value);
  return s->Run();
}

Result<bool> SqliteStore::DeleteSetting(const std::string& key) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare(SqliteSql<kSqlDeleteSetting>));
  s->Bind(1, key);
  QUELL_RETURN_IF_ERROR(s->Run());
  return writer_->Changes() > 0;
}

Result<bool> SqliteStore::SwapSetting(const std::string& key,
                                      const std::optional<std::string>& expected,
                                      const std::optional<std::string>& desired) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());  // the one writer: nobody writes between
  SqliteStatement* s = nullptr;
  if (!expected && !desired) {
    QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare("SELECT 1 FROM settings WHERE key = ?1"));
    s->Bind(1, key);
    QUELL_ASSIGN_OR_RETURN(auto found, QueryOne(*s, [](const SqliteStatement&) { return 1; }));
    return !found;
  }
  if (!expected) {
    QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare(SqliteSql<kSqlInsertSettingIfAbsent>));
    s->Bind(1, key).Bind(2, *desired);
  } else if (!desired) {
    QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare(SqliteSql<kSqlDeleteSettingIfValue>));
    s->Bind(1, key).Bind(2, *expected);
  } else {
    QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare(SqliteSql<kSqlUpdateSettingIfValue>));
    s->Bind(1, key).Bind(2, *expected).Bind(3, *desired);
  }
  QUELL_RETURN_IF_ERROR(s->Run());
  return writer_->Changes() > 0;
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::ListSettings(
    const std::string& prefix) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT key, value FROM settings WHERE "
                                                 "substr(key, 1, length(?1)) = ?1 ORDER BY key"));
  s->Bind(1, prefix);
  return CollectRows(
      *s, [](const SqliteStatement& row) { return std::make_pair(row.Text(0), row.Text(1)); });
}
}  // namespace quell::store
