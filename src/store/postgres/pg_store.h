// The PostgreSQL Store: for running Quell on the database its users already run and back up,
// and (later) several nodes on one database.
//
// Durability is PostgreSQL's: a write transaction is a real PostgreSQL transaction on one
// pooled connection, and a Commit that returns OK has committed (as durably as the server's
// synchronous_commit makes it); there is no redo log. Reads take another pooled connection and
// see committed data. Jobs are claimed with FOR UPDATE SKIP LOCKED under a lease. Migrations
// apply at open, exactly once even when several processes open the store together. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace quell::store {

struct PgOptions {
  // postgres://user:password@host:port/database (or postgresql://, or a libpq key=value
  // string). It may hold a password: never logged, never in an error.
  std::string url;
  // Connections at most: one for the write transaction, the rest for reads and the job queue.
  int pool_size = 8;
  // How long a write whose COMMIT answer was lost (the connection broke) waits to learn whether
  // it committed, reconnecting while PostgreSQL comes back (pg_lost_commit.h); past it the
  // request fails as unavailable although it may have committed.
  int64_t commit_outcome_wait_ms = 10000;
};

// Connects, applies the migrations the database lacks and returns the store. Unavailable when
// PostgreSQL cannot be reached.
Result<std::unique_ptr<Store>> OpenPgStore(const PgOptions& options);

// Whether `url` names a PostgreSQL database (postgres:// or postgresql://) rather than a file.
bool IsPgUrl(const std::string& url);

}  // namespace quell::store
