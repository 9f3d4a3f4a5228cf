// Escalation policies acting on incidents: the "escalation" job (Engine::RunEscalation) and the
// state the API shows (Engine::EscalationStateOf). The policy an incident is given is a copy
// kept in the setting "escalation/incident/<id>"; how far it has got is read from the timeline
// (escalation_step entries since the incident last became triggered), so a step and the jobs it
// enqueues commit together and a restart loses nothing.
#include <fmt/format.h>

#include "engine/conflict_retry.h"
#include "engine/engine.h"
#include "engine/incident_changes.h"
#include "engine/incident_silence.h"
#include "model/escalation_json.h"

namespace quell::engine {
namespace {

std::string SnapshotKey(int64_t incident_id) {
  return "escalation/incident/" + std::to_string(incident_id);
}

// When the steps count from: the incident last became triggered (TriggeredSince), was
// unsilenced, or its silence (the per-incident one) ran out.
TimeMs PolicySince(const model::Incident& incident, const std::vector<model::Event>& events,
                   TimeMs now) {
  TimeMs since = TriggeredSince(incident, events);
  for (const auto& e : events)
    if (e.kind == model::EventKind::kUnsilenced) since = std::max(since, e.at);
  if (incident.silenced_until <= now) since = std::max(since, incident.silenced_until);
  return since;
}

size_t StepsTakenSince(const std::vector<model::Event>& events, TimeMs since) {
  size_t taken = 0;
  for (const auto& e : events) taken += e.kind == model::EventKind::kEscalationStep && e.at >= since;
  return taken;
}

std::string StepNote(const model::EscalationPolicy& policy, const model::Page& page) {
  std::string who;
  for (const auto& r : page.recipients) {
    if (!who.empty()) who += ", ";
    if (r.chat != 0) {
      who += "chat " + std::to_string(r.chat);
      continue;
    }
    who += r.user.empty() ? "nobody" : r.user;
    if (!r.via.empty()) who += " (" + r.via + ")";
    if (!r.problem.empty()) who += " [" + r.problem + ": the chat is told]";
  }
  return fmt::format("step {} of {}, round {} of {}, policy {}: {}", page.step + 1,
                     policy.steps.size(), page.round + 1, policy.repeat + 1, policy.name, who);
}

}  // namespace

Result<std::optional<model::EscalationSnapshot>> Engine::EscalationSnapshotOf(int64_t incident_id) {
  QUELL_ASSIGN_OR_RETURN(auto text, store_.GetSetting(SnapshotKey(incident_id)));
  if (!text) return std::optional<model::EscalationSnapshot>();
  QUELL_ASSIGN_OR_RETURN(model::EscalationSnapshot snapshot,
                         model::EscalationSnapshotFromJsonText(*text));
  return std::optional(std::move(snapshot));
}

Result<std::optional<model::EscalationState>> Engine::EscalationStateOf(int64_t incident_id) {
  QUELL_ASSIGN_OR_RETURN(auto incident, store_.GetIncident(incident_id));
  if (!incident) return Error(NotFound("no incident " + std::to_string(incident_id)));
  QUELL_ASSIGN_OR_RETURN(auto events, store_.ListEvents(incident_id));
  return EscalationStateOf(*incident, events);
}

Result<std::optional<model::EscalationState>> Engine::EscalationStateOf(
    const model::Incident& incident, const std::vector<model::Event>& events) {
  QUELL_ASSIGN_OR_RETURN(auto snapshot, EscalationSnapshotOf(incident.id));
  if (!snapshot) return std::optional<model::EscalationState>();
  const TimeMs now = clock_.Now();
  model::EscalationState state;
  state.snapshot = std::move(*snapshot);
  state.since = PolicySince(incident, events, now);
  state.steps_taken = StepsTakenSince(events, state.since);
  const model::EscalationPolicy& policy = state.snapshot.policy;
  if (incident.status == model::IncidentStatus::kResolved) {
    state.stopped = "resolved";
  } else if (incident.status == model::IncidentStatus::kAcknowledged) {
    state.stopped = "acknowledged";
  } else if (incident.silenced_until > now || !RecordedSilencedBy(events).empty()) {
    state.stopped = "silenced";
  } else if (state.steps_taken >= policy.TotalSteps()) {
    state.stopped = "completed";
  } else {
    state.next_step = state.steps_taken;
    state.next_at = policy.StepDueAt(state.steps_taken, state.since);
  }
  return std::optional(std::move(state));
}

Result<bool> Engine::RunEscalation(int64_t incident_id) {
  QUELL_ASSIGN_OR_RETURN(bool held_back, ReconcileSilence(incident_id));
  if (held_back) return false;  // the silence's end enqueues this job again
  QUELL_ASSIGN_OR_RETURN(auto snapshot, EscalationSnapshotOf(incident_id));
  if (!snapshot) {
    // Chosen once, by the first run after the incident opened; kept whatever the policy
    // becomes later.
    QUELL_ASSIGN_OR_RETURN(auto first, store_.ListAlerts(incident_id, 1, 0));
    if (first.empty()) return Error(NotFound("no incident " + std::to_string(incident_id)));
    std::string route;
    QUELL_ASSIGN_OR_RETURN(auto policy, escalation_.Choose(first.front().data, route));
    if (!policy) return false;  // no policy: escalation.after's single step applies
    snapshot = model::EscalationSnapshot{std::move(*policy), route, clock_.Now()};
    QUELL_RETURN_IF_ERROR(store_.PutSetting(SnapshotKey(incident_id),
                                            model::EscalationSnapshotToJsonText(*snapshot)));
  }
  return RetryOnConflict([&] { return TryEscalationStep(incident_id, snapshot->policy); });
}

Result<model::Page> Engine::PageFor(const model::EscalationPolicy& policy, size_t n, TimeMs now) {
  model::Page page;
  page.step = n % policy.steps.size();
  page.round = n / policy.steps.size();
  page.policy = policy.name;
  for (const model::EscalationTarget& target : policy.steps[page.step].notify) {
    model::PageRecipient r;
    if (target.chat != 0) {
      r.chat = target.chat;
      page.recipients.push_back(std::move(r));
      continue;
    }
    r.user = target.user;
    if (!target.schedule.empty()) {
      r.via = "schedule " + target.schedule;
      auto on_call = oncall_.WhoIsOnCall(target.schedule, now);
      if (!on_call && on_call.error().code() != StatusCode::kNotFound) return Error(on_call.error());
      if (!on_call)
        r.problem = "no schedule " + target.schedule;
      else if (on_call->user.empty())
        r.problem = "nobody is on call";
      r.user = on_call ? on_call->user : "";
    }
    if (!r.user.empty()) {
      QUELL_ASSIGN_OR_RETURN(auto user, oncall_.FindUser(r.user));
      if (!user)
        r.problem = "no user " + r.user;
      else if (user->telegram_user_id == 0)
        r.problem = "no telegram_user_id";
      else
        r.telegram_user_id = user->telegram_user_id;
    }
    page.recipients.push_back(std::move(r));
  }
  return page;
}

Result<bool> Engine::TryEscalationStep(int64_t incident_id, const model::EscalationPolicy& policy) {
  QUELL_ASSIGN_OR_RETURN(auto events, store_.ListEvents(incident_id));
  QUELL_ASSIGN_OR_RETURN(auto stored, store_.GetIncident(incident_id));
  if (!stored) return Error(NotFound("no incident " + std::to_string(incident_id)));
  // Acknowledged or resolved: every pending step stops here, and nothing is recorded. Unack,
  // reopen or a silence's end enqueue this job again.
  if (stored->status != model::IncidentStatus::kTriggered) return false;
  const TimeMs now = clock_.Now();
  const size_t total = policy.TotalSteps();
  const TimeMs since = PolicySince(*stored, events, now);
  const size_t taken = StepsTakenSince(events, since);
  std::optional<model::Page> page;
  TimeMs come_back = 0;  // when to run again without taking a step (0: never)
  if (stored->silenced_until > now) {
    come_back = stored->silenced_until;  // silenced: the steps start over when it ends
  } else if (taken < total) {
    const TimeMs due = policy.StepDueAt(taken, since);
    if (now < due) {
      come_back = due;
    } else {
      QUELL_ASSIGN_OR_RETURN(page, PageFor(policy, taken, now));
    }
  }
  if (!page && come_back == 0) return false;  // every step taken

  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(auto found, tx->FindIncident(incident_id));
  if (!found) return Error(NotFound("no incident " + std::to_string(incident_id)));
  if (found->status != model::IncidentStatus::kTriggered) return false;
  if (!page) {
    QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kEscalationJob, incident_id, come_back));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return false;
  }
  model::Event event;
  event.incident_id = incident_id;
  event.at = event.last_at = now;
  event.kind = model::EventKind::kEscalationStep;
  event.actor = kSystemActor;
  event.note = StepNote(policy, *page);
  QUELL_ASSIGN_OR_RETURN(page->step_event_id, tx->AppendEvent(event));
  // One page job per step taken: its people are told even if the next step comes first.
  model::Job job;
  job.kind = kEscalationPageJob;
  job.incident_id = incident_id;
  job.dedup_key = std::string(kEscalationPageJob) + ":" + std::to_string(page->step_event_id);
  job.run_at = now;
  job.payload = model::PageToJsonText(*page);
  QUELL_RETURN_IF_ERROR(tx->EnqueueJob(job));
  if (taken + 1 < total)
    QUELL_RETURN_IF_ERROR(
        EnqueueJob(*tx, kEscalationJob, incident_id, policy.StepDueAt(taken + 1, since)));
  QUELL_RETURN_IF_ERROR(tx->Commit());
  return true;
}

}  // namespace quell::engine
