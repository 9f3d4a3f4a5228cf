#include "model/escalation_json.h"

#include <boost/json.hpp>

#include "common/time_format.h"
#include "model/json_codec.h"
#include "model/json_fields.h"
#include "model/oncall.h"
#include "model/silence_json.h"

namespace quell::model {
namespace {

namespace json = boost::json;

constexpr size_t kMaxSteps = 20;
constexpr size_t kMaxTargets = 20;
constexpr size_t kMaxRoutes = 200;

// A chat id as Telegram writes it: a non-zero integer, as a number or a string ("-100123").
Result<int64_t> ChatId(const json::value& v, const std::string& path) {
  int64_t id = 0;
  if (v.is_int64()) {
    id = v.as_int64();
  } else if (v.is_string()) {
    const std::string text(v.as_string());
    size_t used = 0;
    try {
      id = std::stoll(text, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != text.size()) id = 0;
  }
  if (id == 0)
    return Error(InvalidArgument(path + " must be a Telegram chat id (a non-zero integer)", path));
  return id;
}

Result<EscalationTarget> TargetFromJson(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Error(InvalidArgument(path + " must be an object", path));
  const json::object& object = v.as_object();
  EscalationTarget target;
  int named = 0;
  if (object.contains("schedule")) {
    ++named;
    QUELL_ASSIGN_OR_RETURN(target.schedule, RequiredName(object, "schedule", path + ".schedule"));
  }
  if (object.contains("user")) {
    ++named;
    QUELL_ASSIGN_OR_RETURN(target.user, RequiredName(object, "user", path + ".user"));
  }
  if (const json::value* chat = object.if_contains("chat")) {
    ++named;
    QUELL_ASSIGN_OR_RETURN(target.chat, ChatId(*chat, path + ".chat"));
  }
  if (named != 1)
    return Error(InvalidArgument(path + " must name exactly one of schedule, user or chat", path));
  return target;
}

Result<EscalationStep> StepFromJson(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Error(InvalidArgument(path + " must be an object", path));
  const json::object& object = v.as_object();
  EscalationStep step;
  QUELL_ASSIGN_OR_RETURN(std::string after, OptionalString(object, "after", path + ".after"));
  auto after_ms = ParseDuration(after);
  if (after.empty() || !after_ms || *after_ms < 0)
    return Error(InvalidArgument(path + ".after must be a duration like 0m, 15m or 1h",
                                 path + ".after"));
  step.after_ms = *after_ms;
  const json::value* notify = object.if_contains("notify");
  if (!notify || !notify->is_array() || notify->as_array().empty())
    return Error(InvalidArgument(path + ".notify must be a non-empty array", path + ".notify"));
  if (notify->as_array().size() > kMaxTargets)
    return Error(InvalidArgument(path + ".notify has more than 20 targets", path + ".notify"));
  for (size_t i = 0; i < notify->as_array().size(); ++i) {
    QUELL_ASSIGN_OR_RETURN(EscalationTarget target,
                           TargetFromJson(notify->as_array()[i],
                                          path + ".notify[" + std::to_string(i) + "]"));
    step.notify.push_back(std::move(target));
  }
  return step;
}

json::value TargetToJson(const EscalationTarget& target) {
  if (!target.schedule.empty()) return json::object{{"schedule", target.schedule}};
  if (!target.user.empty()) return json::object{{"user", target.user}};
  return json::object{{"chat", target.chat}};
}

json::array StepsToJson(const std::vector<EscalationStep>& steps) {
  json::array out;
  for (const EscalationStep& step : steps) {
    json::array notify;
    for (const EscalationTarget& t : step.notify) notify.push_back(TargetToJson(t));
    out.push_back(json::object{{"after", FormatDuration(step.after_ms)}, {"notify", std::move(notify)}});
  }
  return out;
}

}  // namespace

Result<EscalationPolicy> EscalationPolicyFromJson(const json::value& root) {
  QUELL_ASSIGN_OR_RETURN(const json::object* object, RootObject(root));
  EscalationPolicy policy;
  QUELL_ASSIGN_OR_RETURN(policy.name, RequiredName(*object, "name", "name"));
  const json::value* steps = object->if_contains("steps");
  if (!steps || !steps->is_array() || steps->as_array().empty())
    return Error(InvalidArgument("steps must be a non-empty array", "steps"));
  if (steps->as_array().size() > kMaxSteps)
    return Error(InvalidArgument("at most 20 steps", "steps"));
  for (size_t i = 0; i < steps->as_array().size(); ++i) {
    const std::string path = "steps[" + std::to_string(i) + "]";
    QUELL_ASSIGN_OR_RETURN(EscalationStep step, StepFromJson(steps->as_array()[i], path));
    if (!policy.steps.empty() && step.after_ms <= policy.steps.back().after_ms)
      return Error(InvalidArgument(path + ".after must be later than the step before it",
                                   path + ".after"));
    policy.steps.push_back(std::move(step));
  }
  if (const json::value* repeat = object->if_contains("repeat"); repeat && !repeat->is_null()) {
    if (!repeat->is_int64() || repeat->as_int64() < 0 || repeat->as_int64() > kMaxEscalationRepeat)
      return Error(InvalidArgument("repeat must be an integer from 0 to 9", "repeat"));
    policy.repeat = static_cast<int>(repeat->as_int64());
  }
  QUELL_ASSIGN_OR_RETURN(std::string repeat_after,
                         OptionalString(*object, "repeat_after", "repeat_after"));
  if (!repeat_after.empty()) {
    auto ms = ParseDuration(repeat_after);
    if (!ms || *ms <= 0)
      return Error(InvalidArgument("repeat_after must be a positive duration like 15m",
                                   "repeat_after"));
    policy.repeat_after_ms = *ms;
  }
  return policy;
}

Result<EscalationPolicy> EscalationPolicyFromJsonText(std::string_view text) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "escalation policy"));
  return EscalationPolicyFromJson(root);
}

json::value EscalationPolicyToJson(const EscalationPolicy& policy) {
  return json::object{{"name", policy.name},
                      {"steps", StepsToJson(policy.steps)},
                      {"repeat", policy.repeat},
                      {"repeat_after", FormatDuration(policy.repeat_after_ms)}};
}

std::string EscalationPolicyToJsonText(const EscalationPolicy& policy) {
  return json::serialize(EscalationPolicyToJson(policy));
}

Result<EscalationRoutes> EscalationRoutesFromJson(const json::value& root) {
  QUELL_ASSIGN_OR_RETURN(const json::object* object, RootObject(root));
  EscalationRoutes routes;
  const json::value* list = object->if_contains("routes");
  if (list && !list->is_null()) {
    if (!list->is_array()) return Error(InvalidArgument("routes must be an array", "routes"));
    if (list->as_array().size() > kMaxRoutes)
      return Error(InvalidArgument("at most 200 routes", "routes"));
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      const std::string path = "routes[" + std::to_string(i) + "]";
      const json::value& v = list->as_array()[i];
      if (!v.is_object()) return Error(InvalidArgument(path + " must be an object", path));
      EscalationRoute route;
      QUELL_ASSIGN_OR_RETURN(route.matchers, MatchersFromJson(v.as_object().if_contains("matchers"),
                                                              path + ".matchers"));
      QUELL_ASSIGN_OR_RETURN(route.policy, RequiredName(v.as_object(), "policy", path + ".policy"));
      routes.routes.push_back(std::move(route));
    }
  }
  QUELL_ASSIGN_OR_RETURN(routes.default_policy, OptionalString(*object, "default", "default"));
  if (!routes.default_policy.empty())
    QUELL_RETURN_IF_ERROR(CheckOnCallName(routes.default_policy, "default"));
  return routes;
}

Result<EscalationRoutes> EscalationRoutesFromJsonText(std::string_view text) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "escalation routes"));
  return EscalationRoutesFromJson(root);
}

json::value EscalationRoutesToJson(const EscalationRoutes& routes) {
  json::array list;
  for (const EscalationRoute& r : routes.routes)
    list.push_back(json::object{{"matchers", MatchersToJson(r.matchers)}, {"policy", r.policy}});
  json::value fallback = nullptr;
  if (!routes.default_policy.empty()) fallback = routes.default_policy;
  return json::object{{"routes", std::move(list)}, {"default", std::move(fallback)}};
}

std::string EscalationRoutesToJsonText(const EscalationRoutes& routes) {
  return json::serialize(EscalationRoutesToJson(routes));
}

Result<EscalationSnapshot> EscalationSnapshotFromJsonText(std::string_view text) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "escalation snapshot"));
  QUELL_ASSIGN_OR_RETURN(const json::object* object, RootObject(root));
  EscalationSnapshot snapshot;
  const json::value* policy = object->if_contains("policy");
  if (!policy) return Error(InvalidArgument("policy is required", "policy"));
  QUELL_ASSIGN_OR_RETURN(snapshot.policy, EscalationPolicyFromJson(*policy));
  QUELL_ASSIGN_OR_RETURN(snapshot.route, OptionalString(*object, "route", "route"));
  QUELL_ASSIGN_OR_RETURN(auto chosen_at, OptionalTime(*object, "chosen_at", "chosen_at"));
  snapshot.chosen_at = chosen_at.value_or(0);
  return snapshot;
}

std::string EscalationSnapshotToJsonText(const EscalationSnapshot& snapshot) {
  return json::serialize(json::object{{"policy", EscalationPolicyToJson(snapshot.policy)},
                                      {"route", snapshot.route},
                                      {"chosen_at", TimeToJson(snapshot.chosen_at)}});
}

json::value EscalationStateToJson(const EscalationState& state) {
  const EscalationPolicy& policy = state.snapshot.policy;
  json::value next = nullptr;
  if (state.next_step && !policy.steps.empty()) {
    const size_t n = *state.next_step;
    next = json::object{{"index", n},
                        {"step", n % policy.steps.size() + 1},
                        {"round", n / policy.steps.size() + 1},
                        {"at", TimeToJson(state.next_at)}};
  }
  json::value stopped = nullptr;
  if (!state.stopped.empty()) stopped = state.stopped;
  return json::object{{"policy", policy.name},
                      {"route", state.snapshot.route},
                      {"chosen_at", TimeToJson(state.snapshot.chosen_at)},
                      {"steps", StepsToJson(policy.steps)},
                      {"repeat", policy.repeat},
                      {"repeat_after", FormatDuration(policy.repeat_after_ms)},
                      {"since", TimeToJson(state.since)},
                      {"steps_taken", state.steps_taken},
                      {"total_steps", policy.TotalSteps()},
                      {"next_step", std::move(next)},
                      {"stopped", std::move(stopped)}};
}

Result<Page> PageFromJsonText(std::string_view text) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "page"));
  QUELL_ASSIGN_OR_RETURN(const json::object* object, RootObject(root));
  Page page;
  auto integer = [&](const json::object& o, const char* key) -> int64_t {
    const json::value* v = o.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : 0;
  };
  page.step_event_id = integer(*object, "step_event_id");
  page.step = static_cast<size_t>(integer(*object, "step"));
  page.round = static_cast<size_t>(integer(*object, "round"));
  QUELL_ASSIGN_OR_RETURN(page.policy, OptionalString(*object, "policy", "policy"));
  const json::value* recipients = object->if_contains("recipients");
  if (!recipients || !recipients->is_array())
    return Error(InvalidArgument("recipients must be an array", "recipients"));
  for (const json::value& v : recipients->as_array()) {
    if (!v.is_object()) return Error(InvalidArgument("recipients[] must be objects", "recipients"));
    const json::object& o = v.as_object();
    PageRecipient r;
    QUELL_ASSIGN_OR_RETURN(r.user, OptionalString(o, "user", "recipients[].user"));
    QUELL_ASSIGN_OR_RETURN(r.via, OptionalString(o, "via", "recipients[].via"));
    QUELL_ASSIGN_OR_RETURN(r.problem, OptionalString(o, "problem", "recipients[].problem"));
    r.telegram_user_id = integer(o, "telegram_user_id");
    r.chat = integer(o, "chat");
    page.recipients.push_back(std::move(r));
  }
  return page;
}

std::string PageToJsonText(const Page& page) {
  json::array recipients;
  for (const PageRecipient& r : page.recipients)
    recipients.push_back(json::object{{"user", r.user},
                                      {"via", r.via},
                                      {"telegram_user_id", r.telegram_user_id},
                                      {"chat", r.chat},
                                      {"problem", r.problem}});
  return json::serialize(json::object{{"step_event_id", page.step_event_id},
                                      {"step", page.step},
                                      {"round", page.round},
                                      {"policy", page.policy},
                                      {"recipients", std::move(recipients)}});
}

}  // namespace quell::model
