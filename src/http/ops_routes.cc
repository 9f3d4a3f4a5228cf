// GET /healthz (the process answers), GET /readyz (the database answers), GET /metrics.
#include <boost/json.hpp>

#include "http/json_response.h"
#include "http/routes.h"
#include "metrics/registry.h"

namespace quell::http {

namespace json = boost::json;

void AddOpsRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"GET", "/healthz", std::nullopt,
              [](HttpRequest&, const PathParams&, Responder respond) {
                respond(JsonResponse(200, json::object{{"status", "ok"}}));
              }});
  router.Add({"GET", "/readyz", std::nullopt,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                auto count = deps.store.CountIncidents(std::nullopt);
                if (!count) {
                  respond(ErrorResponse(Unavailable("database: " + count.error().message())));
                  return;
                }
                respond(JsonResponse(200, json::object{{"status", "ready"}}));
              }});
  router.Add({"GET", "/metrics", std::nullopt,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                respond(HttpResponse{200, metrics::Registry::kContentType,
                                     deps.metrics.Render(), {}});
              }});
}

}  // namespace quell::http
