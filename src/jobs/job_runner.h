// JobRunner: background workers that drain the outbox (the jobs table the Engine fills in the
// same transaction as each change). A worker claims a due job with a lease, runs the handler
// registered for its kind, and completes it; a failure is retried with exponential backoff. If a
// worker dies mid-job, the lease expires and another worker takes the job: delivery is
// at-least-once, so handlers are idempotent (a notification carries its idempotency key).
//
// A handler that throws is a failed attempt, not a dead process. A job that keeps failing is
// parked after max_attempts with its error, logged, counted and written on its incident's
// timeline. A permanent error (kInvalidArgument) is parked at once; the handler reports it.
//
// Thread-safe. Handlers run on the runner's threads and must outlive it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/incident.h"
#include "store/store.h"

namespace quell::jobs {

// What a handler reports: ok; a failure to retry with backoff; kInvalidArgument, which can never
// succeed (the job is parked with its error instead of retried); or a retry at a time the
// handler knows (a rate limit's retry_after, pacing), which does not count toward the backoff.
struct JobOutcome {
  JobOutcome(Status s) : status(std::move(s)) {}  // NOLINT: implicit, handlers return a Status
  // NOLINTNEXTLINE: implicit, so QUELL_RETURN_IF_ERROR and friends work in handlers
  JobOutcome(tl::unexpected<Status> error) : status(std::move(error.value())) {}
  static JobOutcome RetryIn(TimeMs delay_ms, std::string why) {
    JobOutcome outcome(Unavailable(std::move(why)));
    outcome.retry_in_ms = delay_ms;
    return outcome;
  }
  Status status;
  std::optional<TimeMs> retry_in_ms;
};

using JobHandler = std::function<JobOutcome(const model::Job& job)>;

struct JobRunnerOptions {
  int workers = 2;
  TimeMs lease_ms = 5 * kMinuteMs;
  TimeMs poll_interval_ms = 250;   // how often idle workers look for due jobs
  TimeMs initial_backoff_ms = 1000;
  TimeMs max_backoff_ms = 10 * kMinuteMs;
  // A job claimed this many times without completing (it failed, threw, or took the process
  // down mid-run) is parked with its last error, so one bad job cannot loop forever.
  int max_attempts = 10;
};

// What the runner did since it started (for /metrics).
struct JobCounters {
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> failed_attempts{0};  // retried with backoff
  std::atomic<uint64_t> exceptions{0};       // handlers that threw (counted as failures too)
  std::atomic<uint64_t> parked{0};           // given up: permanent errors and too many attempts
  std::atomic<int64_t> running{0};           // handlers running now
};

class JobRunner {
 public:
  JobRunner(store::Store& store, const Clock& clock, JobRunnerOptions options = {});
  ~JobRunner();  // Stop()

  // Registers the handler for a job kind. Call before Start.
  void Register(const std::string& kind, JobHandler handler);
  void Start();
  // Wakes idle workers (new jobs were committed).
  void Wake();
  // Stops claiming, waits for jobs in progress to finish. Idempotent.
  void Stop();

  // Claims and runs at most one due job on the calling thread. Returns false when none was due.
  // For tests and for Stop-less single-threaded use.
  Result<bool> RunOnce();

  // Backoff before attempt n+1 after n failed attempts (n >= 1).
  TimeMs BackoffFor(int attempts) const;

  const JobCounters& counters() const { return counters_; }

 private:
  void WorkerLoop();
  // Runs the handler; an exception becomes an Internal error.
  JobOutcome Run(const model::Job& job);
  // Parks the job with its error and, unless told not to, says so on its incident's timeline.
  Status Park(const model::Job& job, const std::string& error, bool note_on_timeline = true);

  store::Store& store_;
  const Clock& clock_;
  const JobRunnerOptions options_;
  std::map<std::string, JobHandler> handlers_;
  JobCounters counters_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t wakeups_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace quell::jobs
