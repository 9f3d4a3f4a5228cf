// Route groups of the API, each in its own .cc. Internal to the http layer.
#pragma once

#include "common/worker_pool.h"
#include "http/api.h"
#include "http/router.h"
#include "ingest/adapter.h"

namespace quell::http {

// Health, readiness and Prometheus metrics (no token needed).
void AddOpsRoutes(Router& router, const ApiDeps& deps);
// POST /api/v1/alerts.
void AddAlertRoutes(Router& router, const ApiDeps& deps);
// Where routes run what must not run on an HTTP I/O thread: anything that waits on the network
// (a model, Telegram). Owned by the Api; routes answer from these threads through the Responder.
struct Background {
  WorkerPool& analyses;  // POST /api/v1/incidents/{id}/analyze
  WorkerPool& telegram;  // Telegram webhook updates, one at a time in order of arrival
};

// Incident list, detail and actions; re-analyses run on background.analyses.
void AddIncidentRoutes(Router& router, const ApiDeps& deps, Background& background);

// How an ingest route answers once its alerts are committed.
enum class IngestReply {
  kSingle,          // 202 with one result object
  kBatch,           // 202 {"accepted": n, "results": [...]}
  kAlertmanagerV2,  // 200 with an empty body, as Alertmanager's POST /api/v2/alerts does
};

// The shared tail of every alert-ingest route: answers 4xx for invalid input (422 listing every
// invalid item), otherwise submits the alerts and answers after they are committed.
// Counts quell_alerts_ingested_total{source,outcome} (outcome "invalid" for rejected requests).
void SubmitAlerts(const ApiDeps& deps, ingest::AdapterResult parsed, IngestReply reply,
                  Responder respond);

// POST /api/v1/integrations/{alertmanager,grafana,sentry} and POST /api/v2/alerts.
void AddIntegrationRoutes(Router& router, const ApiDeps& deps);

// POST/GET /api/v1/logs, GET /api/v1/logs/templates.
void AddLogRoutes(Router& router, const ApiDeps& deps);

// GET/PUT /api/v1/topology.
void AddTopologyRoutes(Router& router, const ApiDeps& deps);
// The setting key the API-managed topology is stored under.
inline constexpr const char* kTopologySetting = "topology";
// Makes the engine group and analyse with `configured` merged with the topology stored under
// kTopologySetting, read now: at start, after PUT /api/v1/topology, and when a node announces a
// change of the setting (store/change_watch.h). Calls are serialised, so the one that reads last
// sets last and every node ends on what the database holds.
Status ReloadTopology(engine::Engine& engine, store::Store& store,
                      const model::Topology& configured);

// POST /telegram/webhook (Telegram's secret header instead of a bearer token); the presses are
// handled on background.telegram after the webhook is answered.
void AddTelegramRoutes(Router& router, const ApiDeps& deps, Background& background);

// POST/GET /api/v1/silences, DELETE /api/v1/silences/{id} (expires it).
void AddSilenceRoutes(Router& router, const ApiDeps& deps);

// Users, schedules, overrides and who is on call (/api/v1/users, /api/v1/schedules,
// /api/v1/oncall).
void AddOnCallRoutes(Router& router, const ApiDeps& deps);

// Escalation policies (/api/v1/escalation-policies) and the routes that pick one
// (/api/v1/escalation-routes).
void AddEscalationRoutes(Router& router, const ApiDeps& deps);

// POST/GET /api/v1/deploys.
void AddDeployRoutes(Router& router, const ApiDeps& deps);

class Authenticator;
// The web dashboard: GET / and /assets/*, GET /api/openapi.json and /api/docs (the API described),
// GET/POST /login, POST /logout, GET /api/v1/me.
void AddDashboardRoutes(Router& router, const ApiDeps& deps, Authenticator& auth);

// GET /api/v1/stats: the noise figures and volumes over time.
void AddStatsRoutes(Router& router, const ApiDeps& deps);

// Query parameters shared by the list routes: a time (RFC 3339 or epoch s/ms; `fallback` when
// absent) and a positive page size (default when absent, capped at `max`). Errors name them.
Result<TimeMs> TimeQueryParam(const HttpRequest& request, const char* name, TimeMs fallback);
// The positive integer query parameter `name` (default_limit when absent), capped at max.
Result<int> LimitQueryParam(const HttpRequest& request, int default_limit, int max,
                            const std::string& name = "limit");

// Ok if the request's Content-Type is application/json (parameters allowed); else a Status
// the caller answers with 415.
Status RequireJson(const HttpRequest& request);

}  // namespace quell::http
