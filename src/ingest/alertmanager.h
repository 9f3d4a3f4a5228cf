// Prometheus Alertmanager compatibility:
//  - the webhook receiver payload, version "4" (POST /api/v1/integrations/alertmanager);
//  - the API v2 alert list Prometheus posts to an Alertmanager (POST /api/v2/alerts).
// Identity is Alertmanager's own fingerprint (model::AlertmanagerFingerprint) when the body has
// none.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "ingest/adapter.h"
#include "model/alert.h"

namespace quell::ingest {

// Webhook v4 body. status firing/resolved per alert; endsAt "0001-01-01T00:00:00Z" = no end.
AdapterResult ParseAlertmanagerWebhook(std::string_view body);

// API v2 postable alerts (an array). Resolved iff endsAt <= now; a missing endsAt means firing
// until now + resolve_timeout.
AdapterResult ParseAlertmanagerV2Alerts(std::string_view body, TimeMs now);

}  // namespace quell::ingest
