// Notifier: a channel that tells people about incidents (Telegram, an outbound webhook). The
// Engine enqueues one "notify" job per incident change (pending ones coalesce); the "notify"
// handler fans it out into one "notify.<channel>" job per notifier, so each channel retries,
// waits out rate limits and fails on its own. A channel job reads the incident as it is when it
// runs: only the latest state is delivered.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "jobs/job_runner.h"
#include "model/analysis.h"
#include "model/incident.h"
#include "store/store.h"

namespace quell::notify {

struct IncidentSnapshot {
  model::Incident incident;
  std::optional<model::Analysis> analysis;  // the primary one, if the incident was analysed
  std::string incident_url;                 // its dashboard page
  TimeMs now = 0;
  // The silences by matchers that silence it, when the caller asked the Engine (a press on
  // "Silence like this…"); notify jobs never run for a silenced incident, so they leave it empty.
  std::vector<std::string> silenced_by;
};

// The incident as it is now, for a channel. `dashboard_url` without a trailing '/'.
Result<IncidentSnapshot> LoadSnapshot(store::Store& store, int64_t incident_id, TimeMs now,
                                      const std::string& dashboard_url);

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Names the channel and its job kind, "notify.<channel>".
  virtual std::string channel() const = 0;
  // Delivers the incident's current state. Must be idempotent: a job may run more than once.
  virtual jobs::JobOutcome Deliver(const IncidentSnapshot& snapshot) = 0;
};

// What became of one delivery attempt of a channel job: the chat shows the incident's state
// ("delivered"), it waits for a rate limit or pacing ("deferred"), it failed and will be retried
// with backoff ("failed"; parked after too many), or the channel refused it for good
// ("rejected": the job is parked).
inline constexpr const char* kDeliveryOutcomes[] = {"delivered", "deferred", "failed", "rejected"};
const char* DeliveryOutcome(const jobs::JobOutcome& outcome);

// Told of every delivery attempt, on the job runner's thread (for /metrics).
using DeliveryObserver = std::function<void(const std::string& channel, const char* outcome)>;

// Asked by the "notify" fan-out whether an incident's notifications are held back now (silenced
// by matchers: Engine::ReconcileSilence); if so, no channel is told.
using HoldBack = std::function<Result<bool>(int64_t incident_id)>;

// Registers the "notify" fan-out and one handler per notifier. `dashboard_url` is the base URL
// incident links start with. Notifiers must outlive the runner.
void RegisterNotifiers(jobs::JobRunner& runner, store::Store& store, const Clock& clock,
                       std::vector<Notifier*> notifiers, std::string dashboard_url,
                       DeliveryObserver on_delivery = {}, HoldBack held_back = {});

}  // namespace quell::notify
