// Engine: everything a user or a sender does to incidents goes through here. It folds alerts
// into incidents (dedup by fingerprint, grouping by group key within windows, reopen, flapping,
// auto-resolve) and runs human actions (ack, resolve, reopen), writing timeline events and
// enqueuing jobs in the same transaction as the change.
//
// Pure logic over a Store and a Clock: no HTTP, no JSON. Ingest is group-committed with a
// leader/follower scheme: the first Submit that finds no commit in progress becomes the leader
// and commits, on its own thread, every batch queued meanwhile in one transaction; the others
// return at once and their callbacks run on the leader's thread after the commit. A single
// client pays no thread hand-off; many clients share transactions. Thread-safe. Nothing here assumes a single process beyond the Store's
// own transaction guarantees.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/alert.h"
#include "model/incident.h"
#include "model/analysis.h"
#include "model/deploy.h"
#include "model/topology.h"
#include "engine/escalation_policies.h"
#include "engine/silences.h"
#include "model/escalation.h"
#include "oncall/directory.h"
#include "store/store.h"

namespace quell::analysis {
class Analyst;
}  // namespace quell::analysis

namespace quell::engine {

struct EvidenceSources;  // engine/evidence_builder.h

struct EngineOptions {
  // Alerts with equal values of these fields share an incident (see GroupFieldValue).
  std::vector<std::string> group_by = {"service", "environment"};
  // A related alert joins an open incident if it arrives within this time of the incident's
  // last alert (rolling) and the incident is younger than max_incident_age_ms.
  TimeMs group_window_ms = 30 * kMinuteMs;
  TimeMs max_incident_age_ms = 24 * kHourMs;
  // A resolved incident whose alert fires again within this window is reopened.
  TimeMs reopen_window_ms = 15 * kMinuteMs;
  // flap_threshold firing<->resolved flips of one alert within flap_window_ms mark its incident
  // as flapping: one timeline entry, and no notifications for further flips.
  TimeMs flap_window_ms = 10 * kMinuteMs;
  int flap_threshold = 4;
  // A new alert that joins an incident within this time of the incident's newest alert_fired
  // timeline entry counts on that entry instead of adding its own, so a storm of distinct
  // alerts is a few counted entries, not thousands (0: one entry per alert).
  TimeMs burst_window_ms = kMinuteMs;
  // Resolve an incident automatically when all its alerts are resolved.
  bool auto_resolve = true;
  // With "service" in group_by: an alert whose own group has no joinable incident joins the
  // joinable incident of a service it depends on or that depends on it (topology), so a Redis
  // outage and the API errors it causes are one incident.
  bool group_related_services = true;
  // An incident still triggered (not acknowledged, not silenced) this long after it opened,
  // reopened or was unacknowledged is escalated: a timeline entry and a louder notification.
  // 0 turns escalation off.
  TimeMs escalate_after_ms = 15 * kMinuteMs;
  // Analysis runs this long after an incident changes; changes meanwhile coalesce.
  TimeMs analyze_delay_ms = 2 * kSecondMs;
  // An incident that keeps changing is analysed again at most this often.
  TimeMs analyze_min_interval_ms = 30 * kSecondMs;
  // Notifications of new alerts joining an open incident wait this long, so that a storm
  // updates the incident's card once instead of once per alert. A new, reopened or resolved
  // incident is notified at once.
  TimeMs notify_update_delay_ms = kSecondMs;
  // Group commit: at most this many alerts in one transaction.
  size_t max_batch_alerts = 5000;

  // app::EngineOptionsFrom(config::Config{}) must equal EngineOptions{}: the defaults above
  // repeat the option table's (src/config/options.cc) for tests that build an Engine without a
  // Config, and src/app/options_from_test.cc fails when the two drift.
  bool operator==(const EngineOptions&) const = default;
};

// What happened to one submitted alert.
enum class IngestOutcome {
  kNewIncident,  // opened a new incident
  kJoined,       // a new alert in an existing open incident
  kDuplicate,    // same fingerprint as an alert of its incident: counted
  kReopened,     // fired again within the reopen window: incident reopened
  kResolved,     // resolved an alert (and maybe its incident)
  kUnknownResolved,  // a resolved alert Quell never saw firing: recorded nowhere
  kForeignResolved,  // a resolved alert for an alert another source fired: ignored, recorded nowhere
};
const char* IngestOutcomeName(IngestOutcome outcome);

struct IngestResult {
  std::string fingerprint;
  int64_t incident_id = 0;  // 0 for kUnknownResolved and kForeignResolved
  IngestOutcome outcome = IngestOutcome::kNewIncident;
  bool duplicate() const { return outcome == IngestOutcome::kDuplicate; }
};

enum class Action { kAck, kUnack, kResolve, kReopen, kSilence, kUnsilence };
std::optional<Action> ParseAction(std::string_view text);

struct EngineCounters {
  uint64_t alerts = 0;
  uint64_t duplicates = 0;
  uint64_t incidents_opened = 0;
  uint64_t transactions = 0;
};

class Engine {
 public:
  // `store` and `clock` must outlive the Engine. Starts no thread: Submit's callers commit.
  Engine(store::Store& store, const Clock& clock, EngineOptions options);
  ~Engine();  // Shutdown(): waits until queued submissions are committed.

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  using IngestCallback = std::function<void(Result<std::vector<IngestResult>>)>;

  // Queues a batch; `done` runs after the batch is committed (or failed), on this thread or on
  // the thread of the Submit call that leads the commit. All alerts of one call commit together
  // or not at all.
  void Submit(std::vector<model::NormalizedAlert> alerts, IngestCallback done);

  // Submit and wait.
  Result<std::vector<IngestResult>> Ingest(std::vector<model::NormalizedAlert> alerts);

  // A human (or Telegram, or the API) acts on an incident. Returns the incident after the action.
  // NotFound if there is no such incident; Conflict if the action makes no sense in its state
  // (e.g. ack a resolved incident). Repeating the state it is already in is a no-op.
  // kSilence keeps notifications quiet for `silence_ms` (cards are still kept current).
  Result<model::Incident> Act(int64_t incident_id, Action action, const std::string& actor,
                              const std::string& note, TimeMs silence_ms = kHourMs);

  // Stores deploys (all or none) and puts a `deploy` entry on the timeline of every open
  // incident of the deployed service or of a service that depends on it (topology), with an
  // analyze job for each. Returns the deploys with their ids.
  Result<std::vector<model::Deploy>> RecordDeploys(std::vector<model::Deploy> deploys);

  // Analyses an incident: builds its EvidencePack (engine/evidence_builder.h), runs `analyst`
  // and stores the Analysis on the incident with an `analysis` timeline event. Unless `force`,
  // an incident whose evidence has not changed since its last analysis is left alone and its
  // stored analysis returned.
  Result<model::Analysis> Analyze(int64_t incident_id, analysis::Analyst& analyst,
                                  const EvidenceSources& sources, bool force);
  // How long an "analyze" job for this incident waits: until analyze_min_interval_ms after
  // its last analysis (0: run now). Keeps an alert storm from re-running the analyst nonstop.
  Result<TimeMs> AnalysisWait(int64_t incident_id);

  // Runs an "escalate" job: escalates the incident if it has been triggered (and not silenced)
  // for escalate_after_ms since it opened, reopened, was unacknowledged or its silence by
  // matchers ended; if it is not due yet, the job is put back for when it is. Silenced by
  // matchers, it is dropped: the silence's end enqueues a new one. Returns whether it escalated.
  Result<bool> Escalate(int64_t incident_id);

  // Escalation policies (engine/escalation.cc). Runs an "escalation" job: on the first run
  // after the incident opened, chooses its policy (EscalationPolicies::Choose) and keeps a copy;
  // then takes the next step if it is due (an escalation_step timeline entry and an
  // "escalation.page" job naming who to page, resolved now), and enqueues this job again for
  // the step after, or for when the step is due. Does nothing (and records nothing) while the
  // incident is acknowledged, resolved or silenced; unack, reopen, unsilence and a silence's end
  // enqueue it again, and the steps start over from there. No policy for the incident: false,
  // and escalation.after's single step (Escalate) applies. Returns whether it took a step.
  Result<bool> RunEscalation(int64_t incident_id);
  // The incident's policy and how far it has got; nullopt when it was given none.
  Result<std::optional<model::EscalationState>> EscalationStateOf(int64_t incident_id);
  // The same from the incident and its timeline the caller has read already.
  Result<std::optional<model::EscalationState>> EscalationStateOf(
      const model::Incident& incident, const std::vector<model::Event>& events);

  // Silences by matchers (engine/silencing.cc). The ids of the active silences that match every
  // firing alert of the incident (sorted; empty when one is not matched or none fires). Reads
  // the incident's alerts only while some silence is active.
  Result<std::vector<std::string>> SilencedBy(int64_t incident_id);
  // Brings the incident's timeline up to date with SilencedBy: a silence_matched entry (with the
  // ids) when it becomes silenced or by other silences, a silence_ended entry when it no longer
  // is; then, if it is triggered with firing alerts, notify and escalate jobs as for a new
  // incident. Returns whether its notifications are held back now: while silenced, and after it
  // resolved while silenced (as in Alertmanager, a silenced alert's resolution notifies nobody).
  // Reads the Store: never call it inside a transaction.
  Result<bool> ReconcileSilence(int64_t incident_id);
  // Creates a silence by matchers like the incident's first firing alert (MatchersLike; its
  // first alert when none fires) from now for `duration_ms`, and records that it silences the
  // incident. NotFound for an unknown incident.
  Result<model::Silence> SilenceLike(int64_t incident_id, TimeMs duration_ms,
                                     const std::string& created_by, const std::string& comment);
  // Runs the "silences" job: re-reads the silences and reconciles every open incident. Returns
  // how long until it must run again (the next start or end of a silence; 0: never).
  Result<TimeMs> SweepSilences();

  // Stops accepting work and waits for queued batches to commit. Idempotent.
  void Shutdown();

  // Replaces the service topology used for grouping. Thread-safe.
  void SetTopology(model::Topology topology);
  std::shared_ptr<const model::Topology> topology() const;

  EngineCounters counters() const;
  // The silences by matchers (Alertmanager-style), shared by every caller.
  Silences& silences() { return silences_; }
  // Users, schedules and overrides: who is on call, how to reach them.
  oncall::Directory& oncall() { return oncall_; }
  // Escalation policies and the routes that pick one.
  EscalationPolicies& escalation() { return escalation_; }
  // Quell's clock, which every window and on-call answer uses.
  const Clock& clock() const { return clock_; }
  const EngineOptions& options() const { return options_; }

 private:
  struct Pending {
    std::vector<model::NormalizedAlert> alerts;
    IngestCallback done;
  };

  // Act without the analysis: the action's own transaction.
  Result<model::Incident> ApplyAction(int64_t incident_id, Action action, const std::string& actor,
                                      const std::string& note, TimeMs silence_ms);
  // Commits queued batches until the queue is empty. Called by the leader without mu_ held.
  void LeadCommits(std::unique_lock<std::mutex>& lock);
  // Runs batches in one transaction (again on a conflict with another node); on failure
  // retries each alone so one bad batch cannot fail the others.
  void CommitGroup(std::vector<Pending>& group);
  // One attempt at the group's transaction: the results of each batch, once committed.
  Result<std::vector<std::vector<IngestResult>>> TryGroup(const std::vector<Pending>& group);
  // One attempt at Escalate's transaction.
  Result<bool> TryEscalate(int64_t incident_id);
  // The copy of its policy the incident was given, if any.
  Result<std::optional<model::EscalationSnapshot>> EscalationSnapshotOf(int64_t incident_id);
  // One attempt at RunEscalation's step.
  Result<bool> TryEscalationStep(int64_t incident_id, const model::EscalationPolicy& policy);
  // Who the n-th step (over every round) pages now.
  Result<model::Page> PageFor(const model::EscalationPolicy& policy, size_t n, TimeMs now);
  // The incident became triggered again (or anew): escalation.after's step, and the policy's
  // steps from the first. EnqueueEscalationOnce is for the group-commit transaction.
  Status EnqueueEscalation(store::StoreTx& tx, int64_t incident_id, TimeMs now);
  Status EnqueueEscalationOnce(store::StoreTx& tx, int64_t incident_id, TimeMs now);
  // One attempt at RecordDeploys' transaction.
  Status TryRecordDeploys(std::vector<model::Deploy>& deploys);
  Result<std::vector<IngestResult>> ApplyBatch(store::StoreTx& tx,
                                               const std::vector<model::NormalizedAlert>& alerts);
  // Enqueues a job for the incident, due its kind's delay after `from`, unless this
  // transaction already enqueued it as early.
  Status EnqueueOnce(store::StoreTx& tx, const char* kind, int64_t incident_id, TimeMs from);
  Result<IngestResult> ApplyOne(store::StoreTx& tx, const model::NormalizedAlert& alert, TimeMs now);
  Result<IngestResult> ApplyFiring(store::StoreTx& tx, const model::NormalizedAlert& alert,
                                   TimeMs now);
  Result<IngestResult> ApplyResolved(store::StoreTx& tx, const model::NormalizedAlert& alert,
                                     TimeMs now);
  // An open incident that a new alert with this group key may join, if any.
  bool Joinable(const model::Incident& incident, TimeMs now) const;
  Status RecordNewAlertEvent(store::StoreTx& tx, int64_t incident_id,
                             const model::NormalizedAlert& alert, bool joined, TimeMs now);
  // The joinable incident of a topology neighbour's group, most recently active first.
  Result<std::optional<model::Incident>> FindRelatedIncident(store::StoreTx& tx,
                                                             const model::NormalizedAlert& alert,
                                                             TimeMs now);

  store::Store& store_;
  const Clock& clock_;
  const EngineOptions options_;

  mutable std::mutex mu_;
  std::condition_variable idle_cv_;  // signalled when a leader finishes
  std::deque<Pending> queue_;
  bool leader_active_ = false;
  bool stopping_ = false;
  EngineCounters counters_;
  Silences silences_;
  oncall::Directory oncall_;
  EscalationPolicies escalation_;
  std::shared_ptr<const model::Topology> topology_ = std::make_shared<model::Topology>();
  // Jobs already enqueued in the transaction being built (only the leader touches it).
  // Keyed by the kind constants of incident_changes.h, so the views stay valid.
  std::map<std::pair<std::string_view, int64_t>, TimeMs> enqueued_in_tx_;  // -> run_at
};

}  // namespace quell::engine
