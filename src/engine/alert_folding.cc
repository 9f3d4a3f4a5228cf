// The folding rules: how one alert changes alerts, incidents, the timeline and the outbox.
//
// Firing alert, by fingerprint first:
//  - its latest alert row belongs to an open incident: a repeat (count, last_seen, one collapsed
//    timeline entry) or, if that alert had resolved, a re-fire (a flip) in the same incident;
//  - its incident is resolved: within reopen_window the incident is reopened; an alert that was
//    still firing when a human resolved the incident only counts as a repeat (senders re-send
//    firing alerts; that must not undo the human's decision);
// then by group key: it joins the latest incident of its group if that one is open, its last
// alert is within group_window (rolling) and it is younger than max_incident_age; a resolved
// incident of the group within reopen_window is reopened; otherwise a new incident opens.
// Resolved alert: resolves its alert row; the incident auto-resolves when no alert fires.
// Flips of one alert within flap_window beyond flap_threshold mark the incident flapping: one
// timeline entry counts further flips and they notify nobody.
#include <algorithm>
#include <string>

#include "engine/engine.h"
#include "engine/group_key.h"
#include "engine/incident_changes.h"

namespace quell::engine {
namespace {

using model::AlertStatus;
using model::EventKind;
using model::IncidentStatus;

// Records a firing<->resolved transition. Returns true when it makes the alert flap.
bool RecordFlip(model::Alert& alert, TimeMs now, const EngineOptions& options) {
  if (alert.flip_window_start == 0 || now - alert.flip_window_start > options.flap_window_ms) {
    alert.flip_window_start = now;
    alert.flips = 0;
  }
  ++alert.flips;
  return alert.flips >= options.flap_threshold;
}

// Replaces the stored payload with the newest one, keeping the earliest start.
void RefreshAlert(model::Alert& stored, const model::NormalizedAlert& incoming, TimeMs now) {
  TimeMs starts_at = stored.data.starts_at;
  stored.data = incoming;
  if (starts_at != 0 && (incoming.starts_at == 0 || starts_at < incoming.starts_at))
    stored.data.starts_at = starts_at;
  stored.last_seen = now;
  ++stored.count;
}

// The timeline entry for a flip. Returns whether to notify: not when the incident flaps.
Result<bool> RecordFlipEvents(store::StoreTx& tx, model::Incident& incident,
                              const model::Alert& alert, bool flapping_now, EventKind normal_kind,
                              TimeMs now) {
  if (flapping_now || incident.flapping) {
    if (!incident.flapping) {
      incident.flapping = true;
      QUELL_RETURN_IF_ERROR(AppendIncidentEvent(
          tx, incident.id, EventKind::kFlapping, kSystemActor, alert.data.fingerprint,
          "alert is flapping; further flips are counted here and not notified", now));
      return false;
    }
    QUELL_RETURN_IF_ERROR(CollapseIncidentEvent(tx, incident.id, EventKind::kFlapping,
                                                alert.data.fingerprint, "", now));
    return false;
  }
  QUELL_RETURN_IF_ERROR(AppendIncidentEvent(tx, incident.id, normal_kind, kSystemActor,
                                            alert.data.fingerprint, alert.data.message, now));
  return true;
}

std::string IncidentTitle(const model::NormalizedAlert& alert) {
  const std::string& what = alert.name.empty() ? alert.message : alert.name;
  return alert.service + ": " + what;
}

// Integrations that speak for the same alerts: Prometheus posting to /api/v2/alerts and an
// Alertmanager's webhook carry the same alerts under the same fingerprints (an HA pair may send
// both ways), so they are one lane.
std::string_view SourceLane(std::string_view source) {
  return source == "alertmanager" ? std::string_view("prometheus") : source;
}

}  // namespace

Result<IngestResult> Engine::ApplyOne(store::StoreTx& tx, const model::NormalizedAlert& alert,
                                      TimeMs now) {
  return alert.status == AlertStatus::kFiring ? ApplyFiring(tx, alert, now)
                                              : ApplyResolved(tx, alert, now);
}

Result<IngestResult> Engine::ApplyFiring(store::StoreTx& tx, const model::NormalizedAlert& alert,
                                         TimeMs now) {
  IngestResult result{alert.fingerprint, 0, IngestOutcome::kDuplicate};

  QUELL_ASSIGN_OR_RETURN(auto latest, tx.FindLatestAlert(alert.fingerprint));
  if (latest) {
    QUELL_ASSIGN_OR_RETURN(auto found, tx.FindIncident(latest->incident_id));
    if (!found) return Error(Internal("alert refers to a missing incident"));
    model::Incident& incident = *found;
    const bool open = incident.status != IncidentStatus::kResolved;
    const bool was_firing = latest->data.status == AlertStatus::kFiring;
    const bool human_resolved_while_firing = !open && was_firing &&
                                             incident.resolved_by != kSystemActor;
    const bool reopenable = !open && now - incident.resolved_at <= options_.reopen_window_ms;

    if (open || human_resolved_while_firing || reopenable) {
      result.incident_id = incident.id;
      RefreshAlert(*latest, alert, now);
      incident.updated_at = now;
      incident.last_alert_at = now;
      if (was_firing) {
        // A plain repeat.
        QUELL_RETURN_IF_ERROR(tx.UpdateAlert(*latest));
        QUELL_RETURN_IF_ERROR(CollapseIncidentEvent(tx, incident.id, EventKind::kAlertRepeated,
                                                    alert.fingerprint, alert.message, now));
        QUELL_RETURN_IF_ERROR(tx.UpdateIncident(incident));
        return result;
      }
      // The alert had resolved and fires again.
      bool flapping_now = RecordFlip(*latest, now, options_);
      ++incident.firing_count;
      AbsorbAlert(incident, alert);
      QUELL_RETURN_IF_ERROR(tx.UpdateAlert(*latest));
      if (!open) {
        MarkReopened(incident);
        result.outcome = IngestOutcome::kReopened;
        QUELL_RETURN_IF_ERROR(EnqueueEscalationOnce(tx, incident.id, now));
        if (!(flapping_now || incident.flapping)) {
          QUELL_RETURN_IF_ERROR(AppendIncidentEvent(tx, incident.id, EventKind::kReopened,
                                                    kSystemActor, alert.fingerprint,
                                                    "alert fired again", now));
        }
      } else {
        result.outcome = IngestOutcome::kJoined;
      }
      QUELL_ASSIGN_OR_RETURN(bool notify, RecordFlipEvents(tx, incident, *latest, flapping_now,
                                                           EventKind::kAlertFired, now));
      if (notify) QUELL_RETURN_IF_ERROR(EnqueueOnce(tx, kNotifyJob, incident.id, now));
      QUELL_RETURN_IF_ERROR(tx.UpdateIncident(incident));
      return result;
    }
  }

  // A new alert (or one whose incident is long closed): group it.
  const std::string group_key = GroupKey(alert, options_.group_by);
  QUELL_ASSIGN_OR_RETURN(auto candidate, tx.FindLatestIncidentByGroup(group_key));
  if (!(candidate && Joinable(*candidate, now))) {
    QUELL_ASSIGN_OR_RETURN(auto related, FindRelatedIncident(tx, alert, now));
    if (related) candidate = std::move(related);
  }
  model::Incident incident;
  if (candidate && Joinable(*candidate, now)) {
    incident = std::move(*candidate);
    result.outcome = IngestOutcome::kJoined;
  } else if (candidate && candidate->status == IncidentStatus::kResolved &&
             now - candidate->resolved_at <= options_.reopen_window_ms) {
    incident = std::move(*candidate);
    MarkReopened(incident);
    result.outcome = IngestOutcome::kReopened;
    QUELL_RETURN_IF_ERROR(EnqueueEscalationOnce(tx, incident.id, now));
    QUELL_RETURN_IF_ERROR(AppendIncidentEvent(tx, incident.id, EventKind::kReopened, kSystemActor,
                                              alert.fingerprint, "related alert fired", now));
  } else {
    incident.group_key = group_key;
    incident.title = IncidentTitle(alert);
    incident.environment = alert.environment;
    incident.opened_at = now;
    result.outcome = IngestOutcome::kNewIncident;
  }
  AbsorbAlert(incident, alert);
  incident.alert_count += 1;
  incident.firing_count += 1;
  incident.updated_at = now;
  incident.last_alert_at = now;
  const bool opened = incident.id == 0;
  if (opened) {
    QUELL_ASSIGN_OR_RETURN(incident.id, tx.InsertIncident(incident));
  } else {
    QUELL_RETURN_IF_ERROR(tx.UpdateIncident(incident));
  }
  result.incident_id = incident.id;

  model::Alert row;
  row.incident_id = incident.id;
  row.data = alert;
  row.first_seen = now;
  row.last_seen = now;
  row.count = 1;
  QUELL_ASSIGN_OR_RETURN(row.id, tx.InsertAlert(row));
  QUELL_RETURN_IF_ERROR(RecordNewAlertEvent(tx, incident.id, alert,
                                            result.outcome == IngestOutcome::kJoined, now));
  QUELL_RETURN_IF_ERROR(EnqueueOnce(tx, kAnalyzeJob, incident.id, now));
  const bool update = result.outcome == IngestOutcome::kJoined;
  QUELL_RETURN_IF_ERROR(EnqueueOnce(tx, kNotifyJob, incident.id,
                                    update ? now + options_.notify_update_delay_ms : now));
  // After the notification: of the jobs due now, the card goes first.
  if (opened) QUELL_RETURN_IF_ERROR(EnqueueEscalationOnce(tx, incident.id, now));
  return result;
}

// A new alert's timeline entry; in a burst, a count on the incident's newest alert_fired entry.
Status Engine::RecordNewAlertEvent(store::StoreTx& tx, int64_t incident_id,
                                   const model::NormalizedAlert& alert, bool joined, TimeMs now) {
  if (joined && options_.burst_window_ms > 0) {
    QUELL_ASSIGN_OR_RETURN(bool counted,
                           tx.BumpRecentEvent(incident_id, EventKind::kAlertFired,
                                              now - options_.burst_window_ms, now, 1));
    if (counted) return Status::Ok();
  }
  return AppendIncidentEvent(tx, incident_id, EventKind::kAlertFired, kSystemActor,
                             alert.fingerprint, alert.message, now);
}

bool Engine::Joinable(const model::Incident& incident, TimeMs now) const {
  return incident.status != IncidentStatus::kResolved &&
         now - incident.last_alert_at <= options_.group_window_ms &&
         now - incident.opened_at <= options_.max_incident_age_ms;
}

Result<std::optional<model::Incident>> Engine::FindRelatedIncident(
    store::StoreTx& tx, const model::NormalizedAlert& alert, TimeMs now) {
  const auto& group_by = options_.group_by;
  if (!options_.group_related_services ||
      std::find(group_by.begin(), group_by.end(), "service") == group_by.end())
    return std::nullopt;
  std::optional<model::Incident> best;
  for (const auto& service : topology()->NeighboursOf(alert.service)) {
    QUELL_ASSIGN_OR_RETURN(auto candidate, tx.FindLatestIncidentWithService(service));
    if (!candidate || !Joinable(*candidate, now)) continue;
    // Related only if the alert would share the incident's group key had it come from one of
    // the incident's services (same environment and other group_by fields).
    model::NormalizedAlert as_member = alert;
    bool compatible = false;
    for (const auto& member : candidate->services) {
      as_member.service = member;
      if (GroupKey(as_member, group_by) == candidate->group_key) {
        compatible = true;
        break;
      }
    }
    if (compatible && (!best || candidate->last_alert_at > best->last_alert_at))
      best = std::move(candidate);
  }
  return best;
}

Result<IngestResult> Engine::ApplyResolved(store::StoreTx& tx, const model::NormalizedAlert& alert,
                                           TimeMs now) {
  IngestResult result{alert.fingerprint, 0, IngestOutcome::kResolved};
  QUELL_ASSIGN_OR_RETURN(auto latest, tx.FindLatestAlert(alert.fingerprint));
  if (!latest) {
    result.outcome = IngestOutcome::kUnknownResolved;
    return result;
  }
  // Sources stay in their lane: only the integration that fired an alert resolves it, so a
  // generic sender that knows an Alertmanager fingerprint cannot close that incident.
  if (SourceLane(latest->data.source) != SourceLane(alert.source)) {
    result.outcome = IngestOutcome::kForeignResolved;
    return result;
  }
  result.incident_id = latest->incident_id;
  const bool was_firing = latest->data.status == AlertStatus::kFiring;
  RefreshAlert(*latest, alert, now);
  if (latest->data.ends_at == 0) latest->data.ends_at = now;
  if (!was_firing) {
    result.outcome = IngestOutcome::kDuplicate;
    QUELL_RETURN_IF_ERROR(tx.UpdateAlert(*latest));
    return result;
  }
  QUELL_ASSIGN_OR_RETURN(auto found, tx.FindIncident(latest->incident_id));
  if (!found) return Error(Internal("alert refers to a missing incident"));
  model::Incident& incident = *found;
  bool flapping_now = RecordFlip(*latest, now, options_);
  QUELL_RETURN_IF_ERROR(tx.UpdateAlert(*latest));
  if (incident.firing_count > 0) --incident.firing_count;
  incident.updated_at = now;
  QUELL_ASSIGN_OR_RETURN(bool notify, RecordFlipEvents(tx, incident, *latest, flapping_now,
                                                       EventKind::kAlertResolved, now));
  if (notify) QUELL_RETURN_IF_ERROR(EnqueueOnce(tx, kNotifyJob, incident.id, now));
  if (options_.auto_resolve && incident.firing_count == 0 &&
      incident.status != IncidentStatus::kResolved) {
    MarkResolved(incident, std::string(kSystemActor), now);
    if (!incident.flapping) {
      QUELL_RETURN_IF_ERROR(AppendIncidentEvent(tx, incident.id, EventKind::kResolved,
                                                kSystemActor, "", "all alerts resolved", now));
    }
  }
  QUELL_RETURN_IF_ERROR(tx.UpdateIncident(incident));
  return result;
}

}  // namespace quell::engine
