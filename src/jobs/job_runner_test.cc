// The job runner on a real SQLite store: handlers that fail, throw or never finish cannot take
// the server down or loop forever; what is parked says why, on the incident's timeline too.
#include "jobs/job_runner.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "../tests/test_store.h"
#include "engine/engine.h"

namespace quell::jobs {
namespace {

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = testing::OpenTestStore(dir_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  // An incident whose own jobs (analysis, notification) are already done.
  int64_t OpenIncident() {
    engine::Engine engine(*store_, clock_, engine::EngineOptions{});
    model::NormalizedAlert a;
    a.service = "api";
    a.message = "Redis timeout";
    a.fingerprint = "fp-1";
    auto r = engine.Ingest({a});
    EXPECT_TRUE(r) << r.error().ToString();
    auto jobs = store_->ListJobs();
    EXPECT_TRUE(jobs);
    for (const auto& j : *jobs) EXPECT_TRUE(store_->CompleteJob(j.id).ok());
    return r ? r->front().incident_id : 0;
  }

  void Enqueue(const std::string& kind, int64_t incident_id) {
    auto tx = store_->Begin();
    ASSERT_TRUE(tx);
    model::Job job;
    job.kind = kind;
    job.incident_id = incident_id;
    job.dedup_key = kind + "-" + std::to_string(incident_id);
    job.run_at = clock_.Now();
    ASSERT_TRUE((*tx)->EnqueueJob(job).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  std::vector<model::Job> Pending() {
    auto jobs = store_->ListJobs();
    EXPECT_TRUE(jobs);
    return jobs ? *jobs : std::vector<model::Job>{};
  }

  std::string LastNote(int64_t incident_id) {
    auto events = store_->ListEvents(incident_id);
    EXPECT_TRUE(events);
    return events && !events->empty() ? events->back().note : "";
  }

  testing::TestDir dir_{"jobs_test"};
  ManualClock clock_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(JobRunnerTest, AHandlerThatThrowsIsAFailedAttemptRetriedWithBackoff) {
  const int64_t incident = OpenIncident();
  JobRunner runner(*store_, clock_);
  int calls = 0;
  runner.Register("explode", [&](const model::Job&) -> JobOutcome {
    if (++calls == 1) throw std::runtime_error("boom");
    return Status::Ok();
  });
  Enqueue("explode", incident);
  auto ran = runner.RunOnce();
  ASSERT_TRUE(ran) << ran.error().ToString();
  EXPECT_TRUE(*ran);
  EXPECT_EQ(runner.counters().exceptions.load(), 1u);
  EXPECT_EQ(runner.counters().failed_attempts.load(), 1u);
  // Not due again until its backoff has passed.
  EXPECT_FALSE(*runner.RunOnce());
  clock_.Advance(runner.BackoffFor(1));
  EXPECT_TRUE(*runner.RunOnce());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(runner.counters().completed.load(), 1u);
  EXPECT_TRUE(Pending().empty());
}

TEST_F(JobRunnerTest, AJobThatKeepsFailingIsParkedAndSaysSoOnTheTimeline) {
  const int64_t incident = OpenIncident();
  JobRunnerOptions options;
  options.max_attempts = 3;
  JobRunner runner(*store_, clock_, options);
  int calls = 0;
  runner.Register("flaky", [&](const model::Job&) -> JobOutcome {
    ++calls;
    return Unavailable("the model server did not answer");
  });
  Enqueue("flaky", incident);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(runner.RunOnce());
    clock_.Advance(options.max_backoff_ms);
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(runner.counters().parked.load(), 1u);
  EXPECT_EQ(runner.counters().failed_attempts.load(), 2u);
  EXPECT_EQ(LastNote(incident),
            "background job 'flaky' stopped after 3 attempt(s): the model server did not answer");
  // Parked, not gone: the operator can still see it.
  ASSERT_EQ(Pending().size(), 1u);
}

TEST_F(JobRunnerTest, AJobThatKilledTheProcessEveryTimeIsParkedInsteadOfRunAgain) {
  const int64_t incident = OpenIncident();
  Enqueue("crash", incident);
  JobRunnerOptions options;
  options.max_attempts = 2;
  options.lease_ms = kMinuteMs;
  // Two runs claim it and "die" (the lease is never released), as a crash would leave it.
  for (int i = 0; i < 2; ++i) {
    auto claimed = store_->ClaimJob(clock_.Now(), options.lease_ms);
    ASSERT_TRUE(claimed && *claimed);
    clock_.Advance(options.lease_ms + 1);
  }
  JobRunner runner(*store_, clock_, options);
  int calls = 0;
  runner.Register("crash", [&](const model::Job&) -> JobOutcome {
    ++calls;
    return Status::Ok();
  });
  EXPECT_TRUE(*runner.RunOnce());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(runner.counters().parked.load(), 1u);
  EXPECT_NE(LastNote(incident).find("claimed 3 times without completing"), std::string::npos)
      << LastNote(incident);
}

TEST_F(JobRunnerTest, APermanentErrorIsParkedAtOnce) {
  const int64_t incident = OpenIncident();
  JobRunner runner(*store_, clock_);
  runner.Register("bad", [](const model::Job&) -> JobOutcome { return InvalidArgument("no such chat"); });
  Enqueue("bad", incident);
  EXPECT_TRUE(*runner.RunOnce());
  clock_.Advance(runner.BackoffFor(10));
  EXPECT_FALSE(*runner.RunOnce());
  EXPECT_EQ(runner.counters().parked.load(), 1u);
  // The handler that decided reports it; the runner adds nothing to the timeline.
  EXPECT_EQ(LastNote(incident).find("background job"), std::string::npos) << LastNote(incident);
}

TEST_F(JobRunnerTest, BackoffDoublesFromTheInitialDelayUpToItsCap) {
  JobRunnerOptions options;
  options.initial_backoff_ms = 1000;
  options.max_backoff_ms = 5000;
  JobRunner runner(*store_, clock_, options);
  EXPECT_EQ(runner.BackoffFor(1), 1000);
  EXPECT_EQ(runner.BackoffFor(2), 2000);
  EXPECT_EQ(runner.BackoffFor(3), 4000);
  EXPECT_EQ(runner.BackoffFor(4), 5000);
  EXPECT_EQ(runner.BackoffFor(1000), 5000);  // no overflow however many attempts
}

TEST_F(JobRunnerTest, ARetryAtATimeTheHandlerKnowsIsNotAFailedAttempt) {
  const int64_t incident = OpenIncident();
  JobRunnerOptions options;
  options.max_attempts = 2;
  JobRunner runner(*store_, clock_, options);
  int calls = 0;
  runner.Register("paced", [&](const model::Job&) -> JobOutcome {
    return ++calls < 4 ? JobOutcome::RetryIn(30 * kSecondMs, "rate limited") : Status::Ok();
  });
  Enqueue("paced", incident);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(*runner.RunOnce());
    EXPECT_FALSE(*runner.RunOnce());  // not before the time it asked for
    clock_.Advance(30 * kSecondMs);
  }
  // More deferrals than max_attempts, yet neither a failure nor parked: it runs and completes.
  EXPECT_TRUE(*runner.RunOnce());
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(runner.counters().failed_attempts.load(), 0u);
  EXPECT_EQ(runner.counters().parked.load(), 0u);
  EXPECT_EQ(runner.counters().completed.load(), 1u);
  EXPECT_TRUE(Pending().empty());
}

TEST_F(JobRunnerTest, AJobOfAKindWithNoHandlerIsRetriedNotLost) {
  const int64_t incident = OpenIncident();
  JobRunner runner(*store_, clock_);
  Enqueue("unknown", incident);
  EXPECT_TRUE(*runner.RunOnce());
  EXPECT_EQ(runner.counters().failed_attempts.load(), 1u);
  EXPECT_EQ(Pending().size(), 1u);
}

}  // namespace
}  // namespace quell::jobs
