#include "jobs/job_runner.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

namespace quell::jobs {

// Parked jobs (permanent failures) stay in the table for the operator, far in the future.
constexpr TimeMs kParkedForMs = 100LL * 365 * 24 * kHourMs;

JobRunner::JobRunner(store::Store& store, const Clock& clock, JobRunnerOptions options)
    : store_(store), clock_(clock), options_(options) {}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Register(const std::string& kind, JobHandler handler) {
  handlers_[kind] = std::move(handler);
}

void JobRunner::Start() {
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

void JobRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  cv_.notify_all();
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  workers_.clear();
}

TimeMs JobRunner::BackoffFor(int attempts) const {
  TimeMs backoff = options_.initial_backoff_ms;
  for (int i = 1; i < attempts && backoff < options_.max_backoff_ms; ++i) backoff *= 2;
  return std::min(backoff, options_.max_backoff_ms);
}

Result<bool> JobRunner::RunOnce() {
  const TimeMs now = clock_.Now();
  QUELL_ASSIGN_OR_RETURN(auto claimed, store_.ClaimJob(now, options_.lease_ms));
  if (!claimed) return false;
  const model::Job& job = *claimed;
  auto handler = handlers_.find(job.kind);
  JobOutcome outcome = handler == handlers_.end()
                           ? JobOutcome(Unavailable("no handler for job kind " + job.kind))
                           : handler->second(job);
  const Status& status = outcome.status;
  if (status.ok()) {
    QUELL_RETURN_IF_ERROR(store_.CompleteJob(job.id));
  } else if (status.code() == StatusCode::kInvalidArgument) {
    spdlog::error("job {} ({} incident {}) failed permanently: {}", job.id, job.kind,
                  job.incident_id, status.message());
    QUELL_RETURN_IF_ERROR(store_.RetryJob(job.id, now + kParkedForMs, status.message()));
  } else if (outcome.retry_in_ms) {
    spdlog::debug("job {} ({} incident {}) deferred {} ms: {}", job.id, job.kind, job.incident_id,
                  *outcome.retry_in_ms, status.message());
    QUELL_RETURN_IF_ERROR(store_.RetryJob(job.id, clock_.Now() + *outcome.retry_in_ms,
                                          status.message(), /*count_attempt=*/false));
  } else {
    TimeMs backoff = BackoffFor(job.attempts);
    spdlog::warn("job {} ({} incident {}) attempt {} failed, retry in {} ms: {}", job.id, job.kind,
                 job.incident_id, job.attempts, backoff, status.message());
    QUELL_RETURN_IF_ERROR(store_.RetryJob(job.id, clock_.Now() + backoff, status.message()));
  }
  return true;
}

void JobRunner::WorkerLoop() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    auto ran = RunOnce();
    if (!ran) spdlog::error("job queue: {}", ran.error().ToString());
    if (ran && *ran) continue;  // there may be more due work
    std::unique_lock lock(mu_);
    uint64_t seen = wakeups_;
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                 [&] { return stopping_ || wakeups_ != seen; });
  }
}

}  // namespace quell::jobs
