#include "store/postgres/pg_schema.h"

#include <string>

namespace quell::store {
namespace {

// pg_advisory_xact_lock's key for migrations: any constant no other lock of Quell's uses.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7420190001)";

// Migration 1: SQLite's schema as of its migration 14, in one step (PostgreSQL has no older
// databases to carry along). Times are milliseconds since 1970 (BIGINT); labels, annotations,
// metrics and services are JSON text written by row_codec.h, as on SQLite.
constexpr const char* kTables = R"sql(
CREATE TABLE incidents (
  id BIGSERIAL PRIMARY KEY,
  group_key TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  services TEXT NOT NULL,
  environment TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_alert_at BIGINT NOT NULL,
  acked_at BIGINT NOT NULL,
  acked_by TEXT NOT NULL,
  resolved_at BIGINT NOT NULL,
  resolved_by TEXT NOT NULL,
  alert_count BIGINT NOT NULL,
  firing_count BIGINT NOT NULL,
  flapping SMALLINT NOT NULL,
  silenced_until BIGINT NOT NULL DEFAULT 0,
  escalated_at BIGINT NOT NULL DEFAULT 0,
  alert_severity TEXT NOT NULL DEFAULT 'unknown'
);
CREATE INDEX incidents_by_group ON incidents(group_key, id);
CREATE INDEX incidents_by_status ON incidents(status, id);
-- One open incident per group key: nodes ingesting the same alerts at once cannot open two.
CREATE UNIQUE INDEX incidents_open_by_group ON incidents(group_key) WHERE status <> 'resolved';
CREATE TABLE incident_analyses (
  incident_id BIGINT PRIMARY KEY REFERENCES incidents(id),
  analysis TEXT NOT NULL
);
CREATE TABLE incident_services (
  service TEXT NOT NULL,
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
  PRIMARY KEY (service, incident_id)
);
CREATE INDEX incident_services_by_incident ON incident_services(incident_id);
CREATE TABLE alerts (
  id BIGSERIAL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
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
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  raw TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  count BIGINT NOT NULL,
  flips BIGINT NOT NULL,
  flip_window_start BIGINT NOT NULL
);
CREATE INDEX alerts_by_fingerprint ON alerts(fingerprint, id);
CREATE INDEX alerts_by_incident ON alerts(incident_id, id);
CREATE TABLE events (
  id BIGSERIAL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
  at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  note TEXT NOT NULL,
  count BIGINT NOT NULL
);
CREATE INDEX events_by_incident ON events(incident_id, kind, fingerprint, id);
CREATE TABLE jobs (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  incident_id BIGINT NOT NULL,
  dedup_key TEXT NOT NULL,
  run_at BIGINT NOT NULL,
  leased_until BIGINT NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX jobs_pending_by_key ON jobs(dedup_key) WHERE dedup_key <> '' AND leased_until = 0;
CREATE INDEX jobs_due ON jobs(run_at, id);
CREATE TABLE deploys (
  id BIGSERIAL PRIMARY KEY,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  version TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  author TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  description TEXT NOT NULL,
  url TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX deploys_by_service ON deploys(service, started_at);
CREATE INDEX deploys_by_time ON deploys(started_at);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE log_entries (
  id BIGSERIAL PRIMARY KEY,
  service TEXT NOT NULL,
  ts BIGINT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  template_id BIGINT NOT NULL DEFAULT 0,
  received_at BIGINT NOT NULL
);
CREATE INDEX log_entries_by_service_time ON log_entries(service, ts);
CREATE INDEX log_entries_by_received ON log_entries(received_at);
CREATE TABLE log_miner_state (
  service TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE tokens (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL DEFAULT 0,
  last_used_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_name ON tokens(name);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  token_id BIGINT NOT NULL,
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_token ON sessions(token_id);
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
CREATE TABLE login_codes (
  code_hash TEXT PRIMARY KEY,
  token_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

-- incident_services mirrors incidents.services exactly (as on SQLite, schema.cc 4).
CREATE FUNCTION incidents_services_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF old.services IS NOT DISTINCT FROM new.services THEN RETURN NULL; END IF;
    DELETE FROM incident_services WHERE incident_id = new.id;
  END IF;
  INSERT INTO incident_services (service, incident_id)
    SELECT DISTINCT s, new.id FROM jsonb_array_elements_text(new.services::jsonb) AS s;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_services AFTER INSERT OR UPDATE OF services ON incidents
  FOR EACH ROW EXECUTE FUNCTION incidents_services_sync();

-- Revoking a token (deleting its row) ends its sessions and sign-in codes in the same statement.
CREATE FUNCTION tokens_delete_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM sessions WHERE token_id = old.id;
  DELETE FROM login_codes WHERE token_id = old.id;
  RETURN NULL;
END $$;
CREATE TRIGGER tokens_delete AFTER DELETE ON tokens
  FOR EACH ROW EXECUTE FUNCTION tokens_delete_sync();
)sql";

// The dashboard's counters by minute (store/stat_window.h), kept by triggers in the transaction
// that writes the rows they count, as on SQLite (schema.cc, 13). A minute is a time's integer
// division by 60000; an alert is last seen never before it was first seen.
constexpr const char* kStatMinutes = R"sql(
CREATE TABLE stat_minutes (
  minute BIGINT PRIMARY KEY,
  alerts_first BIGINT NOT NULL DEFAULT 0,
  received_first BIGINT NOT NULL DEFAULT 0,
  alerts_last BIGINT NOT NULL DEFAULT 0,
  received_last BIGINT NOT NULL DEFAULT 0,
  incidents BIGINT NOT NULL DEFAULT 0,
  notified BIGINT NOT NULL DEFAULT 0
);
CREATE FUNCTION stat_add(m BIGINT, af BIGINT, rf BIGINT, al BIGINT, rl BIGINT, inc BIGINT,
                         n BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO stat_minutes AS s (minute, alerts_first, received_first, alerts_last,
                                 received_last, incidents, notified)
  VALUES (m, af, rf, al, rl, inc, n)
  ON CONFLICT (minute) DO UPDATE SET alerts_first = s.alerts_first + excluded.alerts_first,
    received_first = s.received_first + excluded.received_first,
    alerts_last = s.alerts_last + excluded.alerts_last,
    received_last = s.received_last + excluded.received_last,
    incidents = s.incidents + excluded.incidents, notified = s.notified + excluded.notified;
$$;
CREATE FUNCTION alerts_stat() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_first BIGINT; old_last BIGINT; new_first BIGINT; new_last BIGINT; delta BIGINT;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_first := old.first_seen / 60000;
    old_last := greatest(old.first_seen, old.last_seen) / 60000;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_first := new.first_seen / 60000;
    new_last := greatest(new.first_seen, new.last_seen) / 60000;
  END IF;
  -- The common update, a repeat within the same minutes: only the counts move.
  IF TG_OP = 'UPDATE' AND old_first = new_first AND old_last = new_last THEN
    delta := new.count - old.count;
    IF delta = 0 THEN RETURN NULL; END IF;
    IF new_first = new_last THEN
      PERFORM stat_add(new_first, 0, delta, 0, delta, 0, 0);
    ELSE
      PERFORM stat_add(new_first, 0, delta, 0, 0, 0, 0);
      PERFORM stat_add(new_last, 0, 0, 0, delta, 0, 0);
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM stat_add(old_first, -1, -old.count, 0, 0, 0, 0);
    PERFORM stat_add(old_last, 0, 0, -1, -old.count, 0, 0);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM stat_add(new_first, 1, new.count, 0, 0, 0, 0);
    PERFORM stat_add(new_last, 0, 0, 1, new.count, 0, 0);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER alerts_stat AFTER INSERT OR DELETE OR UPDATE OF first_seen, last_seen, count
  ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_stat();
CREATE FUNCTION incidents_stat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND old.opened_at / 60000 = new.opened_at / 60000 THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM stat_add(old.opened_at / 60000, 0, 0, 0, 0, -1, 0); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM stat_add(new.opened_at / 60000, 0, 0, 0, 0, 1, 0); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_stat AFTER INSERT OR DELETE OR UPDATE OF opened_at ON incidents
  FOR EACH ROW EXECUTE FUNCTION incidents_stat();
CREATE FUNCTION events_stat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND old.kind = 'notified' THEN
    PERFORM stat_add(old.at / 60000, 0, 0, 0, 0, 0, -old.count);
  END IF;
  IF TG_OP <> 'DELETE' AND new.kind = 'notified' THEN
    PERFORM stat_add(new.at / 60000, 0, 0, 0, 0, 0, new.count);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER events_stat AFTER INSERT OR DELETE OR UPDATE OF at, kind, count ON events
  FOR EACH ROW EXECUTE FUNCTION events_stat();
)sql";

// Several nodes writing at once (store/README.md). One alert row per fingerprint and incident:
// two nodes that both found none cannot both insert one (the loser runs its transaction again,
// pg_conn.cc). The counters by minute get a row per writing connection (`writer`, its backend
// pid) and are summed when read: every ingest transaction bumps the current minute's counters,
// and one shared row would make concurrent transactions wait for each other there, and
// deadlock when they bump two minutes in opposite orders.
constexpr const char* kSeveralWriters = R"sql(
CREATE UNIQUE INDEX alerts_one_per_incident ON alerts(incident_id, fingerprint);
ALTER TABLE stat_minutes ADD COLUMN writer INT NOT NULL DEFAULT 0;
ALTER TABLE stat_minutes DROP CONSTRAINT stat_minutes_pkey;
ALTER TABLE stat_minutes ADD PRIMARY KEY (minute, writer);
CREATE OR REPLACE FUNCTION stat_add(m BIGINT, af BIGINT, rf BIGINT, al BIGINT, rl BIGINT,
                                    inc BIGINT, n BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO stat_minutes AS s (minute, writer, alerts_first, received_first, alerts_last,
                                 received_last, incidents, notified)
  VALUES (m, pg_backend_pid(), af, rf, al, rl, inc, n)
  ON CONFLICT (minute, writer) DO UPDATE SET alerts_first = s.alerts_first + excluded.alerts_first,
    received_first = s.received_first + excluded.received_first,
    alerts_last = s.alerts_last + excluded.alerts_last,
    received_last = s.received_last + excluded.received_last,
    incidents = s.incidents + excluded.incidents, notified = s.notified + excluded.notified;
$$;
)sql";

// Every node mines every stored log line, reading on from a cursor (store.h, ReadLogsAfter):
// the transaction that inserted a row orders it, since BIGSERIAL ids commit out of order. The
// rows already stored take this migration's transaction id.
constexpr const char* kLogCursor = R"sql(
ALTER TABLE log_entries ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX log_entries_by_tx ON log_entries(tx, id);
)sql";

// Log lines pruned before some node's miner read them, kept (place, service, time) until every
// live miner is past them, so that those miners count them as not mined (store.h, PruneLogs).
constexpr const char* kLogPruned = R"sql(
CREATE TABLE log_pruned (
  tx xid8 NOT NULL,
  id BIGINT NOT NULL,
  service TEXT NOT NULL,
  ts BIGINT NOT NULL,
  PRIMARY KEY (tx, id)
);
)sql";

}  // namespace

const std::vector<const char*>& PgMigrations() {
  static const std::vector<const char*> migrations = {
      // 1: every table, as SQLite has them after its migration 14.
      kTables,
      // 2: the dashboard's counters by minute.
      kStatMinutes,
      // 3: several nodes writing at once.
      kSeveralWriters,
      // 4: log lines read in commit order by every node's miner.
      kLogCursor,
      // 5: log lines pruned before a miner read them.
      kLogPruned,
  };
  return migrations;
}

Status MigratePg(PgConn& conn) {
  QUELL_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  // Whoever takes the lock first migrates; the others wait here and then find nothing to do.
  Status status = conn.Exec(kMigrationLock);
  if (status.ok())
    status = conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
                       "KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  int64_t version = 0;
  if (status.ok()) {
    auto applied = conn.Query("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (applied) version = applied->Int(0, 0);
    else status = applied.error();
  }
  const auto& migrations = PgMigrations();
  for (size_t v = static_cast<size_t>(version); status.ok() && v < migrations.size(); ++v) {
    status = conn.Exec(migrations[v]);
    if (status.ok())
      status = conn.Exec("INSERT INTO schema_migrations (version) VALUES (" +
                         std::to_string(v + 1) + ")");
    if (!status.ok())
      status = Internal("migration " + std::to_string(v + 1) + " failed: " + status.message());
  }
  if (status.ok()) status = conn.Commit();
  if (!status.ok()) (void)conn.Exec("ROLLBACK");
  return status;
}

}  // namespace quell::store
