// When a silence silences: without a schedule, in [starts_at, ends_at); with one (a maintenance
// window), inside its weekly windows (oncall/weekly_windows.h) cut to [starts_at, ends_at).
// Pure; thread-safe.
#pragma once

#include <optional>

#include "common/clock.h"
#include "common/status.h"
#include "model/silence.h"
#include "oncall/time_zone.h"

namespace quell::engine {

// The silence's state at `now` and the window in force then, else the next one. `zone` is the
// schedule's time zone (unused, and may be null, without a schedule).
model::SilenceActivity ActivityAt(const model::Silence& silence, const oncall::TimeZone* zone,
                                  TimeMs now);
// The same, looking the zone up: InvalidArgument ("schedule.time_zone") for an unknown one.
Result<model::SilenceActivity> ActivityAt(const model::Silence& silence, TimeMs now);
// The schedule's zone, or nullopt without a schedule; InvalidArgument ("schedule.time_zone").
Result<std::optional<oncall::TimeZone>> ScheduleZone(const model::Silence& silence);

}  // namespace quell::engine
