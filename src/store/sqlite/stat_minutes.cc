#include "store/sqlite/stat_minutes.h"

#include "store/stat_window.h"

namespace quell::store {

Result<NoiseStats> QueryStatMinutes(SqliteDb& db, const StatsQuery& q) {
  QUELL_ASSIGN_OR_RETURN(StatWindow window, StatWindow::For(q));
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("SELECT minute, alerts_first, received_first, "
                                             "alerts_last, received_last, incidents, notified "
                                             "FROM stat_minutes WHERE minute >= ?1 ORDER BY minute"));
  s->Bind(1, window.first_minute());
  for (;;) {
    QUELL_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    window.Add({s->Int(0), s->Int(1), s->Int(2), s->Int(3), s->Int(4), s->Int(5), s->Int(6)});
  }
  return window.stats();
}

}  // namespace quell::store
