// Silences by matchers, as in Alertmanager: POST /api/v1/silences (what acting on an incident
// needs: admin) creates one, GET /api/v1/silences (read) lists every one with its state,
// DELETE /api/v1/silences/{id} (admin) expires one now. The creator is the name of the token
// that made the request, as for incident actions; a different body "created_by" is only its
// word and goes into the comment.
//
// A maintenance window is a silence with a "schedule" (weekly windows in a time zone), created
// by the same POST: it mutes by the same matchers, through the same path (SilencedBy, the
// sweep, the timeline), and is listed and expired the same way; a resource of its own would
// repeat all of that. Each silence shows its "window" (the one in force, else the next) and its
// "source" ("config" for [[maintenance]] entries of the config file, which cannot be expired
// here: 409). GET /api/v1/maintenance (read) answers what is in maintenance now and what comes
// next.
#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "engine/silence_window.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "ingest/json_body.h"
#include "model/silence_json.h"
#include "store/config_defined.h"

namespace quell::http {
namespace {

namespace json = boost::json;

// The silence as the API shows it, with its state and window (`activity`) and source.
json::value SilenceJson(const model::Silence& silence, const model::SilenceActivity& activity,
                        const std::set<std::string>& config_defined) {
  json::value body = model::SilenceToJson(silence, activity);
  body.as_object()["source"] = store::SourceName(config_defined.contains(silence.id));
  return body;
}

// The same at `now`.
json::value SilenceJson(const model::Silence& silence, TimeMs now,
                        const std::set<std::string>& config_defined) {
  // A stored zone the system no longer knows: shown expired (it silences nothing).
  auto activity = engine::ActivityAt(silence, now);
  return SilenceJson(silence, activity ? *activity : model::SilenceActivity{}, config_defined);
}

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
  HttpResponse response = JsonResponse(201, SilenceJson(*created, now, {}));
  response.headers.emplace_back("Location", "/api/v1/silences/" + created->id);
  respond(std::move(response));
}

void ListSilences(const ApiDeps& deps, Responder respond) {
  auto silences = deps.engine.silences().List();
  if (!silences) return respond(ErrorResponse(silences.error()));
  auto config_defined = store::ConfigDefinedNames(deps.store, store::kConfigMaintenance);
  if (!config_defined) return respond(ErrorResponse(config_defined.error()));
  const TimeMs now = deps.clock.Now();
  json::array items;
  for (const auto& silence : *silences) items.push_back(SilenceJson(silence, now, *config_defined));
  respond(JsonResponse(200, json::object{{"silences", std::move(items)}}));
}

// {"in_maintenance": any silence active now, "active": those, soonest end first, "upcoming":
// the pending ones, soonest start first}. Every silence counts: a one-off silence is a one-off
// maintenance window.
void ListMaintenance(const ApiDeps& deps, Responder respond) {
  auto silences = deps.engine.silences().List();
  if (!silences) return respond(ErrorResponse(silences.error()));
  auto config_defined = store::ConfigDefinedNames(deps.store, store::kConfigMaintenance);
  if (!config_defined) return respond(ErrorResponse(config_defined.error()));
  const TimeMs now = deps.clock.Now();
  std::vector<std::pair<model::SilenceActivity, const model::Silence*>> active, upcoming;
  for (const auto& silence : *silences) {
    auto activity = engine::ActivityAt(silence, now);
    if (!activity) continue;
    if (activity->state == model::SilenceState::kActive) active.emplace_back(*activity, &silence);
    if (activity->state == model::SilenceState::kPending)
      upcoming.emplace_back(*activity, &silence);
  }
  auto items = [&](auto& list, auto key) {
    std::stable_sort(list.begin(), list.end(),
                     [key](const auto& a, const auto& b) { return key(a.first) < key(b.first); });
    json::array out;
    for (const auto& [activity, silence] : list)
      out.push_back(SilenceJson(*silence, activity, *config_defined));
    return out;
  };
  const bool in_maintenance = !active.empty();
  json::array active_items =
      items(active, [](const model::SilenceActivity& a) { return a.window_ends_at; });
  json::array upcoming_items =
      items(upcoming, [](const model::SilenceActivity& a) { return a.window_starts_at; });
  respond(JsonResponse(200, json::object{{"in_maintenance", in_maintenance},
                                         {"active", std::move(active_items)},
                                         {"upcoming", std::move(upcoming_items)}}));
}

void ExpireSilence(const ApiDeps& deps, const PathParams& params, Responder respond) {
  const std::string& id = params.at("id");
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigMaintenance, id); !s.ok())
    return respond(ErrorResponse(s));
  auto expired = deps.engine.silences().Expire(id);
  if (!expired) return respond(ErrorResponse(expired.error()));
  respond(JsonResponse(200, SilenceJson(*expired, deps.clock.Now(), {})));
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
  router.Add({"GET", "/api/v1/maintenance", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                ListMaintenance(deps, std::move(respond));
              }});
}

}  // namespace quell::http
