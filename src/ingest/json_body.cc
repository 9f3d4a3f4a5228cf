#include "ingest/json_body.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <vector>

#include "common/time_format.h"

namespace quell::ingest {

namespace json = boost::json;

namespace {

// A number too large for a double (1e999, or 400 digits) parses as infinity, which JSON cannot
// carry: stored in raw_json or a metric, it would come back out of the API as `Infinity`, which
// no JSON parser reads. Sets `where` to its path, innermost segment first.
bool FindNonFinite(const json::value& v, std::vector<std::string>& where) {
  switch (v.kind()) {
    case json::kind::double_: return !std::isfinite(v.get_double());
    case json::kind::array: {
      const json::array& items = v.get_array();
      for (size_t i = 0; i < items.size(); ++i) {
        if (FindNonFinite(items[i], where)) {
          where.push_back("[" + std::to_string(i) + "]");
          return true;
        }
      }
      return false;
    }
    case json::kind::object:
      for (const auto& [key, item] : v.get_object()) {
        if (FindNonFinite(item, where)) {
          where.push_back("." + std::string(key));
          return true;
        }
      }
      return false;
    default: return false;
  }
}

}  // namespace

Result<json::value> ParseJsonBody(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Error(InvalidArgument("request body is empty", "body"));
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  // Request bodies are parsed, read once and dropped: a monotonic arena (freed with the value)
  // instead of one heap allocation per string, object and array.
  json::value value =
      json::parse(body, ec, json::make_shared_resource<json::monotonic_resource>(), options);
  if (ec) {
    std::string why = ec == json::error::too_deep
                          ? "JSON nesting is deeper than " + std::to_string(kMaxJsonDepth)
                          : "malformed JSON: " + ec.message();
    return Error(InvalidArgument(why, "body"));
  }
  if (std::vector<std::string> where; FindNonFinite(value, where)) {
    std::string path;
    for (auto it = where.rbegin(); it != where.rend(); ++it) path += *it;
    if (!path.empty() && path.front() == '.') path.erase(0, 1);
    if (path.empty()) path = "body";
    return Error(InvalidArgument(path + " is a number out of range", path));
  }
  return value;
}

Result<std::string> ReadString(const json::value& v, const std::string& path, size_t max_len) {
  if (!v.is_string()) return Error(InvalidArgument(path + " must be a string", path));
  const auto& s = v.get_string();
  if (s.size() > max_len)
    return Error(InvalidArgument(path + " is longer than " + std::to_string(max_len), path));
  return std::string(s);
}

Result<std::string> ReadStringOrNumber(const json::value& v, const std::string& path) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_string()) return ReadString(v, path, 256);
  return Error(InvalidArgument(path + " must be a string or a number", path));
}

Result<model::Labels> ReadStringMap(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Error(InvalidArgument(path + " must be an object of strings", path));
  model::Labels out;
  for (const auto& [key, item] : v.get_object()) {
    std::string item_path = path + "." + std::string(key);
    QUELL_ASSIGN_OR_RETURN(auto text, ReadString(item, item_path));
    if (!text.empty()) out.emplace(std::string(key), std::move(text));  // empty == absent
  }
  return out;
}

Result<double> ReadNumber(const json::value& v, const std::string& path) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return Error(InvalidArgument(path + " must be a number", path));
}

Result<TimeMs> ReadTimestamp(const json::value& v, const std::string& path) {
  const auto wrong = [&] {
    return Error(InvalidArgument(path + " must be RFC 3339 or epoch seconds/milliseconds", path));
  };
  Result<TimeMs> parsed = wrong();
  if (v.is_number()) {
    QUELL_ASSIGN_OR_RETURN(double number, ReadNumber(v, path));
    parsed = EpochNumberToMs(number);
  } else if (v.is_string()) {
    parsed = ParseRfc3339(v.get_string());
    if (!parsed && parsed.error().message() == kNotRfc3339) return wrong();
  } else {
    return wrong();
  }
  // A number out of range, or a date or time that does not exist: say which and why.
  if (!parsed) return Error(InvalidArgument(path + ": " + parsed.error().message(), path));
  return *parsed;
}

}  // namespace quell::ingest
