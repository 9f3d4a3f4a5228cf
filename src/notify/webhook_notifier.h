// WebhookNotifier: POSTs the incident as JSON to a URL the operator runs (a chat bridge, a
// ticketing system). Body: {"event":"incident.updated","incident":{...},"url":"..."} with the
// incident in the API's shape (analysis included); header X-Quell-Idempotency-Key is
// "<incident id>:<updated_at>", equal for retries of one state. 2xx is done; 408, 429, 5xx and
// network errors retry with backoff (429 waits 5 s); other answers park the
// job with the status for the operator. Silenced incidents are not posted until the silence ends.
#pragma once

#include <string>

#include "net/http_client.h"
#include "notify/notifier.h"

namespace quell::notify {

struct WebhookOptions {
  std::string url;
  long timeout_ms = 10000;
};

class WebhookNotifier final : public Notifier {
 public:
  WebhookNotifier(net::HttpClient& http, WebhookOptions options);
  std::string channel() const override { return "webhook"; }
  jobs::JobOutcome Deliver(const IncidentSnapshot& snapshot) override;

 private:
  net::HttpClient& http_;
  const WebhookOptions options_;
};

}  // namespace quell::notify
