// Escalation policies and routes (issue 21): POST/GET /api/v1/escalation-policies,
// GET/PUT/DELETE /api/v1/escalation-policies/{name}, GET/PUT /api/v1/escalation-routes. Writes
// need admin, reads need read, as for users and schedules. A POST of an existing policy replaces
// it (200 instead of 201), as PUT does; incidents keep the copy they were given. The rules are
// in src/engine/escalation_policies.h and escalation.cc. Policies and routes written in the
// config file show "source":"config" (others "api") and cannot be changed here (409).
#include <set>
#include <string>

#include <boost/json.hpp>

#include "http/stored_object.h"
#include "model/escalation_json.h"
#include "store/config_defined.h"

namespace quell::http {
namespace {

namespace json = boost::json;

// The policy as the API shows it, with its source (`config_defined`: the kConfigPolicy names).
json::value PolicyAnswer(const std::set<std::string>& config_defined,
                         const model::EscalationPolicy& policy) {
  return WithSource(model::EscalationPolicyToJson(policy), config_defined.contains(policy.name));
}

Result<json::value> RoutesAnswer(const ApiDeps& deps, const model::EscalationRoutes& routes) {
  QUELL_ASSIGN_OR_RETURN(auto config_defined,
                         store::ConfigDefinedNames(deps.store, store::kConfigRoutes));
  return WithSource(model::EscalationRoutesToJson(routes),
                    config_defined.contains(std::string(store::kConfigRoutesName)));
}

// POST (name from the body) and PUT (name from the path; a body name must agree).
void PutPolicy(const ApiDeps& deps, const HttpRequest& request, const std::string* path_name,
               Responder respond) {
  auto policy = ReadBody(request, [path_name](const json::value& v) {
    if (!path_name || !v.is_object() || v.as_object().contains("name"))
      return model::EscalationPolicyFromJson(v);
    json::value named = v;  // PUT without a name in the body: the path's
    named.as_object()["name"] = *path_name;
    return model::EscalationPolicyFromJson(named);
  });
  if (!policy) return respond(BodyError(policy.error()));
  if (path_name && policy->name != *path_name)
    return respond(ErrorResponse(
        InvalidArgument("name must be the path's (" + *path_name + ") or absent", "name")));
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigPolicy, policy->name);
      !s.ok())
    return respond(ErrorResponse(s));
  auto created = deps.engine.escalation().Put(*policy);
  if (!created) return respond(ErrorResponse(created.error()));
  respond(Stored(*created, WithSource(model::EscalationPolicyToJson(*policy)),
                 "/api/v1/escalation-policies/" + policy->name));
}

void ListPolicies(const ApiDeps& deps, Responder respond) {
  auto policies = deps.engine.escalation().List();
  if (!policies) return respond(ErrorResponse(policies.error()));
  // Read once for the whole list, not once per policy.
  auto config_defined = store::ConfigDefinedNames(deps.store, store::kConfigPolicy);
  if (!config_defined) return respond(ErrorResponse(config_defined.error()));
  json::array items;
  for (const auto& policy : *policies) items.push_back(PolicyAnswer(*config_defined, policy));
  respond(JsonResponse(200, json::object{{"policies", std::move(items)}}));
}

void GetPolicy(const ApiDeps& deps, const std::string& name, Responder respond) {
  auto policy = deps.engine.escalation().Get(name);
  if (!policy) return respond(ErrorResponse(policy.error()));
  auto config_defined = store::ConfigDefinedNames(deps.store, store::kConfigPolicy);
  if (!config_defined) return respond(ErrorResponse(config_defined.error()));
  respond(JsonResponse(200, PolicyAnswer(*config_defined, *policy)));
}

void DeletePolicy(const ApiDeps& deps, const std::string& name, Responder respond) {
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigPolicy, name); !s.ok())
    return respond(ErrorResponse(s));
  auto deleted = deps.engine.escalation().Delete(name);
  if (!deleted) return respond(ErrorResponse(deleted.error()));
  respond(JsonResponse(200, WithSource(model::EscalationPolicyToJson(*deleted))));
}

void PutRoutes(const ApiDeps& deps, const HttpRequest& request, Responder respond) {
  auto routes =
      ReadBody(request, [](const json::value& v) { return model::EscalationRoutesFromJson(v); });
  if (!routes) return respond(BodyError(routes.error()));
  if (Status s = store::RefuseConfigDefined(deps.store, store::kConfigRoutes,
                                            std::string(store::kConfigRoutesName));
      !s.ok())
    return respond(ErrorResponse(s));
  if (Status s = deps.engine.escalation().PutRoutes(*routes); !s.ok())
    return respond(ErrorResponse(s));
  respond(JsonResponse(200, WithSource(model::EscalationRoutesToJson(*routes))));
}

void GetRoutes(const ApiDeps& deps, Responder respond) {
  auto routes = deps.engine.escalation().GetRoutes();
  if (!routes) return respond(ErrorResponse(routes.error()));
  auto answer = RoutesAnswer(deps, *routes);
  if (!answer) return respond(ErrorResponse(answer.error()));
  respond(JsonResponse(200, *answer));
}

}  // namespace

void AddEscalationRoutes(Router& router, const ApiDeps& deps) {
  router.Add({"POST", "/api/v1/escalation-policies", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                PutPolicy(deps, request, nullptr, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/escalation-policies", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                ListPolicies(deps, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/escalation-policies/{name}", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                GetPolicy(deps, params.at("name"), std::move(respond));
              }});
  router.Add({"PUT", "/api/v1/escalation-policies/{name}", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams& params, Responder respond) {
                PutPolicy(deps, request, &params.at("name"), std::move(respond));
              }});
  router.Add({"DELETE", "/api/v1/escalation-policies/{name}", store::Scope::kAdmin,
              [deps](HttpRequest&, const PathParams& params, Responder respond) {
                DeletePolicy(deps, params.at("name"), std::move(respond));
              }});
  router.Add({"PUT", "/api/v1/escalation-routes", store::Scope::kAdmin,
              [deps](HttpRequest& request, const PathParams&, Responder respond) {
                PutRoutes(deps, request, std::move(respond));
              }});
  router.Add({"GET", "/api/v1/escalation-routes", store::Scope::kRead,
              [deps](HttpRequest&, const PathParams&, Responder respond) {
                GetRoutes(deps, std::move(respond));
              }});
}

}  // namespace quell::http
