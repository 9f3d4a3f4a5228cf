// The SQL both backends run as it is, written once: statements whose text SQLite and
// PostgreSQL read alike. Parameters are PostgreSQL's $N; SQLite runs the same text with ?N
// (SqliteSql, sqlite/sqlite_query.h), so a number means the same on both. Each is a constant
// with one address, which both connections' statement caches key on. Statements whose SQL
// differs between the backends (RETURNING ids, FOR UPDATE, the redo log's ids, least/min)
// stay beside their backend. Internal to the store layer.
#pragma once

#include "store/row_mapping.h"

namespace quell::store {

// clang-format off
inline constexpr char kSqlGetIncident[] =
    "SELECT " INCIDENT_COLUMNS " FROM incidents WHERE id = $1";
inline constexpr char kSqlListIncidents[] =
    "SELECT " INCIDENT_COLUMNS " FROM incidents WHERE id < $1 AND ($2 = '' OR status = $2) ORDER "
    "BY id DESC LIMIT $3";
inline constexpr char kSqlListIncidentsOfService[] =
    "SELECT " INCIDENT_COLUMNS " FROM incidents WHERE id IN (SELECT incident_id FROM "
    "incident_services WHERE service = $4) AND id < $1 AND ($2 = '' OR status = $2) ORDER BY id "
    "DESC LIMIT $3";
inline constexpr char kSqlCountIncidents[] =
    "SELECT count(*) FROM incidents WHERE $1 = '' OR status = $1";
inline constexpr char kSqlTouchIncident[] =
    "UPDATE incidents SET updated_at = $2 WHERE id = $1";
inline constexpr char kSqlFindAnalysis[] =
    "SELECT analysis FROM incident_analyses WHERE incident_id = $1";
inline constexpr char kSqlSetAnalysis[] =
    "INSERT INTO incident_analyses (incident_id, analysis) VALUES ($1, $2) ON CONFLICT "
    "(incident_id) DO UPDATE SET analysis = excluded.analysis";
inline constexpr char kSqlUpdateAlert[] =
    "UPDATE alerts SET source = $3, status = $4, service = $5, environment = $6, name = $7, "
    "message = $8, severity = $9, labels = $10, annotations = $11, metrics = $12, deploy = $13, "
    "starts_at = $14, ends_at = $15, raw = $16, first_seen = $17, last_seen = $18, count = $19, "
    "flips = $20, flip_window_start = $21 WHERE id = $22";
inline constexpr char kSqlCountAlerts[] =
    "SELECT count(*) FROM alerts";
inline constexpr char kSqlCountFiringAlerts[] =
    "SELECT count(*) FROM alerts WHERE incident_id = $1 AND status = 'firing'";
inline constexpr char kSqlListEvents[] =
    "SELECT " EVENT_COLUMNS " FROM events WHERE incident_id = $1 ORDER BY id";
inline constexpr char kSqlGetSetting[] =
    "SELECT value FROM settings WHERE key = $1";
inline constexpr char kSqlPutSetting[] =
    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = "
    "excluded.value";
inline constexpr char kSqlDeleteSetting[] =
    "DELETE FROM settings WHERE key = $1";
inline constexpr char kSqlInsertSettingIfAbsent[] =
    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";
inline constexpr char kSqlDeleteSettingIfValue[] =
    "DELETE FROM settings WHERE key = $1 AND value = $2";
inline constexpr char kSqlUpdateSettingIfValue[] =
    "UPDATE settings SET value = $3 WHERE key = $1 AND value = $2";
inline constexpr char kSqlListLogs[] =
    "SELECT " LOG_ENTRY_COLUMNS " FROM log_entries WHERE service = $1 AND ts BETWEEN $2 AND $3 "
    "ORDER BY ts, id LIMIT $4";
inline constexpr char kSqlPruneOldLogs[] =
    "DELETE FROM log_entries WHERE ts < $1";
inline constexpr char kSqlPruneExcessLogs[] =
    "DELETE FROM log_entries WHERE id <= (SELECT max(id) FROM log_entries) - $1";
inline constexpr char kSqlListJobs[] =
    "SELECT " JOB_COLUMNS " FROM jobs ORDER BY id";
inline constexpr char kSqlCountDueJobs[] =
    "SELECT count(*) FROM jobs WHERE run_at <= $1 AND leased_until < $1";
inline constexpr char kSqlDeleteJob[] =
    "DELETE FROM jobs WHERE id = $1";
inline constexpr char kSqlFindTokenByHash[] =
    "SELECT " TOKEN_COLUMNS " FROM tokens WHERE hash = $1";
inline constexpr char kSqlListTokens[] =
    "SELECT " TOKEN_COLUMNS " FROM tokens ORDER BY id";
inline constexpr char kSqlFindTokenById[] =
    "SELECT " TOKEN_COLUMNS " FROM tokens WHERE id = $1";
inline constexpr char kSqlDeleteTokens[] =
    "DELETE FROM tokens WHERE name = $1";
inline constexpr char kSqlDeleteExpiredSessions[] =
    "DELETE FROM sessions WHERE expires_at <= $1";
inline constexpr char kSqlInsertSession[] =
    "INSERT INTO sessions (id_hash, token_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, "
    "$4, $5)";
inline constexpr char kSqlFindSession[] =
    "SELECT t.id, t.name, t.scope, t.hash, t.created_at, t.expires_at, t.last_used_at, s.csrf, "
    "s.created_at, s.expires_at FROM sessions AS s JOIN tokens AS t ON t.id = s.token_id WHERE "
    "s.id_hash = $1";
inline constexpr char kSqlDeleteSession[] =
    "DELETE FROM sessions WHERE id_hash = $1";
inline constexpr char kSqlDeleteExpiredLoginCodes[] =
    "DELETE FROM login_codes WHERE expires_at <= $1";
inline constexpr char kSqlInsertLoginCode[] =
    "INSERT INTO login_codes (code_hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, "
    "$4)";
inline constexpr char kSqlTakeLoginCode[] =
    "DELETE FROM login_codes WHERE code_hash = $1 RETURNING token_id, expires_at";
// clang-format on

}  // namespace quell::store
