#include "store/sqlite/schema.h"

#include <string>

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_query.h"

namespace quell::store {
namespace {

// Migration 13's SQL. The minute a time `t` (ms since 1970) falls in, as minutes since 1970
// (integer division: there are no times before 1970 here, they come from the server's clock).
#define QUELL_MINUTE(t) "(" t ") / 60000"
// When an alert was last seen, for the counters: never before it was first seen (a clock
// stepping back must not make the window arithmetic in stat_minutes.cc miscount it).
#define QUELL_LAST_SEEN(row) "max(" row ".first_seen, " row ".last_seen)"
#define QUELL_FIRST_MINUTE(row) QUELL_MINUTE(row ".first_seen")
#define QUELL_LAST_MINUTE(row) QUELL_MINUTE(QUELL_LAST_SEEN(row))
// Adds v1 and v2 to columns c1 and c2 of the minute of time t (subtracts when negative), if
// `when`.
#define QUELL_STAT_ADD2_IF(c1, c2, t, v1, v2, when)                                           \
  "INSERT INTO stat_minutes (minute, " c1 ", " c2 ") SELECT " QUELL_MINUTE(t) ", " v1 ", " v2 \
  " WHERE " when " ON CONFLICT (minute) DO UPDATE SET " c1 " = " c1 " + excluded." c1 ", " c2 \
  " = " c2 " + excluded." c2 ";\n"
#define QUELL_STAT_ADD2(c1, c2, t, v1, v2) QUELL_STAT_ADD2_IF(c1, c2, t, v1, v2, "true")
// Adds v to column c of the minute of time t, if `when`.
#define QUELL_STAT_ADD_IF(c, t, v, when)                                                       \
  "INSERT INTO stat_minutes (minute, " c ") SELECT " QUELL_MINUTE(t) ", " v " WHERE " when      \
  " ON CONFLICT (minute) DO UPDATE SET " c " = " c " + excluded." c ";\n"

// Triggers run for every alert written, the hottest write: the common cases (a new alert, a
// repeat within the minutes it was first and last seen) take one statement on one row, with
// equality lookups only (an `IN (a, b)` over two rows cost twice as much).
constexpr const char* kStatMinutesMigration =
    R"sql(
CREATE TABLE stat_minutes (
  minute INTEGER PRIMARY KEY,  -- minutes since 1970 (UTC)
  alerts_first INTEGER NOT NULL DEFAULT 0,    -- alert rows first seen in the minute
  received_first INTEGER NOT NULL DEFAULT 0,  -- the sum of their counts
  alerts_last INTEGER NOT NULL DEFAULT 0,     -- alert rows last seen in the minute
  received_last INTEGER NOT NULL DEFAULT 0,   -- the sum of their counts
  incidents INTEGER NOT NULL DEFAULT 0,       -- incidents opened in the minute
  notified INTEGER NOT NULL DEFAULT 0         -- 'notified' events at the minute, with repeats
) STRICT;
-- The counters replace the indexes the figures were read with (7, 10).
DROP INDEX incidents_by_opened;
DROP INDEX events_notified_by_time;
)sql"
    // Alerts: a row counts at the minute it was first seen and at the minute it was last seen;
    // a repeat adds to its count at both, and moves it when it is last seen in a later minute.
    "CREATE TRIGGER alerts_stat_insert AFTER INSERT ON alerts BEGIN\n"
    "INSERT INTO stat_minutes (minute, alerts_first, received_first, alerts_last, received_last) "
    "VALUES (" QUELL_FIRST_MINUTE("new") ", 1, new.count, " QUELL_FIRST_MINUTE("new") " = "
    QUELL_LAST_MINUTE("new") ", (" QUELL_FIRST_MINUTE("new") " = " QUELL_LAST_MINUTE("new")
    ") * new.count) ON CONFLICT (minute) DO UPDATE SET alerts_first = alerts_first + 1, "
    "received_first = received_first + excluded.received_first, alerts_last = alerts_last + "
    "excluded.alerts_last, received_last = received_last + excluded.received_last;\n"
    QUELL_STAT_ADD2_IF("alerts_last", "received_last", QUELL_LAST_SEEN("new"), "1", "new.count",
                       QUELL_FIRST_MINUTE("new") " != " QUELL_LAST_MINUTE("new"))
    "END;\n"
    "CREATE TRIGGER alerts_stat_repeat AFTER UPDATE OF first_seen, last_seen, count ON alerts "
    "WHEN old.count != new.count AND " QUELL_FIRST_MINUTE("old") " = " QUELL_FIRST_MINUTE("new")
    " AND " QUELL_LAST_MINUTE("old") " = " QUELL_LAST_MINUTE("new") " BEGIN\n"
    "UPDATE stat_minutes SET received_first = received_first + new.count - old.count, "
    "received_last = received_last + (minute = " QUELL_LAST_MINUTE("new") ") * (new.count - "
    "old.count) WHERE minute = " QUELL_FIRST_MINUTE("new") ";\n"
    "UPDATE stat_minutes SET received_last = received_last + new.count - old.count WHERE "
    "minute = " QUELL_LAST_MINUTE("new") " AND " QUELL_FIRST_MINUTE("new") " != "
    QUELL_LAST_MINUTE("new") ";\n"
    "END;\n"
    "CREATE TRIGGER alerts_stat_move AFTER UPDATE OF first_seen, last_seen, count ON alerts "
    "WHEN " QUELL_FIRST_MINUTE("old") " != " QUELL_FIRST_MINUTE("new") " OR "
    QUELL_LAST_MINUTE("old") " != " QUELL_LAST_MINUTE("new") " BEGIN\n"
    QUELL_STAT_ADD2("alerts_first", "received_first", "old.first_seen", "-1", "-old.count")
    QUELL_STAT_ADD2("alerts_last", "received_last", QUELL_LAST_SEEN("old"), "-1", "-old.count")
    QUELL_STAT_ADD2("alerts_first", "received_first", "new.first_seen", "1", "new.count")
    QUELL_STAT_ADD2("alerts_last", "received_last", QUELL_LAST_SEEN("new"), "1", "new.count")
    "END;\n"
    "CREATE TRIGGER alerts_stat_delete AFTER DELETE ON alerts BEGIN\n"
    QUELL_STAT_ADD2("alerts_first", "received_first", "old.first_seen", "-1", "-old.count")
    QUELL_STAT_ADD2("alerts_last", "received_last", QUELL_LAST_SEEN("old"), "-1", "-old.count")
    "END;\n"
    // Incidents by the minute they opened (kUpdateIncident never rewrites opened_at).
    "CREATE TRIGGER incidents_stat_insert AFTER INSERT ON incidents BEGIN\n"
    QUELL_STAT_ADD_IF("incidents", "new.opened_at", "1", "true")
    "END;\n"
    "CREATE TRIGGER incidents_stat_move AFTER UPDATE OF opened_at ON incidents "
    "WHEN old.opened_at != new.opened_at BEGIN\n"
    QUELL_STAT_ADD_IF("incidents", "old.opened_at", "-1", "true")
    QUELL_STAT_ADD_IF("incidents", "new.opened_at", "1", "true")
    "END;\n"
    "CREATE TRIGGER incidents_stat_delete AFTER DELETE ON incidents BEGIN\n"
    QUELL_STAT_ADD_IF("incidents", "old.opened_at", "-1", "true")
    "END;\n"
    // Notifications: 'notified' events by their time, with the repeats bumped into them.
    "CREATE TRIGGER events_stat_insert AFTER INSERT ON events WHEN new.kind = 'notified' "
    "BEGIN\n"
    QUELL_STAT_ADD_IF("notified", "new.at", "new.count", "true")
    "END;\n"
    "CREATE TRIGGER events_stat_update AFTER UPDATE OF at, kind, count ON events "
    "WHEN old.kind = 'notified' OR new.kind = 'notified' BEGIN\n"
    QUELL_STAT_ADD_IF("notified", "old.at", "-old.count", "old.kind = 'notified'")
    QUELL_STAT_ADD_IF("notified", "new.at", "new.count", "new.kind = 'notified'")
    "END;\n"
    "CREATE TRIGGER events_stat_delete AFTER DELETE ON events WHEN old.kind = 'notified' "
    "BEGIN\n"
    QUELL_STAT_ADD_IF("notified", "old.at", "-old.count", "true")
    "END;\n"
    // Once, from what is stored.
    "INSERT INTO stat_minutes (minute, alerts_first, received_first, alerts_last, "
    "received_last, incidents, notified) SELECT m, sum(af), sum(rf), sum(al), sum(rl), sum(i), "
    "sum(n) FROM (SELECT " QUELL_FIRST_MINUTE("alerts") " AS m, 1 AS af, count AS rf, 0 AS al, "
    "0 AS rl, 0 AS i, 0 AS n FROM alerts UNION ALL SELECT " QUELL_LAST_MINUTE("alerts")
    ", 0, 0, 1, count, 0, 0 FROM alerts UNION ALL SELECT " QUELL_MINUTE("opened_at")
    ", 0, 0, 0, 0, 1, 0 FROM incidents UNION ALL SELECT " QUELL_MINUTE("at")
    ", 0, 0, 0, 0, 0, count FROM events WHERE kind = 'notified') GROUP BY m;\n";

#undef QUELL_STAT_ADD_IF
#undef QUELL_STAT_ADD2
#undef QUELL_STAT_ADD2_IF
#undef QUELL_LAST_MINUTE
#undef QUELL_FIRST_MINUTE
#undef QUELL_LAST_SEEN
#undef QUELL_MINUTE

}  // namespace

const std::vector<const char*>& SqliteMigrations() {
  static const std::vector<const char*> migrations = {
      // 1: incidents, alerts, timeline, outbox, tokens.
      R"sql(
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  group_key TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  services TEXT NOT NULL,
  environment TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_alert_at INTEGER NOT NULL,
  acked_at INTEGER NOT NULL,
  acked_by TEXT NOT NULL,
  resolved_at INTEGER NOT NULL,
  resolved_by TEXT NOT NULL,
  alert_count INTEGER NOT NULL,
  firing_count INTEGER NOT NULL,
  flapping INTEGER NOT NULL,
  analysis TEXT NOT NULL
) STRICT;
CREATE INDEX incidents_by_group ON incidents(group_key, id);
CREATE INDEX incidents_by_status ON incidents(status, id);
CREATE TABLE incident_services (
  service TEXT NOT NULL,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  PRIMARY KEY (service, incident_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  fingerprint TEXT NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  name TEXT NOT NULL,
  message TEXT NOT NULL,
  severity TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  metrics TEXT NOT NULL,
  deploy TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  raw TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,
  flips INTEGER NOT NULL,
  flip_window_start INTEGER NOT NULL
) STRICT;
CREATE INDEX alerts_by_fingerprint ON alerts(fingerprint, id);
CREATE INDEX alerts_by_incident ON alerts(incident_id, id);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  note TEXT NOT NULL,
  count INTEGER NOT NULL
) STRICT;
CREATE INDEX events_by_incident ON events(incident_id, kind, fingerprint, id);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  incident_id INTEGER NOT NULL,
  dedup_key TEXT NOT NULL,
  run_at INTEGER NOT NULL,
  leased_until INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX jobs_pending_by_key ON jobs(dedup_key) WHERE dedup_key != '' AND leased_until = 0;
CREATE INDEX jobs_due ON jobs(run_at, id);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;
)sql",
      // 2: deploys, and settings (the topology set through the API, ...).
      R"sql(
CREATE TABLE deploys (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  version TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  author TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  description TEXT NOT NULL,
  url TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  raw TEXT NOT NULL
) STRICT;
CREATE INDEX deploys_by_service ON deploys(service, started_at);
CREATE INDEX deploys_by_time ON deploys(started_at);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
)sql",
      // 3: logs per service, and the template miner's state per service.
      R"sql(
CREATE TABLE log_entries (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  ts INTEGER NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  template_id INTEGER NOT NULL DEFAULT 0,
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX log_entries_by_service_time ON log_entries(service, ts);
CREATE INDEX log_entries_by_received ON log_entries(received_at);
CREATE TABLE log_miner_state (
  service TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
)sql",
      // 4: incident_services mirrors incidents.services exactly, kept by triggers (it used to be
      // written by the store code and only ever grew, so a service removed from an incident
      // still matched filters). The update trigger does nothing unless the list changed.
      R"sql(
CREATE INDEX incident_services_by_incident ON incident_services(incident_id);
CREATE TRIGGER incidents_services_insert AFTER INSERT ON incidents BEGIN
  INSERT OR IGNORE INTO incident_services (service, incident_id)
    SELECT value, new.id FROM json_each(new.services);
END;
CREATE TRIGGER incidents_services_update AFTER UPDATE OF services ON incidents
WHEN old.services IS NOT new.services BEGIN
  DELETE FROM incident_services WHERE incident_id = new.id;
  INSERT OR IGNORE INTO incident_services (service, incident_id)
    SELECT value, new.id FROM json_each(new.services);
END;
DELETE FROM incident_services;
INSERT OR IGNORE INTO incident_services (service, incident_id)
  SELECT s.value, i.id FROM incidents AS i, json_each(i.services) AS s;
)sql",
      // 5: "Silence 1h" (Telegram, API): notifications stay quiet until then.
      R"sql(
ALTER TABLE incidents ADD COLUMN silenced_until INTEGER NOT NULL DEFAULT 0;
)sql",
      // 6: escalation of incidents nobody acknowledged in time.
      R"sql(
ALTER TABLE incidents ADD COLUMN escalated_at INTEGER NOT NULL DEFAULT 0;
)sql",
      // 7: the dashboard's figures by time: incidents opened and notifications sent in a window.
      R"sql(
CREATE INDEX incidents_by_opened ON incidents(opened_at);
CREATE INDEX events_by_kind_time ON events(kind, at);
)sql",
      // 8: the last redo log record the database holds (batch.cc).
      R"sql(
CREATE TABLE redo_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  applied_seq INTEGER NOT NULL
) STRICT;
INSERT INTO redo_state (id, applied_seq) VALUES (1, 0);
)sql",
      // 9: analyses move out of the incident row, which ingest rewrites with every alert.
      // incidents.analysis stays (always '') for redo records written before this version.
      R"sql(
CREATE TABLE incident_analyses (
  incident_id INTEGER PRIMARY KEY,
  analysis TEXT NOT NULL
) STRICT;
INSERT INTO incident_analyses (incident_id, analysis)
  SELECT id, analysis FROM incidents WHERE analysis != '';
UPDATE incidents SET analysis = '' WHERE analysis != '';
)sql",
      // 10: only notifications are counted by time; every new alert adds an event, and an
      // index of all events by kind and time cost each one an index insert for nothing.
      R"sql(
DROP INDEX events_by_kind_time;
CREATE INDEX events_notified_by_time ON events(at) WHERE kind = 'notified';
)sql",
      // 11: alerts are found by an integer key of their fingerprint (sqlite_db.h, FingerprintKey),
      // checked against the text: the text index was twice the size, and in a storm of new
      // alerts every commit rewrote most of its pages.
      R"sql(
ALTER TABLE alerts ADD COLUMN fp_key INTEGER NOT NULL DEFAULT 0;
UPDATE alerts SET fp_key = quell_fp_key(fingerprint);
DROP INDEX alerts_by_fingerprint;
CREATE INDEX alerts_by_fp_key ON alerts(fp_key);
)sql",
      // 12: the senders' severity apart from the incident's, which the analysis may raise (or,
      // when no sender gave one, set). Until now the severity was the senders' alone.
      R"sql(
ALTER TABLE incidents ADD COLUMN alert_severity TEXT NOT NULL DEFAULT 'unknown';
UPDATE incidents SET alert_severity = severity;
)sql",
      // 13: the dashboard's figures come from counters by minute (stat_minutes.cc), kept by
      // triggers in the transaction that writes the rows they count (so they are exact, durable
      // and replayed with the redo log), and backfilled once from what is stored.
      kStatMinutesMigration,
      // 14: token lifecycle: expiry and last use, dashboard sessions and one-time sign-in codes
      // (both stored by hash). Revoking a token deletes its row; the trigger ends its sessions
      // and codes in the same statement.
      R"sql(
ALTER TABLE tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tokens_by_name ON tokens(name);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  token_id INTEGER NOT NULL,
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_token ON sessions(token_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE TABLE login_codes (
  code_hash TEXT PRIMARY KEY,
  token_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER tokens_delete AFTER DELETE ON tokens BEGIN
  DELETE FROM sessions WHERE token_id = old.id;
  DELETE FROM login_codes WHERE token_id = old.id;
END;
)sql",
      // 15: log lines pruned before a miner reading the stored lines read them (store.h,
      // PruneLogs; used by store-mode mining, PostgreSQL's, and kept alike).
      R"sql(
CREATE TABLE log_pruned (
  tx INTEGER NOT NULL,
  id INTEGER NOT NULL,
  service TEXT NOT NULL,
  ts INTEGER NOT NULL,
  PRIMARY KEY (tx, id)
) STRICT, WITHOUT ROWID;
)sql",
  };
  return migrations;
}

Status MigrateSqlite(SqliteDb& db) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("PRAGMA user_version"));
  QUELL_ASSIGN_OR_RETURN(int64_t version, QueryCount(*s));
  const auto& migrations = SqliteMigrations();
  for (size_t v = static_cast<size_t>(version); v < migrations.size(); ++v) {
    QUELL_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status status = db.Exec(migrations[v]);
    if (status.ok()) status = db.Exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    if (!status.ok()) {
      (void)db.Exec("ROLLBACK");
      return Internal("migration " + std::to_string(v + 1) + " failed: " + status.message());
    }
    QUELL_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace quell::store
