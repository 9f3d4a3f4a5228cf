// The SQLite schema as numbered migrations. Append only: never edit a released step.
#pragma once

#include <vector>

#include "common/status.h"

namespace quell::store {

class SqliteDb;

// Migration i (0-based) brings the schema from user_version i to i + 1.
const std::vector<const char*>& SqliteMigrations();

// Applies the migrations the database lacks through `db` (the writer), each in a transaction of
// its own that also sets PRAGMA user_version.
Status MigrateSqlite(SqliteDb& db);

}  // namespace quell::store
