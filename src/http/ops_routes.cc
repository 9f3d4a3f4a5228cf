// GET /healthz (the process answers), GET /readyz (the database answers; optional parts such as
// the LLM analyst are listed but do not fail it), GET /metrics.
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
                // A trivial read: polling readiness must not force the write batch out.
                if (auto ping = deps.store.Ping(); !ping.ok()) {
                  respond(ErrorResponse(Unavailable("database: " + ping.message())));
                  return;
                }
                json::object body{{"status", "ready"}};
                // Optional parts are reported, never failing readiness (see ReadinessDetail).
                if (deps.readiness_details)
                  for (const auto& detail : deps.readiness_details()) {
                    json::object d{{"ready", detail.ready}, {"message", detail.message}};
                    for (const auto& [key, value] : detail.fields) d[key] = value;
                    body[detail.name] = std::move(d);
                  }
                respond(JsonResponse(200, std::move(body)));
              }});
  router.Add({"GET", "/metrics", std::nullopt,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                respond(HttpResponse{200, metrics::Registry::kContentType,
                                     deps.metrics.Render(), {}});
              }});
}

}  // namespace quell::http
