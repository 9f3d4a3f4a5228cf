// The JSON form of escalation policies, routes, an incident's escalation state and a step's page,
// for the API and for storage (Store settings under "escalation/", see
// engine/escalation_policies.h). Shape only: whether a schedule or user exists, or a policy a
// route names, is checked by engine::EscalationPolicies. Boost.JSON types are only declared here;
// callers include <boost/json.hpp> in their .cc.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/escalation.h"

namespace boost::json {
class value;
}  // namespace boost::json

namespace quell::model {

// {"name", "steps": [{"after": "15m", "notify": [{"schedule": "primary"} | {"user": "bob"} |
// {"chat": -100123 or "-100123"}]}], "repeat"?: 0..9, "repeat_after"?: "15m"}. InvalidArgument
// naming the field ("steps[1].after", "steps[0].notify[2]") for a wrong type, no steps, an
// `after` that is not a duration or not after the previous step's, a target that names none or
// more than one of schedule/user/chat, or a repeat out of range.
Result<EscalationPolicy> EscalationPolicyFromJson(const boost::json::value& json);
Result<EscalationPolicy> EscalationPolicyFromJsonText(std::string_view text);
boost::json::value EscalationPolicyToJson(const EscalationPolicy& policy);
std::string EscalationPolicyToJsonText(const EscalationPolicy& policy);

// {"routes": [{"matchers": [...], "policy": "name"}], "default": "name" | null}. Regexes are
// not compiled here (engine/silence_matcher.h does).
Result<EscalationRoutes> EscalationRoutesFromJson(const boost::json::value& json);
Result<EscalationRoutes> EscalationRoutesFromJsonText(std::string_view text);
boost::json::value EscalationRoutesToJson(const EscalationRoutes& routes);
std::string EscalationRoutesToJsonText(const EscalationRoutes& routes);

// The stored snapshot {"policy": {...}, "route", "chosen_at"}.
Result<EscalationSnapshot> EscalationSnapshotFromJsonText(std::string_view text);
std::string EscalationSnapshotToJsonText(const EscalationSnapshot& snapshot);

// An incident's "escalation" in the API: {"policy": name, "route", "chosen_at", "steps",
// "repeat", "repeat_after", "since", "steps_taken", "total_steps", "next_step": {"index",
// "step", "round", "at"} | null, "stopped": "acknowledged" | ... | null}.
boost::json::value EscalationStateToJson(const EscalationState& state);

// The "escalation.page" job's payload.
Result<Page> PageFromJsonText(std::string_view text);
std::string PageToJsonText(const Page& page);

}  // namespace quell::model
