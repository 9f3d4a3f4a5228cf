// Who is on call: the pure rules of a schedule's rotation, layers and overrides, as PagerDuty
// applies them. No I/O beyond the time zone database; thread-safe.
//
// - A layer's users take turns from its handoff: users[0] from handoff for one rotation, then
//   users[1], round the list. Before the handoff, and with no users, the layer has nobody.
// - A rotation that is a whole number of days (24h, 168h, 7d) counts calendar days in the
//   schedule's time zone: a 09:00 handoff stays at 09:00 on the wall clock across summer time
//   (a shift over the change lasts 23 or 25 hours). Other rotations (8h, 90m) are exact durations.
// - A later layer wins over earlier ones wherever it has someone.
// - An override wins over every layer for its window; of overlapping ones, the one created last.
#pragma once

#include <span>

#include "common/status.h"
#include "model/oncall.h"

namespace quell::oncall {

// Who is on call for `schedule` at `t`, given its overrides (those of other schedules are
// ignored), and until when. `until` is the first handoff or override boundary after which
// somebody else (or nobody) is on call, looking at most 1000 boundaries ahead (the last of them
// when all keep the same person); nullopt when nothing ever changes. InvalidArgument (field
// "time_zone") when the schedule's zone is unknown.
Result<model::OnCall> WhoIsOnCall(const model::Schedule& schedule,
                                  std::span<const model::Override> overrides, TimeMs t);

// Ok if `name` is a time zone the system knows; InvalidArgument naming `field` otherwise.
Status CheckTimeZone(const std::string& name, const std::string& field);

}  // namespace quell::oncall
