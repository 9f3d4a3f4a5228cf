// EscalationPolicies (Engine::escalation()): the escalation policies and the routes that pick
// one, kept in the Store as settings ("escalation/policy/<name>", "escalation/routes", the JSON
// of model/escalation_json.h), so every backend holds them without a schema change, as
// oncall::Directory keeps users. Nothing is cached: what another node wrote is seen at once.
// Validation that needs the store (a schedule or user a step names, a policy a route names) is
// here; the shape is model/escalation_json.h's. Thread-safe (the Store is).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/alert.h"
#include "model/escalation.h"
#include "oncall/directory.h"
#include "store/store.h"

namespace quell::engine {

class EscalationPolicies {
 public:
  // `store` and `directory` must outlive this.
  EscalationPolicies(store::Store& store, oncall::Directory& directory);

  // Creates the policy, or replaces the one of that name (incidents keep the copy they were
  // given). Returns whether it was created. InvalidArgument naming the field for an unknown
  // schedule ("steps[0].notify[1].schedule") or user.
  Result<bool> Put(const model::EscalationPolicy& policy);
  // By name.
  Result<std::vector<model::EscalationPolicy>> List();
  // NotFound for an unknown name.
  Result<model::EscalationPolicy> Get(const std::string& name);
  // Deletes it and returns it; NotFound for an unknown name, Conflict while a route or the
  // default names it.
  Result<model::EscalationPolicy> Delete(const std::string& name);

  // Replaces the routes. InvalidArgument naming the field for a regex that does not compile
  // ("routes[1].matchers[0].value") or an unknown policy ("routes[0].policy", "default").
  Status PutRoutes(const model::EscalationRoutes& routes);
  // Removes the stored routes (back to none stored, see GetRoutes).
  Status DeleteRoutes();
  // The stored routes; none stored: no routes, and the default is a policy named "default" if
  // there is one.
  Result<model::EscalationRoutes> GetRoutes();

  // The policy for an incident whose first alert is `alert`: the first route whose matchers all
  // match it, else the default; nullopt when neither names a stored policy. Sets `route` to what
  // chose it ("routes[2]", "default").
  Result<std::optional<model::EscalationPolicy>> Choose(const model::NormalizedAlert& alert,
                                                        std::string& route);

 private:
  store::Store& store_;
  oncall::Directory& directory_;
};

}  // namespace quell::engine
