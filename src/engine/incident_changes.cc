#include "engine/incident_changes.h"

#include <algorithm>

#include <fmt/format.h>

namespace quell::engine {

void MarkResolved(model::Incident& incident, const std::string& actor, TimeMs now) {
  incident.status = model::IncidentStatus::kResolved;
  incident.resolved_at = now;
  incident.resolved_by = actor;
}

void MarkReopened(model::Incident& incident) {
  incident.status = model::IncidentStatus::kTriggered;
  incident.resolved_at = 0;
  incident.resolved_by.clear();
  incident.acked_at = 0;
  incident.acked_by.clear();
  incident.escalated_at = 0;  // a new chance to be acknowledged in time
}

void AbsorbAlert(model::Incident& incident, const model::NormalizedAlert& alert) {
  auto& services = incident.services;
  auto it = std::lower_bound(services.begin(), services.end(), alert.service);
  if (it == services.end() || *it != alert.service) services.insert(it, alert.service);
  // A sender's severity is a floor: it raises the incident, an analysis never lowers it below.
  incident.alert_severity = model::MaxSeverity(incident.alert_severity, alert.severity);
  incident.severity = model::MaxSeverity(incident.severity, alert.severity);
}

model::Severity SeverityAfterAnalysis(const model::Incident& incident, model::Severity analysed) {
  if (analysed == model::Severity::kUnknown) return incident.severity;
  return model::MaxSeverity(incident.alert_severity, analysed);
}

std::string SeverityChangeNote(model::Severity from, model::Severity to, model::Severity analysed,
                               model::Severity senders, std::string_view reason) {
  using model::SeverityName;
  std::string note = fmt::format("{} -> {}: ", SeverityName(from), SeverityName(to));
  if (to != analysed) {
    // The analysis said less than a sender did: the sender's severity stands.
    return note + fmt::format("the analysis says {}, but a sender says {} and the senders' "
                              "severities are a floor",
                              SeverityName(analysed), SeverityName(senders));
  }
  note += fmt::format("the analysis says {}", SeverityName(analysed));
  if (!reason.empty()) note += fmt::format(" ({})", reason);
  if (senders == model::Severity::kUnknown)
    note += "; no alert carries a severity from its sender";
  else if (senders != analysed)
    note += fmt::format("; above the senders' {}", SeverityName(senders));
  return note;
}

Status AppendIncidentEvent(store::StoreTx& tx, int64_t incident_id, model::EventKind kind,
                           std::string_view actor, std::string_view fingerprint,
                           std::string_view note, TimeMs now) {
  model::Event event;
  event.incident_id = incident_id;
  event.at = now;
  event.last_at = now;
  event.kind = kind;
  event.actor = actor;
  event.fingerprint = fingerprint;
  event.note = note;
  auto appended = tx.AppendEvent(event);
  return appended ? Status::Ok() : appended.error();
}

Status CollapseIncidentEvent(store::StoreTx& tx, int64_t incident_id, model::EventKind kind,
                             std::string_view fingerprint, std::string_view note, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(bool bumped, tx.BumpEvent(incident_id, kind, std::string(fingerprint), now, 1));
  if (bumped) return Status::Ok();
  return AppendIncidentEvent(tx, incident_id, kind, kSystemActor, fingerprint, note, now);
}

TimeMs TriggeredSince(const model::Incident& incident, const std::vector<model::Event>& events) {
  TimeMs since = incident.opened_at;
  for (const auto& e : events)
    if (e.kind == model::EventKind::kReopened || e.kind == model::EventKind::kUnacked ||
        e.kind == model::EventKind::kSilenceEnded)
      since = std::max(since, e.at);
  return since;
}

Status EnqueueJob(store::StoreTx& tx, const char* kind, int64_t incident_id, TimeMs now) {
  model::Job job;
  job.kind = kind;
  job.incident_id = incident_id;
  job.dedup_key = std::string(kind) + ":" + std::to_string(incident_id);
  job.run_at = now;
  return tx.EnqueueJob(job);
}

}  // namespace quell::engine
