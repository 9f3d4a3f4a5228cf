#include "engine/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <thread>

#include "analysis/builtin_analyst.h"
#include "engine/engine_test_fixture.h"
#include "engine/evidence_builder.h"
#include "model/fingerprint.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::engine {
namespace {

using model::EventKind;
using model::IncidentStatus;

TEST_F(EngineTest, FirstAlertOpensIncidentAndEnqueuesJobs) {
  auto r = Send(Alert("api-gateway", "Redis timeout"));
  EXPECT_EQ(r.outcome, IngestOutcome::kNewIncident);
  EXPECT_FALSE(r.duplicate());
  auto incident = Incident(r.incident_id);
  EXPECT_EQ(incident.status, IncidentStatus::kTriggered);
  EXPECT_EQ(incident.title, "api-gateway: Redis timeout");
  EXPECT_EQ(incident.services, std::vector<std::string>{"api-gateway"});
  EXPECT_EQ(incident.alert_count, 1);
  EXPECT_EQ(Events(r.incident_id, EventKind::kAlertFired).size(), 1u);
  auto jobs = store_->ListJobs();
  ASSERT_TRUE(jobs);
  std::vector<std::string> kinds;
  for (const auto& j : *jobs) kinds.push_back(j.kind + ":" + std::to_string(j.incident_id));
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"analyze:" + std::to_string(r.incident_id),
                                             "escalate:" + std::to_string(r.incident_id),
                                             "escalation:" + std::to_string(r.incident_id),
                                             "notify:" + std::to_string(r.incident_id)}));
  for (const auto& j : *jobs) {
    if (j.kind == "escalate") {
      EXPECT_EQ(j.run_at, clock_.Now() + 15 * kMinuteMs);
    }
  }
}

TEST_F(EngineTest, RepeatsFoldIntoOneAlertAndOneCountedTimelineEntry) {
  auto alert = Alert("api", "Redis timeout after 4200ms");
  auto first = Send(alert);
  clock_.Advance(kSecondMs);
  auto again = Alert("api", "Redis timeout after 5100ms");  // same identity, other number
  for (int i = 0; i < 5; ++i) {
    auto r = Send(again);
    EXPECT_TRUE(r.duplicate());
    EXPECT_EQ(r.incident_id, first.incident_id);
  }
  auto alerts = store_->ListAlerts(first.incident_id, 0, 0);
  ASSERT_TRUE(alerts);
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].count, 6);
  EXPECT_EQ((*alerts)[0].last_seen, clock_.Now());
  EXPECT_EQ((*alerts)[0].data.message, "Redis timeout after 5100ms");  // newest payload
  auto repeated = Events(first.incident_id, EventKind::kAlertRepeated);
  ASSERT_EQ(repeated.size(), 1u);
  EXPECT_EQ(repeated[0].count, 5);
  EXPECT_EQ(Incident(first.incident_id).alert_count, 1);
  auto all = store_->ListIncidents({});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(EngineTest, RelatedAlertJoinsWithinWindowOnly) {
  auto first = Send(Alert("api", "Redis timeout"));
  clock_.Advance(20 * kMinuteMs);
  auto joined = Send(Alert("api", "HTTP 500 ratio above 5%"));
  EXPECT_EQ(joined.outcome, IngestOutcome::kJoined);
  EXPECT_EQ(joined.incident_id, first.incident_id);
  EXPECT_EQ(Incident(first.incident_id).alert_count, 2);

  auto other_group = Send(Alert("billing", "Redis timeout"));
  EXPECT_EQ(other_group.outcome, IngestOutcome::kNewIncident);

  clock_.Advance(31 * kMinuteMs);  // window is rolling from the last alert of the group
  auto late = Send(Alert("api", "Disk full"));
  EXPECT_EQ(late.outcome, IngestOutcome::kNewIncident);
  EXPECT_NE(late.incident_id, first.incident_id);
}

TEST_F(EngineTest, ABurstOfNewAlertsIsOneCountedTimelineEntry) {
  // Distinct words, not numbers: fingerprints mask numbers, and these must be new alerts.
  const std::vector<std::string> hosts = {"alpha", "beta", "gamma", "delta", "epsilon",
                                          "zeta",  "eta",  "theta", "iota",  "kappa"};
  auto first = Send(Alert("api", "Redis timeout"));
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(30 * kSecondMs);  // each within burst_window (1m) of the previous one
    EXPECT_EQ(Send(Alert("api", "HTTP 500 on " + hosts[i])).incident_id, first.incident_id);
  }
  auto fired = Events(first.incident_id, EventKind::kAlertFired);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].count, 6);
  EXPECT_EQ(fired[0].note, "Redis timeout");  // named after the burst's first alert
  EXPECT_EQ(fired[0].last_at, clock_.Now());
  EXPECT_EQ(Incident(first.incident_id).alert_count, 6);

  clock_.Advance(2 * kMinuteMs);  // a quiet spell: the next alert starts a new entry
  Send(Alert("api", "Disk full"));
  fired = Events(first.incident_id, EventKind::kAlertFired);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[1].note, "Disk full");
  EXPECT_EQ(fired[1].count, 1);

  // A batch is counted the same way.
  std::vector<model::NormalizedAlert> batch;
  for (const auto& host : hosts) batch.push_back(Alert("api", "queue stuck on " + host));
  ASSERT_TRUE(engine_->Ingest(batch));
  fired = Events(first.incident_id, EventKind::kAlertFired);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[1].count, 11);
}

TEST_F(EngineTest, BurstWindowZeroKeepsOneTimelineEntryPerAlert) {
  EngineOptions options;
  options.burst_window_ms = 0;
  Open(options);
  auto first = Send(Alert("api", "Redis timeout"));
  Send(Alert("api", "HTTP 500"));
  Send(Alert("api", "Disk full"));
  EXPECT_EQ(Events(first.incident_id, EventKind::kAlertFired).size(), 3u);
}

TEST_F(EngineTest, MaximumIncidentAgeStartsANewIncident) {
  auto first = Send(Alert("api", "error 0"));
  int64_t last_incident = first.incident_id;
  for (int i = 1; i <= 26; ++i) {  // a new related alert every 25 minutes
    clock_.Advance(25 * kMinuteMs);
    last_incident = Send(Alert("api", "error kind " + std::string(1, static_cast<char>('a' + i))))
                        .incident_id;
  }
  // 26 * 25 min = 10.8 h: all in one incident (rolling window, under max age).
  EXPECT_EQ(last_incident, first.incident_id);
  for (int i = 0; i < 40; ++i) {
    clock_.Advance(25 * kMinuteMs);
    last_incident = Send(Alert("api", "error kind z" + std::string(1, static_cast<char>('a' + i))))
                        .incident_id;
  }
  EXPECT_NE(last_incident, first.incident_id);  // past 24 h a new incident opened
}

TEST_F(EngineTest, ResolvedAlertsAutoResolveTheIncident) {
  auto a = Alert("api", "Redis timeout");
  auto b = Alert("api", "HTTP 500");
  auto first = Send(a);
  Send(b);
  auto r = Resolve(a);
  EXPECT_EQ(r.outcome, IngestOutcome::kResolved);
  EXPECT_EQ(Incident(first.incident_id).status, IncidentStatus::kTriggered);
  Resolve(b);
  auto incident = Incident(first.incident_id);
  EXPECT_EQ(incident.status, IncidentStatus::kResolved);
  EXPECT_EQ(incident.resolved_by, "quell");
  EXPECT_EQ(Events(first.incident_id, EventKind::kResolved).size(), 1u);
  EXPECT_EQ(Events(first.incident_id, EventKind::kAlertResolved).size(), 2u);
  // Resolving again is a duplicate, not a new event.
  EXPECT_TRUE(Resolve(b).duplicate());
  EXPECT_EQ(Events(first.incident_id, EventKind::kAlertResolved).size(), 2u);
}

TEST_F(EngineTest, AutoResolveCanBeTurnedOff) {
  EngineOptions options;
  options.auto_resolve = false;
  Open(options);
  auto a = Alert("api", "Redis timeout");
  auto first = Send(a);
  Resolve(a);
  EXPECT_EQ(Incident(first.incident_id).status, IncidentStatus::kTriggered);
}

TEST_F(EngineTest, OnlyTheSourceThatFiredAnAlertResolvesIt) {
  auto fired = Alert("api", "5xx above 10%");
  fired.source = "alertmanager";
  auto r = engine_->Ingest({fired});
  ASSERT_TRUE(r);
  const int64_t incident = r->front().incident_id;
  auto forged = fired;
  forged.source = "generic";  // same fingerprint, another integration
  auto f = Resolve(forged);
  EXPECT_EQ(f.outcome, IngestOutcome::kForeignResolved);
  EXPECT_EQ(f.incident_id, 0);
  EXPECT_EQ((*store_->GetIncident(incident))->status, IncidentStatus::kTriggered);
  // Prometheus's own API and Alertmanager's webhook carry the same alerts: one lane.
  auto relayed = fired;
  relayed.source = "prometheus";
  auto own = Resolve(relayed);
  EXPECT_EQ(own.outcome, IngestOutcome::kResolved);
  EXPECT_EQ((*store_->GetIncident(incident))->status, IncidentStatus::kResolved);
}

TEST_F(EngineTest, UnknownResolvedAlertIsReportedNotStored) {
  auto r = Resolve(Alert("api", "never fired"));
  EXPECT_EQ(r.outcome, IngestOutcome::kUnknownResolved);
  EXPECT_EQ(r.incident_id, 0);
  auto all = store_->ListIncidents({});
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_F(EngineTest, FiringAgainWithinReopenWindowReopens) {
  auto a = Alert("api", "Redis timeout");
  auto first = Send(a);
  clock_.Advance(kMinuteMs);
  Resolve(a);
  clock_.Advance(5 * kMinuteMs);
  auto again = Send(a);
  EXPECT_EQ(again.outcome, IngestOutcome::kReopened);
  EXPECT_EQ(again.incident_id, first.incident_id);
  EXPECT_EQ(Incident(first.incident_id).status, IncidentStatus::kTriggered);
  EXPECT_EQ(Events(first.incident_id, EventKind::kReopened).size(), 1u);
}

TEST_F(EngineTest, FiringAfterReopenWindowOpensNewIncident) {
  auto a = Alert("api", "Redis timeout");
  auto first = Send(a);
  Resolve(a);
  clock_.Advance(16 * kMinuteMs);
  auto again = Send(a);
  EXPECT_EQ(again.outcome, IngestOutcome::kNewIncident);
  EXPECT_NE(again.incident_id, first.incident_id);
  EXPECT_EQ(Incident(first.incident_id).status, IncidentStatus::kResolved);
}

TEST_F(EngineTest, RelatedAlertReopensRecentlyResolvedIncidentOfItsGroup) {
  auto a = Alert("api", "Redis timeout");
  auto first = Send(a);
  Resolve(a);
  clock_.Advance(2 * kMinuteMs);
  auto related = Send(Alert("api", "HTTP 500"));
  EXPECT_EQ(related.outcome, IngestOutcome::kReopened);
  EXPECT_EQ(related.incident_id, first.incident_id);
}

TEST_F(EngineTest, RepeatAfterHumanResolveDoesNotReopen) {
  auto a = Alert("api", "Redis timeout");
  auto first = Send(a);
  ASSERT_TRUE(engine_->Act(first.incident_id, Action::kResolve, "alice", "fixed"));
  clock_.Advance(kMinuteMs);
  auto repeat = Send(a);  // the sender re-sends the still-firing alert
  EXPECT_TRUE(repeat.duplicate());
  EXPECT_EQ(Incident(first.incident_id).status, IncidentStatus::kResolved);
}

TEST_F(EngineTest, FlappingIsMarkedOnceAndFurtherFlipsAreCounted) {
  auto a = Alert("api", "Redis timeout");
  auto first = Send(a);
  auto jobs_before = store_->ListJobs();
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(20 * kSecondMs);
    Resolve(a);
    clock_.Advance(20 * kSecondMs);
    auto r = Send(a);
    EXPECT_EQ(r.incident_id, first.incident_id);
  }
  auto incident = Incident(first.incident_id);
  EXPECT_TRUE(incident.flapping);
  auto flapping = Events(first.incident_id, EventKind::kFlapping);
  ASSERT_EQ(flapping.size(), 1u);
  EXPECT_GT(flapping[0].count, 10);
  // Before the threshold (4 flips) flips are on the timeline; after it, they are not.
  EXPECT_LE(Events(first.incident_id, EventKind::kAlertResolved).size(), 2u);
  EXPECT_LE(Events(first.incident_id, EventKind::kReopened).size(), 2u);
}

TEST_F(EngineTest, SilenceKeepsNotificationsQuietForAWhile) {
  const int64_t id = Send(Alert("api", "Redis timeout")).incident_id;
  auto silenced = engine_->Act(id, Action::kSilence, "alice", "known issue", 30 * kMinuteMs);
  ASSERT_TRUE(silenced);
  EXPECT_EQ(silenced->silenced_until, clock_.Now() + 30 * kMinuteMs);
  EXPECT_EQ((*store_->GetIncident(id))->silenced_until, clock_.Now() + 30 * kMinuteMs);
  ASSERT_EQ(Events(id, EventKind::kSilenced).size(), 1u);
  EXPECT_EQ(Events(id, EventKind::kSilenced)[0].actor, "alice");
  auto unsilenced = engine_->Act(id, Action::kUnsilence, "bob", "");
  ASSERT_TRUE(unsilenced);
  EXPECT_EQ(unsilenced->silenced_until, 0);
  EXPECT_EQ(Events(id, EventKind::kUnsilenced).size(), 1u);
  ASSERT_TRUE(engine_->Act(id, Action::kResolve, "bob", ""));
  auto late = engine_->Act(id, Action::kSilence, "alice", "");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), StatusCode::kConflict);
}

TEST_F(EngineTest, UnacknowledgedIncidentsEscalateOnce) {
  const int64_t id = Send(Alert("api", "Redis timeout")).incident_id;
  auto early = engine_->Escalate(id);
  ASSERT_TRUE(early);
  EXPECT_FALSE(*early) << "not before escalate_after";
  clock_.Advance(15 * kMinuteMs);
  auto due = engine_->Escalate(id);
  ASSERT_TRUE(due);
  EXPECT_TRUE(*due);
  EXPECT_EQ((*store_->GetIncident(id))->escalated_at, clock_.Now());
  ASSERT_EQ(Events(id, EventKind::kEscalated).size(), 1u);
  EXPECT_TRUE(*engine_->Escalate(id) == false) << "once";
  EXPECT_EQ(Events(id, EventKind::kEscalated).size(), 1u);

  // Acknowledged incidents never escalate; unacknowledging starts the clock again.
  ASSERT_TRUE(engine_->Act(id, Action::kAck, "alice", ""));
  ASSERT_TRUE(engine_->Act(id, Action::kUnack, "alice", ""));
  EXPECT_EQ((*store_->GetIncident(id))->escalated_at, 0);
  clock_.Advance(10 * kMinuteMs);
  EXPECT_FALSE(*engine_->Escalate(id));
  // Silenced: waits for the silence to end.
  ASSERT_TRUE(engine_->Act(id, Action::kSilence, "alice", "", kHourMs));
  clock_.Advance(10 * kMinuteMs);
  EXPECT_FALSE(*engine_->Escalate(id));
  clock_.Advance(kHourMs);
  EXPECT_TRUE(*engine_->Escalate(id));
  EXPECT_EQ(Events(id, EventKind::kEscalated).size(), 2u);
}

TEST_F(EngineTest, ActionsFollowTheStateMachine) {
  auto first = Send(Alert("api", "Redis timeout"));
  const int64_t id = first.incident_id;
  auto acked = engine_->Act(id, Action::kAck, "alice", "looking");
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->status, IncidentStatus::kAcknowledged);
  EXPECT_EQ(acked->acked_by, "alice");
  EXPECT_TRUE(engine_->Act(id, Action::kAck, "bob", ""));  // no-op
  EXPECT_EQ(Events(id, EventKind::kAcked).size(), 1u);
  EXPECT_EQ(Events(id, EventKind::kAcked)[0].note, "looking");

  auto unacked = engine_->Act(id, Action::kUnack, "alice", "");
  ASSERT_TRUE(unacked);
  EXPECT_EQ(unacked->status, IncidentStatus::kTriggered);

  auto resolved = engine_->Act(id, Action::kResolve, "bob", "rolled back");
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->status, IncidentStatus::kResolved);
  EXPECT_EQ(resolved->resolved_by, "bob");

  auto ack_resolved = engine_->Act(id, Action::kAck, "alice", "");
  ASSERT_FALSE(ack_resolved);
  EXPECT_EQ(ack_resolved.error().code(), StatusCode::kConflict);

  auto reopened = engine_->Act(id, Action::kReopen, "carol", "");
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->status, IncidentStatus::kTriggered);
  EXPECT_EQ(Events(id, EventKind::kReopened).size(), 1u);
  EXPECT_EQ(Events(id, EventKind::kReopened)[0].actor, "carol");

  auto missing = engine_->Act(9999, Action::kAck, "alice", "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
}

TEST_F(EngineTest, ConcurrentSubmissionsAreGroupCommitted) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string kind(1, static_cast<char>('a' + i % 26));
        auto r = engine_->Ingest({Alert("svc" + std::to_string(t), "error " + kind)});
        if (r) ok += 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  auto counters = engine_->counters();
  EXPECT_EQ(counters.alerts, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_LE(counters.transactions, counters.alerts);
  auto count = store_->CountAlerts();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, kThreads * 26);  // 26 distinct messages per service
}

TEST_F(EngineTest, BatchIsOneUnit) {
  std::vector<model::NormalizedAlert> batch;
  for (int i = 0; i < 100; ++i)
    batch.push_back(Alert("api", "error kind " + std::to_string(i % 3 == 0)));
  auto results = engine_->Ingest(batch);
  ASSERT_TRUE(results);
  ASSERT_EQ(results->size(), 100u);
  int duplicates = 0;
  for (const auto& r : *results) duplicates += r.duplicate();
  // "error kind 0" and "error kind 1" mask to the same identity: one alert, 99 repeats.
  EXPECT_EQ(duplicates, 99);
}

// An analyst that says what the test wants, with one severity reason.
class FixedSeverityAnalyst : public analysis::Analyst {
 public:
  model::Severity severity = model::Severity::kCritical;
  std::string reason = "latency 8200 above 5000 -> critical";
  Result<model::Analysis> Analyze(const analysis::EvidencePack&) override {
    model::Analysis a;
    a.root_cause = "Redis is slow";
    a.severity = severity;
    a.analyzer = "fixed";
    if (!reason.empty()) {
      a.evidence.push_back({"severity", "", "the failure pattern -> medium"});
      a.evidence.push_back({"severity", "", reason});
    }
    return a;
  }
};

TEST_F(EngineTest, WithoutSendersSeveritiesTheIncidentFollowsTheAnalysisUpAndDown) {
  auto first = Send(Alert("api", "Redis timeout"));  // no severity from the sender
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kUnknown);
  FixedSeverityAnalyst analyst;
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, true));
  auto incident = Incident(first.incident_id);
  EXPECT_EQ(incident.severity, model::Severity::kCritical);
  EXPECT_EQ(incident.alert_severity, model::Severity::kUnknown);
  EXPECT_EQ(incident.updated_at, clock_.Now());
  auto changes = Events(first.incident_id, EventKind::kSeverityChanged);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].actor, "fixed");
  EXPECT_EQ(changes[0].note,
            "unknown -> critical: the analysis says critical (latency 8200 above 5000 -> "
            "critical); no alert carries a severity from its sender");
  // The card shows the new severity: a notification is pending.
  auto job = store_->ClaimJob(clock_.Now(), kMinuteMs);
  ASSERT_TRUE(job && *job);

  // The same severity again: no entry. A lower one: the incident follows it down.
  clock_.Advance(kMinuteMs);
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, true));
  EXPECT_EQ(Events(first.incident_id, EventKind::kSeverityChanged).size(), 1u);
  analyst.severity = model::Severity::kMedium;
  analyst.reason = "";
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, true));
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kMedium);
  changes = Events(first.incident_id, EventKind::kSeverityChanged);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].note,
            "critical -> medium: the analysis says medium; no alert carries a severity from its "
            "sender");

  // An analysis with no severity changes nothing.
  analyst.severity = model::Severity::kUnknown;
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, true));
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kMedium);
  EXPECT_EQ(Events(first.incident_id, EventKind::kSeverityChanged).size(), 2u);

  // A new alert without a severity keeps what the analysis said.
  Send(Alert("api", "disk full"));
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kMedium);
}

TEST_F(EngineTest, SendersSeveritiesAreAFloorTheAnalysisMayRaiseButNotLower) {
  auto low = Alert("api", "Redis timeout");
  low.severity = model::Severity::kLow;
  auto first = Send(low);
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kLow);
  EXPECT_EQ(Incident(first.incident_id).alert_severity, model::Severity::kLow);

  FixedSeverityAnalyst analyst;  // says critical
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, true));
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kCritical);
  auto changes = Events(first.incident_id, EventKind::kSeverityChanged);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].note,
            "low -> critical: the analysis says critical (latency 8200 above 5000 -> critical); "
            "above the senders' low");

  // A sender says high: the floor rises, the incident stays critical.
  auto high = Alert("api", "queue full");
  high.severity = model::Severity::kHigh;
  Send(high);
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kCritical);
  EXPECT_EQ(Incident(first.incident_id).alert_severity, model::Severity::kHigh);

  // The analysis says info: the incident goes down to the senders' high, not below.
  analyst.severity = model::Severity::kInfo;
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, true));
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kHigh);
  changes = Events(first.incident_id, EventKind::kSeverityChanged);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].note,
            "critical -> high: the analysis says info, but a sender says high and the senders' "
            "severities are a floor");

  // Once the floor decides, a still lower analysis changes nothing.
  analyst.severity = model::Severity::kLow;
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, true));
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kHigh);
  EXPECT_EQ(Events(first.incident_id, EventKind::kSeverityChanged).size(), 2u);
}

TEST_F(EngineTest, TheBuiltInAnalystsSeverityBecomesTheIncidentsWhenAlertsCarryNone) {
  auto alert = Alert("api-gateway", "Redis timeout");
  alert.metrics = {{"latency", 8200}};  // above 5 s: critical
  auto first = Send(alert);
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kUnknown);
  analysis::BuiltinAnalyst analyst;
  auto analysed = engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, false);
  ASSERT_TRUE(analysed);
  ASSERT_EQ(analysed->severity, model::Severity::kCritical);
  EXPECT_EQ(Incident(first.incident_id).severity, model::Severity::kCritical);
  auto changes = Events(first.incident_id, EventKind::kSeverityChanged);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].actor, "builtin");
  EXPECT_NE(changes[0].note.find("latency 8200 above 5000 -> critical"), std::string::npos)
      << changes[0].note;
}

}  // namespace
}  // namespace quell::engine

namespace quell::engine {
namespace {

TEST_F(EngineTest, AlertsOfRelatedServicesJoinOneIncident) {
  using Deps = std::map<std::string, std::set<std::string>>;
  engine_->SetTopology(model::Topology(Deps{{"api", {"redis"}}, {"checkout", {"api"}}}));
  auto redis = Send(Alert("redis", "connection refused"));
  auto api = Send(Alert("api", "Redis timeout"));
  EXPECT_EQ(api.outcome, IngestOutcome::kJoined);
  EXPECT_EQ(api.incident_id, redis.incident_id);
  auto checkout = Send(Alert("checkout", "HTTP 500 from api"));  // depends on api
  EXPECT_EQ(checkout.incident_id, redis.incident_id);
  EXPECT_EQ(Incident(redis.incident_id).services,
            (std::vector<std::string>{"api", "checkout", "redis"}));
  auto unrelated = Send(Alert("billing", "Redis timeout"));
  EXPECT_NE(unrelated.incident_id, redis.incident_id);
  auto staging = Alert("api", "Redis timeout in staging");
  staging.environment = "staging";
  staging.fingerprint = model::GenericFingerprint(staging);
  EXPECT_NE(Send(staging).incident_id, redis.incident_id);  // other environment
}

TEST_F(EngineTest, RelatedServiceGroupingCanBeTurnedOff) {
  EngineOptions options;
  options.group_related_services = false;
  Open(options);
  engine_->SetTopology(
      model::Topology(std::map<std::string, std::set<std::string>>{{"api", {"redis"}}}));
  auto redis = Send(Alert("redis", "connection refused"));
  auto api = Send(Alert("api", "Redis timeout"));
  EXPECT_NE(api.incident_id, redis.incident_id);
}

TEST_F(EngineTest, ANewIncidentNotifiesAtOnceAndJoiningAlertsAfterTheUpdateDelay) {
  auto notify_run_at = [&](int64_t incident_id) -> TimeMs {
    auto jobs = store_->ListJobs();
    for (const auto& j : *jobs)
      if (j.kind == "notify" && j.incident_id == incident_id && j.attempts == 0) return j.run_at;
    return -1;
  };
  auto first = Send(Alert("api", "Redis timeout"));
  EXPECT_EQ(notify_run_at(first.incident_id), clock_.Now());
  ASSERT_TRUE(*store_->ClaimJob(clock_.Now(), kMinuteMs));  // the notification goes out
  clock_.Advance(kSecondMs);
  auto joined = Send(Alert("api", "disk full"));
  ASSERT_EQ(joined.outcome, IngestOutcome::kJoined);
  EXPECT_EQ(notify_run_at(first.incident_id), clock_.Now() + kSecondMs);
  // More alerts within the delay ride on the same pending notification.
  Send(Alert("api", "queue full"));
  EXPECT_EQ(notify_run_at(first.incident_id), clock_.Now() + kSecondMs);
  // A resolution is notified at once.
  Resolve(Alert("api", "Redis timeout"));
  EXPECT_EQ(notify_run_at(first.incident_id), clock_.Now());
}

TEST_F(EngineTest, AChangingIncidentIsAnalysedAgainOnlyAfterTheMinimumInterval) {
  auto first = Send(Alert("api", "Redis timeout"));
  EXPECT_EQ(*engine_->AnalysisWait(first.incident_id), 0);  // never analysed: run now
  analysis::BuiltinAnalyst analyst;
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, false));
  EXPECT_EQ(*engine_->AnalysisWait(first.incident_id), 30 * kSecondMs);
  clock_.Advance(10 * kSecondMs);
  Send(Alert("api", "disk full"));
  EXPECT_EQ(*engine_->AnalysisWait(first.incident_id), 20 * kSecondMs);
  clock_.Advance(20 * kSecondMs);
  EXPECT_EQ(*engine_->AnalysisWait(first.incident_id), 0);
  EXPECT_FALSE(engine_->AnalysisWait(first.incident_id + 1000));
}

TEST_F(EngineTest, AnActionAnswersWithTheIncidentsAnalysis) {
  auto first = Send(Alert("api", "Redis timeout"));
  analysis::BuiltinAnalyst analyst;
  ASSERT_TRUE(engine_->Analyze(first.incident_id, analyst, EvidenceSources{}, false));
  // The action's transaction reads the incident without its analysis (store.h); the answer
  // still carries it, as GET /incidents/{id} would.
  auto acked = engine_->Act(first.incident_id, Action::kAck, "alice", "");
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->status, model::IncidentStatus::kAcknowledged);
  ASSERT_FALSE(acked->analysis_json.empty());
  EXPECT_NE(acked->analysis_json.find("root_cause"), std::string::npos);
}

}  // namespace
}  // namespace quell::engine
