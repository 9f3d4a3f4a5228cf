#include "notify/webhook_notifier.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "model/json_codec.h"

namespace quell::notify {

WebhookNotifier::WebhookNotifier(net::HttpClient& http, WebhookOptions options)
    : http_(http), options_(std::move(options)) {}

jobs::JobOutcome WebhookNotifier::Deliver(const IncidentSnapshot& snapshot) {
  const model::Incident& incident = snapshot.incident;
  if (incident.silenced_until > snapshot.now && incident.status != model::IncidentStatus::kResolved)
    return jobs::JobOutcome::RetryIn(incident.silenced_until - snapshot.now, "silenced");
  boost::json::object body{{"event", "incident.updated"},
                           {"incident", model::IncidentToJson(incident)},
                           {"url", snapshot.incident_url}};
  net::HttpClientRequest request;
  request.url = options_.url;
  request.timeout_ms = options_.timeout_ms;
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Quell-Idempotency-Key", std::to_string(incident.id) + ":" +
                                                     std::to_string(incident.updated_at)}};
  request.body = boost::json::serialize(body);
  auto response = http_.Send(request);
  if (!response) return response.error();  // Unavailable: retried with backoff
  const int status = response->status;
  if (status / 100 == 2) return Status::Ok();
  std::string why = "webhook answered HTTP " + std::to_string(status);
  if (status == 429) return jobs::JobOutcome::RetryIn(5 * kSecondMs, why);
  if (status == 408 || status >= 500) return Unavailable(why);
  spdlog::error("webhook: incident {} not delivered: {}", incident.id, why);
  return InvalidArgument(why);
}

}  // namespace quell::notify
