// Store::GetStats over the counters by minute that triggers keep up to date (schema.cc, 13):
// its cost grows with the minutes from `since` to the newest one counted, not with the alerts.
// The arithmetic is StatWindow's (store/stat_window.h).
#pragma once

#include "common/status.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace quell::store {

Result<NoiseStats> QueryStatMinutes(SqliteDb& db, const StatsQuery& query);

}  // namespace quell::store
