// The tables behind authentication: tokens, dashboard sessions and one-time sign-in codes.
// Each function runs its statements on the connection it is given; SqliteStore picks the
// connection and holds the lock (a reader for lookups, the writer for changes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace quell::store::auth_tables {

Result<int64_t> InsertToken(SqliteDb& db, const Token& token);
Result<std::optional<Token>> FindTokenByHash(SqliteDb& db, const std::string& hash);
Result<std::vector<Token>> ListTokens(SqliteDb& db);
Result<int64_t> DeleteTokens(SqliteDb& db, const std::string& name);
Status TouchToken(SqliteDb& db, int64_t id, TimeMs at);

Status InsertSession(SqliteDb& db, const Session& session);
Result<std::optional<SignedIn>> FindSession(SqliteDb& db, const std::string& id_hash);
Status DeleteSession(SqliteDb& db, const std::string& id_hash);

Status InsertLoginCode(SqliteDb& db, const std::string& code_hash, int64_t token_id,
                       TimeMs created_at, TimeMs expires_at);
Result<std::optional<Token>> TakeLoginCode(SqliteDb& db, const std::string& code_hash, TimeMs now);

}  // namespace quell::store::auth_tables
