// POST /api/v1/alerts (the generic format) and the ingest tail shared by every integration.
// All-or-nothing: if any item is invalid, nothing is stored and the answer is 422 listing every
// invalid item's field. 202 is sent only after the alerts are committed.
#include <map>

#include <boost/json.hpp>

#include "engine/engine.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/generic_alert.h"
#include "metrics/registry.h"

namespace quell::http {
namespace {

namespace json = boost::json;

json::object ResultJson(const engine::IngestResult& r) {
  json::object out{{"fingerprint", r.fingerprint},
                   {"duplicate", r.duplicate()},
                   {"outcome", engine::IngestOutcomeName(r.outcome)}};
  if (r.incident_id != 0) {
    out["incident_id"] = r.incident_id;
  } else {
    out["incident_id"] = nullptr;
  }
  return out;
}

bool BodyIsArray(const std::string& body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && body[first] == '[';
}

}  // namespace

void SubmitAlerts(const ApiDeps& deps, ingest::AdapterResult parsed, IngestReply reply,
                  Responder respond) {
  metrics::Registry& registry = deps.metrics;
  auto count = [&registry](const std::string& source, const char* outcome, uint64_t n) {
    registry
        .Counter("quell_alerts_ingested_total", "Alerts received, by source and outcome.",
                 {{"source", source}, {"outcome", outcome}})
        .Inc(n);
  };
  if (!parsed || !parsed->item_errors.empty()) {
    std::string source = parsed && !parsed->alerts.empty() ? parsed->alerts[0].source : "unknown";
    count(source, "invalid", 1);
    respond(!parsed ? ErrorResponse(parsed.error())
                    : ItemErrorsResponse(parsed->item_errors, parsed->alerts.size(), "alerts"));
    return;
  }
  std::string source = parsed->alerts.empty() ? "unknown" : parsed->alerts[0].source;
  deps.engine.Submit(std::move(parsed->alerts),
                [respond = std::move(respond), reply, count, source](
                    Result<std::vector<engine::IngestResult>> results) {
                  if (!results) {
                    respond(ErrorResponse(results.error()));
                    return;
                  }
                  std::map<engine::IngestOutcome, uint64_t> outcomes;
                  for (const auto& r : *results) ++outcomes[r.outcome];
                  for (const auto& [outcome, n] : outcomes)
                    count(source, engine::IngestOutcomeName(outcome), n);
                  if (reply == IngestReply::kAlertmanagerV2) {
                    respond(HttpResponse{200, "application/json", "", {}});
                    return;
                  }
                  if (reply == IngestReply::kSingle && results->size() == 1) {
                    respond(JsonResponse(202, ResultJson(results->front())));
                    return;
                  }
                  json::array items;
                  for (const auto& r : *results) items.push_back(ResultJson(r));
                  respond(JsonResponse(202, json::object{{"accepted", results->size()},
                                                         {"results", std::move(items)}}));
                });
}

void AddAlertRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"POST", "/api/v1/alerts", store::Scope::kIngest,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) {
                  respond(ErrorResponse(415, s));
                  return;
                }
                SubmitAlerts(deps, ingest::ParseGenericAlerts(request.body),
                             BodyIsArray(request.body) ? IngestReply::kBatch : IngestReply::kSingle,
                             std::move(respond));
              }});
}

}  // namespace quell::http
