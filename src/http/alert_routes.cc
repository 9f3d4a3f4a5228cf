// POST /api/v1/alerts (the generic format) and the ingest tail shared by every integration.
// All-or-nothing: if any item is invalid, nothing is stored and the answer is 422 listing every
// invalid item's field. 202 is sent only after the alerts are committed.
#include <boost/json.hpp>

#include "engine/engine.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/generic_alert.h"

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

HttpResponse ItemErrorsResponse(const std::vector<Status>& errors, size_t total) {
  json::array items;
  for (const auto& e : errors) items.push_back(ErrorBody(e).at("error"));
  const Status& first = errors.front();
  json::object body =
      ErrorBody(InvalidArgument(std::to_string(errors.size()) + " of " + std::to_string(total) +
                                    " alerts are invalid; none was accepted: " + first.message(),
                                first.field()))
          .as_object();
  body["errors"] = std::move(items);
  return JsonResponse(422, body);
}

bool BodyIsArray(const std::string& body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && body[first] == '[';
}

}  // namespace

void SubmitAlerts(engine::Engine& engine, ingest::AdapterResult parsed, IngestReply reply,
                  Responder respond) {
  if (!parsed) {
    respond(ErrorResponse(parsed.error()));
    return;
  }
  if (!parsed->item_errors.empty()) {
    respond(ItemErrorsResponse(parsed->item_errors, parsed->alerts.size()));
    return;
  }
  engine.Submit(std::move(parsed->alerts),
                [respond = std::move(respond), reply](
                    Result<std::vector<engine::IngestResult>> results) {
                  if (!results) {
                    respond(ErrorResponse(results.error()));
                    return;
                  }
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
  engine::Engine& engine = deps.engine;
  router.Add({"POST", "/api/v1/alerts", store::Scope::kIngest,
              [&engine](HttpRequest& request, const PathParams&, Responder respond) {
                if (Status s = RequireJson(request); !s.ok()) {
                  respond(ErrorResponse(415, s));
                  return;
                }
                SubmitAlerts(engine, ingest::ParseGenericAlerts(request.body),
                             BodyIsArray(request.body) ? IngestReply::kBatch : IngestReply::kSingle,
                             std::move(respond));
              }});
}

}  // namespace quell::http
