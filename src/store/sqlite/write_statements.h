// The SQLite store's write statements: every change a write transaction makes is one of these,
// run with its parameters as a RedoOp (redo_log.h), so that the redo log can record it and
// replay it after a crash. Internal to the SQLite store.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace quell::store {

class RedoOp;
class SqliteDb;

// Numbers are stored in the redo log: append new statements, never renumber. Inserts take the
// row id as their last parameter: NULL when first run (SQLite picks it), the recorded id when
// replayed.
enum WriteStatement : uint8_t {
  kInsertAlert = 1,
  kUpdateAlert,
  kInsertIncident,
  kUpdateIncident,
  kInsertDeploy,
  kAppendEvent,
  kBumpEvent,
  kEnqueueJob,
  kTouchIncident,
  kSetAnalysis,
  kLeaseJob,
  kDeleteJob,
  kMergeRetriedJob,
  kReleaseJob,
  kBumpRecentEvent,  // new statements go last: the redo log stores these numbers
  kWriteStatementEnd,
};

// Runs one write statement. Returns the new row id when `id_param` names the id parameter of
// an insert (and records it there), else the number of rows changed.
Result<int64_t> RunWrite(SqliteDb& db, RedoOp& op, int id_param);

// Replays a redo record (the statements of one committed transaction).
Status ReplayRecord(SqliteDb& db, std::string_view payload);

}  // namespace quell::store
