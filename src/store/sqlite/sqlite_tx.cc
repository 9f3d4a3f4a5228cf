#include "store/sqlite/sqlite_tx.h"

#include <utility>

#include "store/row_mapping.h"
#include "store/shared_sql.h"
#include "store/sqlite/batch.h"
#include "store/sqlite/redo_log.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"

namespace quell::store {

SqliteTx::SqliteTx(SqliteDb& db, std::unique_lock<std::mutex> lock, Batch* batch,
                   std::atomic<std::thread::id>& owner)
    : db_(db), lock_(std::move(lock)), batch_(batch), owner_(owner) {
  owner_ = std::this_thread::get_id();
  if (batch_) batch_->record.clear();
}

SqliteTx::~SqliteTx() {
  if (!done_) {
    if (!batch_) {
      (void)db_.Exec("ROLLBACK");
    } else if (wrote_) {
      // A batched transaction has no savepoint of its own (one per transaction cost ingest
      // a copy of every page it touched): undo the whole batch; the store replays the
      // committed transactions from the log before the next one (Batch::Replay).
      (void)db_.Exec("ROLLBACK");
      batch_->open = false;
      batch_->broken = true;
    }
  }
  owner_ = std::thread::id();
}

HotRows* SqliteTx::Hot() { return batch_ && batch_->open ? &batch_->hot : nullptr; }

Result<int64_t> SqliteTx::Write(RedoOp& op, int id_param) {
  if (batch_) QUELL_RETURN_IF_ERROR(batch_->Begin(db_));
  wrote_ = true;
  QUELL_ASSIGN_OR_RETURN(int64_t result, RunWrite(db_, op, id_param));
  if (batch_) op.AppendTo(batch_->record);
  return result;
}

template <typename Match>
Result<bool> SqliteTx::Bump(WriteStatement statement, int64_t incident_id, model::EventKind kind,
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

Status SqliteTx::Apply(RedoOp& op) {
  auto written = Write(op, 0);
  return written ? Status::Ok() : written.error();
}

Status SqliteTx::LockKeys(const std::vector<std::string>&) { return Status::Ok(); }

Result<std::optional<Alert>> SqliteTx::FindLatestAlert(const std::string& fingerprint) {
  HotRows* hot = Hot();
  if (hot) {
    if (const Alert* kept = hot->latest_alert.Find(fingerprint)) return *kept;
  }
  QUELL_ASSIGN_OR_RETURN(auto* s,
                         db_.Prepare("SELECT " ALERT_COLUMNS " FROM alerts WHERE fp_key = ?2 AND "
                                     "fingerprint = ?1 ORDER BY id DESC LIMIT 1"));
  s->Bind(1, fingerprint).Bind(2, FingerprintKey(fingerprint));
  QUELL_ASSIGN_OR_RETURN(auto found, QueryOne(*s, ReadAlert<SqliteStatement>));
  if (hot && found) hot->KeepAlert(*found);
  return found;
}

Result<int64_t> SqliteTx::InsertAlert(const Alert& alert) {
  RedoOp op(kInsertAlert);
  BindAlert(op, alert);
  op.BindNull(22);
  QUELL_ASSIGN_OR_RETURN(int64_t id, Write(op, 22));
  // The kept row (if any) is no longer its fingerprint's newest. The new one is not kept: in a
  // storm of new alerts that would copy every one for nothing; a repeat reads it back once.
  if (HotRows* hot = Hot()) hot->latest_alert.Erase(alert.data.fingerprint);
  return id;
}

Status SqliteTx::UpdateAlert(const Alert& alert) {
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
      if (!HotRows::Keepable(alert)) {
        hot->latest_alert.Erase(alert.data.fingerprint);
      } else {
        // Assigned in place: the kept row's buffers take the new values (every repeat of an
        // alert comes here, and a fresh copy would allocate each of its strings again).
        const int64_t incident_id = kept->incident_id;
        *kept = alert;
        kept->incident_id = incident_id;
      }
    }
  }
  return Status::Ok();
}

Result<int64_t> SqliteTx::CountFiringAlerts(int64_t incident_id) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db_.Prepare(SqliteSql<kSqlCountFiringAlerts>));
  s->Bind(1, incident_id);
  return QueryCount(*s);
}

Result<std::optional<Incident>> SqliteTx::FindIncident(int64_t id) {
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

Result<std::optional<Incident>> SqliteTx::FindLatestIncidentByGroup(const std::string& group_key) {
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

Result<std::optional<Incident>> SqliteTx::FindLatestIncidentWithService(
    const std::string& service) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db_.Prepare("SELECT " INCIDENT_ROW_COLUMNS
                                              " FROM incidents WHERE id = (SELECT max(incident_id) "
                                              "FROM incident_services WHERE service = ?1)"));
  s->Bind(1, service);
  return QueryOne(*s, ReadIncident<SqliteStatement>);
}

Result<int64_t> SqliteTx::InsertIncident(const Incident& incident) {
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

Status SqliteTx::UpdateIncident(const Incident& incident) {
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

Status SqliteTx::SetAnalysis(int64_t incident_id, const std::string& analysis_json,
                             TimeMs updated_at) {
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

Result<std::optional<std::string>> SqliteTx::FindAnalysis(int64_t incident_id) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db_.Prepare(SqliteSql<kSqlFindAnalysis>));
  s->Bind(1, incident_id);
  return QueryOne(*s, [](const SqliteStatement& row) { return row.Text(0); });
}

Result<std::vector<Incident>> SqliteTx::FindOpenIncidentsWithService(const std::string& service) {
  QUELL_ASSIGN_OR_RETURN(
      auto* s, db_.Prepare("SELECT " INCIDENT_ROW_COLUMNS " FROM incidents WHERE id IN (SELECT "
                           "incident_id FROM incident_services WHERE service = ?1) AND status "
                           "!= 'resolved' ORDER BY id"));
  s->Bind(1, service);
  return CollectRows(*s, [](const SqliteStatement& row) { return ReadIncident(row); });
}

Result<int64_t> SqliteTx::InsertDeploy(const model::Deploy& d) {
  RedoOp op(kInsertDeploy);
  BindDeploy(op, d);
  op.BindNull(13);
  return Write(op, 13);
}

Result<int64_t> SqliteTx::AppendEvent(const Event& event) {
  RedoOp op(kAppendEvent);
  BindEvent(op, event);
  op.BindNull(9);
  return Write(op, 9);
}

Result<bool> SqliteTx::BumpEvent(int64_t incident_id, model::EventKind kind,
                                 const std::string& fingerprint, TimeMs at, int64_t times) {
  return Bump(kBumpEvent, incident_id, kind, std::string_view(fingerprint), at, times);
}

Result<bool> SqliteTx::BumpRecentEvent(int64_t incident_id, model::EventKind kind, TimeMs since,
                                       TimeMs at, int64_t times) {
  return Bump(kBumpRecentEvent, incident_id, kind, since, at, times);
}

Status SqliteTx::EnqueueJob(const Job& job) {
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

Result<std::optional<Job>> SqliteTx::LeaseDueJob(TimeMs now, TimeMs lease_ms) {
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
  if (leased == 0) return std::nullopt;                   // taken meanwhile
  if (batch_) batch_->pending_jobs.erase(job.dedup_key);  // it may have been the pending one
  ++job.attempts;
  return job;
}

Status SqliteTx::DeleteJob(int64_t job_id) {
  RedoOp op(kDeleteJob);
  op.Bind(1, job_id);
  return Apply(op);
}

Status SqliteTx::ReleaseJob(int64_t job_id, TimeMs run_at, const std::string& error,
                            bool count_attempt) {
  RedoOp merge(kMergeRetriedJob);
  merge.Bind(1, job_id).Bind(2, run_at).Bind(3, error);
  QUELL_ASSIGN_OR_RETURN(int64_t merged, Write(merge, 0));
  if (merged > 0) return DeleteJob(job_id);
  RedoOp release(kReleaseJob);
  release.Bind(1, job_id).Bind(2, run_at).Bind(3, error).Bind(4, int64_t{count_attempt ? 0 : 1});
  return Apply(release);
}

Status SqliteTx::Commit() {
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

}  // namespace quell::store
