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
// "created_by"?, "id"?, "created_at"?, "schedule"?}. starts_at defaults to `now`; duration ("2h")
// counts from starts_at. A maintenance window's "schedule" is {"time_zone":"Europe/Berlin",
// "weekly":[{"day":"sun","start":"02:00","duration":"2h"}]} (day mon..sun, start HH:MM on the
// zone's wall clock, duration up to 7d); with it the end is optional (for ever) and starts_at
// defaults to none (since ever). InvalidArgument naming the field ("matchers[0].op",
// "schedule.weekly[1].start") for a wrong type, an unknown op, an empty matcher list, a missing
// end or an end not after the start, a bad day, start or duration. Regexes and time zones are
// not checked here (engine/silence_matcher.h compiles them).
Result<Silence> SilenceFromJson(const boost::json::value& json, TimeMs now);
Result<Silence> SilenceFromJsonText(std::string_view text, TimeMs now);

// A matcher list {"name","op","value"}... as silences and escalation routes hold it: a non-empty
// array of at most 64. Errors name `path` ("matchers", "routes[1].matchers[0].op").
Result<std::vector<Matcher>> MatchersFromJson(const boost::json::value* matchers,
                                              const std::string& path);
boost::json::value MatchersToJson(const std::vector<Matcher>& matchers);

// {"id","matchers","starts_at","ends_at","schedule","comment","created_by","created_at","state",
// "window":{"starts_at","ends_at"}}: the state and window of `activity` (engine/silence_window.h);
// ends_at null for ever, schedule and window null when there is none.
boost::json::value SilenceToJson(const Silence& silence, const SilenceActivity& activity);
// The stored form: the same without the state and window.
std::string SilenceToJsonText(const Silence& silence);

}  // namespace quell::model
