// The tables behind authentication on PostgreSQL: tokens, dashboard sessions and one-time
// sign-in codes (as sqlite/auth_tables.h). Each function runs on the connection it is given,
// each statement committing on its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/postgres/pg_conn.h"
#include "store/store.h"

namespace quell::store::pg_auth_tables {

Result<int64_t> InsertToken(PgConn& conn, const Token& token);
Result<std::optional<Token>> FindTokenByHash(PgConn& conn, const std::string& hash);
Result<std::vector<Token>> ListTokens(PgConn& conn);
Result<int64_t> DeleteTokens(PgConn& conn, const std::string& name);
Status TouchToken(PgConn& conn, int64_t id, TimeMs at);

Status InsertSession(PgConn& conn, const Session& session);
Result<std::optional<SignedIn>> FindSession(PgConn& conn, const std::string& id_hash);
Status DeleteSession(PgConn& conn, const std::string& id_hash);

Status InsertLoginCode(PgConn& conn, const std::string& code_hash, int64_t token_id,
                       TimeMs created_at, TimeMs expires_at);
Result<std::optional<Token>> TakeLoginCode(PgConn& conn, const std::string& code_hash,
                                           TimeMs now);

}  // namespace quell::store::pg_auth_tables
