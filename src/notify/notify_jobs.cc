#include <spdlog/spdlog.h>

#include "model/json_codec.h"
#include "notify/notifier.h"

namespace quell::notify {

Result<IncidentSnapshot> LoadSnapshot(store::Store& store, int64_t incident_id, TimeMs now,
                                      const std::string& dashboard_url) {
  QUELL_ASSIGN_OR_RETURN(auto incident, store.GetIncident(incident_id));
  if (!incident) return Error(InvalidArgument("no incident " + std::to_string(incident_id)));
  IncidentSnapshot snapshot;
  snapshot.incident = std::move(*incident);
  snapshot.now = now;
  snapshot.incident_url = dashboard_url.empty()
                              ? ""
                              : dashboard_url + "/#/incidents/" + std::to_string(incident_id);
  if (!snapshot.incident.analysis_json.empty()) {
    auto analysis = model::AnalysisFromJsonText(snapshot.incident.analysis_json);
    if (analysis) snapshot.analysis = std::move(*analysis);
  }
  return snapshot;
}

namespace {

// One job per channel, committed together; pending ones of a channel coalesce.
Status FanOut(store::Store& store, const std::vector<std::string>& kinds, int64_t incident_id,
              TimeMs now) {
  if (kinds.empty()) return Status::Ok();  // no channel configured
  QUELL_ASSIGN_OR_RETURN(auto tx, store.Begin());
  for (const auto& kind : kinds) {
    model::Job job;
    job.kind = kind;
    job.incident_id = incident_id;
    job.dedup_key = kind + ":" + std::to_string(incident_id);
    job.run_at = now;
    QUELL_RETURN_IF_ERROR(tx->EnqueueJob(job));
  }
  return tx->Commit();
}

}  // namespace

const char* DeliveryOutcome(const jobs::JobOutcome& outcome) {
  if (outcome.status.ok()) return "delivered";
  if (outcome.retry_in_ms) return "deferred";
  if (outcome.status.code() == StatusCode::kInvalidArgument) return "rejected";
  return "failed";
}

void RegisterNotifiers(jobs::JobRunner& runner, store::Store& store, const Clock& clock,
                       std::vector<Notifier*> notifiers, std::string dashboard_url,
                       DeliveryObserver on_delivery, HoldBack held_back) {
  while (!dashboard_url.empty() && dashboard_url.back() == '/') dashboard_url.pop_back();
  std::vector<std::string> kinds;
  for (Notifier* n : notifiers) kinds.push_back("notify." + n->channel());

  runner.Register("notify", [&store, &clock, kinds,
                             held_back](const model::Job& job) -> jobs::JobOutcome {
    if (kinds.empty()) return Status::Ok();  // no channel: nothing to hold back
    if (held_back) {
      QUELL_ASSIGN_OR_RETURN(bool held, held_back(job.incident_id));
      if (held) return Status::Ok();  // nobody is told; the silence's end notifies anew
    }
    return FanOut(store, kinds, job.incident_id, clock.Now());
  });

  for (Notifier* notifier : notifiers) {
    runner.Register("notify." + notifier->channel(),
                    [&store, &clock, notifier, dashboard_url,
                     on_delivery](const model::Job& job) -> jobs::JobOutcome {
                      auto snapshot = LoadSnapshot(store, job.incident_id, clock.Now(), dashboard_url);
                      jobs::JobOutcome outcome = snapshot ? notifier->Deliver(*snapshot)
                                                          : jobs::JobOutcome(snapshot.error());
                      if (on_delivery) on_delivery(notifier->channel(), DeliveryOutcome(outcome));
                      return outcome;
                    });
  }
}

}  // namespace quell::notify
