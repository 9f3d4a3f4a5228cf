// Store::GetStats over the counters by minute that triggers keep up to date (schema.cc, 13):
// its cost grows with the minutes from `since` to the newest one counted, not with the alerts.
//
// Every time is counted by the minute it falls in (UTC): the figures are what counting the rows
// themselves gives with each time rounded down to its minute. So a minute belongs to the window,
// and to the bucket, its first millisecond falls in; a window or bucket edge that cuts a minute
// takes none of it on the left and all of it on the right. With edges on whole minutes (and
// buckets of whole minutes) nothing is rounded.
#pragma once

#include "common/status.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace quell::store {

Result<NoiseStats> QueryStatMinutes(SqliteDb& db, const StatsQuery& query);

}  // namespace quell::store
