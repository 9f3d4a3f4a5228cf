#include "store/postgres/pg_log_cursor.h"

#include <algorithm>
#include <string>

#include "store/postgres/pg_conn.h"
#include "store/row_mapping.h"

namespace quell::store {
namespace {

// The two-int advisory key space of log appends ("QLOG"; LockKeys uses "QELL", migrations and
// singletons the one-bigint form): pg_locks shows it as classid, objid, objsubid 2.
constexpr int64_t kLogLockSpace = 0x514c4f47;
constexpr int64_t kLogLockKey = 0;

// Statement 1: the snapshot's xmin and xmax, and the 32-bit xid of each backend of this
// database that holds the log-append lock and has an xid (-1 in a row without one: the LEFT
// JOIN keeps one row when there are none).
constexpr const char* kSqlLogHorizon =
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
    "pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
    "coalesce(a.backend_xid::text::bigint, -1) "
    "FROM (SELECT 1) AS one LEFT JOIN (pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid AND "
    "a.backend_xid IS NOT NULL) ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND "
    "l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.database = (SELECT oid FROM "
    "pg_database WHERE datname = current_database())";

// The horizon H (pg_log_cursor.h): every log-appending transaction with an xid below it has
// ended by the time this returns.
Result<uint64_t> LogHorizon(PgConn& conn) {
  QUELL_ASSIGN_OR_RETURN(
      auto result,
      conn.Query(kSqlLogHorizon, PgParams().Bind(1, kLogLockSpace).Bind(2, kLogLockKey)));
  const auto xmin = static_cast<uint64_t>(result.Int(0, 0));
  uint64_t horizon = static_cast<uint64_t>(result.Int(0, 1));
  for (int row = 0; row < result.rows(); ++row) {
    if (const int64_t xid = result.Int(row, 2); xid >= 0)
      horizon = std::min(horizon, WidenXid(static_cast<uint32_t>(xid), xmin));
  }
  return horizon;
}

}  // namespace

uint64_t WidenXid(uint32_t xid, uint64_t floor) {
  return floor + static_cast<uint32_t>(xid - static_cast<uint32_t>(floor));
}

Status BeginLogAppend(PgConn& conn) {
  static const std::string sql = "BEGIN; SELECT pg_advisory_xact_lock_shared(" +
                                 std::to_string(kLogLockSpace) + ", " +
                                 std::to_string(kLogLockKey) + ")";
  Status begun = conn.Exec(sql);
  // As PgConn::Begin: the connection goes back to the pool not inside a transaction (an aborted
  // one would fail every later statement on it, a live one would give a reader one snapshot).
  if (!begun.ok() && conn.ok()) (void)conn.Exec("ROLLBACK");
  return begun;
}

Result<LogPage> ReadLogPage(PgConn& conn, const LogCursor& after, int limit) {
  // Statement 2 takes its snapshot after statement 1 has ended: every writer below the horizon
  // has ended before it, and its rows are visible. xid8 travels as text (no bigint -> xid8).
  QUELL_ASSIGN_OR_RETURN(const uint64_t horizon, LogHorizon(conn));
  QUELL_ASSIGN_OR_RETURN(
      auto result,
      conn.Query("SELECT " LOG_ENTRY_COLUMNS ", tx::text::bigint FROM log_entries WHERE (tx, id) > "
                 "($1::xid8, $2) AND tx < $3::xid8 ORDER BY tx, id LIMIT $4",
                 PgParams()
                     .Bind(1, std::to_string(after.tx))
                     .Bind(2, after.id)
                     .Bind(3, std::to_string(horizon))
                     .Bind(4, int64_t{std::max(1, limit)})));
  LogPage page;
  page.entries.reserve(static_cast<size_t>(result.rows()));
  for (int row = 0; row < result.rows(); ++row)
    page.entries.push_back(ReadLogEntry(PgRow(result, row)));
  page.next = result.rows() == 0
                  ? after
                  : LogCursor{result.Int(result.rows() - 1, 6), page.entries.back().id};
  if (result.rows() < limit) {
    QUELL_ASSIGN_OR_RETURN(
        auto later,
        conn.Query("SELECT EXISTS (SELECT 1 FROM log_entries WHERE (tx, id) > "
                   "($1::xid8, $2))::int",
                   PgParams().Bind(1, std::to_string(page.next.tx)).Bind(2, page.next.id)));
    page.held_back = later.Int(0, 0) != 0;
  }
  return page;
}

}  // namespace quell::store
