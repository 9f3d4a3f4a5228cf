// Silences by matchers acting on incidents: the engine's side of engine/silences.h. The state
// an incident was last seen in lives on its timeline (silence_matched / silence_ended), so no
// schema change is needed and every node reads the same answer.
#include <spdlog/spdlog.h>

#include "engine/conflict_retry.h"
#include "engine/engine.h"
#include "engine/incident_changes.h"
#include "engine/incident_silence.h"

namespace quell::engine {

Result<std::vector<std::string>> Engine::SilencedBy(int64_t incident_id) {
  QUELL_RETURN_IF_ERROR(silences_.RefreshIfStale());
  const TimeMs now = clock_.Now();
  if (!silences_.AnyActive(now)) return std::vector<std::string>{};
  QUELL_ASSIGN_OR_RETURN(auto alerts, store_.ListAlerts(incident_id, 0, 0));
  return IncidentSilencedBy(alerts, silences_, now);
}

Result<bool> Engine::ReconcileSilence(int64_t incident_id) {
  QUELL_ASSIGN_OR_RETURN(auto silenced_by, SilencedBy(incident_id));
  QUELL_ASSIGN_OR_RETURN(auto events, store_.ListEvents(incident_id));
  const auto recorded = RecordedSilencedBy(events);
  if (silenced_by == recorded) return !silenced_by.empty();

  // Again on a conflict with another node (engine/conflict_retry.h).
  return RetryOnConflict([&]() -> Result<bool> {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(auto found, tx->FindIncident(incident_id));
    if (!found) return Error(NotFound("no incident " + std::to_string(incident_id)));
    model::Incident incident = std::move(*found);
    const TimeMs now = clock_.Now();
    if (!silenced_by.empty()) {
      QUELL_RETURN_IF_ERROR(AppendIncidentEvent(*tx, incident.id,
                                                model::EventKind::kSilenceMatched, kSystemActor,
                                                "", SilenceIdsNote(silenced_by), now));
      QUELL_RETURN_IF_ERROR(tx->Commit());
      return true;
    }
    // Resolved while silenced: its resolution stays quiet; a reopen decides afresh.
    if (incident.status == model::IncidentStatus::kResolved) return true;
    QUELL_RETURN_IF_ERROR(AppendIncidentEvent(*tx, incident.id, model::EventKind::kSilenceEnded,
                                              kSystemActor, "", "", now));
    if (incident.status == model::IncidentStatus::kTriggered && incident.firing_count > 0) {
      // As a new incident: notified now, escalated if nobody acknowledges it in time.
      incident.escalated_at = 0;
      incident.updated_at = now;
      QUELL_RETURN_IF_ERROR(tx->UpdateIncident(incident));
      QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kNotifyJob, incident.id, now));
      QUELL_RETURN_IF_ERROR(EnqueueEscalation(*tx, incident.id, now));
    }
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return false;
  });
}

Result<model::Silence> Engine::SilenceLike(int64_t incident_id, TimeMs duration_ms,
                                           const std::string& created_by,
                                           const std::string& comment) {
  QUELL_ASSIGN_OR_RETURN(auto alerts, store_.ListAlerts(incident_id, 0, 0));
  if (alerts.empty()) return Error(NotFound("no incident " + std::to_string(incident_id)));
  const model::Alert* like = &alerts.front();
  for (const auto& alert : alerts) {
    if (alert.data.status == model::AlertStatus::kFiring) {
      like = &alert;
      break;
    }
  }
  model::Silence silence;
  silence.matchers = MatchersLike(like->data);
  silence.starts_at = clock_.Now();
  silence.ends_at = silence.starts_at + duration_ms;
  silence.created_by = created_by;
  silence.comment = comment;
  QUELL_ASSIGN_OR_RETURN(model::Silence created, silences_.Create(std::move(silence)));
  // On the timeline now, not at the next sweep: whoever pressed sees the card change at once.
  if (auto reconciled = ReconcileSilence(incident_id); !reconciled)
    spdlog::warn("silence {}: incident {} not brought up to date: {}", created.id, incident_id,
                 reconciled.error().ToString());
  return created;
}

Result<TimeMs> Engine::SweepSilences() {
  QUELL_RETURN_IF_ERROR(silences_.Refresh());
  Status first_failure;
  for (auto status : {model::IncidentStatus::kTriggered, model::IncidentStatus::kAcknowledged}) {
    store::IncidentQuery query;
    query.status = status;
    query.limit = 500;
    for (;;) {
      QUELL_ASSIGN_OR_RETURN(auto page, store_.ListIncidents(query));
      for (const auto& incident : page) {
        // One incident failing must not keep the others' timelines behind.
        auto reconciled = ReconcileSilence(incident.id);
        if (!reconciled && first_failure.ok()) first_failure = reconciled.error();
      }
      if (page.size() < static_cast<size_t>(query.limit)) break;
      query.before_id = page.back().id;
    }
  }
  QUELL_RETURN_IF_ERROR(first_failure);
  const TimeMs now = clock_.Now();
  const TimeMs next = silences_.NextChange(now);
  return next == 0 ? 0 : next - now;
}

}  // namespace quell::engine
