// Incident, its timeline Events, and the Jobs that ingest enqueues. Plain data, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "model/alert.h"

namespace quell::model {

enum class IncidentStatus { kTriggered, kAcknowledged, kResolved };
const char* IncidentStatusName(IncidentStatus status);
std::optional<IncidentStatus> ParseIncidentStatus(std::string_view text);

struct Incident {
  int64_t id = 0;
  std::string group_key;
  std::string title;
  IncidentStatus status = IncidentStatus::kTriggered;
  // The incident's severity: the higher of its senders' (alert_severity) and its latest
  // analysis's (engine, Analyze); the analysis's alone when no sender gave one.
  Severity severity = Severity::kUnknown;
  Severity alert_severity = Severity::kUnknown;  // the highest a sender gave (kUnknown: none)
  std::vector<std::string> services;  // sorted, unique
  std::string environment;
  TimeMs opened_at = 0;
  TimeMs updated_at = 0;
  TimeMs last_alert_at = 0;  // last alert that joined or repeated (rolling window anchor)
  TimeMs acked_at = 0;
  std::string acked_by;
  TimeMs resolved_at = 0;
  std::string resolved_by;
  int64_t alert_count = 0;    // distinct alerts
  int64_t firing_count = 0;   // of which firing
  bool flapping = false;
  std::string analysis_json;  // latest Analysis, or empty
  TimeMs silenced_until = 0;  // notifications stay quiet before this time (0: not silenced)
  TimeMs escalated_at = 0;    // nobody acknowledged it in time (0: not escalated)
};

// Timeline event kinds; their names are part of the API.
enum class EventKind {
  kAlertFired,
  kAlertRepeated,
  kAlertResolved,
  kFlapping,
  kDeploy,
  kAnalysis,
  kNotified,
  kNotifyFailed,
  kNotifyOutcomeUnknown,  // a card's send got no answer (or its node died): sent again
  kAcked,
  kUnacked,
  kResolved,
  kReopened,
  kEscalated,
  kSilenced,
  kUnsilenced,
  kSeverityChanged,  // the analysis changed the incident's severity
  kSilenceMatched,   // silences by matchers now hold its notifications back (note: their ids)
  kSilenceEnded,     // they no longer do
  kEscalationStep,   // a step of its escalation policy was taken (note: the step and who)
  kComment,          // last: the store parses kinds up to this one
};
const char* EventKindName(EventKind kind);

struct Event {
  int64_t id = 0;
  int64_t incident_id = 0;
  TimeMs at = 0;        // first occurrence
  TimeMs last_at = 0;   // last occurrence (collapsed repeats)
  EventKind kind = EventKind::kComment;
  std::string actor;
  std::string fingerprint;  // the alert this event is about, if any
  std::string note;
  int64_t count = 1;        // collapsed occurrences
};

// A unit of background work in the outbox, committed with the change that caused it.
struct Job {
  int64_t id = 0;
  std::string kind;       // "analyze" | "notify" | ...
  int64_t incident_id = 0;
  std::string dedup_key;  // at most one pending job per key
  TimeMs run_at = 0;
  int attempts = 0;
  std::string payload;
};

}  // namespace quell::model
