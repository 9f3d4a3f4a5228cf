// Row mapping shared by the Store backends: one column list and one reader per table, and the
// binders of the incident and alert fields. A row is anything with `int64_t Int(int column)` and
// `std::string Text(int column)` (SqliteStatement, PgRow); a statement anything with
// `Bind(int index, int64_t | std::string_view)`, indexes from 1 (SQLite's ?N, PostgreSQL's $N).
// Both schemas name and type these columns alike. Internal to the store layer.
#pragma once

#include <string>
#include <string_view>

#include "model/alert.h"
#include "model/deploy.h"
#include "model/incident.h"
#include "model/log_entry.h"
#include "store/row_codec.h"
#include "store/store.h"

namespace quell::store {

using model::Alert;
using model::Event;
using model::Incident;
using model::Job;

// An incident's columns around its analysis, which lives in its own table.
#define INCIDENT_COLUMNS_WITH(analysis)                                                      \
  "id, group_key, title, status, severity, services, environment, opened_at, updated_at, "   \
  "last_alert_at, acked_at, acked_by, resolved_at, resolved_by, alert_count, firing_count, " \
  "flapping, " analysis ", silenced_until, escalated_at, alert_severity"
#define INCIDENT_COLUMNS                                                                  \
  INCIDENT_COLUMNS_WITH("coalesce((SELECT a.analysis FROM incident_analyses AS a WHERE " \
                        "a.incident_id = incidents.id), '')")
// Reads inside the write transaction carry no analysis (store.h): the subquery copied ~7 KiB
// per incident read on the ingest path, for nothing.
#define INCIDENT_ROW_COLUMNS INCIDENT_COLUMNS_WITH("''")
#define ALERT_COLUMNS                                                                     \
  "id, incident_id, fingerprint, source, status, service, environment, name, message, "   \
  "severity, labels, annotations, metrics, deploy, starts_at, ends_at, raw, first_seen, " \
  "last_seen, count, flips, flip_window_start"
#define EVENT_COLUMNS "id, incident_id, at, last_at, kind, actor, fingerprint, note, count"
#define DEPLOY_COLUMNS                                                                       \
  "id, service, environment, version, commit_sha, author, started_at, finished_at, status, " \
  "description, url, received_at, raw"
#define JOB_COLUMNS "id, kind, incident_id, dedup_key, run_at, attempts, payload"

template <typename Row>
Incident ReadIncident(const Row& s) {
  Incident i;
  i.id = s.Int(0);
  i.group_key = s.Text(1);
  i.title = s.Text(2);
  i.status = model::ParseIncidentStatus(s.Text(3)).value_or(model::IncidentStatus::kTriggered);
  i.severity = model::ParseSeverity(s.Text(4)).value_or(model::Severity::kUnknown);
  i.services = DecodeList(s.Text(5));
  i.environment = s.Text(6);
  i.opened_at = s.Int(7);
  i.updated_at = s.Int(8);
  i.last_alert_at = s.Int(9);
  i.acked_at = s.Int(10);
  i.acked_by = s.Text(11);
  i.resolved_at = s.Int(12);
  i.resolved_by = s.Text(13);
  i.alert_count = s.Int(14);
  i.firing_count = s.Int(15);
  i.flapping = s.Int(16) != 0;
  i.analysis_json = s.Text(17);
  i.silenced_until = s.Int(18);
  i.escalated_at = s.Int(19);
  i.alert_severity = model::ParseSeverity(s.Text(20)).value_or(model::Severity::kUnknown);
  return i;
}

// Binds the mutable incident fields as ?1..?19 and ?21 (INCIDENT_COLUMNS order after id; ?20 is
// the id). The analysis lives in its own table (schema.cc, 9), so ?17 (the old analysis column)
// is always empty. alert_severity (?21) came after the redo log's records had 20 parameters: the
// statements read a missing ?21 as ?4, the severity, which then was the senders' alone.
template <typename Statement>
void BindIncident(Statement& s, const Incident& i) {
  s.Bind(1, i.group_key)
      .Bind(2, i.title)
      .Bind(3, std::string_view(model::IncidentStatusName(i.status)))
      .Bind(4, std::string_view(model::SeverityName(i.severity)))
      .Bind(5, EncodeList(i.services))
      .Bind(6, i.environment)
      .Bind(7, i.opened_at)
      .Bind(8, i.updated_at)
      .Bind(9, i.last_alert_at)
      .Bind(10, i.acked_at)
      .Bind(11, i.acked_by)
      .Bind(12, i.resolved_at)
      .Bind(13, i.resolved_by)
      .Bind(14, i.alert_count)
      .Bind(15, i.firing_count)
      .Bind(16, int64_t{i.flapping ? 1 : 0})
      .Bind(17, std::string_view())
      .Bind(18, i.silenced_until)
      .Bind(19, i.escalated_at)
      .Bind(21, std::string_view(model::SeverityName(i.alert_severity)));
}

template <typename Row>
Alert ReadAlert(const Row& s) {
  Alert a;
  a.id = s.Int(0);
  a.incident_id = s.Int(1);
  auto& d = a.data;
  d.fingerprint = s.Text(2);
  d.source = s.Text(3);
  d.status = model::ParseAlertStatus(s.Text(4)).value_or(model::AlertStatus::kFiring);
  d.service = s.Text(5);
  d.environment = s.Text(6);
  d.name = s.Text(7);
  d.message = s.Text(8);
  d.severity = model::ParseSeverity(s.Text(9)).value_or(model::Severity::kUnknown);
  d.labels = DecodeStringMap(s.Text(10));
  d.annotations = DecodeStringMap(s.Text(11));
  d.metrics = DecodeMetrics(s.Text(12));
  d.deploy = s.Text(13);
  d.starts_at = s.Int(14);
  d.ends_at = s.Int(15);
  d.raw_json = s.Text(16);
  a.first_seen = s.Int(17);
  a.last_seen = s.Int(18);
  a.count = s.Int(19);
  a.flips = static_cast<int>(s.Int(20));
  a.flip_window_start = s.Int(21);
  return a;
}

// Binds alert fields as ?1..?21 (ALERT_COLUMNS order after id).
template <typename Statement>
void BindAlert(Statement& s, const Alert& a) {
  const auto& d = a.data;
  s.Bind(1, a.incident_id)
      .Bind(2, d.fingerprint)
      .Bind(3, d.source)
      .Bind(4, std::string_view(model::AlertStatusName(d.status)))
      .Bind(5, d.service)
      .Bind(6, d.environment)
      .Bind(7, d.name)
      .Bind(8, d.message)
      .Bind(9, std::string_view(model::SeverityName(d.severity)))
      .Bind(10, EncodeStringMap(d.labels))
      .Bind(11, EncodeStringMap(d.annotations))
      .Bind(12, EncodeMetrics(d.metrics))
      .Bind(13, d.deploy)
      .Bind(14, d.starts_at)
      .Bind(15, d.ends_at)
      .Bind(16, d.raw_json)
      .Bind(17, a.first_seen)
      .Bind(18, a.last_seen)
      .Bind(19, a.count)
      .Bind(20, int64_t{a.flips})
      .Bind(21, a.flip_window_start);
}

inline const char* EventKindText(model::EventKind kind) { return model::EventKindName(kind); }

inline model::EventKind ParseEventKind(const std::string& text) {
  for (int k = 0; k <= static_cast<int>(model::EventKind::kComment); ++k) {
    auto kind = static_cast<model::EventKind>(k);
    if (text == model::EventKindName(kind)) return kind;
  }
  return model::EventKind::kComment;
}

template <typename Row>
Event ReadEvent(const Row& s) {
  Event e;
  e.id = s.Int(0);
  e.incident_id = s.Int(1);
  e.at = s.Int(2);
  e.last_at = s.Int(3);
  e.kind = ParseEventKind(s.Text(4));
  e.actor = s.Text(5);
  e.fingerprint = s.Text(6);
  e.note = s.Text(7);
  e.count = s.Int(8);
  return e;
}

// Binds an event's fields as ?1..?8 (EVENT_COLUMNS order after id).
template <typename Statement>
void BindEvent(Statement& s, const Event& e) {
  s.Bind(1, e.incident_id)
      .Bind(2, e.at)
      .Bind(3, e.last_at)
      .Bind(4, std::string_view(EventKindText(e.kind)))
      .Bind(5, e.actor)
      .Bind(6, e.fingerprint)
      .Bind(7, e.note)
      .Bind(8, e.count);
}

// Binds a deploy's fields as ?1..?12 (DEPLOY_COLUMNS order after id).
template <typename Statement>
void BindDeploy(Statement& s, const model::Deploy& d) {
  s.Bind(1, d.service)
      .Bind(2, d.environment)
      .Bind(3, d.version)
      .Bind(4, d.commit)
      .Bind(5, d.author)
      .Bind(6, d.started_at)
      .Bind(7, d.finished_at)
      .Bind(8, d.status)
      .Bind(9, d.description)
      .Bind(10, d.url)
      .Bind(11, d.received_at)
      .Bind(12, d.raw_json);
}

template <typename Row>
model::Deploy ReadDeploy(const Row& s) {
  model::Deploy d;
  d.id = s.Int(0);
  d.service = s.Text(1);
  d.environment = s.Text(2);
  d.version = s.Text(3);
  d.commit = s.Text(4);
  d.author = s.Text(5);
  d.started_at = s.Int(6);
  d.finished_at = s.Int(7);
  d.status = s.Text(8);
  d.description = s.Text(9);
  d.url = s.Text(10);
  d.received_at = s.Int(11);
  d.raw_json = s.Text(12);
  return d;
}

template <typename Row>
Job ReadJob(const Row& s) {
  Job j;
  j.id = s.Int(0);
  j.kind = s.Text(1);
  j.incident_id = s.Int(2);
  j.dedup_key = s.Text(3);
  j.run_at = s.Int(4);
  j.attempts = static_cast<int>(s.Int(5));
  j.payload = s.Text(6);
  return j;
}

#define LOG_ENTRY_COLUMNS "id, service, ts, level, message, template_id"

template <typename Row>
model::LogEntry ReadLogEntry(const Row& s) {
  return model::LogEntry{s.Int(0),  s.Text(1), s.Int(2),
                         s.Text(3), s.Text(4), static_cast<uint64_t>(s.Int(5))};
}

// Binds a log line as ?1..?6: service, ts, level, message, template_id, received_at (its ts).
template <typename Statement>
void BindLogEntry(Statement& s, const model::LogEntry& e) {
  s.Bind(1, e.service)
      .Bind(2, e.ts)
      .Bind(3, e.level)
      .Bind(4, e.message)
      .Bind(5, static_cast<int64_t>(e.template_id))
      .Bind(6, e.ts);
}

#define TOKEN_COLUMNS "id, name, scope, hash, created_at, expires_at, last_used_at"

// TOKEN_COLUMNS from column `at` on.
template <typename Row>
Token ReadToken(const Row& row, int at = 0) {
  Token t;
  t.id = row.Int(at);
  t.name = row.Text(at + 1);
  t.scope = row.Text(at + 2);
  t.hash = row.Text(at + 3);
  t.created_at = row.Int(at + 4);
  t.expires_at = row.Int(at + 5);
  t.last_used_at = row.Int(at + 6);
  return t;
}

}  // namespace quell::store
