#include "model/silence_json.h"

#include <boost/json.hpp>

#include "common/time_format.h"
#include "model/json_codec.h"
#include "model/json_fields.h"

namespace quell::model {
namespace {

namespace json = boost::json;

constexpr size_t kMaxMatchers = 64;

Result<Matcher> MatcherFromJson(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Error(InvalidArgument(path + " must be an object", path));
  const json::object& object = v.as_object();
  Matcher matcher;
  QUELL_ASSIGN_OR_RETURN(matcher.name, OptionalString(object, "name", path + ".name"));
  if (matcher.name.empty())
    return Error(InvalidArgument(path + ".name is required", path + ".name"));
  QUELL_ASSIGN_OR_RETURN(std::string op, OptionalString(object, "op", path + ".op"));
  auto parsed = ParseMatchOp(op);
  if (!parsed)
    return Error(InvalidArgument(path + ".op must be one of =, !=, =~, !~", path + ".op"));
  matcher.op = *parsed;
  QUELL_ASSIGN_OR_RETURN(matcher.value, OptionalString(object, "value", path + ".value"));
  return matcher;
}

// ends_at, or starts_at + duration: exactly one of the two.
Result<TimeMs> ReadEnd(const json::object& object, TimeMs starts_at) {
  QUELL_ASSIGN_OR_RETURN(auto ends_at, OptionalTime(object, "ends_at", "ends_at"));
  QUELL_ASSIGN_OR_RETURN(std::string duration, OptionalString(object, "duration", "duration"));
  if (ends_at && !duration.empty())
    return Error(InvalidArgument("give ends_at or duration, not both", "duration"));
  if (ends_at) {
    if (*ends_at <= starts_at)
      return Error(InvalidArgument("ends_at must be after starts_at", "ends_at"));
    return *ends_at;
  }
  if (duration.empty()) return Error(InvalidArgument("ends_at or duration is required", "ends_at"));
  auto ms = ParseDuration(duration);
  if (!ms || *ms <= 0)
    return Error(InvalidArgument("duration must be like 30m, 4h or 7d", "duration"));
  if (starts_at > kMaxTimeMs - *ms)
    return Error(InvalidArgument("duration ends too late", "duration"));
  return starts_at + *ms;
}

json::object SilenceObject(const Silence& silence) {
  return json::object{{"id", silence.id},
                      {"matchers", MatchersToJson(silence.matchers)},
                      {"starts_at", TimeToJson(silence.starts_at)},
                      {"ends_at", TimeToJson(silence.ends_at)},
                      {"comment", silence.comment},
                      {"created_by", silence.created_by},
                      {"created_at", TimeToJson(silence.created_at)}};
}

}  // namespace

Result<std::vector<Matcher>> MatchersFromJson(const json::value* matchers,
                                              const std::string& path) {
  if (!matchers || !matchers->is_array())
    return Error(InvalidArgument(path + " must be an array", path));
  if (matchers->as_array().empty())
    return Error(InvalidArgument(path + " must not be empty", path));
  if (matchers->as_array().size() > kMaxMatchers)
    return Error(InvalidArgument("at most 64 matchers", path));
  std::vector<Matcher> out;
  for (size_t i = 0; i < matchers->as_array().size(); ++i) {
    QUELL_ASSIGN_OR_RETURN(Matcher m, MatcherFromJson(matchers->as_array()[i],
                                                      path + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(m));
  }
  return out;
}

json::value MatchersToJson(const std::vector<Matcher>& matchers) {
  json::array out;
  for (const Matcher& m : matchers)
    out.push_back(json::object{{"name", m.name}, {"op", MatchOpName(m.op)}, {"value", m.value}});
  return out;
}

Result<Silence> SilenceFromJson(const json::value& root, TimeMs now) {
  if (!root.is_object()) return Error(InvalidArgument("body must be a JSON object", "body"));
  const json::object& object = root.as_object();
  Silence silence;
  QUELL_ASSIGN_OR_RETURN(silence.matchers,
                         MatchersFromJson(object.if_contains("matchers"), "matchers"));
  QUELL_ASSIGN_OR_RETURN(auto starts_at, OptionalTime(object, "starts_at", "starts_at"));
  silence.starts_at = starts_at.value_or(now);
  QUELL_ASSIGN_OR_RETURN(silence.ends_at, ReadEnd(object, silence.starts_at));
  QUELL_ASSIGN_OR_RETURN(silence.comment, OptionalString(object, "comment", "comment"));
  QUELL_ASSIGN_OR_RETURN(silence.created_by, OptionalString(object, "created_by", "created_by"));
  QUELL_ASSIGN_OR_RETURN(silence.id, OptionalString(object, "id", "id"));
  QUELL_ASSIGN_OR_RETURN(auto created_at, OptionalTime(object, "created_at", "created_at"));
  silence.created_at = created_at.value_or(now);
  return silence;
}

Result<Silence> SilenceFromJsonText(std::string_view text, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, "silence"));
  return SilenceFromJson(root, now);
}

json::value SilenceToJson(const Silence& silence, TimeMs now) {
  json::object object = SilenceObject(silence);
  object["state"] = SilenceStateName(SilenceStateAt(silence, now));
  return object;
}

std::string SilenceToJsonText(const Silence& silence) {
  return json::serialize(SilenceObject(silence));
}

}  // namespace quell::model
