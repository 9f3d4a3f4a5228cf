// The PostgreSQL schema: numbered migrations, applied at open exactly once even when several
// processes open the store together (they queue on a transaction-scoped advisory lock; the
// versions applied are rows of schema_migrations). The tables are SQLite's (sqlite/schema.cc)
// in PostgreSQL types, with the same names and columns (row_mapping.h reads both).
#pragma once

#include <vector>

#include "common/status.h"
#include "store/postgres/pg_conn.h"

namespace quell::store {

// Append only: a released step never changes.
const std::vector<const char*>& PgMigrations();

// Applies the migrations `conn`'s database lacks, each in the one transaction that holds the
// lock.
Status MigratePg(PgConn& conn);

}  // namespace quell::store
