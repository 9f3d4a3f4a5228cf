// The JSON form of a Silence, for the API and for storage (Store settings `silence/<id>`).
// Boost.JSON types are only declared here; callers include <boost/json.hpp> in their .cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/silence.h"

namespace boost::json {
class value;
}  // namespace boost::json

namespace quell::model {

// Reads {"matchers":[{"name","op","value"}], "starts_at"?, "ends_at" | "duration", "comment"?,
// "created_by"?, "id"?, "created_at"?}. starts_at defaults to `now`; duration ("2h") counts from
// starts_at. InvalidArgument naming the field ("matchers[0].op") for a wrong type, an unknown op,
// an empty matcher list, a missing end or an end not after the start. Regexes are not checked
// here (engine/silence_matcher.h compiles them).
Result<Silence> SilenceFromJson(const boost::json::value& json, TimeMs now);
Result<Silence> SilenceFromJsonText(std::string_view text, TimeMs now);

// A matcher list {"name","op","value"}... as silences and escalation routes hold it: a non-empty
// array of at most 64. Errors name `path` ("matchers", "routes[1].matchers[0].op").
Result<std::vector<Matcher>> MatchersFromJson(const boost::json::value* matchers,
                                              const std::string& path);
boost::json::value MatchersToJson(const std::vector<Matcher>& matchers);

// {"id","matchers","starts_at","ends_at","comment","created_by","created_at","state"}, the state
// at `now`.
boost::json::value SilenceToJson(const Silence& silence, TimeMs now);
// The stored form: the same without the state.
std::string SilenceToJsonText(const Silence& silence);

}  // namespace quell::model
