// Routes that speak other tools' formats, so users point their existing tools at Quell unchanged.
#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/alertmanager.h"
#include "ingest/grafana.h"
#include "ingest/sentry.h"

namespace quell::http {

void AddIntegrationRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"POST", "/api/v1/integrations/alertmanager", store::Scope::kIngest,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                SubmitAlerts(deps, ingest::ParseAlertmanagerWebhook(request.body),
                             IngestReply::kBatch, std::move(respond));
              }});
  router.Add({"POST", "/api/v1/integrations/grafana", store::Scope::kIngest,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                SubmitAlerts(deps, ingest::ParseGrafanaWebhook(request.body),
                             IngestReply::kBatch, std::move(respond));
              }});
  router.Add({"POST", "/api/v1/integrations/sentry", store::Scope::kIngest,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                SubmitAlerts(deps,
                             ingest::ParseSentryWebhook(request.body,
                                                        request.Header("sentry-hook-resource")),
                             IngestReply::kBatch, std::move(respond));
              }});
  router.Add({"POST", "/api/v2/alerts", store::Scope::kIngest,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
                SubmitAlerts(deps, ingest::ParseAlertmanagerV2Alerts(request.body, deps.clock.Now()),
                             IngestReply::kAlertmanagerV2, std::move(respond));
              }});
}

}  // namespace quell::http
