#include "engine/escalation_policies.h"

#include <spdlog/spdlog.h>

#include "engine/silence_matcher.h"
#include "model/escalation_json.h"

namespace quell::engine {
namespace {

const std::string kPolicyPrefix = "escalation/policy/";
const std::string kRoutesKey = "escalation/routes";
// With no routes stored, a policy of this name is the default.
const std::string kDefaultPolicyName = "default";

}  // namespace

EscalationPolicies::EscalationPolicies(store::Store& store, oncall::Directory& directory)
    : store_(store), directory_(directory) {}

Result<bool> EscalationPolicies::Put(const model::EscalationPolicy& policy) {
  QUELL_RETURN_IF_ERROR(model::CheckOnCallName(policy.name, "name"));
  if (policy.steps.empty()) return Error(InvalidArgument("steps must not be empty", "steps"));
  for (size_t i = 0; i < policy.steps.size(); ++i) {
    const auto& notify = policy.steps[i].notify;
    for (size_t j = 0; j < notify.size(); ++j) {
      const std::string path =
          "steps[" + std::to_string(i) + "].notify[" + std::to_string(j) + "]";
      if (!notify[j].schedule.empty()) {
        if (auto found = directory_.GetSchedule(notify[j].schedule); !found) {
          if (found.error().code() != StatusCode::kNotFound) return Error(found.error());
          return Error(InvalidArgument(path + ".schedule: no schedule " + notify[j].schedule +
                                           " (POST /api/v1/schedules)",
                                       path + ".schedule"));
        }
      }
      if (!notify[j].user.empty()) {
        QUELL_ASSIGN_OR_RETURN(auto user, directory_.FindUser(notify[j].user));
        if (!user)
          return Error(InvalidArgument(
              path + ".user: no user " + notify[j].user + " (POST /api/v1/users)", path + ".user"));
      }
    }
  }
  const std::string key = kPolicyPrefix + policy.name;
  QUELL_ASSIGN_OR_RETURN(auto existing, store_.GetSetting(key));
  QUELL_RETURN_IF_ERROR(store_.PutSetting(key, model::EscalationPolicyToJsonText(policy)));
  return !existing.has_value();
}

Result<std::vector<model::EscalationPolicy>> EscalationPolicies::List() {
  QUELL_ASSIGN_OR_RETURN(auto settings, store_.ListSettings(kPolicyPrefix));
  std::vector<model::EscalationPolicy> policies;
  for (const auto& [key, value] : settings) {
    auto policy = model::EscalationPolicyFromJsonText(value);
    if (!policy) {  // one unreadable row must not hide the others
      spdlog::warn("skipping stored {}: {}", key, policy.error().ToString());
      continue;
    }
    policies.push_back(std::move(*policy));
  }
  return policies;
}

Result<model::EscalationPolicy> EscalationPolicies::Get(const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(auto text, store_.GetSetting(kPolicyPrefix + name));
  if (!text) return Error(NotFound("no escalation policy " + name));
  return model::EscalationPolicyFromJsonText(*text);
}

Result<model::EscalationPolicy> EscalationPolicies::Delete(const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(model::EscalationPolicy policy, Get(name));
  QUELL_ASSIGN_OR_RETURN(auto stored, store_.GetSetting(kRoutesKey));
  if (stored) {
    QUELL_ASSIGN_OR_RETURN(model::EscalationRoutes routes,
                           model::EscalationRoutesFromJsonText(*stored));
    bool named = routes.default_policy == name;
    for (const auto& route : routes.routes) named = named || route.policy == name;
    if (named)
      return Error(Conflict("escalation policy " + name +
                            " is named by the escalation routes; change them first"));
  }
  auto deleted = store_.DeleteSetting(kPolicyPrefix + name);
  if (!deleted) return Error(deleted.error());
  return policy;
}

Status EscalationPolicies::PutRoutes(const model::EscalationRoutes& routes) {
  auto known = [&](const std::string& policy, const std::string& field) -> Status {
    auto found = Get(policy);
    if (found) return Status::Ok();
    if (found.error().code() != StatusCode::kNotFound) return found.error();
    return InvalidArgument(field + ": no escalation policy " + policy +
                               " (POST /api/v1/escalation-policies)",
                           field);
  };
  for (size_t i = 0; i < routes.routes.size(); ++i) {
    const std::string path = "routes[" + std::to_string(i) + "]";
    if (auto compiled =
            CompiledMatchers::Compile(routes.routes[i].matchers, path + ".matchers");
        !compiled)
      return compiled.error();
    QUELL_RETURN_IF_ERROR(known(routes.routes[i].policy, path + ".policy"));
  }
  if (!routes.default_policy.empty()) QUELL_RETURN_IF_ERROR(known(routes.default_policy, "default"));
  return store_.PutSetting(kRoutesKey, model::EscalationRoutesToJsonText(routes));
}

Status EscalationPolicies::DeleteRoutes() {
  auto deleted = store_.DeleteSetting(kRoutesKey);
  return deleted ? Status::Ok() : deleted.error();
}

Result<model::EscalationRoutes> EscalationPolicies::GetRoutes() {
  QUELL_ASSIGN_OR_RETURN(auto stored, store_.GetSetting(kRoutesKey));
  if (stored) return model::EscalationRoutesFromJsonText(*stored);
  model::EscalationRoutes none;
  QUELL_ASSIGN_OR_RETURN(auto fallback, store_.GetSetting(kPolicyPrefix + kDefaultPolicyName));
  if (fallback) none.default_policy = kDefaultPolicyName;
  return none;
}

Result<std::optional<model::EscalationPolicy>> EscalationPolicies::Choose(
    const model::NormalizedAlert& alert, std::string& route) {
  QUELL_ASSIGN_OR_RETURN(model::EscalationRoutes routes, GetRoutes());
  std::string chosen;
  for (size_t i = 0; i < routes.routes.size() && chosen.empty(); ++i) {
    // Checked when stored; a route that no longer compiles is skipped, not fatal.
    auto matchers = CompiledMatchers::Compile(routes.routes[i].matchers);
    if (!matchers) {
      spdlog::warn("escalation route {} skipped: {}", i, matchers.error().ToString());
      continue;
    }
    if (matchers->Matches(alert)) {
      chosen = routes.routes[i].policy;
      route = "routes[" + std::to_string(i) + "]";
    }
  }
  if (chosen.empty() && !routes.default_policy.empty()) {
    chosen = routes.default_policy;
    route = "default";
  }
  if (chosen.empty()) return std::optional<model::EscalationPolicy>();
  auto policy = Get(chosen);
  if (!policy) {
    if (policy.error().code() != StatusCode::kNotFound) return Error(policy.error());
    spdlog::warn("escalation {} names policy {}, which is gone", route, chosen);
    return std::optional<model::EscalationPolicy>();
  }
  return std::optional(std::move(*policy));
}

}  // namespace quell::engine
