#include "jobs/job_runner.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include <fmt/format.h>
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

JobOutcome JobRunner::Run(const model::Job& job) {
  auto handler = handlers_.find(job.kind);
  if (handler == handlers_.end()) return JobOutcome(Unavailable("no handler for job kind " + job.kind));
  try {
    return handler->second(job);
  } catch (const std::exception& e) {
    ++counters_.exceptions;
    return JobOutcome(Internal(std::string("the handler threw: ") + e.what()));
  } catch (...) {
    ++counters_.exceptions;
    return JobOutcome(Internal("the handler threw a non-standard exception"));
  }
}

Status JobRunner::Park(const model::Job& job, const std::string& error, bool note_on_timeline) {
  ++counters_.parked;
  spdlog::error("job {} ({} incident {}) parked after {} attempt(s): {}", job.id, job.kind,
                job.incident_id, job.attempts, error);
  QUELL_RETURN_IF_ERROR(store_.RetryJob(job.id, clock_.Now() + kParkedForMs, error));
  if (job.incident_id <= 0 || !note_on_timeline) return Status::Ok();
  // On the timeline too, when the incident is still there.
  auto noted = [&]() -> Status {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    model::Event event;
    event.incident_id = job.incident_id;
    event.at = event.last_at = clock_.Now();
    event.kind = model::EventKind::kComment;
    event.actor = "quell";
    event.note = fmt::format("background job '{}' stopped after {} attempt(s): {}", job.kind,
                             job.attempts, error);
    QUELL_ASSIGN_OR_RETURN(int64_t id, tx->AppendEvent(event));
    (void)id;
    return tx->Commit();
  }();
  if (!noted.ok())
    spdlog::warn("job {}: not noted on incident {}: {}", job.id, job.incident_id, noted.ToString());
  return Status::Ok();
}

Result<bool> JobRunner::RunOnce() {
  const TimeMs now = clock_.Now();
  QUELL_ASSIGN_OR_RETURN(auto claimed, store_.ClaimJob(now, options_.lease_ms));
  if (!claimed) return false;
  const model::Job& job = *claimed;
  // Claiming counts an attempt, so a job that takes the process down is parked too, after
  // max_attempts restarts, instead of crash-looping.
  if (job.attempts > options_.max_attempts) {
    QUELL_RETURN_IF_ERROR(Park(job, fmt::format("claimed {} times without completing (limit {})",
                                                job.attempts, options_.max_attempts)));
    return true;
  }
  ++counters_.running;
  JobOutcome outcome = Run(job);
  --counters_.running;
  const Status& status = outcome.status;
  if (status.ok()) {
    ++counters_.completed;
    QUELL_RETURN_IF_ERROR(store_.CompleteJob(job.id));
  } else if (status.code() == StatusCode::kInvalidArgument) {
    // The handler decided and reports it itself (a Telegram refusal is on the timeline as
    // notify_failed; a job whose incident is gone has no timeline).
    QUELL_RETURN_IF_ERROR(Park(job, "failed permanently: " + status.message(), false));
  } else if (!outcome.retry_in_ms && job.attempts >= options_.max_attempts) {
    QUELL_RETURN_IF_ERROR(Park(job, status.message()));
  } else if (outcome.retry_in_ms) {
    spdlog::debug("job {} ({} incident {}) deferred {} ms: {}", job.id, job.kind, job.incident_id,
                  *outcome.retry_in_ms, status.message());
    QUELL_RETURN_IF_ERROR(store_.RetryJob(job.id, clock_.Now() + *outcome.retry_in_ms,
                                          status.message(), /*count_attempt=*/false));
  } else {
    ++counters_.failed_attempts;
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
