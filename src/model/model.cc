#include <algorithm>
#include <array>
#include <string>

#include "common/text.h"
#include "model/alert.h"
#include "model/incident.h"
#include "model/log_entry.h"

namespace quell::model {
namespace {

std::string Lower(std::string_view text) { return ToLower(text); }

}  // namespace

int LogLevelRank(std::string_view level) {
  const std::string l = Lower(level);
  if (l == "fatal" || l == "critical" || l == "crit" || l == "panic" || l == "emergency" ||
      l == "emerg" || l == "alert" || l == "f")
    return 5;
  if (l == "error" || l == "err" || l == "severe" || l == "e") return 4;
  if (l == "warn" || l == "warning" || l == "w") return 3;
  if (l == "info" || l == "notice" || l == "i") return 2;
  return 1;
}

const char* AlertStatusName(AlertStatus status) {
  return status == AlertStatus::kFiring ? "firing" : "resolved";
}

std::optional<AlertStatus> ParseAlertStatus(std::string_view text) {
  std::string s = Lower(text);
  if (s == "firing" || s == "alerting" || s == "triggered" || s == "problem")
    return AlertStatus::kFiring;
  if (s == "resolved" || s == "ok" || s == "normal") return AlertStatus::kResolved;
  return std::nullopt;
}

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kCritical: return "critical";
    case Severity::kHigh: return "high";
    case Severity::kMedium: return "medium";
    case Severity::kLow: return "low";
    case Severity::kInfo: return "info";
    case Severity::kUnknown: return "unknown";
  }
  return "unknown";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  std::string s = Lower(text);
  if (s == "critical" || s == "crit" || s == "page" || s == "fatal" || s == "emergency" ||
      s == "p1" || s == "sev1")
    return Severity::kCritical;
  if (s == "high" || s == "error" || s == "err" || s == "major" || s == "p2" || s == "sev2")
    return Severity::kHigh;
  if (s == "medium" || s == "warning" || s == "warn" || s == "moderate" || s == "p3" ||
      s == "sev3")
    return Severity::kMedium;
  if (s == "low" || s == "minor" || s == "notice" || s == "p4" || s == "sev4") return Severity::kLow;
  if (s == "info" || s == "informational" || s == "debug" || s == "none" || s == "p5")
    return Severity::kInfo;
  return std::nullopt;
}

Severity MaxSeverity(Severity a, Severity b) {
  return static_cast<int>(a) <= static_cast<int>(b) ? a : b;
}

const char* IncidentStatusName(IncidentStatus status) {
  switch (status) {
    case IncidentStatus::kTriggered: return "triggered";
    case IncidentStatus::kAcknowledged: return "acknowledged";
    case IncidentStatus::kResolved: return "resolved";
  }
  return "triggered";
}

std::optional<IncidentStatus> ParseIncidentStatus(std::string_view text) {
  if (text == "triggered") return IncidentStatus::kTriggered;
  if (text == "acknowledged") return IncidentStatus::kAcknowledged;
  if (text == "resolved") return IncidentStatus::kResolved;
  return std::nullopt;
}

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kAlertFired: return "alert_fired";
    case EventKind::kAlertRepeated: return "alert_repeated";
    case EventKind::kAlertResolved: return "alert_resolved";
    case EventKind::kFlapping: return "flapping";
    case EventKind::kDeploy: return "deploy";
    case EventKind::kAnalysis: return "analysis";
    case EventKind::kNotified: return "notified";
    case EventKind::kNotifyFailed: return "notify_failed";
    case EventKind::kNotifyOutcomeUnknown: return "notify_outcome_unknown";
    case EventKind::kAcked: return "acked";
    case EventKind::kUnacked: return "unacked";
    case EventKind::kResolved: return "resolved";
    case EventKind::kReopened: return "reopened";
    case EventKind::kEscalated: return "escalated";
    case EventKind::kSilenced: return "silenced";
    case EventKind::kUnsilenced: return "unsilenced";
    case EventKind::kSeverityChanged: return "severity_changed";
    case EventKind::kSilenceMatched: return "silence_matched";
    case EventKind::kSilenceEnded: return "silence_ended";
    case EventKind::kEscalationStep: return "escalation_step";
    case EventKind::kComment: return "comment";
  }
  return "comment";
}

}  // namespace quell::model
