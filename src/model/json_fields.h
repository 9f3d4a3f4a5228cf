// Readers of optional members of a JSON object, with errors naming the field. Internal to the
// model layer's JSON codecs (exposes Boost.JSON types: include only from model .cc files).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace quell::model {

inline constexpr size_t kMaxJsonText = 4096;

// The string member `key` of `object` ("" when absent or null); InvalidArgument naming `path`
// when it is another type or longer than kMaxJsonText.
Result<std::string> OptionalString(const boost::json::object& object, const char* key,
                                   const std::string& path);
// The RFC 3339 member `key` (nullopt when absent or null); errors name `path`.
Result<std::optional<TimeMs>> OptionalTime(const boost::json::object& object, const char* key,
                                           const std::string& path);
// The body's object; InvalidArgument ("body must be a JSON object", field "body") otherwise.
Result<const boost::json::object*> RootObject(const boost::json::value& root);
// The name member `key` of a user, schedule or escalation policy: required, and checked by
// CheckOnCallName (model/oncall.h); errors name `path`.
Result<std::string> RequiredName(const boost::json::object& object, const char* key,
                                 const std::string& path);
// Parses stored text; InvalidArgument ("<what> is not JSON: ...", field "body") otherwise.
Result<boost::json::value> ParseJsonText(std::string_view text, const std::string& what);

}  // namespace quell::model
