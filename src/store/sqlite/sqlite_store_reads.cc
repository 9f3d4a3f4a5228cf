#include "store/row_mapping.h"
#include "store/shared_sql.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/stat_minutes.h"

namespace quell::store {

Result<std::optional<Incident>> SqliteStore::GetIncident(int64_t id) {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlGetIncident>));
  s->Bind(1, id);
  return QueryOne(*s, ReadIncident<SqliteStatement>);
}

Result<std::vector<Incident>> SqliteStore::ListIncidents(const IncidentQuery& q) {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  const int64_t before = q.before_id > 0 ? q.before_id : INT64_MAX;
  const std::string status = q.status ? model::IncidentStatusName(*q.status) : "";
  SqliteStatement* s = nullptr;
  if (q.service.empty()) {
    QUELL_ASSIGN_OR_RETURN(s, r.db().Prepare(SqliteSql<kSqlListIncidents>));
  } else {
    QUELL_ASSIGN_OR_RETURN(s, r.db().Prepare(SqliteSql<kSqlListIncidentsOfService>));
    s->Bind(4, q.service);
  }
  s->Bind(1, before).Bind(2, status).Bind(3, int64_t{std::max(1, q.limit)});
  return CollectRows(*s, [](const SqliteStatement& row) { return ReadIncident(row); });
}

Result<std::vector<Alert>> SqliteStore::ListAlerts(int64_t incident_id, size_t limit,
                                                   int64_t after_id) {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  QUELL_ASSIGN_OR_RETURN(
      auto* s, r.db().Prepare("SELECT " ALERT_COLUMNS " FROM alerts WHERE incident_id = ?1 AND "
                              "id > ?3 ORDER BY id LIMIT ?2"));
  s->Bind(1, incident_id)
      .Bind(2, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit))
      .Bind(3, after_id);
  return CollectRows(*s, [](const SqliteStatement& row) { return ReadAlert(row); });
}

Result<std::vector<Event>> SqliteStore::ListEvents(int64_t incident_id) {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlListEvents>));
  s->Bind(1, incident_id);
  return CollectRows(*s, [](const SqliteStatement& row) { return ReadEvent(row); });
}

Result<int64_t> SqliteStore::CountIncidents(std::optional<model::IncidentStatus> status,
                                            bool latest) {
  ReaderPool::Lease r(Readers(latest ? Sees::kBatch : Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlCountIncidents>));
  s->Bind(1, std::string_view(status ? model::IncidentStatusName(*status) : ""));
  return QueryCount(*s);
}

Status SqliteStore::Ping() {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT 1"));
  return QueryCount(*s).has_value() ? Status::Ok() : Unavailable("the database did not answer");
}

Result<int64_t> SqliteStore::CountAlerts() {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare(SqliteSql<kSqlCountAlerts>));
  return QueryCount(*s);
}

Result<NoiseStats> SqliteStore::GetStats(const StatsQuery& q) {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  return QueryStatMinutes(r.db(), q);
}

Result<std::vector<model::Deploy>> SqliteStore::ListDeploys(const DeployQuery& q) {
  ReaderPool::Lease r(Readers(Sees::kBatch));
  // The effective time: finished_at, else started_at, else received_at.
  QUELL_ASSIGN_OR_RETURN(
      auto* s, r.db().Prepare("SELECT " DEPLOY_COLUMNS " FROM deploys WHERE (?1 = '' OR "
                              "service IN (SELECT value FROM json_each(?1))) AND "
                              "coalesce(nullif(finished_at, 0), nullif(started_at, 0), "
                              "received_at) BETWEEN ?2 AND ?3 ORDER BY coalesce(nullif("
                              "finished_at, 0), nullif(started_at, 0), received_at) DESC, id "
                              "DESC LIMIT ?4"));
  s->Bind(1, q.services.empty() ? std::string() : EncodeList(q.services))
      .Bind(2, q.since)
      .Bind(3, q.until > 0 ? q.until : INT64_MAX)
      .Bind(4, int64_t{std::max(1, q.limit)});
  return CollectRows(*s, [](const SqliteStatement& row) { return ReadDeploy(row); });
}
}  // namespace quell::store
