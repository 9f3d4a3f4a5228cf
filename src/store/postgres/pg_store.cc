#include "store/postgres/pg_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "common/hash.h"
#include "store/change_watch.h"
#include "store/postgres/pg_announcer.h"
#include "store/postgres/pg_auth_tables.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_log_cursor.h"
#include "store/postgres/pg_lost_commit.h"
#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_schema.h"
#include "store/row_mapping.h"
#include "store/shared_sql.h"
#include "store/stat_window.h"

namespace quell::store {
namespace {

// Every row of `result`, read by `read`.
template <typename Read>
auto Rows(const PgResult& result, Read read) {
  std::vector<decltype(read(PgRow(result, 0)))> out;
  out.reserve(static_cast<size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row) out.push_back(read(PgRow(result, row)));
  return out;
}

// The first row of `result`, read by `read`, or nullopt when there is none.
template <typename Read>
auto FirstRow(const PgResult& result, Read read) -> std::optional<decltype(read(PgRow(result, 0)))> {
  if (result.rows() == 0) return std::nullopt;
  return read(PgRow(result, 0));
}

// A statement whose rows do not matter.
Status Done(const Result<PgResult>& result) { return result ? Status::Ok() : result.error(); }

constexpr auto kIncident = [](const PgRow& row) { return ReadIncident(row); };
constexpr auto kAlert = [](const PgRow& row) { return ReadAlert(row); };
constexpr auto kEvent = [](const PgRow& row) { return ReadEvent(row); };
constexpr auto kDeploy = [](const PgRow& row) { return ReadDeploy(row); };
constexpr auto kJob = [](const PgRow& row) { return ReadJob(row); };
constexpr auto kText = [](const PgRow& row) { return row.Text(0); };

// ---- The write transaction: BEGIN ... COMMIT on one pooled connection. ----
//
// Several nodes may write at once (READ COMMITTED). Every incident and alert row the engine
// reads here is locked (FOR UPDATE) until the transaction ends: it changes them in memory
// (WriteBackTx) and writes them back at the end, which would otherwise lose another node's
// change made in between. Rows that do not exist yet are guarded by LockKeys and, as a last
// resort, by unique indexes whose violation is Aborted (pg_conn.cc): the engine runs the
// transaction again and finds the other node's row.

// Advisory locks of LockKeys: the first int names Quell's keys (migrations use the one-bigint
// form, a separate space), the second is the stripe.
constexpr int64_t kKeyLockSpace = 0x51454c4c;  // "QELL"
constexpr uint64_t kKeyStripes = 256;

class PgTx final : public StoreTx {
 public:
  // `lock` is the store's write lock: one write transaction at a time per process (store.h).
  // `jobs` is rung after a COMMIT that enqueued a job due now. `identity` is the transaction's
  // on the server, `options` the store's: a COMMIT whose answer is lost is looked up by them.
  PgTx(PgPool::Lease conn, PgTxIdentity identity, std::unique_lock<std::mutex> lock,
       PgAnnouncer& jobs, const PgOptions& options)
      : conn_(std::move(conn)),
        identity_(identity),
        lock_(std::move(lock)),
        jobs_(jobs),
        options_(options) {}
  ~PgTx() override {
    if (!done_) (void)conn_->Exec("ROLLBACK");
  }

  // The keys map onto kKeyStripes transaction-level advisory locks, taken in ascending order
  // (unnest keeps the array's order) so that two nodes never wait for each other in a cycle.
  // Stripes, not one lock per key: a storm of distinct groups must not fill PostgreSQL's lock
  // table; two keys sharing a stripe only wait for each other.
  Status LockKeys(const std::vector<std::string>& keys) override {
    std::set<int64_t> stripes;
    for (const auto& key : keys) stripes.insert(static_cast<int64_t>(Xxh3(key) % kKeyStripes));
    if (stripes.empty()) return Status::Ok();
    std::string array = "{";
    for (int64_t stripe : stripes) array += std::to_string(stripe) + ",";
    array.back() = '}';
    return Done(conn_->Query("SELECT count(pg_advisory_xact_lock($1::int, s)) FROM "
                             "unnest($2::int[]) AS s",
                             PgParams().Bind(1, kKeyLockSpace).Bind(2, array)));
  }

  Result<std::optional<Alert>> FindLatestAlert(const std::string& fingerprint) override {
    QUELL_ASSIGN_OR_RETURN(auto result,
                           conn_->Query("SELECT " ALERT_COLUMNS " FROM alerts WHERE fingerprint "
                                        "= $1 ORDER BY id DESC LIMIT 1 FOR UPDATE",
                                        PgParams().Bind(1, fingerprint)));
    return FirstRow(result, kAlert);
  }

  Result<int64_t> InsertAlert(const Alert& alert) override {
    PgParams params;
    BindAlert(params, alert);
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        conn_->Query("INSERT INTO alerts (incident_id, fingerprint, source, status, service, "
                     "environment, name, message, severity, labels, annotations, metrics, deploy, "
                     "starts_at, ends_at, raw, first_seen, last_seen, count, flips, "
                     "flip_window_start) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                     "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id",
                     params));
    return result.Int(0, 0);
  }

  Status UpdateAlert(const Alert& alert) override {
    PgParams params;
    BindAlert(params, alert);
    params.Bind(22, alert.id);
    // A row's identity (incident_id $1, fingerprint $2) is fixed at insert, as on SQLite.
    QUELL_ASSIGN_OR_RETURN(auto result, conn_->Query(kSqlUpdateAlert, params));
    if (result.changed() == 0) return NotFound("no alert " + std::to_string(alert.id));
    return Status::Ok();
  }

  Result<int64_t> CountFiringAlerts(int64_t incident_id) override {
    QUELL_ASSIGN_OR_RETURN(auto result,
                           conn_->Query(kSqlCountFiringAlerts, PgParams().Bind(1, incident_id)));
    return result.Int(0, 0);
  }

  Result<std::optional<Incident>> FindIncident(int64_t id) override {
    QUELL_ASSIGN_OR_RETURN(auto result, conn_->Query("SELECT " INCIDENT_ROW_COLUMNS
                                                     " FROM incidents WHERE id = $1 FOR UPDATE",
                                                     PgParams().Bind(1, id)));
    return FirstRow(result, kIncident);
  }

  Result<std::optional<Incident>> FindLatestIncidentByGroup(const std::string& group_key) override {
    QUELL_ASSIGN_OR_RETURN(auto result,
                           conn_->Query("SELECT " INCIDENT_ROW_COLUMNS " FROM incidents WHERE "
                                        "group_key = $1 ORDER BY id DESC LIMIT 1 FOR UPDATE",
                                        PgParams().Bind(1, group_key)));
    return FirstRow(result, kIncident);
  }

  Result<std::optional<Incident>> FindLatestIncidentWithService(
      const std::string& service) override {
    QUELL_ASSIGN_OR_RETURN(auto result,
                           conn_->Query("SELECT " INCIDENT_ROW_COLUMNS " FROM incidents WHERE "
                                        "id = (SELECT max(incident_id) FROM incident_services "
                                        "WHERE service = $1) FOR UPDATE",
                                        PgParams().Bind(1, service)));
    return FirstRow(result, kIncident);
  }

  // BindIncident binds $1..$19 and $21; $20 is the id, $17 the old analysis column SQLite
  // keeps (PostgreSQL has none).
  Result<int64_t> InsertIncident(const Incident& incident) override {
    PgParams params;
    BindIncident(params, incident);
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        conn_->Query("INSERT INTO incidents (group_key, title, status, severity, services, "
                     "environment, opened_at, updated_at, last_alert_at, acked_at, acked_by, "
                     "resolved_at, resolved_by, alert_count, firing_count, flapping, "
                     "silenced_until, escalated_at, alert_severity) VALUES ($1, $2, $3, $4, $5, "
                     "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $18, $19, $21) "
                     "RETURNING id",
                     params));
    return result.Int(0, 0);
  }

  Status UpdateIncident(const Incident& incident) override {
    PgParams params;
    BindIncident(params, incident);
    params.Bind(20, incident.id);
    // group_key and opened_at never change (as on SQLite); the analysis has its own table.
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        conn_->Query("UPDATE incidents SET title = $2, status = $3, severity = $4, services = $5, "
                     "environment = $6, updated_at = $8, last_alert_at = $9, acked_at = $10, "
                     "acked_by = $11, resolved_at = $12, resolved_by = $13, alert_count = $14, "
                     "firing_count = $15, flapping = $16, silenced_until = $18, escalated_at = "
                     "$19, alert_severity = $21 WHERE id = $20",
                     params));
    if (result.changed() == 0) return NotFound("no incident " + std::to_string(incident.id));
    return Status::Ok();
  }

  Status SetAnalysis(int64_t incident_id, const std::string& analysis_json,
                     TimeMs updated_at) override {
    QUELL_ASSIGN_OR_RETURN(
        auto touched,
        conn_->Query(kSqlTouchIncident, PgParams().Bind(1, incident_id).Bind(2, updated_at)));
    if (touched.changed() == 0) return NotFound("no incident " + std::to_string(incident_id));
    return Done(
        conn_->Query(kSqlSetAnalysis, PgParams().Bind(1, incident_id).Bind(2, analysis_json)));
  }

  Result<std::optional<std::string>> FindAnalysis(int64_t incident_id) override {
    QUELL_ASSIGN_OR_RETURN(auto result,
                           conn_->Query(kSqlFindAnalysis, PgParams().Bind(1, incident_id)));
    return FirstRow(result, kText);
  }

  Result<std::vector<Incident>> FindOpenIncidentsWithService(const std::string& service) override {
    QUELL_ASSIGN_OR_RETURN(auto result,
                           conn_->Query("SELECT " INCIDENT_ROW_COLUMNS " FROM incidents WHERE id "
                                        "IN (SELECT incident_id FROM incident_services WHERE "
                                        "service = $1) AND status <> 'resolved' ORDER BY id "
                                        "FOR UPDATE",
                                        PgParams().Bind(1, service)));
    return Rows(result, kIncident);
  }

  Result<int64_t> InsertDeploy(const model::Deploy& deploy) override {
    PgParams params;
    BindDeploy(params, deploy);
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        conn_->Query("INSERT INTO deploys (service, environment, version, commit_sha, author, "
                     "started_at, finished_at, status, description, url, received_at, raw) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                     params));
    return result.Int(0, 0);
  }

  Result<int64_t> AppendEvent(const Event& event) override {
    PgParams params;
    BindEvent(params, event);
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        conn_->Query("INSERT INTO events (incident_id, at, last_at, kind, actor, fingerprint, "
                     "note, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                     params));
    return result.Int(0, 0);
  }

  Result<bool> BumpEvent(int64_t incident_id, model::EventKind kind, const std::string& fingerprint,
                         TimeMs at, int64_t times) override {
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        conn_->Query("UPDATE events SET count = count + $5, last_at = $4 WHERE id = (SELECT id "
                     "FROM events WHERE incident_id = $1 AND kind = $2 AND fingerprint = $3 "
                     "ORDER BY id DESC LIMIT 1)",
                     PgParams()
                         .Bind(1, incident_id)
                         .Bind(2, std::string_view(EventKindText(kind)))
                         .Bind(3, fingerprint)
                         .Bind(4, at)
                         .Bind(5, times)));
    return result.changed() > 0;
  }

  Result<bool> BumpRecentEvent(int64_t incident_id, model::EventKind kind, TimeMs since,
                               TimeMs at, int64_t times) override {
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        conn_->Query("UPDATE events SET count = count + $5, last_at = $4 WHERE id = (SELECT "
                     "max(id) FROM events WHERE incident_id = $1 AND kind = $2) AND last_at >= $3",
                     PgParams()
                         .Bind(1, incident_id)
                         .Bind(2, std::string_view(EventKindText(kind)))
                         .Bind(3, since)
                         .Bind(4, at)
                         .Bind(5, times)));
    return result.changed() > 0;
  }

  Status EnqueueJob(const Job& job) override {
    // A job due later wakes nobody: an idle worker would find nothing due yet, and each node's
    // poll finds it when it is due.
    if (job.run_at <= SystemClock().Now()) due_job_ = true;
    return Done(conn_->Query("INSERT INTO jobs (kind, incident_id, dedup_key, run_at, payload) "
                             "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dedup_key) WHERE dedup_key "
                             "<> '' AND leased_until = 0 DO UPDATE SET run_at = excluded.run_at "
                             "WHERE excluded.run_at < jobs.run_at",
                             PgParams()
                                 .Bind(1, job.kind)
                                 .Bind(2, job.incident_id)
                                 .Bind(3, job.dedup_key)
                                 .Bind(4, job.run_at)
                                 .Bind(5, job.payload)));
  }

  // Every request of an engine's group commit gets this one outcome. With the connection lost
  // at COMMIT the transaction's fate is looked up (pg_lost_commit.h) before answering, under
  // the write lock: a retryable failure only when it did not commit, success when it did (a
  // failure there would make the sender's repeat count its alerts twice).
  Status Commit() override {
    if (done_) return Internal("transaction already finished");
    Status committed = conn_->Commit();
    if (!committed.ok() && !conn_->ok()) {
      const Status lost = std::move(committed);
      committed = ResolveLostCommit(options_.url, identity_,
                                    std::chrono::milliseconds(options_.commit_outcome_wait_ms));
      // Why the connection broke is only said here; a COMMIT found committed is said nowhere
      // else.
      spdlog::warn("{} (transaction {}; {})",
                   committed.ok() ? std::string("the connection to PostgreSQL was lost at COMMIT; "
                                                "the transaction committed")
                                  : committed.message(),
                   identity_.xid, lost.message());
    }
    QUELL_RETURN_IF_ERROR(committed);  // on failure still open: the destructor rolls back
    done_ = true;
    lock_.unlock();
    // After COMMIT, not in it: NOTIFY in the transaction would make every enqueueing commit of
    // every node wait for the previous one (pg_announcer.h).
    if (due_job_) jobs_.Ring();
    return Status::Ok();
  }

 private:
  PgPool::Lease conn_;
  const PgTxIdentity identity_;
  std::unique_lock<std::mutex> lock_;
  PgAnnouncer& jobs_;
  const PgOptions& options_;
  bool done_ = false;
  bool due_job_ = false;  // a job due now was enqueued: idle workers of every node may take it
};

// ---- The store. ----

// Every write of a setting NOTIFYs kPgSettingsChannel with its key, in the statement that
// writes (the shared statement inside a WITH): a committed change is always announced, and only
// a change is. Nodes keep some settings in memory (change_watch.h). Each string lives as long
// as the process, so its address keys the connections' statement caches.
std::string Announced(const char* write) {
  return std::string("WITH changed AS (") + write + " RETURNING key) SELECT pg_notify('" +
         kPgSettingsChannel + "', key) FROM changed";
}
const std::string kPgPutSetting = Announced(kSqlPutSetting);
const std::string kPgDeleteSetting = Announced(kSqlDeleteSetting);
const std::string kPgInsertSettingIfAbsent = Announced(kSqlInsertSettingIfAbsent);
const std::string kPgDeleteSettingIfValue = Announced(kSqlDeleteSettingIfValue);
const std::string kPgUpdateSettingIfValue = Announced(kSqlUpdateSettingIfValue);

class PgStore final : public Store {
 public:
  Status Open(const PgOptions& options) {
    options_ = options;
    pool_ = std::make_unique<PgPool>(options.url, options.pool_size);
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    QUELL_RETURN_IF_ERROR(MigratePg(*conn));
    jobs_announcer_ = std::make_unique<PgAnnouncer>(options.url, kPgJobsChannel);
    return Status::Ok();
  }

  Result<std::unique_ptr<StoreTx>> Begin() override {
    std::unique_lock lock(write_mu_);
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    QUELL_ASSIGN_OR_RETURN(PgTxIdentity identity, conn->Begin());
    return std::unique_ptr<StoreTx>(std::make_unique<PgTx>(std::move(conn), identity,
                                                           std::move(lock), *jobs_announcer_,
                                                           options_));
  }

  Result<std::optional<Incident>> GetIncident(int64_t id) override {
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlGetIncident, PgParams().Bind(1, id)));
    return FirstRow(result, kIncident);
  }

  Result<std::vector<Incident>> ListIncidents(const IncidentQuery& q) override {
    PgParams params;
    params.Bind(1, q.before_id > 0 ? q.before_id : INT64_MAX)
        .Bind(2, std::string_view(q.status ? model::IncidentStatusName(*q.status) : ""))
        .Bind(3, int64_t{std::max(1, q.limit)});
    if (q.service.empty()) {
      QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlListIncidents, params));
      return Rows(result, kIncident);
    }
    params.Bind(4, q.service);
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlListIncidentsOfService, params));
    return Rows(result, kIncident);
  }

  Result<std::vector<Alert>> ListAlerts(int64_t incident_id, size_t limit,
                                        int64_t after_id) override {
    // LIMIT NULL is no limit.
    QUELL_ASSIGN_OR_RETURN(auto result,
                           Query("SELECT " ALERT_COLUMNS " FROM alerts WHERE incident_id = $1 AND "
                                 "id > $3 ORDER BY id LIMIT nullif($2, 0)",
                                 PgParams()
                                     .Bind(1, incident_id)
                                     .Bind(2, static_cast<int64_t>(limit))
                                     .Bind(3, after_id)));
    return Rows(result, kAlert);
  }

  Result<std::vector<Event>> ListEvents(int64_t incident_id) override {
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlListEvents, PgParams().Bind(1, incident_id)));
    return Rows(result, kEvent);
  }

  // Every read sees what is committed: `latest` changes nothing here (no batch to wait for).
  Result<int64_t> CountIncidents(std::optional<model::IncidentStatus> status, bool) override {
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        Query(kSqlCountIncidents,
              PgParams().Bind(1,
                              std::string_view(status ? model::IncidentStatusName(*status) : ""))));
    return result.Int(0, 0);
  }

  Status Ping() override {
    auto result = Query("SELECT 1");
    return result ? Status::Ok() : Unavailable("the database did not answer");
  }

  Result<int64_t> CountAlerts() override {
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlCountAlerts));
    return result.Int(0, 0);
  }

  Result<NoiseStats> GetStats(const StatsQuery& q) override {
    QUELL_ASSIGN_OR_RETURN(StatWindow window, StatWindow::For(q));
    QUELL_ASSIGN_OR_RETURN(auto result,
                           Query("SELECT minute, sum(alerts_first)::bigint, "
                                 "sum(received_first)::bigint, sum(alerts_last)::bigint, "
                                 "sum(received_last)::bigint, sum(incidents)::bigint, "
                                 "sum(notified)::bigint FROM stat_minutes WHERE minute >= $1 "
                                 "GROUP BY minute",
                                 PgParams().Bind(1, window.first_minute())));
    for (int row = 0; row < result.rows(); ++row) {
      window.Add({result.Int(row, 0), result.Int(row, 1), result.Int(row, 2), result.Int(row, 3),
                  result.Int(row, 4), result.Int(row, 5), result.Int(row, 6)});
    }
    return window.stats();
  }

  Result<std::vector<model::Deploy>> ListDeploys(const DeployQuery& q) override {
    // The effective time: finished_at, else started_at, else received_at. The services come as
    // a JSON list ("[]": any).
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        Query("SELECT " DEPLOY_COLUMNS " FROM deploys WHERE ($1 = '[]' OR service IN (SELECT "
              "jsonb_array_elements_text($1::jsonb))) AND coalesce(nullif(finished_at, 0), "
              "nullif(started_at, 0), received_at) BETWEEN $2 AND $3 ORDER BY "
              "coalesce(nullif(finished_at, 0), nullif(started_at, 0), received_at) DESC, id "
              "DESC LIMIT $4",
              PgParams()
                  .Bind(1, EncodeList(q.services))
                  .Bind(2, q.since)
                  .Bind(3, q.until > 0 ? q.until : INT64_MAX)
                  .Bind(4, int64_t{std::max(1, q.limit)})));
    return Rows(result, kDeploy);
  }

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlGetSetting, PgParams().Bind(1, key)));
    return FirstRow(result, kText);
  }

  Status PutSetting(const std::string& key, const std::string& value) override {
    return Done(Query(kPgPutSetting.c_str(), PgParams().Bind(1, key).Bind(2, value)));
  }

  Result<bool> DeleteSetting(const std::string& key) override {
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kPgDeleteSetting.c_str(), PgParams().Bind(1, key)));
    return result.rows() > 0;
  }

  Result<bool> SwapSetting(const std::string& key, const std::optional<std::string>& expected,
                           const std::optional<std::string>& desired) override {
    // One statement each, in autocommit: the row lock (or the key's unique index) makes a
    // second node's statement wait and then see the first one's value (READ COMMITTED re-checks
    // the WHERE on the row it waited for).
    if (!expected && !desired) {
      QUELL_ASSIGN_OR_RETURN(auto value, GetSetting(key));
      return !value;
    }
    PgParams params;
    params.Bind(1, key);
    const char* sql = nullptr;
    if (!expected) {
      sql = kPgInsertSettingIfAbsent.c_str();
      params.Bind(2, *desired);
    } else if (!desired) {
      sql = kPgDeleteSettingIfValue.c_str();
      params.Bind(2, *expected);
    } else {
      sql = kPgUpdateSettingIfValue.c_str();
      params.Bind(2, *expected).Bind(3, *desired);
    }
    QUELL_ASSIGN_OR_RETURN(auto result, Query(sql, params));
    return result.rows() > 0;
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListSettings(
      const std::string& prefix) override {
    // COLLATE "C": byte order whatever the database's collation, as SQLite sorts.
    QUELL_ASSIGN_OR_RETURN(auto result,
                           Query("SELECT key, value FROM settings WHERE left(key, length($1)) = "
                                 "$1 ORDER BY key COLLATE \"C\"",
                                 PgParams().Bind(1, prefix)));
    return Rows(result, [](const PgRow& row) { return std::make_pair(row.Text(0), row.Text(1)); });
  }

  Status AppendLogs(std::vector<model::LogEntry>& entries) override {
    if (entries.empty()) return Status::Ok();
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    QUELL_RETURN_IF_ERROR(BeginLogAppend(*conn));  // readers wait for this transaction only
    std::vector<int64_t> ids;
    Status status = Status::Ok();
    for (const auto& e : entries) {
      PgParams params;
      BindLogEntry(params, e);
      auto result = conn->Query("INSERT INTO log_entries (service, ts, level, message, "
                                "template_id, received_at) VALUES ($1, $2, $3, $4, $5, $6) "
                                "RETURNING id",
                                params);
      if (!result) {
        status = result.error();
        break;
      }
      ids.push_back(result->Int(0, 0));
    }
    if (status.ok()) status = conn->Commit();
    if (!status.ok()) {
      (void)conn->Exec("ROLLBACK");
      return status;
    }
    for (size_t i = 0; i < entries.size(); ++i) entries[i].id = ids[i];
    return Status::Ok();
  }

  Result<std::vector<model::LogEntry>> ListLogs(const LogQuery& q) override {
    QUELL_ASSIGN_OR_RETURN(auto result,
                           Query(kSqlListLogs, PgParams()
                                                   .Bind(1, q.service)
                                                   .Bind(2, q.since)
                                                   .Bind(3, q.until > 0 ? q.until : INT64_MAX)
                                                   .Bind(4, int64_t{std::max(1, q.limit)})));
    return Rows(result, [](const PgRow& row) { return ReadLogEntry(row); });
  }

  // Up to the horizon of the log-appending transactions only (pg_log_cursor.h).
  Result<LogPage> ReadLogsAfter(const LogCursor& after, int limit) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return ReadLogPage(*conn, after, limit);
  }

  Result<int64_t> CountLogsAfter(const LogCursor& after, const std::string& service, TimeMs since,
                                 TimeMs until) override {
    // Two statements, not `($1 = '' OR service = $1)`: a generic plan of that skips the index.
    QUELL_ASSIGN_OR_RETURN(auto result,
                           Query(service.empty()
                                     ? "SELECT count(*) FROM log_entries WHERE $1 = '' AND ts "
                                       "BETWEEN $2 AND $3 AND (tx, id) > ($4::xid8, $5)"
                                     : "SELECT count(*) FROM log_entries WHERE service = $1 AND ts "
                                       "BETWEEN $2 AND $3 AND (tx, id) > ($4::xid8, $5)",
                                 PgParams()
                                     .Bind(1, service)
                                     .Bind(2, since)
                                     .Bind(3, until)
                                     .Bind(4, std::to_string(after.tx))
                                     .Bind(5, after.id)));
    return result.Int(0, 0);
  }

  Status PruneLogs(TimeMs older_than, int64_t max_rows,
                   const std::optional<LogCursor>& remember_after) override {
    if (!remember_after) {
      QUELL_RETURN_IF_ERROR(Done(Query(kSqlPruneOldLogs, PgParams().Bind(1, older_than))));
      return Done(Query(kSqlPruneExcessLogs, PgParams().Bind(1, max_rows)));
    }
    // Each DELETE and the rows it remembers are one statement: a line is either still there
    // for a reader or remembered.
    const std::string tx = std::to_string(remember_after->tx);
    QUELL_RETURN_IF_ERROR(Done(Query(
        "WITH gone AS (DELETE FROM log_entries WHERE ts < $1 RETURNING tx, id, service, ts) "
        "INSERT INTO log_pruned (tx, id, service, ts) SELECT tx, id, service, ts FROM gone "
        "WHERE (tx, id) > ($2::xid8, $3)",
        PgParams().Bind(1, older_than).Bind(2, tx).Bind(3, remember_after->id))));
    QUELL_RETURN_IF_ERROR(Done(Query(
        "WITH gone AS (DELETE FROM log_entries WHERE id <= (SELECT max(id) FROM log_entries) - $1 "
        "RETURNING tx, id, service, ts) INSERT INTO log_pruned (tx, id, service, ts) SELECT tx, "
        "id, service, ts FROM gone WHERE (tx, id) > ($2::xid8, $3)",
        PgParams().Bind(1, max_rows).Bind(2, tx).Bind(3, remember_after->id))));
    return Done(Query("DELETE FROM log_pruned WHERE (tx, id) <= ($1::xid8, $2)",
                      PgParams().Bind(1, tx).Bind(2, remember_after->id)));
  }

  Result<std::vector<PrunedLines>> CountPrunedBetween(const LogCursor& after, const LogCursor& upto,
                                                      const std::vector<int64_t>& read) override {
    std::string ids = "{";
    for (int64_t id : read) ids += (ids.size() > 1 ? "," : "") + std::to_string(id);
    ids += "}";
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        Query("SELECT service, ts - ts % 60000, count(*) FROM log_pruned WHERE (tx, id) > "
              "($1::xid8, $2) AND (tx, id) <= ($3::xid8, $4) AND id <> ALL($5::bigint[]) "
              "GROUP BY 1, 2 ORDER BY 1, 2",
              PgParams()
                  .Bind(1, std::to_string(after.tx))
                  .Bind(2, after.id)
                  .Bind(3, std::to_string(upto.tx))
                  .Bind(4, upto.id)
                  .Bind(5, ids)));
    return Rows(result, [](const PgRow& row) {
      return PrunedLines{row.Text(0), row.Int(1), row.Int(2)};
    });
  }

  // Tokens, sessions and sign-in codes: store/postgres/pg_auth_tables.cc.
  Result<int64_t> InsertToken(const Token& token) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::InsertToken(*conn, token);
  }
  Result<std::optional<Token>> FindTokenByHash(const std::string& hash) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::FindTokenByHash(*conn, hash);
  }
  Result<std::vector<Token>> ListTokens() override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::ListTokens(*conn);
  }
  Result<int64_t> DeleteTokens(const std::string& name) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::DeleteTokens(*conn, name);
  }
  Status TouchToken(int64_t id, TimeMs at) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::TouchToken(*conn, id, at);
  }
  Status InsertSession(const Session& session) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::InsertSession(*conn, session);
  }
  Result<std::optional<SignedIn>> FindSession(const std::string& id_hash) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::FindSession(*conn, id_hash);
  }
  Status DeleteSession(const std::string& id_hash) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::DeleteSession(*conn, id_hash);
  }
  Status InsertLoginCode(const std::string& code_hash, int64_t token_id, TimeMs created_at,
                         TimeMs expires_at) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::InsertLoginCode(*conn, code_hash, token_id, created_at, expires_at);
  }
  Result<std::optional<Token>> TakeLoginCode(const std::string& code_hash, TimeMs now) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return pg_auth_tables::TakeLoginCode(*conn, code_hash, now);
  }

  Result<std::optional<Job>> ClaimJob(TimeMs now, TimeMs lease_ms) override {
    // One statement: the oldest due job nobody holds is locked (rows another worker, on this
    // node or another, is claiming are skipped, not waited for) and leased.
    QUELL_ASSIGN_OR_RETURN(
        auto result,
        Query("UPDATE jobs SET leased_until = $2, attempts = attempts + 1 WHERE id = (SELECT id "
              "FROM jobs WHERE run_at <= $1 AND leased_until < $1 ORDER BY run_at, id LIMIT 1 "
              "FOR UPDATE SKIP LOCKED) RETURNING " JOB_COLUMNS,
              PgParams().Bind(1, now).Bind(2, now + lease_ms)));
    return FirstRow(result, kJob);
  }

  Status CompleteJob(int64_t job_id) override {
    return Done(Query(kSqlDeleteJob, PgParams().Bind(1, job_id)));
  }

  Status RetryJob(int64_t job_id, TimeMs run_at, const std::string& error,
                  bool count_attempt) override {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    QUELL_RETURN_IF_ERROR(conn->Exec("BEGIN"));
    Status status = ReleaseJob(*conn, job_id, run_at, error, count_attempt);
    if (status.ok()) status = conn->Commit();
    if (!status.ok()) (void)conn->Exec("ROLLBACK");
    return status;
  }

  Result<std::vector<Job>> ListJobs() override {
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlListJobs));
    return Rows(result, kJob);
  }

  Result<int64_t> CountDueJobs(TimeMs now) override {
    QUELL_ASSIGN_OR_RETURN(auto result, Query(kSqlCountDueJobs, PgParams().Bind(1, now)));
    return result.Int(0, 0);
  }

 private:
  // One statement on a pooled connection, committing on its own.
  Result<PgResult> Query(const char* sql, const PgParams& params = {}) {
    QUELL_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return conn->Query(sql, params);
  }

  // A retried job merges into pending work for its key when there is some (that job takes the
  // earlier run_at); otherwise it is released to run at `run_at`.
  static Status ReleaseJob(PgConn& conn, int64_t job_id, TimeMs run_at, const std::string& error,
                           bool count_attempt) {
    QUELL_ASSIGN_OR_RETURN(
        auto merged,
        conn.Query("UPDATE jobs SET run_at = least(run_at, $2), last_error = $3 WHERE "
                   "leased_until = 0 AND dedup_key <> '' AND dedup_key = (SELECT dedup_key FROM "
                   "jobs WHERE id = $1)",
                   PgParams().Bind(1, job_id).Bind(2, run_at).Bind(3, error)));
    if (merged.changed() > 0) return Done(conn.Query(kSqlDeleteJob, PgParams().Bind(1, job_id)));
    return Done(conn.Query("UPDATE jobs SET leased_until = 0, run_at = $2, last_error = $3, "
                           "attempts = greatest(0, attempts - $4) WHERE id = $1",
                           PgParams()
                               .Bind(1, job_id)
                               .Bind(2, run_at)
                               .Bind(3, error)
                               .Bind(4, int64_t{count_attempt ? 0 : 1})));
  }

  PgOptions options_;  // the URL may hold a password: never logged
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgAnnouncer> jobs_announcer_;  // NOTIFYs kPgJobsChannel after commits
  std::mutex write_mu_;  // one write transaction at a time in this process (store.h)
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPgStore(const PgOptions& options) {
  auto store = std::make_unique<PgStore>();
  QUELL_RETURN_IF_ERROR(store->Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

bool IsPgUrl(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

}  // namespace quell::store
