// Grafana unified alerting webhook (POST /api/v1/integrations/grafana): Alertmanager-shaped
// alerts plus values (metric values, kept as metrics), fingerprint, silenceURL, dashboardURL and
// panelURL (kept as annotations so the analyst and notifications can link them).
#pragma once

#include <string_view>

#include "ingest/adapter.h"

namespace quell::ingest {

AdapterResult ParseGrafanaWebhook(std::string_view body);

}  // namespace quell::ingest
