// The JSON form of users, schedules and overrides, for the API and for storage (Store settings
// under "oncall/", see oncall/directory.h). Shape only: whether a time zone exists or a user is
// known is checked by oncall::Directory. Boost.JSON types are only declared here; callers include
// <boost/json.hpp> in their .cc.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "model/oncall.h"

namespace boost::json {
class value;
}  // namespace boost::json

namespace quell::model {

// {"name", "telegram_user_id"?} (a positive integer). InvalidArgument naming the field.
Result<User> UserFromJson(const boost::json::value& json);
Result<User> UserFromJsonText(std::string_view text);
boost::json::value UserToJson(const User& user);  // telegram_user_id null when 0
std::string UserToJsonText(const User& user);

// {"name", "time_zone", "layers": [{"users": [...], "rotation": "24h", "handoff": RFC 3339}]}.
// InvalidArgument naming the field ("layers[1].rotation") for a wrong type, a bad name, no
// layers, a rotation that is not a positive duration or a handoff that is not RFC 3339.
Result<Schedule> ScheduleFromJson(const boost::json::value& json);
Result<Schedule> ScheduleFromJsonText(std::string_view text);
// rotation as FormatDuration writes it ("24h", "7d"), handoff in UTC.
boost::json::value ScheduleToJson(const Schedule& schedule);
std::string ScheduleToJsonText(const Schedule& schedule);

// {"user", "starts_at"?, "ends_at", "id"?, "schedule"?, "created_by"?, "created_at"?};
// starts_at and created_at default to `now`. InvalidArgument naming the field for a bad user
// name, a missing end or an end not after the start.
Result<Override> OverrideFromJson(const boost::json::value& json, TimeMs now);
Result<Override> OverrideFromJsonText(std::string_view text, TimeMs now);
boost::json::value OverrideToJson(const Override& override_);
std::string OverrideToJsonText(const Override& override_);

// {"schedule", "user" (null for nobody), "until" (null when it never changes)}.
boost::json::value OnCallToJson(const std::string& schedule, const OnCall& on_call);

}  // namespace quell::model
