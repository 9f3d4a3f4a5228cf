#include "store/sqlite/sqlite_store.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <algorithm>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/sqlite/auth_tables.h"
#include "store/sqlite/redo_log.h"
#include "store/row_codec.h"
#include "store/row_mapping.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/stat_minutes.h"

namespace quell::store {
namespace {

// Steps `s` to the end, reading each row with `read`.
template <typename Read>
auto CollectRows(SqliteStatement& s, Read read) -> Result<std::vector<decltype(read(s))>> {
  std::vector<decltype(read(s))> out;
  for (;;) {
    QUELL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(read(s));
  }
  return out;
}

// The first row, read by `read`, or nullopt when there is none.
template <typename Read>
auto QueryOne(SqliteStatement& s, Read read) -> Result<std::optional<decltype(read(s))>> {
  QUELL_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::nullopt;
  auto value = read(s);
  s.Reset();
  return value;
}

// ---- Queries shared by the write transaction and the readers. ----

Result<std::optional<Incident>> QueryIncident(SqliteDb& db, int64_t id) {
  QUELL_ASSIGN_OR_RETURN(auto* s,
                         db.Prepare("SELECT " INCIDENT_COLUMNS " FROM incidents WHERE id = ?1"));
  s->Bind(1, id);
  return QueryOne(*s, ReadIncident<SqliteStatement>);
}

Result<int64_t> QueryCount(SqliteStatement& s) {
  QUELL_ASSIGN_OR_RETURN(bool row, s.Step());
  int64_t n = row ? s.Int(0) : 0;
  s.Reset();
  return n;
}

// ---- The write statements: each one can be recorded in the redo log and replayed. ----

// Numbers are stored in the redo log: append new statements, never renumber. Inserts take the
// row id as their last parameter: NULL when first run (SQLite picks it), the recorded id when
// replayed.
enum WriteStatement : uint8_t {
  kInsertAlert = 1,
  kUpdateAlert,
  kInsertIncident,
  kUpdateIncident,
  kInsertDeploy,
  kAppendEvent,
  kBumpEvent,
  kEnqueueJob,
  kTouchIncident,
  kSetAnalysis,
  kLeaseJob,
  kDeleteJob,
  kMergeRetriedJob,
  kReleaseJob,
  kBumpRecentEvent,  // new statements go last: the redo log stores these numbers
  kWriteStatementEnd,
};

const char* const kWriteSql[kWriteStatementEnd] = {
    nullptr,
    // kInsertAlert
    "INSERT INTO alerts (incident_id, fingerprint, source, status, service, environment, name, "
    "message, severity, labels, annotations, metrics, deploy, starts_at, ends_at, raw, "
    "first_seen, last_seen, count, flips, flip_window_start, id, fp_key) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
    "quell_fp_key(?2))",
    // kUpdateAlert. A row's identity (incident_id, fingerprint) is fixed at insert: leaving
    // those columns out of SET spares SQLite rewriting both alert indexes on every repeat. ?1
    // and ?2 are bound by BindAlert but not referenced here, which SQLite allows.
    "UPDATE alerts SET source = ?3, status = ?4, service = ?5, environment = ?6, name = ?7, "
    "message = ?8, severity = ?9, labels = ?10, annotations = ?11, metrics = ?12, deploy = ?13, "
    "starts_at = ?14, ends_at = ?15, raw = ?16, first_seen = ?17, last_seen = ?18, count = ?19, "
    "flips = ?20, flip_window_start = ?21 WHERE id = ?22",
    // kInsertIncident (triggers keep incident_services in step: schema.cc, 4)
    "INSERT INTO incidents (group_key, title, status, severity, services, environment, "
    "opened_at, updated_at, last_alert_at, acked_at, acked_by, resolved_at, resolved_by, "
    "alert_count, firing_count, flapping, analysis, silenced_until, escalated_at, id, "
    "alert_severity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
    "?16, ?17, ?18, ?19, ?20, coalesce(?21, ?4))",
    // kUpdateIncident. group_key and opened_at never change: not rewriting them spares their
    // indexes. The analysis (?17) has its own table and statement (kSetAnalysis).
    "UPDATE incidents SET title = ?2, status = ?3, severity = ?4, services = ?5, "
    "environment = ?6, updated_at = ?8, last_alert_at = ?9, acked_at = ?10, acked_by = ?11, "
    "resolved_at = ?12, resolved_by = ?13, alert_count = ?14, firing_count = ?15, flapping = ?16, "
    "silenced_until = ?18, escalated_at = ?19, alert_severity = coalesce(?21, ?4) WHERE id = ?20",
    // kInsertDeploy
    "INSERT INTO deploys (service, environment, version, commit_sha, author, started_at, "
    "finished_at, status, description, url, received_at, raw, id) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    // kAppendEvent
    "INSERT INTO events (incident_id, at, last_at, kind, actor, fingerprint, note, count, id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    // kBumpEvent
    // `+?2`, not `?2`: SQLite would re-prepare the statement whenever the bound kind changed,
    // to check it against the partial index on notified events (schema.cc, 10; gone since 13,
    // where triggers count notifications).
    "UPDATE events SET count = count + ?5, last_at = ?4 WHERE id = (SELECT id FROM events WHERE "
    "incident_id = ?1 AND kind = +?2 AND fingerprint = ?3 ORDER BY id DESC LIMIT 1)",
    // kEnqueueJob. Replay repeats the same inserts on the same rows, so job ids come out equal.
    "INSERT INTO jobs (kind, incident_id, dedup_key, run_at, payload) VALUES (?1, ?2, ?3, ?4, "
    "?5) ON CONFLICT (dedup_key) WHERE dedup_key != '' AND leased_until = 0 DO UPDATE SET "
    "run_at = excluded.run_at WHERE excluded.run_at < run_at",
    // kTouchIncident
    "UPDATE incidents SET updated_at = ?2 WHERE id = ?1",
    // kSetAnalysis. Apart from the incident row, which every alert rewrites: SQLite rewrites a
    // whole row on any update, and the analysis is most of an incident's bytes.
    "INSERT INTO incident_analyses (incident_id, analysis) VALUES (?1, ?2) ON CONFLICT "
    "(incident_id) DO UPDATE SET analysis = excluded.analysis",
    // kLeaseJob. The condition repeats the claim's: a CLI process writing directly between
    // the claim's read and this write must not make a job run twice.
    "UPDATE jobs SET leased_until = ?2, attempts = attempts + 1 WHERE id = ?1 AND "
    "run_at <= ?3 AND leased_until < ?3",
    // kDeleteJob
    "DELETE FROM jobs WHERE id = ?1",
    // kMergeRetriedJob: newer work for the job's key is pending: it takes the retry's run_at.
    "UPDATE jobs SET run_at = min(run_at, ?2), last_error = ?3 WHERE leased_until = 0 AND "
    "dedup_key != '' AND dedup_key = (SELECT dedup_key FROM jobs WHERE id = ?1)",
    // kReleaseJob
    "UPDATE jobs SET leased_until = 0, run_at = ?2, last_error = ?3, attempts = max(0, "
    "attempts - ?4) WHERE id = ?1",
    // kBumpRecentEvent. max(id), not ORDER BY id DESC LIMIT 1: the index orders the pair's
    // entries by fingerprint, so the latter sorted them in a temporary B-tree on every bump.
    "UPDATE events SET count = count + ?5, last_at = ?4 WHERE id = (SELECT max(id) FROM events "
    "WHERE incident_id = ?1 AND kind = +?2) AND last_at >= ?3",
};

// Runs one write statement. Returns the new row id when `id_param` names the id parameter of
// an insert (and records it there), else the number of rows changed.
Result<int64_t> RunWrite(SqliteDb& db, RedoOp& op, int id_param) {
  if (op.statement() == 0 || op.statement() >= kWriteStatementEnd)
    return Error(InvalidArgument("unknown statement in the redo log"));
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(kWriteSql[op.statement()]));
  op.BindTo(*s);
  Status ran = s->Run();
  s->ClearBindings();  // they point into `op`
  QUELL_RETURN_IF_ERROR(ran);
  if (id_param == 0) return int64_t{db.Changes()};
  const int64_t id = db.LastInsertId();
  op.Bind(id_param, id);
  return id;
}

// Replays a redo record (the statements of one committed transaction).
Status ReplayRecord(SqliteDb& db, std::string_view payload) {
  while (!payload.empty()) {
    QUELL_ASSIGN_OR_RETURN(RedoOp op, RedoOp::Read(payload));
    QUELL_ASSIGN_OR_RETURN(int64_t changed, RunWrite(db, op, 0));
    (void)changed;
  }
  return Status::Ok();
}

// Rows by key, all forgotten at once when there are too many: a storm of new rows must not
// grow memory without bound (the next transactions read them back).
template <typename Key, typename Row>
class KeptRows {
 public:
  explicit KeptRows(size_t max_rows) : max_rows_(max_rows) {}
  Row* Find(const Key& key) {
    auto found = rows_.find(key);
    return found == rows_.end() ? nullptr : &found->second;
  }
  Row& Keep(const Key& key, Row row) {
    if (rows_.size() >= max_rows_) rows_.clear();
    return rows_.insert_or_assign(key, std::move(row)).first->second;
  }
  void Erase(const Key& key) { rows_.erase(key); }
  void Clear() { rows_.clear(); }

 private:
  size_t max_rows_;
  std::unordered_map<Key, Row> rows_;
};

// Rows the write transactions read and wrote, kept from one transaction to the next: ingest
// reads the same incidents (by group key) and, for repeats, the same alerts (by fingerprint)
// with every transaction. Trusted only while the batch's SQLite transaction is open (nobody
// else can write then); forgotten when another connection committed before it opened (PRAGMA
// data_version) and on any rollback. Rows are kept as a transaction reads them: incidents
// without their analysis (store.h).
struct HotRows {
  KeptRows<int64_t, Incident> incidents{10000};
  KeptRows<std::string, int64_t> latest_incident{10000};  // group key -> id, 0: none
  KeptRows<std::string, Alert> latest_alert{5000};        // fingerprint -> newest row
  int64_t data_version = -1;
  // Alerts with a larger payload (a Sentry event with its stack trace, say) are read afresh:
  // 5,000 of them must not cost gigabytes.
  static constexpr size_t kMaxKeptAlertBytes = 4096;

  void Clear() {
    incidents.Clear();
    latest_incident.Clear();
    latest_alert.Clear();
  }
  void KeepIncident(const Incident& incident) {
    incidents.Keep(incident.id, incident).analysis_json.clear();
  }
  // Keeps `alert` as its fingerprint's newest row, or forgets the fingerprint's kept row when
  // `alert` is too large to keep.
  void KeepAlert(Alert alert) {
    if (alert.data.raw_json.size() + alert.data.message.size() > kMaxKeptAlertBytes)
      return latest_alert.Erase(alert.data.fingerprint);
    std::string fingerprint = alert.data.fingerprint;
    latest_alert.Keep(fingerprint, std::move(alert));
  }
};

// The batch: write transactions that committed into the open SQLite transaction and the redo
// log, not yet into SQLite. Guarded by the store's write lock.
struct Batch {
  std::unique_ptr<RedoLog> log;
  bool open = false;          // BEGIN issued, COMMIT not yet
  uint64_t applied_seq = 0;   // the last record the database holds
  uint64_t next_seq = 1;
  std::atomic<bool> pending{false};  // records the database does not hold yet
  bool broken = false;  // the open transaction was lost: replay the log before going on
  // dedup_key -> X: a pending job with this key and run_at <= X exists (the store is the only
  // writer: it holds the log). Ingest enqueues the same few jobs with every transaction; this
  // spares the upserts that would change nothing. A claim forgets its key.
  std::unordered_map<std::string, TimeMs> pending_jobs;
  // The redo record being built by the transaction in progress; kept between transactions so
  // that a big one does not grow (and page in) a fresh buffer each time.
  std::string record;
  HotRows hot;
};

// dedup_key -> run_at maps keep the earliest run_at per key.
void KeepEarliest(std::unordered_map<std::string, TimeMs>& jobs, const std::string& key,
                  TimeMs run_at) {
  auto [entry, added] = jobs.emplace(key, run_at);
  if (!added) entry->second = std::min(entry->second, run_at);
}

// Starts the batch's SQLite transaction if it is not running.
Status OpenBatch(SqliteDb& db, Batch& batch) {
  if (batch.open) return Status::Ok();
  QUELL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  batch.open = true;
  // Another process (a CLI beside the server) may have written since the last batch.
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("PRAGMA data_version"));
  QUELL_ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t version = row ? s->Int(0) : -1;
  s->Reset();
  if (version != batch.hot.data_version) {
    batch.hot.Clear();
    batch.hot.data_version = version;
  }
  return Status::Ok();
}

// ---- The write transaction. ----

class SqliteTx final : public StoreTx {
 public:
  // `batch` is null when the store writes directly (another process holds the redo log).
  SqliteTx(SqliteDb& db, std::unique_lock<std::mutex> lock, Batch* batch,
           std::atomic<std::thread::id>& owner)
      : db_(db), lock_(std::move(lock)), batch_(batch), owner_(owner) {
    owner_ = std::this_thread::get_id();
    if (batch_) batch_->record.clear();
  }
  ~SqliteTx() override {
    if (!done_) {
      if (!batch_) {
        (void)db_.Exec("ROLLBACK");
      } else if (wrote_) {
        // A batched transaction has no savepoint of its own (one per transaction cost ingest
        // a copy of every page it touched): undo the whole batch; the store replays the
        // committed transactions from the log before the next one (SqliteStore::Recover).
        (void)db_.Exec("ROLLBACK");
        batch_->open = false;
        batch_->broken = true;
      }
    }
    owner_ = std::thread::id();
  }

  // One writer per database (the redo log's lock): nobody to wait for.
  Status LockKeys(const std::vector<std::string>&) override { return Status::Ok(); }

  Result<std::optional<Alert>> FindLatestAlert(const std::string& fingerprint) override {
    HotRows* hot = Hot();
    if (hot) {
      if (const Alert* kept = hot->latest_alert.Find(fingerprint)) return *kept;
    }
    QUELL_ASSIGN_OR_RETURN(
        auto* s, db_.Prepare("SELECT " ALERT_COLUMNS " FROM alerts WHERE fp_key = ?2 AND "
                             "fingerprint = ?1 ORDER BY id DESC LIMIT 1"));
    s->Bind(1, fingerprint).Bind(2, FingerprintKey(fingerprint));
    QUELL_ASSIGN_OR_RETURN(auto found, QueryOne(*s, ReadAlert<SqliteStatement>));
    if (hot && found) hot->KeepAlert(*found);
    return found;
  }

  Result<int64_t> InsertAlert(const Alert& alert) override {
    RedoOp op(kInsertAlert);
    BindAlert(op, alert);
    op.BindNull(22);
    QUELL_ASSIGN_OR_RETURN(int64_t id, Write(op, 22));
    // The kept row (if any) is no longer its fingerprint's newest. The new one is not kept: in a
    // storm of new alerts that would copy every one for nothing; a repeat reads it back once.
    if (HotRows* hot = Hot()) hot->latest_alert.Erase(alert.data.fingerprint);
    return id;
  }

  Status UpdateAlert(const Alert& alert) override {
    RedoOp op(kUpdateAlert);
    BindAlert(op, alert);
    op.Bind(22, alert.id);
    QUELL_ASSIGN_OR_RETURN(int64_t changed, Write(op, 0));
    if (changed == 0) return NotFound("no alert " + std::to_string(alert.id));
    if (HotRows* hot = Hot()) {
      // Only the kept row can be stale; incident_id and fingerprint are not rewritten
      // (kUpdateAlert), so they stay as stored.
      Alert* kept = hot->latest_alert.Find(alert.data.fingerprint);
      if (kept && kept->id == alert.id) {
        Alert row = alert;
        row.incident_id = kept->incident_id;
        hot->KeepAlert(std::move(row));
      }
    }
    return Status::Ok();
  }

  Result<int64_t> CountFiringAlerts(int64_t incident_id) override {
    QUELL_ASSIGN_OR_RETURN(auto* s, db_.Prepare("SELECT count(*) FROM alerts WHERE incident_id = "
                                                "?1 AND status = 'firing'"));
    s->Bind(1, incident_id);
    return QueryCount(*s);
  }

  Result<std::optional<Incident>> FindIncident(int64_t id) override {
    HotRows* hot = Hot();
    if (hot) {
      if (const Incident* kept = hot->incidents.Find(id)) return *kept;
    }
    QUELL_ASSIGN_OR_RETURN(
        auto* s, db_.Prepare("SELECT " INCIDENT_ROW_COLUMNS " FROM incidents WHERE id = ?1"));
    s->Bind(1, id);
    QUELL_ASSIGN_OR_RETURN(auto found, QueryOne(*s, ReadIncident<SqliteStatement>));
    if (hot && found) hot->KeepIncident(*found);
    return found;
  }

  Result<std::optional<Incident>> FindLatestIncidentByGroup(const std::string& group_key) override {
    HotRows* hot = Hot();
    if (hot) {
      if (const int64_t* id = hot->latest_incident.Find(group_key)) {
        if (*id == 0) return std::optional<Incident>();
        if (const Incident* kept = hot->incidents.Find(*id)) return *kept;
      }
    }
    QUELL_ASSIGN_OR_RETURN(
        auto* s, db_.Prepare("SELECT " INCIDENT_ROW_COLUMNS " FROM incidents WHERE group_key = ?1 "
                             "ORDER BY id DESC LIMIT 1"));
    s->Bind(1, group_key);
    QUELL_ASSIGN_OR_RETURN(auto found, QueryOne(*s, ReadIncident<SqliteStatement>));
    if (hot) {
      if (found) hot->KeepIncident(*found);
      hot->latest_incident.Keep(group_key, found ? found->id : 0);
    }
    return found;
  }

  Result<std::optional<Incident>> FindLatestIncidentWithService(
      const std::string& service) override {
    QUELL_ASSIGN_OR_RETURN(auto* s,
                           db_.Prepare("SELECT " INCIDENT_ROW_COLUMNS
                                       " FROM incidents WHERE id = (SELECT max(incident_id) "
                                       "FROM incident_services WHERE service = ?1)"));
    s->Bind(1, service);
    return QueryOne(*s, ReadIncident<SqliteStatement>);
  }

  Result<int64_t> InsertIncident(const Incident& incident) override {
    RedoOp op(kInsertIncident);
    BindIncident(op, incident);
    op.BindNull(20);
    QUELL_ASSIGN_OR_RETURN(int64_t id, Write(op, 20));
    if (HotRows* hot = Hot()) {
      Incident& kept = hot->incidents.Keep(id, incident);
      kept.id = id;
      kept.analysis_json.clear();
      hot->latest_incident.Keep(incident.group_key, id);  // the newest id: its group's latest
    }
    return id;
  }

  Status UpdateIncident(const Incident& incident) override {
    RedoOp op(kUpdateIncident);
    BindIncident(op, incident);
    op.Bind(20, incident.id);
    QUELL_ASSIGN_OR_RETURN(int64_t changed, Write(op, 0));
    if (changed == 0) return NotFound("no incident " + std::to_string(incident.id));
    if (HotRows* hot = Hot()) {
      // group_key and opened_at are not rewritten (kUpdateIncident): keep the stored ones.
      if (Incident* kept = hot->incidents.Find(incident.id)) {
        std::string group_key = std::move(kept->group_key);
        const TimeMs opened_at = kept->opened_at;
        *kept = incident;
        kept->group_key = std::move(group_key);
        kept->opened_at = opened_at;
        kept->analysis_json.clear();
      }
    }
    return Status::Ok();
  }

  Status SetAnalysis(int64_t incident_id, const std::string& analysis_json,
                     TimeMs updated_at) override {
    RedoOp touch(kTouchIncident);
    touch.Bind(1, incident_id).Bind(2, updated_at);
    QUELL_ASSIGN_OR_RETURN(int64_t changed, Write(touch, 0));
    if (changed == 0) return NotFound("no incident " + std::to_string(incident_id));
    if (HotRows* hot = Hot()) {
      if (Incident* kept = hot->incidents.Find(incident_id)) kept->updated_at = updated_at;
    }
    RedoOp op(kSetAnalysis);
    op.Bind(1, incident_id).Bind(2, analysis_json);
    return Apply(op);
  }

  Result<std::optional<std::string>> FindAnalysis(int64_t incident_id) override {
    QUELL_ASSIGN_OR_RETURN(
        auto* s, db_.Prepare("SELECT analysis FROM incident_analyses WHERE incident_id = ?1"));
    s->Bind(1, incident_id);
    return QueryOne(*s, [](const SqliteStatement& row) { return row.Text(0); });
  }

  Result<std::vector<Incident>> FindOpenIncidentsWithService(const std::string& service) override {
    QUELL_ASSIGN_OR_RETURN(
        auto* s, db_.Prepare("SELECT " INCIDENT_ROW_COLUMNS " FROM incidents WHERE id IN (SELECT "
                             "incident_id FROM incident_services WHERE service = ?1) AND status "
                             "!= 'resolved' ORDER BY id"));
    s->Bind(1, service);
    return CollectRows(*s, [](const SqliteStatement& row) { return ReadIncident(row); });
  }

  Result<int64_t> InsertDeploy(const model::Deploy& d) override {
    RedoOp op(kInsertDeploy);
    BindDeploy(op, d);
    op.BindNull(13);
    return Write(op, 13);
  }

  Result<int64_t> AppendEvent(const Event& event) override {
    RedoOp op(kAppendEvent);
    BindEvent(op, event);
    op.BindNull(9);
    return Write(op, 9);
  }

  Result<bool> BumpEvent(int64_t incident_id, model::EventKind kind, const std::string& fingerprint,
                         TimeMs at, int64_t times) override {
    return Bump(kBumpEvent, incident_id, kind, std::string_view(fingerprint), at, times);
  }

  Result<bool> BumpRecentEvent(int64_t incident_id, model::EventKind kind, TimeMs since,
                               TimeMs at, int64_t times) override {
    return Bump(kBumpRecentEvent, incident_id, kind, since, at, times);
  }

  Status EnqueueJob(const Job& job) override {
    const bool cacheable = batch_ && !job.dedup_key.empty();
    if (cacheable) {
      auto known = batch_->pending_jobs.find(job.dedup_key);
      if (known != batch_->pending_jobs.end() && known->second <= job.run_at) return Status::Ok();
    }
    RedoOp op(kEnqueueJob);
    op.Bind(1, job.kind)
        .Bind(2, job.incident_id)
        .Bind(3, job.dedup_key)
        .Bind(4, job.run_at)
        .Bind(5, job.payload);
    QUELL_RETURN_IF_ERROR(Apply(op));  // changes nothing when a pending job was kept as it was
    // Either way a pending job with run_at <= job.run_at now exists; known once committed.
    if (cacheable) KeepEarliest(enqueued_, job.dedup_key, job.run_at);
    return Status::Ok();
  }

  // The outbox's own writes (SqliteStore's job methods), recorded in the log like the rest, so
  // a replay changes the jobs table exactly as the original run did.
  Result<std::optional<Job>> LeaseDueJob(TimeMs now, TimeMs lease_ms) {
    QUELL_ASSIGN_OR_RETURN(auto* s, db_.Prepare("SELECT " JOB_COLUMNS " FROM jobs WHERE run_at "
                                                "<= ?1 AND leased_until < ?1 ORDER BY run_at, "
                                                "id LIMIT 1"));
    s->Bind(1, now);
    QUELL_ASSIGN_OR_RETURN(auto due, QueryOne(*s, ReadJob<SqliteStatement>));
    if (!due) return std::nullopt;
    Job& job = *due;
    RedoOp op(kLeaseJob);
    op.Bind(1, job.id).Bind(2, now + lease_ms).Bind(3, now);
    QUELL_ASSIGN_OR_RETURN(int64_t leased, Write(op, 0));
    if (leased == 0) return std::nullopt;  // taken meanwhile
    if (batch_) batch_->pending_jobs.erase(job.dedup_key);  // it may have been the pending one
    ++job.attempts;
    return job;
  }

  Status DeleteJob(int64_t job_id) {
    RedoOp op(kDeleteJob);
    op.Bind(1, job_id);
    return Apply(op);
  }

  Status ReleaseJob(int64_t job_id, TimeMs run_at, const std::string& error,
                    bool count_attempt) {
    RedoOp merge(kMergeRetriedJob);
    merge.Bind(1, job_id).Bind(2, run_at).Bind(3, error);
    QUELL_ASSIGN_OR_RETURN(int64_t merged, Write(merge, 0));
    if (merged > 0) return DeleteJob(job_id);
    RedoOp release(kReleaseJob);
    release.Bind(1, job_id).Bind(2, run_at).Bind(3, error).Bind(4, int64_t{count_attempt ? 0 : 1});
    return Apply(release);
  }

  Status Commit() override {
    if (done_) return Internal("transaction already finished");
    if (!batch_) {
      Status status = db_.Exec("COMMIT");
      if (!status.ok()) return status;  // still open: the destructor rolls back
    } else {
      // Durable once the record is in the log; the batch commits it to SQLite later.
      if (!batch_->record.empty()) {
        QUELL_RETURN_IF_ERROR(batch_->log->Append(batch_->next_seq, batch_->record));
        ++batch_->next_seq;
        batch_->pending = true;
      }
      for (const auto& [key, run_at] : enqueued_) KeepEarliest(batch_->pending_jobs, key, run_at);
    }
    done_ = true;
    owner_ = std::thread::id();
    lock_.unlock();
    return Status::Ok();
  }

 private:
  // The rows kept across transactions, when they can be trusted: inside the batch's open
  // SQLite transaction (HotRows).
  HotRows* Hot() { return batch_ && batch_->open ? &batch_->hot : nullptr; }

  Result<int64_t> Write(RedoOp& op, int id_param) {
    if (batch_) QUELL_RETURN_IF_ERROR(OpenBatch(db_, *batch_));
    wrote_ = true;
    QUELL_ASSIGN_OR_RETURN(int64_t result, RunWrite(db_, op, id_param));
    if (batch_) op.AppendTo(batch_->record);
    return result;
  }
  // The bump statements: ?3 picks the entry (its fingerprint, or the time it must be newer
  // than). True when an entry was bumped.
  template <typename Match>
  Result<bool> Bump(WriteStatement statement, int64_t incident_id, model::EventKind kind,
                    Match match, TimeMs at, int64_t times) {
    RedoOp op(statement);
    op.Bind(1, incident_id)
        .Bind(2, std::string_view(EventKindText(kind)))
        .Bind(3, match)
        .Bind(4, at)
        .Bind(5, times);
    QUELL_ASSIGN_OR_RETURN(int64_t changed, Write(op, 0));
    return changed > 0;
  }
  // A write whose row count does not matter.
  Status Apply(RedoOp& op) {
    auto written = Write(op, 0);
    return written ? Status::Ok() : written.error();
  }

  SqliteDb& db_;
  std::unique_lock<std::mutex> lock_;
  Batch* batch_;
  std::atomic<std::thread::id>& owner_;
  std::unordered_map<std::string, TimeMs> enqueued_;  // Batch::pending_jobs, once committed
  bool wrote_ = false;
  bool done_ = false;
};

// ---- The store. ----

class SqliteStore final : public Store {
 public:
  ~SqliteStore() override {
    {
      std::lock_guard lock(checkpoint_mu_);
      stopping_ = true;
    }
    checkpoint_cv_.notify_all();
    if (flusher_.joinable()) flusher_.join();
    if (checkpointer_.joinable()) checkpointer_.join();
    if (batch_.log) {
      std::lock_guard lock(write_mu_);
      (void)Flush();
    }
    // The WAL file is left empty.
    if (checkpoint_db_) (void)checkpoint_db_->Exec("PRAGMA wal_checkpoint(TRUNCATE);");
  }

  Status Open(const SqliteOptions& options) {
    QUELL_ASSIGN_OR_RETURN(writer_, SqliteDb::Open(options.path, true, options.synchronous_full));
    QUELL_RETURN_IF_ERROR(Migrate());
    // The process that holds the redo log batches its transactions and replays what a crash
    // left in the log; another process (a CLI command beside `quell serve`) writes directly.
    if (options.batch_interval_ms > 0) {
      auto log = RedoLog::Open(options.path + "-redo", options.synchronous_full);
      if (log) {
        batch_.log = std::move(*log);
        std::lock_guard lock(write_mu_);
        QUELL_RETURN_IF_ERROR(Recover());
      } else if (log.error().code() != StatusCode::kUnavailable) {
        return log.error();
      }
    }
    batch_interval_ms_ = std::max<TimeMs>(1, options.batch_interval_ms);
    // Checkpoints (copying the WAL back into the database, with an fsync) run on a background
    // thread instead of inside whichever commit crosses the WAL size limit.
    QUELL_RETURN_IF_ERROR(writer_->Exec("PRAGMA wal_autocheckpoint=0;"));
    QUELL_ASSIGN_OR_RETURN(checkpoint_db_, SqliteDb::Open(options.path, false, false));
    wal_path_ = options.path + "-wal";
    wal_limit_bytes_ = std::max<int64_t>(0, options.wal_limit_bytes);
    if (wal_limit_bytes_ > 0) {
      // A WAL SQLite restarts from its start is cut back to the limit.
      const std::string limit =
          "PRAGMA journal_size_limit=" + std::to_string(wal_limit_bytes_) + ";";
      QUELL_RETURN_IF_ERROR(writer_->Exec(limit.c_str()));
      QUELL_RETURN_IF_ERROR(checkpoint_db_->Exec(limit.c_str()));
    }
    if (batch_.log) flusher_ = std::thread([this] { FlushLoop(); });
    checkpointer_ = std::thread([this] { CheckpointLoop(); });
    for (int i = 0; i < std::max(1, options.readers); ++i) {
      QUELL_ASSIGN_OR_RETURN(auto reader, SqliteDb::Open(options.path, false, false));
      QUELL_RETURN_IF_ERROR(reader->Exec("PRAGMA query_only=ON;"));
      idle_readers_.push_back(reader.get());
      readers_.push_back(std::move(reader));
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<StoreTx>> Begin() override {
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    return std::unique_ptr<StoreTx>(std::move(tx));
  }

  Result<std::optional<Incident>> GetIncident(int64_t id) override {
    Reader r(*this, Sees::kBatch);
    return QueryIncident(r.db(), id);
  }

  Result<std::vector<Incident>> ListIncidents(const IncidentQuery& q) override {
    Reader r(*this, Sees::kBatch);
    const int64_t before = q.before_id > 0 ? q.before_id : INT64_MAX;
    const std::string status = q.status ? model::IncidentStatusName(*q.status) : "";
    SqliteStatement* s = nullptr;
    if (q.service.empty()) {
      QUELL_ASSIGN_OR_RETURN(s, r.db().Prepare("SELECT " INCIDENT_COLUMNS
                                               " FROM incidents WHERE id < ?1 AND (?2 = '' OR "
                                               "status = ?2) ORDER BY id DESC LIMIT ?3"));
    } else {
      QUELL_ASSIGN_OR_RETURN(
          s, r.db().Prepare("SELECT " INCIDENT_COLUMNS
                            " FROM incidents WHERE id IN (SELECT incident_id FROM "
                            "incident_services WHERE service = ?4) AND id < ?1 AND (?2 = '' OR "
                            "status = ?2) ORDER BY id DESC LIMIT ?3"));
      s->Bind(4, q.service);
    }
    s->Bind(1, before).Bind(2, status).Bind(3, int64_t{std::max(1, q.limit)});
    return CollectRows(*s, [](const SqliteStatement& row) { return ReadIncident(row); });
  }

  Result<std::vector<Alert>> ListAlerts(int64_t incident_id, size_t limit,
                                        int64_t after_id) override {
    Reader r(*this, Sees::kBatch);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT " ALERT_COLUMNS
                                                   " FROM alerts WHERE incident_id = ?1 AND "
                                                   "id > ?3 ORDER BY id LIMIT ?2"));
    s->Bind(1, incident_id)
        .Bind(2, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit))
        .Bind(3, after_id);
    return CollectRows(*s, [](const SqliteStatement& row) { return ReadAlert(row); });
  }

  Result<std::vector<Event>> ListEvents(int64_t incident_id) override {
    Reader r(*this, Sees::kBatch);
    QUELL_ASSIGN_OR_RETURN(
        auto* s,
        r.db().Prepare("SELECT " EVENT_COLUMNS " FROM events WHERE incident_id = ?1 ORDER BY id"));
    s->Bind(1, incident_id);
    return CollectRows(*s, [](const SqliteStatement& row) { return ReadEvent(row); });
  }

  Result<int64_t> CountIncidents(std::optional<model::IncidentStatus> status, bool latest) override {
    Reader r(*this, latest ? Sees::kBatch : Sees::kCommitted);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT count(*) FROM incidents WHERE ?1 = '' "
                                                   "OR status = ?1"));
    s->Bind(1, std::string_view(status ? model::IncidentStatusName(*status) : ""));
    return QueryCount(*s);
  }

  Status Ping() override {
    Reader r(*this, Sees::kCommitted);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT 1"));
    return QueryCount(*s).has_value() ? Status::Ok() : Unavailable("the database did not answer");
  }

  Result<int64_t> CountAlerts() override {
    Reader r(*this, Sees::kBatch);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT count(*) FROM alerts"));
    return QueryCount(*s);
  }

  Result<NoiseStats> GetStats(const StatsQuery& q) override {
    Reader r(*this, Sees::kBatch);
    return QueryStatMinutes(r.db(), q);
  }

  Result<std::vector<model::Deploy>> ListDeploys(const DeployQuery& q) override {
    Reader r(*this, Sees::kBatch);
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

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    Reader r(*this, Sees::kCommitted);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT value FROM settings WHERE key = ?1"));
    s->Bind(1, key);
    return QueryOne(*s, [](const SqliteStatement& row) { return row.Text(0); });
  }

  Status PutSetting(const std::string& key, const std::string& value) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare("INSERT INTO settings (key, value) VALUES "
                                                     "(?1, ?2) ON CONFLICT (key) DO UPDATE SET "
                                                     "value = excluded.value"));
    s->Bind(1, key).Bind(2, value);
    return s->Run();
  }

  Result<bool> DeleteSetting(const std::string& key) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare("DELETE FROM settings WHERE key = ?1"));
    s->Bind(1, key);
    QUELL_RETURN_IF_ERROR(s->Run());
    return writer_->Changes() > 0;
  }

  Result<bool> SwapSetting(const std::string& key, const std::optional<std::string>& expected,
                           const std::optional<std::string>& desired) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());  // the one writer: nobody writes between
    SqliteStatement* s = nullptr;
    if (!expected && !desired) {
      QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare("SELECT 1 FROM settings WHERE key = ?1"));
      s->Bind(1, key);
      QUELL_ASSIGN_OR_RETURN(auto found, QueryOne(*s, [](const SqliteStatement&) { return 1; }));
      return !found;
    }
    if (!expected) {
      QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare("INSERT INTO settings (key, value) VALUES (?1, "
                                                 "?2) ON CONFLICT (key) DO NOTHING"));
      s->Bind(1, key).Bind(2, *desired);
    } else if (!desired) {
      QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare("DELETE FROM settings WHERE key = ?1 AND value "
                                                 "= ?2"));
      s->Bind(1, key).Bind(2, *expected);
    } else {
      QUELL_ASSIGN_OR_RETURN(s, writer_->Prepare("UPDATE settings SET value = ?3 WHERE key = ?1 "
                                                 "AND value = ?2"));
      s->Bind(1, key).Bind(2, *expected).Bind(3, *desired);
    }
    QUELL_RETURN_IF_ERROR(s->Run());
    return writer_->Changes() > 0;
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListSettings(
      const std::string& prefix) override {
    Reader r(*this, Sees::kCommitted);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT key, value FROM settings WHERE "
                                                   "substr(key, 1, length(?1)) = ?1 ORDER BY key"));
    s->Bind(1, prefix);
    return CollectRows(
        *s, [](const SqliteStatement& row) { return std::make_pair(row.Text(0), row.Text(1)); });
  }

  Status AppendLogs(std::vector<model::LogEntry>& entries) override {
    if (entries.empty()) return Status::Ok();
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginDirect());
    for (auto& e : entries) {
      QUELL_ASSIGN_OR_RETURN(
          auto* s, writer_->Prepare("INSERT INTO log_entries (service, ts, level, message, "
                                    "template_id, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
      s->Bind(1, e.service)
          .Bind(2, e.ts)
          .Bind(3, e.level)
          .Bind(4, e.message)
          .Bind(5, static_cast<int64_t>(e.template_id))
          .Bind(6, e.ts);
      QUELL_RETURN_IF_ERROR(s->Run());
      e.id = writer_->LastInsertId();
    }
    return tx->Commit();
  }

  Result<std::vector<model::LogEntry>> ListLogs(const LogQuery& q) override {
    Reader r(*this, Sees::kCommitted);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT id, service, ts, level, message, "
                                                   "template_id FROM log_entries WHERE service = "
                                                   "?1 AND ts BETWEEN ?2 AND ?3 ORDER BY ts, id "
                                                   "LIMIT ?4"));
    s->Bind(1, q.service)
        .Bind(2, q.since)
        .Bind(3, q.until > 0 ? q.until : INT64_MAX)
        .Bind(4, int64_t{std::max(1, q.limit)});
    return CollectRows(*s, [](const SqliteStatement& row) {
      return model::LogEntry{row.Int(0),  row.Text(1), row.Int(2),
                             row.Text(3), row.Text(4), static_cast<uint64_t>(row.Int(5))};
    });
  }

  Status PruneLogs(TimeMs older_than, int64_t max_rows) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    QUELL_ASSIGN_OR_RETURN(auto* old, writer_->Prepare("DELETE FROM log_entries WHERE ts < ?1"));
    old->Bind(1, older_than);
    QUELL_RETURN_IF_ERROR(old->Run());
    QUELL_ASSIGN_OR_RETURN(
        auto* excess, writer_->Prepare("DELETE FROM log_entries WHERE id <= (SELECT max(id) FROM "
                                       "log_entries) - ?1"));
    excess->Bind(1, max_rows);
    return excess->Run();
  }

  // Tokens, sessions and sign-in codes: store/sqlite/auth_tables.cc. Changes are direct
  // writes (rare: sign-ins, revocations, a token's last use once a minute).
  Result<int64_t> InsertToken(const Token& token) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    return auth_tables::InsertToken(*writer_, token);
  }
  Result<std::optional<Token>> FindTokenByHash(const std::string& hash) override {
    Reader r(*this, Sees::kCommitted);
    return auth_tables::FindTokenByHash(r.db(), hash);
  }
  Result<std::vector<Token>> ListTokens() override {
    Reader r(*this, Sees::kCommitted);
    return auth_tables::ListTokens(r.db());
  }
  Result<int64_t> DeleteTokens(const std::string& name) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    return auth_tables::DeleteTokens(*writer_, name);
  }
  // "Last used" is best effort and written once a minute per token in use: it rides in the
  // open batch (committed with it) instead of forcing the batch out, so requests do not defeat
  // group commit. A crash before that commit leaves it one batch interval older, no worse.
  Status TouchToken(int64_t id, TimeMs at) override {
    std::unique_lock lock(write_mu_);
    if (batch_.broken) QUELL_RETURN_IF_ERROR(Recover());
    return auth_tables::TouchToken(*writer_, id, at);
  }
  Status InsertSession(const Session& session) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    return auth_tables::InsertSession(*writer_, session);
  }
  Result<std::optional<SignedIn>> FindSession(const std::string& id_hash) override {
    Reader r(*this, Sees::kCommitted);
    return auth_tables::FindSession(r.db(), id_hash);
  }
  Status DeleteSession(const std::string& id_hash) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    return auth_tables::DeleteSession(*writer_, id_hash);
  }
  Status InsertLoginCode(const std::string& code_hash, int64_t token_id, TimeMs created_at,
                         TimeMs expires_at) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    return auth_tables::InsertLoginCode(*writer_, code_hash, token_id, created_at, expires_at);
  }
  Result<std::optional<Token>> TakeLoginCode(const std::string& code_hash, TimeMs now) override {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    return auth_tables::TakeLoginCode(*writer_, code_hash, now);
  }

  Result<std::optional<Job>> ClaimJob(TimeMs now, TimeMs lease_ms) override {
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite(/*open_batch=*/false));
    QUELL_ASSIGN_OR_RETURN(auto job, tx->LeaseDueJob(now, lease_ms));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return job;
  }

  Status CompleteJob(int64_t job_id) override {
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    QUELL_RETURN_IF_ERROR(tx->DeleteJob(job_id));
    return tx->Commit();
  }

  Status RetryJob(int64_t job_id, TimeMs run_at, const std::string& error,
                  bool count_attempt) override {
    QUELL_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    QUELL_RETURN_IF_ERROR(tx->ReleaseJob(job_id, run_at, error, count_attempt));
    return tx->Commit();
  }

  Result<std::vector<Job>> ListJobs() override {
    Reader r(*this, Sees::kBatch);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT " JOB_COLUMNS " FROM jobs ORDER BY id"));
    return CollectRows(*s, [](const SqliteStatement& row) { return ReadJob(row); });
  }

  Result<int64_t> CountDueJobs(TimeMs now) override {
    Reader r(*this, Sees::kCommitted);
    QUELL_ASSIGN_OR_RETURN(auto* s, r.db().Prepare("SELECT count(*) FROM jobs WHERE run_at <= ?1 "
                                                   "AND leased_until < ?1"));
    s->Bind(1, now);
    return QueryCount(*s);
  }

 private:
  // What a read must see. Reads of what write transactions change (incidents, alerts,
  // timeline, jobs, deploys) see every committed transaction, so the batch is committed to
  // SQLite first if it holds any; other reads need not wait for that.
  enum class Sees { kBatch, kCommitted };

  // Borrows a reader connection for one read method.
  class Reader {
   public:
    Reader(SqliteStore& store, Sees sees) : store_(store) {
      // A thread inside a write transaction reads what SQLite holds (it cannot flush its own).
      if (sees == Sees::kBatch && store_.batch_.pending &&
          store_.owner_.load() != std::this_thread::get_id()) {
        std::lock_guard lock(store_.write_mu_);
        (void)store_.Flush();  // on failure the read sees the last commit
      }
      std::unique_lock lock(store_.readers_mu_);
      store_.readers_cv_.wait(lock, [&] { return !store_.idle_readers_.empty(); });
      db_ = store_.idle_readers_.back();
      store_.idle_readers_.pop_back();
    }
    ~Reader() {
      {
        std::lock_guard lock(store_.readers_mu_);
        store_.idle_readers_.push_back(db_);
      }
      store_.readers_cv_.notify_one();
    }
    SqliteDb& db() { return *db_; }

   private:
    SqliteStore& store_;
    SqliteDb* db_;
  };

  // The write lock for a change outside the batch (settings, tokens, logs): the batch
  // is committed first, so the change runs in a transaction of its own.
  Result<std::unique_lock<std::mutex>> LockDirect() {
    std::unique_lock lock(write_mu_);
    QUELL_RETURN_IF_ERROR(Flush());
    return lock;
  }

  Result<std::unique_ptr<SqliteTx>> BeginDirect() {
    QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
    QUELL_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    return std::make_unique<SqliteTx>(*writer_, std::move(lock), nullptr, owner_);
  }

  // A write transaction: in the batch when this process holds the log, else direct. With
  // `open_batch` false the batch's SQLite transaction starts at the first write: the job
  // runner's polls, which mostly find nothing due, must not hold SQLite's write lock (a CLI
  // beside the server needs it now and then).
  Result<std::unique_ptr<SqliteTx>> BeginWrite(bool open_batch = true) {
    if (!batch_.log) return BeginDirect();
    std::unique_lock lock(write_mu_);
    if (batch_.broken) QUELL_RETURN_IF_ERROR(Recover());
    if (open_batch) QUELL_RETURN_IF_ERROR(OpenBatch(*writer_, batch_));
    return std::make_unique<SqliteTx>(*writer_, std::move(lock), &batch_, owner_);
  }

  // Commits the batch to SQLite, with the last record it holds. Called with write_mu_ held.
  Status Flush() {
    if (batch_.broken) return Recover();
    if (!batch_.open) return Status::Ok();
    const uint64_t last = batch_.next_seq - 1;
    Status status = Status::Ok();
    if (last > batch_.applied_seq) status = SetAppliedSeq(last);
    if (status.ok()) status = writer_->Exec("COMMIT");
    if (!status.ok()) {
      // Nothing acknowledged is lost: it is all in the log. Start over from it.
      (void)writer_->Exec("ROLLBACK");
      batch_.open = false;
      batch_.broken = true;
      return Recover();
    }
    batch_.open = false;
    batch_.applied_seq = last;
    batch_.pending = false;
    // The database holds every record now: empty the log (a failure only means the next
    // records overwrite these, which replay tells apart by sequence number).
    (void)batch_.log->Truncate();
    // The batch boundary is the one moment this process holds no SQLite write transaction:
    // past the limit (the background checkpoints could not keep up), checkpoint here.
    if (wal_limit_bytes_ > 0 && WalBytes() > wal_limit_bytes_) (void)TruncateWal(*writer_);
    return Status::Ok();
  }

  Status SetAppliedSeq(uint64_t seq) {
    QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare("UPDATE redo_state SET applied_seq = ?1"));
    s->Bind(1, static_cast<int64_t>(seq));
    return s->Run();
  }

  // Brings SQLite up to the redo log: replays, in one transaction, every record the database
  // does not hold (after a crash, or after a failed batch). Called with write_mu_ held.
  Status Recover() {
    batch_.pending_jobs.clear();
    batch_.hot.Clear();
    if (batch_.open) {
      (void)writer_->Exec("ROLLBACK");
      batch_.open = false;
    }
    QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare("SELECT applied_seq FROM redo_state"));
    QUELL_ASSIGN_OR_RETURN(int64_t applied, QueryCount(*s));
    QUELL_ASSIGN_OR_RETURN(auto records, batch_.log->ReadAll(static_cast<uint64_t>(applied)));
    uint64_t last = static_cast<uint64_t>(applied);
    QUELL_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
    Status status = Status::Ok();
    for (const auto& record : records) {
      if (record.seq <= last) continue;
      if (record.seq != last + 1) break;  // not a continuation of what the database holds
      status = ReplayRecord(*writer_, record.payload);
      if (!status.ok()) break;
      last = record.seq;
    }
    if (status.ok()) status = SetAppliedSeq(last);
    if (status.ok()) status = writer_->Exec("COMMIT");
    if (!status.ok()) {
      (void)writer_->Exec("ROLLBACK");
      return Internal("cannot replay the redo log: " + status.message());
    }
    batch_.applied_seq = last;
    batch_.next_seq = last + 1;
    batch_.pending = false;
    batch_.broken = false;
    QUELL_RETURN_IF_ERROR(batch_.log->Truncate());
    return Status::Ok();
  }

  Status Migrate() {
    QUELL_ASSIGN_OR_RETURN(auto* s, writer_->Prepare("PRAGMA user_version"));
    QUELL_ASSIGN_OR_RETURN(int64_t version, QueryCount(*s));
    const auto& migrations = SqliteMigrations();
    for (size_t v = static_cast<size_t>(version); v < migrations.size(); ++v) {
      QUELL_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
      Status status = writer_->Exec(migrations[v]);
      if (status.ok())
        status = writer_->Exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
      if (!status.ok()) {
        (void)writer_->Exec("ROLLBACK");
        return Internal("migration " + std::to_string(v + 1) + " failed: " + status.message());
      }
      QUELL_RETURN_IF_ERROR(writer_->Exec("COMMIT"));
    }
    return Status::Ok();
  }

  int64_t WalBytes() const {
    struct stat st {};
    return ::stat(wal_path_.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
  }

  // Copies the whole WAL into the database and truncates it to nothing. Never waits: a reader
  // still on an older snapshot (or another process's write) makes it fail at once, and the
  // next try comes a batch interval later. Called with write_mu_ held and no batch open.
  Status TruncateWal(SqliteDb& db) { return db.Checkpoint(SQLITE_CHECKPOINT_TRUNCATE, false); }

  // Commits the batch every batch interval, so that readers in other processes see it, the
  // write lock is free for them now and then, and the redo log holds one interval at most.
  void FlushLoop() {
    std::unique_lock lock(checkpoint_mu_);
    while (!stopping_) {
      checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(batch_interval_ms_),
                              [this] { return stopping_; });
      lock.unlock();
      {
        std::lock_guard write_lock(write_mu_);
        (void)Flush();
      }
      lock.lock();
    }
  }

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
  // Should that fall behind, Flush truncates the WAL at the batch boundary once it passes the
  // limit, and journal_size_limit cuts back a WAL SQLite restarts on its own.
  void CheckpointLoop() {
    std::unique_lock lock(checkpoint_mu_);
    int64_t last_seen_wal = -1;
    while (!stopping_) {
      checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; });
      if (stopping_) return;
      lock.unlock();
      if (WalBytes() > 0) {
        // PASSIVE never blocks writers or readers.
        (void)checkpoint_db_->Checkpoint(SQLITE_CHECKPOINT_PASSIVE, false);
        const int64_t wal = WalBytes();
        const bool idle = wal == last_seen_wal;
        if (wal > 0 && ((wal_limit_bytes_ > 0 && wal >= wal_limit_bytes_ / 2) || idle)) {
          std::lock_guard write_lock(write_mu_);
          (void)Flush();
          if (!batch_.open) (void)TruncateWal(*checkpoint_db_);
        }
      }
      last_seen_wal = WalBytes();
      lock.lock();
    }
  }

  std::mutex write_mu_;
  std::unique_ptr<SqliteDb> writer_;
  Batch batch_;                                // guarded by write_mu_ (but `pending`)
  std::atomic<std::thread::id> owner_;        // the thread in a write transaction, if any
  TimeMs batch_interval_ms_ = 100;
  std::unique_ptr<SqliteDb> checkpoint_db_;
  std::string wal_path_;
  int64_t wal_limit_bytes_ = 0;
  std::thread flusher_;
  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<SqliteDb>> readers_;
  std::vector<SqliteDb*> idle_readers_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  auto store = std::make_unique<SqliteStore>();
  QUELL_RETURN_IF_ERROR(store->Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

Result<RedoRepair> RepairSqliteRedoLog(const std::string& path) {
  uint64_t applied = 0;  // what the database holds: older records after the bad one are stale
  if (auto db = SqliteDb::Open(path, false, false)) {
    if (auto s = (*db)->Prepare("SELECT applied_seq FROM redo_state")) {
      auto row = (*s)->Step();
      if (row && *row) applied = static_cast<uint64_t>((*s)->Int(0));
      (*s)->Reset();
    }
  }
  return RedoLog::Repair(path + "-redo", applied);
}

}  // namespace quell::store
