// People and schedules (issue 21): users (POST/GET /api/v1/users, DELETE /api/v1/users/{name}),
// schedules (POST/GET /api/v1/schedules, GET/DELETE /api/v1/schedules/{name}), overrides
// (POST /api/v1/schedules/{name}/overrides, DELETE .../overrides/{id}) and who is on call
// (GET /api/v1/oncall, now or ?at= another instant). Writes need admin, as silences and
// incident actions do; reads need read. A POST of an existing user or schedule replaces it (200
// instead of 201). The rules are in src/oncall/. Users and schedules written in the config file
// show "source":"config" (others "api") and cannot be replaced or deleted here (409); overrides
// of a config-defined schedule can (swapping a shift is operations, not configuration).
#include <boost/json.hpp>

#include "http/stored_object.h"
#include "model/oncall_json.h"
#include "store/config_defined.h"

namespace quell::http {
namespace {

namespace json = boost::json;

void PutUser(const ApiDeps& deps, const HttpRequest& request, Responder respond) {
  auto user = ReadBody(request, [](const json::value& v) { return model::UserFromJson(v); });
  if (!user) return respond(BodyError(user.error()));
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigUser, user->name); !s.ok())
    return respond(ErrorResponse(s));
  auto created = deps.engine.oncall().PutUser(*user);
  if (!created) return respond(ErrorResponse(created.error()));
  respond(Stored(*created, WithSource(model::UserToJson(*user)),
                 "/api/v1/users/" + user->name));
}

void ListUsers(const ApiDeps& deps, Responder respond) {
  auto users = deps.engine.oncall().ListUsers();
  if (!users) return respond(ErrorResponse(users.error()));
  auto config_defined = store::ConfigDefinedNames(deps.store, store::kConfigUser);
  if (!config_defined) return respond(ErrorResponse(config_defined.error()));
  json::array items;
  for (const auto& user : *users) {
    items.push_back(WithSource(model::UserToJson(user), config_defined->contains(user.name)));
  }
  respond(JsonResponse(200, json::object{{"users", std::move(items)}}));
}

void DeleteUser(const ApiDeps& deps, const std::string& name, Responder respond) {
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigUser, name); !s.ok())
    return respond(ErrorResponse(s));
  auto user = deps.engine.oncall().FindUser(name);
  if (!user) return respond(ErrorResponse(user.error()));
  if (!*user) return respond(ErrorResponse(NotFound("no user " + name)));
  if (Status s = deps.engine.oncall().DeleteUser(name); !s.ok()) return respond(ErrorResponse(s));
  respond(JsonResponse(200, WithSource(model::UserToJson(**user))));
}

void PutSchedule(const ApiDeps& deps, const HttpRequest& request, Responder respond) {
  auto schedule =
      ReadBody(request, [](const json::value& v) { return model::ScheduleFromJson(v); });
  if (!schedule) return respond(BodyError(schedule.error()));
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigSchedule, schedule->name);
      !s.ok())
    return respond(ErrorResponse(s));
  auto created = deps.engine.oncall().PutSchedule(*schedule);
  if (!created) return respond(ErrorResponse(created.error()));
  respond(Stored(*created,
                 WithSource(model::ScheduleToJson(*schedule)),
                 "/api/v1/schedules/" + schedule->name));
}

void ListSchedules(const ApiDeps& deps, Responder respond) {
  auto schedules = deps.engine.oncall().ListSchedules();
  if (!schedules) return respond(ErrorResponse(schedules.error()));
  auto config_defined = store::ConfigDefinedNames(deps.store, store::kConfigSchedule);
  if (!config_defined) return respond(ErrorResponse(config_defined.error()));
  json::array items;
  for (const auto& schedule : *schedules) {
    items.push_back(
        WithSource(model::ScheduleToJson(schedule), config_defined->contains(schedule.name)));
  }
  respond(JsonResponse(200, json::object{{"schedules", std::move(items)}}));
}

// The schedule with its overrides that have not ended and who is on call now.
void GetSchedule(const ApiDeps& deps, const std::string& name, Responder respond) {
  oncall::Directory& directory = deps.engine.oncall();
  const TimeMs now = deps.clock.Now();
  auto schedule = directory.GetSchedule(name);
  if (!schedule) return respond(ErrorResponse(schedule.error()));
  auto overrides = directory.ListOverrides(name, now);
  if (!overrides) return respond(ErrorResponse(overrides.error()));
  auto on_call = directory.WhoIsOnCall(name, now);
  if (!on_call) return respond(ErrorResponse(on_call.error()));
  auto config_defined = store::ConfigDefinedNames(deps.store, store::kConfigSchedule);
  if (!config_defined) return respond(ErrorResponse(config_defined.error()));
  json::value body = WithSource(model::ScheduleToJson(*schedule), config_defined->contains(name));
  json::array items;
  for (const auto& o : *overrides) items.push_back(model::OverrideToJson(o));
  body.as_object()["overrides"] = std::move(items);
  body.as_object()["on_call"] = model::OnCallToJson(name, *on_call);
  respond(JsonResponse(200, body));
}

void DeleteSchedule(const ApiDeps& deps, const std::string& name, Responder respond) {
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigSchedule, name); !s.ok())
    return respond(ErrorResponse(s));
  auto deleted = deps.engine.oncall().DeleteSchedule(name);
  if (!deleted) return respond(ErrorResponse(deleted.error()));
  respond(JsonResponse(
      200, WithSource(model::ScheduleToJson(*deleted))));
}

void DeleteOverride(const ApiDeps& deps, const PathParams& params, Responder respond) {
  auto deleted = deps.engine.oncall().DeleteOverride(params.at("name"), params.at("id"));
  if (!deleted) return respond(ErrorResponse(deleted.error()));
  respond(JsonResponse(200, model::OverrideToJson(*deleted)));
}

void AddOverride(const ApiDeps& deps, const HttpRequest& request, const std::string& schedule,
                 Responder respond) {
  const TimeMs now = deps.clock.Now();
  auto override_ =
      ReadBody(request, [now](const json::value& v) { return model::OverrideFromJson(v, now); });
  if (!override_) return respond(BodyError(override_.error()));
  override_->created_by = request.caller;  // who acts, as on the timeline
  auto added = deps.engine.oncall().AddOverride(schedule, std::move(*override_));
  if (!added) return respond(ErrorResponse(added.error()));
  respond(Stored(true, model::OverrideToJson(*added),
                 "/api/v1/schedules/" + schedule + "/overrides/" + added->id));
}

// ?schedule=NAME: that schedule's answer; without it, {"oncall": [one per schedule]}. ?at=TIME
// asks about another instant than now (the dashboard asks at `until` who is next).
void WhoIsOnCall(const ApiDeps& deps, const HttpRequest& request, Responder respond) {
  auto at = TimeQueryParam(request, "at", deps.clock.Now());
  if (!at) return respond(ErrorResponse(at.error()));
  const std::string schedule = request.Query("schedule");
  if (!schedule.empty()) {
    auto on_call = deps.engine.oncall().WhoIsOnCall(schedule, *at);
    if (!on_call) return respond(ErrorResponse(on_call.error()));
    return respond(JsonResponse(200, model::OnCallToJson(schedule, *on_call)));
  }
  auto all = deps.engine.oncall().WhoIsOnCallEverywhere(*at);
  if (!all) return respond(ErrorResponse(all.error()));
  json::array items;
  for (const auto& [each, on_call] : *all) items.push_back(model::OnCallToJson(each.name, on_call));
  respond(JsonResponse(200, json::object{{"oncall", std::move(items)}}));
}

}  // namespace

void AddOnCallRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"POST", "/api/v1/users", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                PutUser(deps, request, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/users", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                ListUsers(deps, std::move(respond));
              }});
  router.Add({"DELETE", "/api/v1/users/{name}", store::Scope::kAdmin,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                DeleteUser(deps, params.at("name"), std::move(respond));
              }});
  router.Add({"POST", "/api/v1/schedules", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                PutSchedule(deps, request, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/schedules", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                ListSchedules(deps, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/schedules/{name}", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                GetSchedule(deps, params.at("name"), std::move(respond));
              }});
  router.Add({"DELETE", "/api/v1/schedules/{name}", store::Scope::kAdmin,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                DeleteSchedule(deps, params.at("name"), std::move(respond));
              }});
  router.Add({"DELETE", "/api/v1/schedules/{name}/overrides/{id}", store::Scope::kAdmin,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                DeleteOverride(deps, params, std::move(respond));
              }});
  router.Add({"POST", "/api/v1/schedules/{name}/overrides", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams& params, Responder respond) {
                AddOverride(deps, request, params.at("name"), std::move(respond));
              }});
  router.Add({"GET", "/api/v1/oncall", store::Scope::kRead,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                WhoIsOnCall(deps, request, std::move(respond));
              }});
}

}  // namespace quell::http
