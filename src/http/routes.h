// Route groups of the API, each in its own .cc. Internal to the http layer.
#pragma once

#include "http/api.h"
#include "http/router.h"
#include "ingest/adapter.h"

namespace quell::http {

// Health, readiness and Prometheus metrics (no token needed).
void AddOpsRoutes(Router& router, const ApiDeps& deps);
// POST /api/v1/alerts.
void AddAlertRoutes(Router& router, const ApiDeps& deps);
// Incident list, detail and actions.
void AddIncidentRoutes(Router& router, const ApiDeps& deps);

// The shared tail of every alert-ingest route: answers 4xx for invalid input (422 listing every
// invalid item), otherwise submits the alerts and answers 202 after they are committed, with
// one result object (single) or {"accepted": n, "results": [...]} (batch).
void SubmitAlerts(engine::Engine& engine, ingest::AdapterResult parsed, bool batch,
                  Responder respond);

// Ok if the request's Content-Type is application/json (parameters allowed); else a Status
// the caller answers with 415.
Status RequireJson(const HttpRequest& request);

}  // namespace quell::http
