// Silences by matchers, as in Alertmanager: POST /api/v1/silences (what acting on an incident
// needs: admin) creates one, GET /api/v1/silences (read) lists every one with its state,
// DELETE /api/v1/silences/{id} (admin) expires one now. The creator is the name of the token
// that made the request, as for incident actions; a different body "created_by" is only its
// word and goes into the comment.
#include <boost/json.hpp>

#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/json_body.h"
#include "model/silence_json.h"

namespace quell::http {
namespace {

namespace json = boost::json;

Result<model::Silence> ParseSilenceRequest(const HttpRequest& request, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ingest::ParseJsonBody(request.body));
  QUELL_ASSIGN_OR_RETURN(model::Silence silence, model::SilenceFromJson(root, now));
  if (!silence.created_by.empty() && silence.created_by != request.caller) {
    silence.comment = "on behalf of " + silence.created_by +
                      (silence.comment.empty() ? "" : ": " + silence.comment);
  }
  silence.created_by = request.caller;
  return silence;
}

void CreateSilence(const ApiDeps& deps, HttpRequest& request, Responder respond) {
  if (Status s = RequireJson(request); !s.ok()) return respond(ErrorResponse(415, s));
  const TimeMs now = deps.clock.Now();
  auto silence = ParseSilenceRequest(request, now);
  if (!silence) return respond(ErrorResponse(silence.error()));
  auto created = deps.engine.silences().Create(std::move(*silence));
  if (!created) return respond(ErrorResponse(created.error()));
  HttpResponse response = JsonResponse(201, model::SilenceToJson(*created, now));
  response.headers.emplace_back("Location", "/api/v1/silences/" + created->id);
  respond(std::move(response));
}

void ListSilences(const ApiDeps& deps, Responder respond) {
  auto silences = deps.engine.silences().List();
  if (!silences) return respond(ErrorResponse(silences.error()));
  const TimeMs now = deps.clock.Now();
  json::array items;
  for (const auto& silence : *silences) items.push_back(model::SilenceToJson(silence, now));
  respond(JsonResponse(200, json::object{{"silences", std::move(items)}}));
}

void ExpireSilence(const ApiDeps& deps, const PathParams& params, Responder respond) {
  auto expired = deps.engine.silences().Expire(params.at("id"));
  if (!expired) return respond(ErrorResponse(expired.error()));
  respond(JsonResponse(200, model::SilenceToJson(*expired, deps.clock.Now())));
}

}  // namespace

void AddSilenceRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"POST", "/api/v1/silences", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                CreateSilence(deps, request, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/silences", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                ListSilences(deps, std::move(respond));
              }});
  router.Add({"DELETE", "/api/v1/silences/{id}", store::Scope::kAdmin,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                ExpireSilence(deps, params, std::move(respond));
              }});
}

}  // namespace quell::http
