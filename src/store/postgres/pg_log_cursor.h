// The log cursor on PostgreSQL (Store::ReadLogsAfter): every node's miner reads log_entries on
// from a cursor in (tx, id) order, `tx` being the xid8 of the inserting transaction (column
// default pg_current_xact_id()). A reader may only pass rows no transaction can still add to:
// its horizon H must be such that every transaction that writes log_entries with an xid below
// H has ended. pg_snapshot_xmin was such an H, but it waits for every transaction of the
// server (any database, any table). This one waits only for log-appending transactions:
//
// Writers (BeginLogAppend): every transaction that inserts into log_entries takes the shared
// transaction-scoped advisory lock kLogAppendLock first, before anything gives it an xid (its
// first INSERT does). PostgreSQL releases the lock at the end of the transaction, after the
// end is visible to new snapshots (locks go after the proc array entry; XactLockTableWait
// relies on the same order). Shared: writers never wait for each other.
//
// Reader (ReadLogPage), statement 1 with snapshot S: H = least(xmax(S), the xid of every
// backend of this database holding kLogAppendLock and having an xid). Statement 2, with a
// later snapshot: the rows after the cursor with tx < H.
//
// No row skipped: let W write rows with xid x < H. x < xmax(S), so x was assigned before S
// was taken, and W took the lock before that: W held it from before S until its end.
// Statement 1 reads the lock table and the backends' xids after S was taken (in either
// order); had W still been running at both reads, W would be a holder with xid x and H <= x.
// So W ended before statement 1 finished, hence before statement 2's snapshot: its rows are
// all there (committed) or never will be (rolled back), and no row with tx < H can appear
// later. Reading in (tx, id) order past the cursor therefore never passes a row that appears
// afterwards. A holder that had no xid yet gets one later, above every xid assigned before
// S: tx >= xmax(S) >= H, read later. Nothing read twice: the cursor only moves forward over
// that fixed order. Other transactions (other tables, other databases, anything without the
// lock) hold nothing back. Quell never PREPAREs a transaction (a prepared holder has no
// backend, so no xid in pg_stat_activity).
#pragma once

#include <cstdint>

#include "common/status.h"
#include "store/store.h"

namespace quell::store {

class PgConn;

// BEGIN and the shared log-append lock, in one round trip: what every transaction that inserts
// into log_entries starts with (not PgConn::Begin, which takes an xid before any lock). On
// failure no transaction is left open.
Status BeginLogAppend(PgConn& conn);

// Up to `limit` rows after `after` below the horizon (see above), as Store::ReadLogsAfter.
// `conn` must not be inside a transaction: each statement needs its own snapshot.
Result<LogPage> ReadLogPage(PgConn& conn, const LogCursor& after, int limit);

// The xid8 of a 32-bit `xid` known to be at or above the xid8 `floor` and less than 2^31 above
// it (pg_stat_activity shows 32-bit xids; a running one is at or above its snapshot's xmin,
// and PostgreSQL keeps every running xid within 2^31 of the next one).
uint64_t WidenXid(uint32_t xid, uint64_t floor);

}  // namespace quell::store
