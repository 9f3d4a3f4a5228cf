#include "model/json_fields.h"

#include "common/time_format.h"
#include "model/oncall.h"

namespace quell::model {

namespace json = boost::json;

Result<std::string> OptionalString(const json::object& object, const char* key,
                                   const std::string& path) {
  const json::value* v = object.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return Error(InvalidArgument(path + " must be a string", path));
  if (v->as_string().size() > kMaxJsonText)
    return Error(InvalidArgument(path + " is too long", path));
  return std::string(v->as_string());
}

Result<std::optional<TimeMs>> OptionalTime(const json::object& object, const char* key,
                                           const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(std::string text, OptionalString(object, key, path));
  if (text.empty()) return std::optional<TimeMs>();
  auto t = ParseRfc3339(text);
  if (!t) return Error(InvalidArgument(path + ": " + t.error().message(), path));
  return std::optional<TimeMs>(*t);
}

Result<const json::object*> RootObject(const json::value& root) {
  if (!root.is_object()) return Error(InvalidArgument("body must be a JSON object", "body"));
  return &root.as_object();
}

Result<std::string> RequiredName(const json::object& object, const char* key,
                                 const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(std::string name, OptionalString(object, key, path));
  QUELL_RETURN_IF_ERROR(CheckOnCallName(name, path));
  return name;
}

Result<json::value> ParseJsonText(std::string_view text, const std::string& what) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return Error(InvalidArgument(what + " is not JSON: " + ec.message(), "body"));
  return root;
}

}  // namespace quell::model
