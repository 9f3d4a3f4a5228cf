// Routes that speak other tools' formats, so users point their existing tools at Quell unchanged.
#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/alertmanager.h"
#include "ingest/grafana.h"

namespace quell::http {

void AddIntegrationRoutes(Router& router, const ApiDeps& deps) {
  engine::Engine& engine = deps.engine;
  const Clock& clock = deps.clock;
  router.Add({"POST", "/api/v1/integrations/alertmanager", store::Scope::kIngest,
              [&engine](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                SubmitAlerts(engine, ingest::ParseAlertmanagerWebhook(request.body),
                             IngestReply::kBatch, std::move(respond));
              }});
  router.Add({"POST", "/api/v1/integrations/grafana", store::Scope::kIngest,
              [&engine](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                SubmitAlerts(engine, ingest::ParseGrafanaWebhook(request.body),
                             IngestReply::kBatch, std::move(respond));
              }});
  router.Add({"POST", "/api/v2/alerts", store::Scope::kIngest,
              [&engine, &clock](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                SubmitAlerts(engine, ingest::ParseAlertmanagerV2Alerts(request.body, clock.Now()),
                             IngestReply::kAlertmanagerV2, std::move(respond));
              }});
}

}  // namespace quell::http
