// POST /api/v1/deploys (ingest) and GET /api/v1/deploys?service=&since=&limit= (read).
#include <boost/json.hpp>

#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/deploy_event.h"
#include "model/json_codec.h"

namespace quell::http {
namespace {

namespace json = boost::json;

json::value DeployJson(const model::Deploy& d) {
  auto time = model::TimeToJson;
  return json::object{{"id", d.id},
                      {"service", d.service},
                      {"environment", d.environment},
                      {"version", d.version},
                      {"commit", d.commit},
                      {"author", d.author},
                      {"started_at", time(d.started_at)},
                      {"finished_at", time(d.finished_at)},
                      {"status", d.status},
                      {"description", d.description},
                      {"url", d.url},
                      {"received_at", time(d.received_at)}};
}

void PostDeploys(const ApiDeps& deps, HttpRequest& request, Responder respond) {
  if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
  auto parsed = ingest::ParseDeploys(request.body);
  if (!parsed) return respond(ErrorResponse(parsed.error()));
  if (!parsed->item_errors.empty())
    return respond(ItemErrorsResponse(parsed->item_errors, parsed->deploys.size(), "deploys"));
  auto stored = deps.engine.RecordDeploys(std::move(parsed->deploys));
  if (!stored) return respond(ErrorResponse(stored.error()));
  json::array items;
  for (const auto& d : *stored) items.push_back(DeployJson(d));
  respond(JsonResponse(201, json::object{{"deploys", std::move(items)}}));
}

void ListDeploys(const ApiDeps& deps, HttpRequest& request, Responder respond) {
  store::DeployQuery query;
  if (std::string service = request.Query("service"); !service.empty())
    query.services.push_back(service);
  auto since = TimeQueryParam(request, "since", 0);
  if (!since) return respond(ErrorResponse(since.error()));
  query.since = *since;
  auto limit = LimitQueryParam(request, 100, 1000);
  if (!limit) return respond(ErrorResponse(limit.error()));
  query.limit = *limit;
  auto deploys = deps.store.ListDeploys(query);
  if (!deploys) return respond(ErrorResponse(deploys.error()));
  json::array items;
  for (const auto& d : *deploys) items.push_back(DeployJson(d));
  respond(JsonResponse(200, json::object{{"deploys", std::move(items)}}));
}

}  // namespace

void AddDeployRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"POST", "/api/v1/deploys", store::Scope::kIngest,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                PostDeploys(deps, request, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/deploys", store::Scope::kRead,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                ListDeploys(deps, request, std::move(respond));
              }});
}

}  // namespace quell::http
