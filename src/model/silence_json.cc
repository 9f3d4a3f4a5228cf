#include "model/silence_json.h"

#include <boost/json.hpp>
#include <cstdio>

#include "common/time_format.h"
#include "model/json_codec.h"
#include "model/json_fields.h"

namespace quell::model {
namespace {

namespace json = boost::json;

constexpr size_t kMaxMatchers = 64;
constexpr size_t kMaxWindows = 64;
constexpr TimeMs kMaxWindowMs = 7 * 24 * kHourMs;

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

// "HH:MM" (00:00 to 23:59) as minutes after midnight.
Result<int> ReadStartMinute(const std::string& text, const std::string& path) {
  auto bad = [&path] { return InvalidArgument(path + " must be HH:MM, 00:00 to 23:59", path); };
  if (text.size() != 5 || text[2] != ':') return Error(bad());
  for (size_t i : {0u, 1u, 3u, 4u})
    if (text[i] < '0' || text[i] > '9') return Error(bad());
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return Error(bad());
  return hours * 60 + minutes;
}

// {"day":"sun","start":"02:00","duration":"2h"}
Result<WeeklyWindow> WindowFromJson(const json::value& v, const std::string& path) {
  if (!v.is_object()) return Error(InvalidArgument(path + " must be an object", path));
  const json::object& object = v.as_object();
  WeeklyWindow window;
  QUELL_ASSIGN_OR_RETURN(std::string day, OptionalString(object, "day", path + ".day"));
  auto weekday = ParseWeekday(day);
  if (!weekday)
    return Error(InvalidArgument(path + ".day must be mon, tue, wed, thu, fri, sat or sun",
                                 path + ".day"));
  window.weekday = *weekday;
  QUELL_ASSIGN_OR_RETURN(std::string start, OptionalString(object, "start", path + ".start"));
  QUELL_ASSIGN_OR_RETURN(window.start_minute, ReadStartMinute(start, path + ".start"));
  QUELL_ASSIGN_OR_RETURN(std::string duration,
                         OptionalString(object, "duration", path + ".duration"));
  auto ms = ParseDuration(duration);
  if (!ms || *ms <= 0 || *ms > kMaxWindowMs)
    return Error(InvalidArgument(path + ".duration must be like 30m or 2h, at most 7d",
                                 path + ".duration"));
  window.duration_ms = *ms;
  return window;
}

// {"time_zone":"Europe/Berlin","weekly":[window, ...]}. Whether the zone exists is checked
// where the database is (engine/silence_matcher.h).
Result<SilenceSchedule> ScheduleFromJson(const json::value& v) {
  if (!v.is_object()) return Error(InvalidArgument("schedule must be an object", "schedule"));
  const json::object& object = v.as_object();
  SilenceSchedule schedule;
  QUELL_ASSIGN_OR_RETURN(schedule.time_zone,
                         OptionalString(object, "time_zone", "schedule.time_zone"));
  if (schedule.time_zone.empty())
    return Error(InvalidArgument("schedule.time_zone is required", "schedule.time_zone"));
  const json::value* weekly = object.if_contains("weekly");
  if (!weekly || !weekly->is_array() || weekly->as_array().empty())
    return Error(InvalidArgument("schedule.weekly must be a non-empty array", "schedule.weekly"));
  if (weekly->as_array().size() > kMaxWindows)
    return Error(InvalidArgument("at most 64 weekly windows", "schedule.weekly"));
  for (size_t i = 0; i < weekly->as_array().size(); ++i) {
    QUELL_ASSIGN_OR_RETURN(WeeklyWindow window,
                           WindowFromJson(weekly->as_array()[i],
                                          "schedule.weekly[" + std::to_string(i) + "]"));
    schedule.weekly.push_back(window);
  }
  return schedule;
}

json::object ScheduleToJson(const SilenceSchedule& schedule) {
  json::array weekly;
  for (const WeeklyWindow& w : schedule.weekly) {
    char start[16];
    std::snprintf(start, sizeof start, "%02d:%02d", w.start_minute / 60, w.start_minute % 60);
    weekly.push_back(json::object{{"day", WeekdayName(w.weekday)},
                                  {"start", start},
                                  {"duration", FormatDuration(w.duration_ms)}});
  }
  return json::object{{"time_zone", schedule.time_zone}, {"weekly", std::move(weekly)}};
}

// ends_at, or starts_at + duration: exactly one of the two (or neither when `required` is
// false: kMaxTimeMs, for ever).
Result<TimeMs> ReadEnd(const json::object& object, TimeMs starts_at, bool required) {
  QUELL_ASSIGN_OR_RETURN(auto ends_at, OptionalTime(object, "ends_at", "ends_at"));
  QUELL_ASSIGN_OR_RETURN(std::string duration, OptionalString(object, "duration", "duration"));
  if (ends_at && !duration.empty())
    return Error(InvalidArgument("give ends_at or duration, not both", "duration"));
  if (ends_at) {
    if (*ends_at <= starts_at)
      return Error(InvalidArgument("ends_at must be after starts_at", "ends_at"));
    return *ends_at;
  }
  if (duration.empty()) {
    if (!required) return kMaxTimeMs;
    return Error(InvalidArgument("ends_at or duration is required", "ends_at"));
  }
  auto ms = ParseDuration(duration);
  if (!ms || *ms <= 0)
    return Error(InvalidArgument("duration must be like 30m, 4h or 7d", "duration"));
  if (starts_at > kMaxTimeMs - *ms)
    return Error(InvalidArgument("duration ends too late", "duration"));
  return starts_at + *ms;
}

// kMaxTimeMs as null when it is a schedule's "for ever" (its end left out). A silence without
// a schedule must give its end, so its ends_at stays a time even at kMaxTimeMs: as null it
// would not read back.
json::value EndToJson(const Silence& silence, TimeMs t) {
  return silence.schedule && t == kMaxTimeMs ? json::value(nullptr) : TimeToJson(t);
}

json::object SilenceObject(const Silence& silence) {
  return json::object{{"id", silence.id},
                      {"matchers", MatchersToJson(silence.matchers)},
                      {"starts_at", TimeToJson(silence.starts_at)},
                      {"ends_at", EndToJson(silence, silence.ends_at)},
                      {"schedule", silence.schedule ? json::value(ScheduleToJson(*silence.schedule))
                                                    : json::value(nullptr)},
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
  QUELL_ASSIGN_OR_RETURN(const json::object* root_object, RootObject(root));
  const json::object& object = *root_object;
  Silence silence;
  QUELL_ASSIGN_OR_RETURN(silence.matchers,
                         MatchersFromJson(object.if_contains("matchers"), "matchers"));
  if (const json::value* schedule = object.if_contains("schedule");
      schedule && !schedule->is_null()) {
    QUELL_ASSIGN_OR_RETURN(silence.schedule, ScheduleFromJson(*schedule));
  }
  QUELL_ASSIGN_OR_RETURN(auto starts_at, OptionalTime(object, "starts_at", "starts_at"));
  // A schedule's windows count from when they fall, so without a start it is in force at once.
  silence.starts_at = starts_at.value_or(silence.schedule ? 0 : now);
  QUELL_ASSIGN_OR_RETURN(silence.ends_at,
                         ReadEnd(object, silence.starts_at, !silence.schedule.has_value()));
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

json::value SilenceToJson(const Silence& silence, const SilenceActivity& activity) {
  json::object object = SilenceObject(silence);
  object["state"] = SilenceStateName(activity.state);
  object["window"] =
      activity.state == SilenceState::kExpired
          ? json::value(nullptr)
          : json::value(json::object{{"starts_at", TimeToJson(activity.window_starts_at)},
                                     {"ends_at", EndToJson(silence, activity.window_ends_at)}});
  return object;
}

std::string SilenceToJsonText(const Silence& silence) {
  return json::serialize(SilenceObject(silence));
}

}  // namespace quell::model
