// On-call schedules: the JSON of POST /api/v1/schedules (ScheduleFromJson, which must round-trip
// through ScheduleToJson) and WhoIsOnCall over any layers, rotations (1 ms to 100 years),
// handoffs, overrides and instants, in the time zones named. The input is
// {"schedule": {...}, "overrides": [{...}], "t": RFC 3339}. Invariants: the answer names a user of
// the schedule or nobody, `until` is after t, and up to `until` the answer does not change.
#include <boost/json.hpp>

#include "common/time_format.h"
#include "fuzz_support.h"
#include "model/oncall_json.h"
#include "oncall/on_call.h"

namespace {

namespace json = boost::json;
using quell::TimeMs;

bool Names(const quell::model::Schedule& schedule,
           const std::vector<quell::model::Override>& overrides, const std::string& user) {
  for (const auto& layer : schedule.layers)
    for (const auto& u : layer.users)
      if (u == user) return true;
  for (const auto& o : overrides)
    if (o.user == user) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  json::value root = json::parse(quell::fuzz::AsText(data, size), ec);
  if (ec || !root.is_object()) return 0;
  const json::object& input = root.as_object();
  const json::value* schedule_json = input.if_contains("schedule");
  if (!schedule_json) return 0;
  auto schedule = quell::model::ScheduleFromJson(*schedule_json);
  if (!schedule) return 0;
  auto again = quell::model::ScheduleFromJsonText(quell::model::ScheduleToJsonText(*schedule));
  FUZZ_CHECK(again.has_value() && *again == *schedule, quell::model::ScheduleToJsonText(*schedule));

  TimeMs t = 1'800'000'000'000;
  if (const json::value* at = input.if_contains("t"); at && at->is_string())
    if (auto parsed = quell::ParseRfc3339(at->as_string())) t = *parsed;
  std::vector<quell::model::Override> overrides;
  if (const json::value* list = input.if_contains("overrides"); list && list->is_array())
    for (const json::value& item : list->as_array())
      if (auto o = quell::model::OverrideFromJson(item, t)) {
        o->schedule = schedule->name;
        overrides.push_back(std::move(*o));
      }

  auto on_call = quell::oncall::WhoIsOnCall(*schedule, overrides, t);
  if (!on_call) return 0;  // an unknown time zone
  const std::string at = quell::FormatRfc3339(t);
  FUZZ_CHECK(on_call->user.empty() || Names(*schedule, overrides, on_call->user), at);
  if (on_call->until) {
    FUZZ_CHECK(*on_call->until > t, at);
    auto before = quell::oncall::WhoIsOnCall(*schedule, overrides, *on_call->until - 1);
    FUZZ_CHECK(before && before->user == on_call->user, at);
  }
  return 0;
}
