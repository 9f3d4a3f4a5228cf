// People and on-call schedules, as PagerDuty models them: a User can be paged on Telegram; a
// Schedule's layers rotate their users every `rotation` from a handoff, in the schedule's time
// zone; an Override puts one user on call for a window whatever the layers say. Plain data, no
// I/O (who is on call when, which needs the time zone database, is oncall/on_call.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace quell::model {

struct User {
  std::string name;              // unique; letters, digits, '.', '_', '-' (it appears in URLs)
  int64_t telegram_user_id = 0;  // 0: none (a direct message cannot reach this user)
  bool operator==(const User&) const = default;
};

// One layer of a schedule: users[0] is on call from `handoff` for `rotation`, then users[1],
// and so on round the list.
struct ScheduleLayer {
  std::vector<std::string> users;  // may be empty (the layer has nobody)
  TimeMs rotation_ms = 0;          // > 0; a whole number of days means calendar days
  TimeMs handoff = 0;              // when users[0]'s first shift starts
  bool operator==(const ScheduleLayer&) const = default;
};

struct Schedule {
  std::string name;                   // unique; same characters as a user's name
  std::string time_zone;              // IANA name, e.g. "Europe/Berlin"
  std::vector<ScheduleLayer> layers;  // a later layer wins where it has someone
  bool operator==(const Schedule&) const = default;
};

// `user` is on call for `schedule` in [starts_at, ends_at), over every layer. Where overrides
// overlap, the one created last wins.
struct Override {
  std::string id;  // random, URL-safe
  std::string schedule;
  std::string user;
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // after starts_at
  std::string created_by;
  TimeMs created_at = 0;
  bool operator==(const Override&) const = default;
};

// Who is on call at some instant, and until when that holds.
struct OnCall {
  std::string user;  // empty: nobody
  // The first instant after which somebody else (or nobody) is on call; nullopt when that never
  // happens.
  std::optional<TimeMs> until;
  bool operator==(const OnCall&) const = default;
};

// Ok if `name` can name a user or a schedule (1-64 letters, digits, '.', '_', '-');
// InvalidArgument naming `field` otherwise.
Status CheckOnCallName(std::string_view name, const std::string& field);

}  // namespace quell::model
