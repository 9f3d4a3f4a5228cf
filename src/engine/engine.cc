// Engine plumbing: the group-commit writer thread and human actions. The alert folding rules
// themselves are in alert_folding.cc.
#include "engine/engine.h"

#include <future>
#include <utility>

#include <spdlog/spdlog.h>

#include "engine/conflict_retry.h"
#include "engine/group_key.h"
#include "engine/incident_changes.h"
#include "store/write_back_tx.h"

namespace quell::engine {

const char* IngestOutcomeName(IngestOutcome outcome) {
  switch (outcome) {
    case IngestOutcome::kNewIncident: return "new_incident";
    case IngestOutcome::kJoined: return "joined";
    case IngestOutcome::kDuplicate: return "duplicate";
    case IngestOutcome::kReopened: return "reopened";
    case IngestOutcome::kResolved: return "resolved";
    case IngestOutcome::kUnknownResolved: return "unknown_resolved";
    case IngestOutcome::kForeignResolved: return "foreign_resolved";
  }
  return "unknown";
}

std::optional<Action> ParseAction(std::string_view text) {
  if (text == "ack") return Action::kAck;
  if (text == "unack") return Action::kUnack;
  if (text == "resolve") return Action::kResolve;
  if (text == "reopen") return Action::kReopen;
  if (text == "silence") return Action::kSilence;
  if (text == "unsilence") return Action::kUnsilence;
  return std::nullopt;
}

Engine::Engine(store::Store& store, const Clock& clock, EngineOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      silences_(store, clock),
      oncall_(store, clock),
      escalation_(store, oncall_) {}

Engine::~Engine() { Shutdown(); }

void Engine::Shutdown() {
  std::unique_lock lock(mu_);
  stopping_ = true;
  idle_cv_.wait(lock, [this] { return !leader_active_ && queue_.empty(); });
}

void Engine::SetTopology(model::Topology topology) {
  auto shared = std::make_shared<const model::Topology>(std::move(topology));
  std::lock_guard lock(mu_);
  topology_ = std::move(shared);
}

std::shared_ptr<const model::Topology> Engine::topology() const {
  std::lock_guard lock(mu_);
  return topology_;
}

EngineCounters Engine::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

void Engine::Submit(std::vector<model::NormalizedAlert> alerts, IngestCallback done) {
  std::unique_lock lock(mu_);
  if (stopping_) {
    lock.unlock();
    done(Error(Unavailable("shutting down")));
    return;
  }
  queue_.push_back(Pending{std::move(alerts), std::move(done)});
  if (leader_active_) return;  // the leader will commit it with its group
  leader_active_ = true;
  LeadCommits(lock);
  leader_active_ = false;
  idle_cv_.notify_all();
}

void Engine::LeadCommits(std::unique_lock<std::mutex>& lock) {
  while (!queue_.empty()) {
    std::vector<Pending> group;
    size_t alerts = 0;
    while (!queue_.empty() &&
           (group.empty() || alerts + queue_.front().alerts.size() <= options_.max_batch_alerts)) {
      alerts += queue_.front().alerts.size();
      group.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    CommitGroup(group);
    lock.lock();
  }
}

Result<std::vector<IngestResult>> Engine::Ingest(std::vector<model::NormalizedAlert> alerts) {
  std::promise<Result<std::vector<IngestResult>>> promise;
  auto future = promise.get_future();
  Submit(std::move(alerts), [&promise](Result<std::vector<IngestResult>> result) {
    promise.set_value(std::move(result));
  });
  return future.get();
}

Result<std::vector<std::vector<IngestResult>>> Engine::TryGroup(const std::vector<Pending>& group) {
  enqueued_in_tx_.clear();
  QUELL_ASSIGN_OR_RETURN(auto begun, store_.Begin());
  // A group folds many alerts into few incidents: each changed row is written once.
  store::WriteBackTx tx(std::move(begun));
  std::vector<std::string> keys;
  for (const auto& pending : group)
    for (const auto& alert : pending.alerts) keys.push_back(GroupKey(alert, options_.group_by));
  QUELL_RETURN_IF_ERROR(tx.LockKeys(keys));
  std::vector<std::vector<IngestResult>> results;
  for (const auto& pending : group) {
    QUELL_ASSIGN_OR_RETURN(auto applied, ApplyBatch(tx, pending.alerts));
    results.push_back(std::move(applied));
  }
  QUELL_RETURN_IF_ERROR(tx.Commit());
  return results;
}

void Engine::CommitGroup(std::vector<Pending>& group) {
  // Fast path: everything in one transaction.
  auto committed = RetryOnConflict([&] { return TryGroup(group); });
  if (committed) {
    auto& results = *committed;
    uint64_t alerts = 0, duplicates = 0, opened = 0;
    for (auto& batch : results) {
      for (auto& r : batch) {
        ++alerts;
        duplicates += r.duplicate();
        opened += r.outcome == IngestOutcome::kNewIncident;
      }
    }
    {
      std::lock_guard lock(mu_);
      counters_.alerts += alerts;
      counters_.duplicates += duplicates;
      counters_.incidents_opened += opened;
      counters_.transactions += 1;
    }
    for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(results[i]));
    return;
  }

  const Status& failure = committed.error();
  // Unavailable: the database is away, or the COMMIT's fate could not be learned. Every
  // request of the group gets that one answer: alone each would fail the same way, or (a COMMIT
  // that did go through unseen) be applied a second time.
  if (group.size() == 1 || failure.code() == StatusCode::kUnavailable) {
    spdlog::error("ingest transaction failed: {}", failure.ToString());
    for (auto& pending : group) pending.done(Error(failure));
    return;
  }
  // Slow path: isolate the batch that failed.
  for (auto& pending : group) {
    std::vector<Pending> alone;
    alone.push_back(std::move(pending));
    CommitGroup(alone);
  }
}

Result<std::vector<IngestResult>> Engine::ApplyBatch(
    store::StoreTx& tx, const std::vector<model::NormalizedAlert>& alerts) {
  const TimeMs now = clock_.Now();
  std::vector<IngestResult> results;
  results.reserve(alerts.size());
  for (const auto& alert : alerts) {
    auto one = ApplyOne(tx, alert, now);
    if (!one) return Error(one.error());
    results.push_back(std::move(*one));
  }
  return results;
}

Status Engine::EnqueueOnce(store::StoreTx& tx, const char* kind, int64_t incident_id,
                           TimeMs from) {
  const std::string_view k(kind);
  if (k == kEscalateJob && options_.escalate_after_ms <= 0) return Status::Ok();
  const TimeMs delay = k == kAnalyzeJob    ? options_.analyze_delay_ms
                       : k == kEscalateJob ? options_.escalate_after_ms
                                           : 0;
  const TimeMs run_at = from + delay;
  auto [known, added] = enqueued_in_tx_.emplace(std::make_pair(k, incident_id), run_at);
  if (!added) {
    if (known->second <= run_at) return Status::Ok();
    known->second = run_at;
  }
  return EnqueueJob(tx, kind, incident_id, run_at);
}

Status Engine::EnqueueEscalation(store::StoreTx& tx, int64_t incident_id, TimeMs now) {
  if (options_.escalate_after_ms > 0)
    QUELL_RETURN_IF_ERROR(
        EnqueueJob(tx, kEscalateJob, incident_id, now + options_.escalate_after_ms));
  return EnqueueJob(tx, kEscalationJob, incident_id, now);
}

Status Engine::EnqueueEscalationOnce(store::StoreTx& tx, int64_t incident_id, TimeMs now) {
  QUELL_RETURN_IF_ERROR(EnqueueOnce(tx, kEscalateJob, incident_id, now));
  return EnqueueOnce(tx, kEscalationJob, incident_id, now);
}

Result<model::Incident> Engine::Act(int64_t incident_id, Action action, const std::string& actor,
                                    const std::string& note, TimeMs silence_ms) {
  QUELL_ASSIGN_OR_RETURN(model::Incident incident, RetryOnConflict([&] {
                           return ApplyAction(incident_id, action, actor, note, silence_ms);
                         }));
  // Transaction reads carry no analysis (store.h); whoever acted is shown the whole incident.
  QUELL_ASSIGN_OR_RETURN(auto stored, store_.GetIncident(incident_id));
  if (stored) incident.analysis_json = std::move(stored->analysis_json);
  return incident;
}

Result<model::Incident> Engine::ApplyAction(int64_t incident_id, Action action,
                                            const std::string& actor, const std::string& note,
                                            TimeMs silence_ms) {
  using model::IncidentStatus;
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(auto found, tx->FindIncident(incident_id));
  if (!found) return Error(NotFound("no incident " + std::to_string(incident_id)));
  model::Incident incident = std::move(*found);
  const TimeMs now = clock_.Now();

  model::EventKind kind = model::EventKind::kComment;
  switch (action) {
    case Action::kAck:
      if (incident.status == IncidentStatus::kResolved)
        return Error(Conflict("incident is resolved; reopen it first"));
      if (incident.status == IncidentStatus::kAcknowledged) return incident;
      incident.status = IncidentStatus::kAcknowledged;
      incident.acked_at = now;
      incident.acked_by = actor;
      kind = model::EventKind::kAcked;
      break;
    case Action::kUnack:
      if (incident.status == IncidentStatus::kResolved)
        return Error(Conflict("incident is resolved"));
      if (incident.status == IncidentStatus::kTriggered) return incident;
      incident.status = IncidentStatus::kTriggered;
      incident.acked_at = 0;
      incident.acked_by.clear();
      incident.escalated_at = 0;
      kind = model::EventKind::kUnacked;
      break;
    case Action::kResolve:
      if (incident.status == IncidentStatus::kResolved) return incident;
      MarkResolved(incident, actor, now);
      kind = model::EventKind::kResolved;
      break;
    case Action::kReopen:
      if (incident.status != IncidentStatus::kResolved) return incident;
      MarkReopened(incident);
      kind = model::EventKind::kReopened;
      break;
    case Action::kSilence:
      if (incident.status == IncidentStatus::kResolved)
        return Error(Conflict("incident is resolved"));
      if (silence_ms <= 0) return Error(InvalidArgument("silence duration must be positive", "duration"));
      incident.silenced_until = now + silence_ms;
      kind = model::EventKind::kSilenced;
      break;
    case Action::kUnsilence:
      if (incident.silenced_until <= now) return incident;
      incident.silenced_until = 0;
      kind = model::EventKind::kUnsilenced;
      break;
  }
  incident.updated_at = now;
  QUELL_RETURN_IF_ERROR(tx->UpdateIncident(incident));
  QUELL_RETURN_IF_ERROR(AppendIncidentEvent(*tx, incident.id, kind, actor, "", note, now));
  QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kNotifyJob, incident.id, now));
  if (action == Action::kUnack || action == Action::kReopen)
    QUELL_RETURN_IF_ERROR(EnqueueEscalation(*tx, incident.id, now));
  else if (action == Action::kUnsilence)  // the policy's steps start over
    QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kEscalationJob, incident.id, now));
  QUELL_RETURN_IF_ERROR(tx->Commit());
  return incident;
}

Result<bool> Engine::Escalate(int64_t incident_id) {
  if (options_.escalate_after_ms <= 0) return false;
  QUELL_ASSIGN_OR_RETURN(bool held_back, ReconcileSilence(incident_id));
  if (held_back) return false;  // the silence's end enqueues a new escalate job
  // An incident given an escalation policy follows it instead (RunEscalation).
  QUELL_ASSIGN_OR_RETURN(auto snapshot, EscalationSnapshotOf(incident_id));
  if (snapshot) return false;
  return RetryOnConflict([&] { return TryEscalate(incident_id); });
}

Result<bool> Engine::TryEscalate(int64_t incident_id) {
  // When it last became triggered: opened, reopened, unacknowledged or its silence ended.
  QUELL_ASSIGN_OR_RETURN(auto events, store_.ListEvents(incident_id));
  QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  QUELL_ASSIGN_OR_RETURN(auto found, tx->FindIncident(incident_id));
  if (!found) return Error(NotFound("no incident " + std::to_string(incident_id)));
  model::Incident incident = std::move(*found);
  if (incident.status != model::IncidentStatus::kTriggered || incident.escalated_at != 0)
    return false;
  const TimeMs since = TriggeredSince(incident, events);
  const TimeMs now = clock_.Now();
  const TimeMs due = std::max(since + options_.escalate_after_ms, incident.silenced_until);
  if (now < due) {  // not yet, or silenced meanwhile: come back then
    QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kEscalateJob, incident.id, due));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return false;
  }
  incident.escalated_at = now;
  incident.updated_at = now;
  QUELL_RETURN_IF_ERROR(tx->UpdateIncident(incident));
  QUELL_RETURN_IF_ERROR(AppendIncidentEvent(
      *tx, incident.id, model::EventKind::kEscalated, kSystemActor, "",
      "nobody acknowledged it for " + std::to_string((now - since) / kMinuteMs) + " min", now));
  QUELL_RETURN_IF_ERROR(EnqueueJob(*tx, kNotifyJob, incident.id, now));
  QUELL_RETURN_IF_ERROR(tx->Commit());
  return true;
}

}  // namespace quell::engine
