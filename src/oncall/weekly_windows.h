// When a maintenance schedule's weekly windows fall (model::WeeklyWindow): each starts on its
// weekday at its start on the zone's wall clock and lasts its duration exactly. The wall-clock
// rules are TimeZone's: a start skipped by the change to summer time falls an hour later (02:30
// on the spring-forward day in Berlin is 03:30 CEST), a start shown twice is its first
// occurrence. Windows that overlap or touch are one window (Sunday 22:00 for 4h and Monday 01:00
// for 1h: Sunday 22:00 to Monday 02:00). Pure; thread-safe.
#pragma once

#include <optional>
#include <span>

#include "common/clock.h"
#include "model/silence.h"
#include "oncall/time_zone.h"

namespace quell::oncall {

struct Interval {
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // after starts_at
  bool operator==(const Interval&) const = default;
};

// The window holding `t`, else the next one to start after t; nullopt when `weekly` is empty.
// Windows chained end to end for more than a week are followed to where the chain breaks, but
// not past `reach` (a silence's own start and end): without it they are cut about a week
// before and after t, so the window would differ with the instant it is seen from.
std::optional<Interval> WeeklyWindowAt(std::span<const model::WeeklyWindow> weekly,
                                       const TimeZone& zone, TimeMs t,
                                       std::optional<Interval> reach = std::nullopt);

}  // namespace quell::oncall
