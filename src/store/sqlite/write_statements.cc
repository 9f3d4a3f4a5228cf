#include "store/sqlite/write_statements.h"

#include "store/shared_sql.h"
#include "store/sqlite/redo_log.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"

namespace quell::store {
namespace {

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
    SqliteSql<kSqlUpdateAlert>,
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
    SqliteSql<kSqlTouchIncident>,
    // kSetAnalysis. Apart from the incident row, which every alert rewrites: SQLite rewrites a
    // whole row on any update, and the analysis is most of an incident's bytes.
    SqliteSql<kSqlSetAnalysis>,
    // kLeaseJob. The condition repeats the claim's: a CLI process writing directly between
    // the claim's read and this write must not make a job run twice.
    "UPDATE jobs SET leased_until = ?2, attempts = attempts + 1 WHERE id = ?1 AND "
    "run_at <= ?3 AND leased_until < ?3",
    // kDeleteJob
    SqliteSql<kSqlDeleteJob>,
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

}  // namespace

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

Status ReplayRecord(SqliteDb& db, std::string_view payload) {
  while (!payload.empty()) {
    QUELL_ASSIGN_OR_RETURN(RedoOp op, RedoOp::Read(payload));
    QUELL_ASSIGN_OR_RETURN(int64_t changed, RunWrite(db, op, 0));
    (void)changed;
  }
  return Status::Ok();
}

}  // namespace quell::store
