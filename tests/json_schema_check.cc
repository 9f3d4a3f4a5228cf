#include "json_schema_check.h"

#include <cmath>
#include <set>

#include <boost/json.hpp>

namespace quell::testing {
namespace {

namespace json = boost::json;

const json::value& Resolve(const json::value& doc, const json::value& schema) {
  const json::value* ref = schema.is_object() ? schema.as_object().if_contains("$ref") : nullptr;
  if (!ref) return schema;
  // "#/components/schemas/Name" -> doc.components.schemas.Name
  std::string path(ref->as_string());
  const json::value* node = &doc;
  size_t start = 2;  // past "#/"
  while (node && start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    node = node->is_object() ? node->as_object().if_contains(path.substr(start, end - start))
                             : nullptr;
    start = end + 1;
  }
  static const json::value kNothing = json::object{{"not", true}};
  return node ? Resolve(doc, *node) : kNothing;
}

bool HasType(const json::value& value, std::string_view type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_bool();
  if (type == "string") return value.is_string();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "number") return value.is_number();
  if (type == "integer")
    return value.is_int64() || value.is_uint64() ||
           (value.is_double() && std::floor(value.as_double()) == value.as_double());
  return false;
}

class Checker {
 public:
  Checker(const json::value& doc, bool closed) : doc_(doc), closed_(closed) {}

  // `open`: the caller checks for keys no schema lists (an allOf base is checked open).
  std::string Check(const json::value& raw_schema, const json::value& value,
                    const std::string& where, bool open) const {
    const json::value& schema = Resolve(doc_, raw_schema);
    if (schema.is_bool()) return schema.as_bool() ? "" : where + ": no value is allowed here";
    const json::object& s = schema.as_object();
    if (s.contains("not")) return where + ": a $ref that names nothing";
    if (const json::value* c = s.if_contains("const"); c && *c != value)
      return where + " is " + json::serialize(value) + ", the document says " + json::serialize(*c);
    if (const json::value* e = s.if_contains("enum")) {
      bool listed = false;
      for (const auto& option : e->as_array()) listed = listed || option == value;
      if (!listed) return where + " is " + json::serialize(value) + ", not one of " + json::serialize(*e);
    }
    if (const json::value* type = s.if_contains("type")) {
      bool matched = false;
      if (type->is_string()) matched = HasType(value, type->as_string());
      else
        for (const auto& t : type->as_array()) matched = matched || HasType(value, t.as_string());
      if (!matched)
        return where + " is " + json::serialize(value) + ", the document says type " +
               json::serialize(*type);
    }
    for (const char* choice : {"oneOf", "anyOf"})
      if (const json::value* alternatives = s.if_contains(choice)) {
        std::string first_reason;
        bool any = false;
        for (const auto& alternative : alternatives->as_array()) {
          std::string reason = Check(alternative, value, where, open);
          if (reason.empty()) any = true;
          else if (first_reason.empty()) first_reason = reason;
        }
        if (!any) return where + " matches none of the " + choice + " (first: " + first_reason + ")";
      }
    if (const json::value* bases = s.if_contains("allOf"))
      for (const auto& base : bases->as_array())
        if (auto reason = Check(base, value, where, /*open=*/true); !reason.empty()) return reason;
    if (value.is_object()) return CheckObject(s, value.as_object(), where, open);
    if (value.is_array())
      if (const json::value* items = s.if_contains("items"))
        for (size_t i = 0; i < value.as_array().size(); ++i)
          if (auto reason = Check(*items, value.as_array()[i], where + "[" + std::to_string(i) + "]", false);
              !reason.empty())
            return reason;
    return "";
  }

 private:
  // The properties a schema lists, with those of its allOf bases.
  void Listed(const json::object& s, std::set<std::string>& names) const {
    if (const json::value* props = s.if_contains("properties"))
      for (const auto& [name, prop] : props->as_object()) names.insert(std::string(name));
    if (const json::value* bases = s.if_contains("allOf"))
      for (const auto& base : bases->as_array()) {
        const json::value& resolved = Resolve(doc_, base);
        if (resolved.is_object()) Listed(resolved.as_object(), names);
      }
  }

  std::string CheckObject(const json::object& s, const json::object& value,
                          const std::string& where, bool open) const {
    if (const json::value* required = s.if_contains("required"))
      for (const auto& name : required->as_array())
        if (!value.contains(name.as_string()))
          return where + "." + std::string(name.as_string()) + " is required but missing";
    const json::value* props = s.if_contains("properties");
    const json::value* extra = s.if_contains("additionalProperties");
    std::set<std::string> listed;
    Listed(s, listed);
    for (const auto& [key, item] : value) {
      const std::string at = where + "." + std::string(key);
      if (const json::value* prop = props ? props->as_object().if_contains(key) : nullptr) {
        if (auto reason = Check(*prop, item, at, false); !reason.empty()) return reason;
      } else if (extra && extra->is_object()) {
        if (auto reason = Check(*extra, item, at, false); !reason.empty()) return reason;
      } else if (closed_ && !open && !extra && !listed.empty() && !listed.count(std::string(key))) {
        return at + " is answered but not in the document";
      }
    }
    return "";
  }

  const json::value& doc_;
  const bool closed_;
};

}  // namespace

std::string SchemaMismatch(const json::value& doc, const json::value& schema,
                           const json::value& value, const std::string& where, bool closed) {
  return Checker(doc, closed).Check(schema, value, where, /*open=*/false);
}

}  // namespace quell::testing
