#include "model/silence_json.h"

#include <boost/json.hpp>

#include "common/time_format.h"
#include "model/json_codec.h"

namespace quell::model {
namespace {

namespace json = boost::json;

constexpr size_t kMaxMatchers = 64;
constexpr size_t kMaxText = 4096;

// The optional string member `key` of `object` ("" when absent or null).
Result<std::string> OptionalString(const json::object& object, const char* key,
                                   const std::string& path) {
  const json::value* v = object.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return Error(InvalidArgument(path + " must be a string", path));
  if (v->as_string().size() > kMaxText) return Error(InvalidArgument(path + " is too long", path));
  return std::string(v->as_string());
}

// The optional RFC 3339 member `key` (nullopt when absent or null).
Result<std::optional<TimeMs>> OptionalTime(const json::object& object, const char* key) {
  QUELL_ASSIGN_OR_RETURN(std::string text, OptionalString(object, key, key));
  if (text.empty()) return std::optional<TimeMs>();
  auto t = ParseRfc3339(text);
  if (!t) return Error(InvalidArgument(std::string(key) + ": " + t.error().message(), key));
  return std::optional<TimeMs>(*t);
}

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
  QUELL_ASSIGN_OR_RETURN(auto ends_at, OptionalTime(object, "ends_at"));
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
  json::array matchers;
  for (const Matcher& m : silence.matchers)
    matchers.push_back(
        json::object{{"name", m.name}, {"op", MatchOpName(m.op)}, {"value", m.value}});
  return json::object{{"id", silence.id},
                      {"matchers", std::move(matchers)},
                      {"starts_at", TimeToJson(silence.starts_at)},
                      {"ends_at", TimeToJson(silence.ends_at)},
                      {"comment", silence.comment},
                      {"created_by", silence.created_by},
                      {"created_at", TimeToJson(silence.created_at)}};
}

}  // namespace

Result<Silence> SilenceFromJson(const json::value& root, TimeMs now) {
  if (!root.is_object()) return Error(InvalidArgument("body must be a JSON object", "body"));
  const json::object& object = root.as_object();
  Silence silence;
  const json::value* matchers = object.if_contains("matchers");
  if (!matchers || !matchers->is_array())
    return Error(InvalidArgument("matchers must be an array", "matchers"));
  if (matchers->as_array().empty())
    return Error(InvalidArgument("matchers must not be empty", "matchers"));
  if (matchers->as_array().size() > kMaxMatchers)
    return Error(InvalidArgument("at most 64 matchers", "matchers"));
  for (size_t i = 0; i < matchers->as_array().size(); ++i) {
    QUELL_ASSIGN_OR_RETURN(
        Matcher m, MatcherFromJson(matchers->as_array()[i], "matchers[" + std::to_string(i) + "]"));
    silence.matchers.push_back(std::move(m));
  }
  QUELL_ASSIGN_OR_RETURN(auto starts_at, OptionalTime(object, "starts_at"));
  silence.starts_at = starts_at.value_or(now);
  QUELL_ASSIGN_OR_RETURN(silence.ends_at, ReadEnd(object, silence.starts_at));
  QUELL_ASSIGN_OR_RETURN(silence.comment, OptionalString(object, "comment", "comment"));
  QUELL_ASSIGN_OR_RETURN(silence.created_by, OptionalString(object, "created_by", "created_by"));
  QUELL_ASSIGN_OR_RETURN(silence.id, OptionalString(object, "id", "id"));
  QUELL_ASSIGN_OR_RETURN(auto created_at, OptionalTime(object, "created_at"));
  silence.created_at = created_at.value_or(now);
  return silence;
}

Result<Silence> SilenceFromJsonText(std::string_view text, TimeMs now) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Error(InvalidArgument("silence is not JSON: " + ec.message(), "body"));
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
