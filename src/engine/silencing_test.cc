// Silences by matchers acting on incidents: the decision (IncidentSilencedBy,
// RecordedSilencedBy) and the engine's reconciling, sweeping and escalation on a ManualClock.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/time_format.h"
#include "engine/engine_test_fixture.h"
#include "engine/incident_silence.h"

namespace quell::engine {
namespace {

using model::AlertStatus;
using model::EventKind;
using model::MatchOp;

class SilencingTest : public EngineTest {
 protected:
  // A silence of `service` from `from` to `to`; its id.
  std::string SilenceService(const std::string& service, TimeMs from, TimeMs to) {
    model::Silence silence;
    silence.matchers = {{"service", MatchOp::kEqual, service}};
    silence.starts_at = from;
    silence.ends_at = to;
    silence.created_by = "ana";
    auto created = engine_->silences().Create(silence);
    EXPECT_TRUE(created) << created.error().ToString();
    return created ? created->id : "";
  }

  static model::Alert Stored(const std::string& service, AlertStatus status) {
    model::Alert alert;
    alert.data = Alert(service, "boom", status);
    return alert;
  }

  std::vector<std::string> DecisionFor(const std::vector<model::Alert>& alerts) {
    return IncidentSilencedBy(alerts, engine_->silences(), clock_.Now());
  }

  // The run_at of the pending job of this kind for the incident (0: none).
  TimeMs JobDue(const std::string& kind, int64_t incident_id) {
    auto jobs = store_->ListJobs();
    EXPECT_TRUE(jobs);
    for (const auto& j : *jobs)
      if (j.kind == kind && j.incident_id == incident_id) return j.run_at;
    return 0;
  }

  // Runs no job: takes every pending one off the queue, so JobDue sees only those enqueued after.
  void DropJobs() {
    for (;;) {
      auto job = store_->ClaimJob(clock_.Now() + 365 * 24 * kHourMs, kMinuteMs);
      ASSERT_TRUE(job) << job.error().ToString();
      if (!*job) return;
      ASSERT_TRUE(store_->CompleteJob((*job)->id).ok());
    }
  }

  bool Reconcile(int64_t id) {
    auto held = engine_->ReconcileSilence(id);
    EXPECT_TRUE(held) << held.error().ToString();
    return held && *held;
  }
};

TEST_F(SilencingTest, AnIncidentIsSilencedOnlyWhenEveryFiringAlertIs) {
  const TimeMs now = clock_.Now();
  const std::string api = SilenceService("api", now, now + kHourMs);
  const std::string db = SilenceService("db", now, now + kHourMs);
  auto all = DecisionFor({Stored("api", AlertStatus::kFiring), Stored("db", AlertStatus::kFiring)});
  std::vector<std::string> both = {api, db};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(all, both);
  EXPECT_TRUE(
      DecisionFor({Stored("api", AlertStatus::kFiring), Stored("web", AlertStatus::kFiring)})
          .empty())
      << "web's alert is not silenced";
  EXPECT_EQ(
      DecisionFor({Stored("api", AlertStatus::kFiring), Stored("web", AlertStatus::kResolved)}),
      std::vector<std::string>{api})
      << "resolved alerts do not count";
  EXPECT_TRUE(DecisionFor({Stored("api", AlertStatus::kResolved)}).empty()) << "nothing fires";
  EXPECT_TRUE(DecisionFor({}).empty());
}

TEST_F(SilencingTest, PendingAndExpiredSilencesSilenceNothing) {
  const TimeMs now = clock_.Now();
  SilenceService("api", now + kHourMs, now + 2 * kHourMs);  // pending
  const std::string ended = SilenceService("db", now, now + kMinuteMs);
  ASSERT_TRUE(engine_->silences().Expire(ended));
  EXPECT_TRUE(DecisionFor({Stored("api", AlertStatus::kFiring)}).empty());
  EXPECT_TRUE(DecisionFor({Stored("db", AlertStatus::kFiring)}).empty());
  clock_.Advance(kHourMs);  // the pending one starts
  EXPECT_FALSE(DecisionFor({Stored("api", AlertStatus::kFiring)}).empty());
  clock_.Advance(kHourMs);  // and ends
  EXPECT_TRUE(DecisionFor({Stored("api", AlertStatus::kFiring)}).empty());
}

TEST_F(SilencingTest, TheTimelineRecordsTheLastState) {
  auto event = [](EventKind kind, std::string note) {
    model::Event e;
    e.kind = kind;
    e.note = std::move(note);
    return e;
  };
  EXPECT_TRUE(RecordedSilencedBy({}).empty());
  const std::vector<std::string> ids = {"a1", "b2"};
  EXPECT_EQ(SilenceIdsNote(ids), "a1, b2");
  EXPECT_EQ(RecordedSilencedBy({event(EventKind::kSilenceMatched, "a1, b2"),
                                event(EventKind::kAlertRepeated, "")}),
            ids);
  EXPECT_TRUE(RecordedSilencedBy(
                  {event(EventKind::kSilenceMatched, "a1"), event(EventKind::kSilenceEnded, "")})
                  .empty());
}

TEST_F(SilencingTest, ASilencedIncidentDoesNotEscalateAndNotifiesAgainWhenTheSilenceIsExpired) {
  const std::string id = SilenceService("api", clock_.Now(), clock_.Now() + (24 * kHourMs));
  const int64_t incident = Send(Alert("api", "Redis timeout")).incident_id;
  DropJobs();
  EXPECT_TRUE(Reconcile(incident));
  auto matched = Events(incident, EventKind::kSilenceMatched);
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0].note, id);
  EXPECT_TRUE(Reconcile(incident));
  EXPECT_EQ(Events(incident, EventKind::kSilenceMatched).size(), 1u) << "recorded once";
  auto silenced_by = engine_->SilencedBy(incident);
  ASSERT_TRUE(silenced_by);
  EXPECT_EQ(*silenced_by, std::vector<std::string>{id});

  clock_.Advance(20 * kMinuteMs);
  auto escalated = engine_->Escalate(incident);
  ASSERT_TRUE(escalated);
  EXPECT_FALSE(*escalated);
  EXPECT_TRUE(Events(incident, EventKind::kEscalated).empty());
  EXPECT_EQ(JobDue("escalate", incident), 0) << "dropped, not put back";

  ASSERT_TRUE(engine_->silences().Expire(id));
  EXPECT_FALSE(Reconcile(incident));
  EXPECT_EQ(Events(incident, EventKind::kSilenceEnded).size(), 1u);
  EXPECT_EQ(JobDue("notify", incident), clock_.Now()) << "notified as a new incident";
  EXPECT_EQ(JobDue("escalate", incident), clock_.Now() + 15 * kMinuteMs);
  clock_.Advance(14 * kMinuteMs);
  EXPECT_FALSE(*engine_->Escalate(incident)) << "15 min after the silence ended, not before";
  clock_.Advance(kMinuteMs);
  EXPECT_TRUE(*engine_->Escalate(incident));
}

TEST_F(SilencingTest, TheSweepFollowsSilencesStartingAndEnding) {
  const int64_t incident = Send(Alert("api", "Redis timeout")).incident_id;
  DropJobs();
  const TimeMs start = clock_.Now() + 10 * kMinuteMs;
  const std::string id = SilenceService("api", start, start + kHourMs);
  auto wait = engine_->SweepSilences();
  ASSERT_TRUE(wait) << wait.error().ToString();
  EXPECT_EQ(*wait, 10 * kMinuteMs) << "until the silence starts";
  EXPECT_TRUE(Events(incident, EventKind::kSilenceMatched).empty());

  clock_.Advance(10 * kMinuteMs);
  wait = engine_->SweepSilences();
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, kHourMs) << "until it ends";
  ASSERT_EQ(Events(incident, EventKind::kSilenceMatched).size(), 1u);
  EXPECT_EQ(Events(incident, EventKind::kSilenceMatched)[0].at, start);

  clock_.Advance(kHourMs);
  wait = engine_->SweepSilences();
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 0) << "no silence left";
  ASSERT_EQ(Events(incident, EventKind::kSilenceEnded).size(), 1u);
  EXPECT_EQ(Events(incident, EventKind::kSilenceEnded)[0].at, start + kHourMs);
  EXPECT_EQ(JobDue("notify", incident), clock_.Now());
}

// A weekly maintenance window (Sundays 02:00-04:00 Europe/Berlin) on the day summer time
// begins: the sweep runs at the window's start and end and then next Sunday, an hour earlier
// in UTC.
TEST_F(SilencingTest, TheSweepFollowsAMaintenanceWindowAcrossTheChangeToSummerTime) {
  clock_.Set(*ParseRfc3339("2026-03-29T00:30:00Z"));
  const int64_t incident = Send(Alert("db", "replication lag")).incident_id;
  DropJobs();
  model::Silence maintenance;
  maintenance.matchers = {{"service", MatchOp::kEqual, "db"}};
  maintenance.ends_at = kMaxTimeMs;
  maintenance.schedule = model::SilenceSchedule{"Europe/Berlin", {{6, 120, 2 * kHourMs}}};
  auto created = engine_->silences().Create(maintenance);
  ASSERT_TRUE(created) << created.error().ToString();

  auto wait = engine_->SweepSilences();
  ASSERT_TRUE(wait) << wait.error().ToString();
  EXPECT_EQ(*wait, 30 * kMinuteMs) << "02:00 is skipped: the window opens at 03:00 CEST, 01:00Z";
  EXPECT_TRUE(Events(incident, EventKind::kSilenceMatched).empty());

  clock_.Advance(30 * kMinuteMs);
  wait = engine_->SweepSilences();
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 2 * kHourMs) << "two real hours";
  ASSERT_EQ(Events(incident, EventKind::kSilenceMatched).size(), 1u);
  EXPECT_EQ(Events(incident, EventKind::kSilenceMatched)[0].note, created->id);

  clock_.Advance(2 * kHourMs);
  wait = engine_->SweepSilences();
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 165 * kHourMs) << "next Sunday 02:00 CEST is 00:00Z";
  ASSERT_EQ(Events(incident, EventKind::kSilenceEnded).size(), 1u);
  EXPECT_EQ(JobDue("notify", incident), clock_.Now()) << "notified when maintenance ends";
}

TEST_F(SilencingTest, AnUnsilencedAlertJoiningEndsTheSilenceOfItsIncident) {
  model::Silence redis;
  redis.matchers = {{"db", MatchOp::kEqual, "redis"}};
  redis.starts_at = clock_.Now();
  redis.ends_at = clock_.Now() + (24 * kHourMs);
  ASSERT_TRUE(engine_->silences().Create(redis));
  auto first = Alert("api", "Redis timeout");
  first.labels["db"] = "redis";
  const int64_t incident = Send(first).incident_id;
  EXPECT_TRUE(Reconcile(incident));
  ASSERT_EQ(Send(Alert("api", "disk full")).incident_id, incident);  // same service, no label
  DropJobs();
  EXPECT_FALSE(Reconcile(incident)) << "the disk alert is not silenced";
  EXPECT_EQ(Events(incident, EventKind::kSilenceEnded).size(), 1u);
  EXPECT_EQ(JobDue("notify", incident), clock_.Now());
}

TEST_F(SilencingTest, AnIncidentResolvedWhileSilencedStaysQuiet) {
  SilenceService("api", clock_.Now(), clock_.Now() + (24 * kHourMs));
  auto alert = Alert("api", "Redis timeout");
  const int64_t incident = Send(alert).incident_id;
  EXPECT_TRUE(Reconcile(incident));
  Resolve(alert);
  ASSERT_EQ(Incident(incident).status, model::IncidentStatus::kResolved);
  auto silenced_by = engine_->SilencedBy(incident);
  ASSERT_TRUE(silenced_by);
  EXPECT_TRUE(silenced_by->empty()) << "nothing fires";
  EXPECT_TRUE(Reconcile(incident)) << "its resolution notifies nobody";
  EXPECT_TRUE(Events(incident, EventKind::kSilenceEnded).empty());
}

TEST_F(SilencingTest, CreatingOrExpiringASilenceEnqueuesTheSweep) {
  DropJobs();
  const std::string id = SilenceService("api", clock_.Now(), clock_.Now() + kHourMs);
  EXPECT_EQ(JobDue("silences", 0), clock_.Now());
  DropJobs();
  clock_.Advance(kMinuteMs);
  ASSERT_TRUE(engine_->silences().Expire(id));
  EXPECT_EQ(JobDue("silences", 0), clock_.Now());
}

TEST_F(SilencingTest, SilenceLikeTakesTheFiringAlertsServiceEnvironmentAndName) {
  auto gone = Alert("api", "disk full");
  gone.name = "DiskFull";
  auto firing = Alert("api", "Redis timeout");
  firing.name = "RedisTimeout";
  firing.labels["pod"] = "api-7";
  const int64_t incident = Send(gone).incident_id;
  ASSERT_EQ(Send(firing).incident_id, incident);
  // Resolving one of two alerts leaves the incident open.
  ASSERT_EQ(Resolve(gone).incident_id, incident);
  auto silence = engine_->SilenceLike(incident, 4 * kHourMs, "telegram:@ana", "why");
  ASSERT_TRUE(silence) << silence.error().ToString();
  EXPECT_EQ(silence->matchers,
            (std::vector<model::Matcher>{{"service", MatchOp::kEqual, "api"},
                                         {"environment", MatchOp::kEqual, "prod"},
                                         {"name", MatchOp::kEqual, "RedisTimeout"}}));
  EXPECT_EQ(silence->ends_at - silence->starts_at, 4 * kHourMs);
  EXPECT_EQ(silence->created_by, "telegram:@ana");
  EXPECT_EQ(Events(incident, EventKind::kSilenceMatched).size(), 1u) << "recorded at once";
  EXPECT_EQ(engine_->SilenceLike(999, kHourMs, "x", "").error().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace quell::engine
