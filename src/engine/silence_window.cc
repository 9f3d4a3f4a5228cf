#include "engine/silence_window.h"

#include <algorithm>

#include "oncall/weekly_windows.h"

namespace quell::engine {

model::SilenceActivity ActivityAt(const model::Silence& silence, const oncall::TimeZone* zone,
                                  TimeMs now) {
  oncall::Interval window{silence.starts_at, silence.ends_at};
  if (silence.schedule) {
    // The first window that is not over at `now` and not before the schedule's start.
    const TimeMs from = std::max(now, silence.starts_at);
    if (from >= silence.ends_at || zone == nullptr) return {};
    auto found = oncall::WeeklyWindowAt(silence.schedule->weekly, *zone, from,
                                         oncall::Interval{silence.starts_at, silence.ends_at});
    if (!found || found->starts_at >= silence.ends_at) return {};
    window = {std::max(found->starts_at, silence.starts_at),
              std::min(found->ends_at, silence.ends_at)};
  }
  if (now >= window.ends_at) return {};
  return {now < window.starts_at ? model::SilenceState::kPending : model::SilenceState::kActive,
          window.starts_at, window.ends_at};
}

Result<std::optional<oncall::TimeZone>> ScheduleZone(const model::Silence& silence) {
  if (!silence.schedule) return std::optional<oncall::TimeZone>();
  auto zone = oncall::TimeZone::Find(silence.schedule->time_zone);
  if (!zone)
    return Error(InvalidArgument("schedule.time_zone: " + zone.error().message(),
                                 "schedule.time_zone"));
  return std::optional(*zone);
}

Result<model::SilenceActivity> ActivityAt(const model::Silence& silence, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(auto zone, ScheduleZone(silence));
  return ActivityAt(silence, zone ? &*zone : nullptr, now);
}

}  // namespace quell::engine
