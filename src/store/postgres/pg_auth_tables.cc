#include "store/postgres/pg_auth_tables.h"

#include "store/row_mapping.h"
#include "store/shared_sql.h"

namespace quell::store::pg_auth_tables {
namespace {

Result<std::optional<Token>> FirstToken(const PgResult& result) {
  if (result.rows() == 0) return std::nullopt;
  return ReadToken(PgRow(result, 0));
}

}  // namespace

Result<int64_t> InsertToken(PgConn& conn, const Token& token) {
  QUELL_ASSIGN_OR_RETURN(
      auto result, conn.Query("INSERT INTO tokens (name, scope, hash, created_at, expires_at) "
                              "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                              PgParams()
                                  .Bind(1, token.name)
                                  .Bind(2, token.scope)
                                  .Bind(3, token.hash)
                                  .Bind(4, token.created_at)
                                  .Bind(5, token.expires_at)));
  return result.Int(0, 0);
}

Result<std::optional<Token>> FindTokenByHash(PgConn& conn, const std::string& hash) {
  QUELL_ASSIGN_OR_RETURN(auto result, conn.Query(kSqlFindTokenByHash, PgParams().Bind(1, hash)));
  return FirstToken(result);
}

Result<std::vector<Token>> ListTokens(PgConn& conn) {
  QUELL_ASSIGN_OR_RETURN(auto result, conn.Query(kSqlListTokens));
  std::vector<Token> out;
  for (int row = 0; row < result.rows(); ++row) out.push_back(ReadToken(PgRow(result, row)));
  return out;
}

Result<int64_t> DeleteTokens(PgConn& conn, const std::string& name) {
  // One statement: the trigger (pg_schema.cc) ends the sessions and codes with it.
  QUELL_ASSIGN_OR_RETURN(auto result, conn.Query(kSqlDeleteTokens, PgParams().Bind(1, name)));
  return result.changed();
}

Status TouchToken(PgConn& conn, int64_t id, TimeMs at) {
  auto result = conn.Query("UPDATE tokens SET last_used_at = greatest(last_used_at, $2) WHERE "
                           "id = $1",
                           PgParams().Bind(1, id).Bind(2, at));
  return result ? Status::Ok() : result.error();
}

Status InsertSession(PgConn& conn, const Session& session) {
  QUELL_ASSIGN_OR_RETURN(
      auto expired, conn.Query(kSqlDeleteExpiredSessions, PgParams().Bind(1, session.created_at)));
  auto result = conn.Query(kSqlInsertSession, PgParams()
                                                  .Bind(1, session.id_hash)
                                                  .Bind(2, session.token_id)
                                                  .Bind(3, session.csrf)
                                                  .Bind(4, session.created_at)
                                                  .Bind(5, session.expires_at));
  return result ? Status::Ok() : result.error();
}

Result<std::optional<SignedIn>> FindSession(PgConn& conn, const std::string& id_hash) {
  QUELL_ASSIGN_OR_RETURN(auto result, conn.Query(kSqlFindSession, PgParams().Bind(1, id_hash)));
  if (result.rows() == 0) return std::nullopt;
  const PgRow row(result, 0);
  SignedIn found;
  found.token = ReadToken(row);
  found.session.id_hash = id_hash;
  found.session.token_id = found.token.id;
  found.session.csrf = row.Text(7);
  found.session.created_at = row.Int(8);
  found.session.expires_at = row.Int(9);
  return found;
}

Status DeleteSession(PgConn& conn, const std::string& id_hash) {
  auto result = conn.Query(kSqlDeleteSession, PgParams().Bind(1, id_hash));
  return result ? Status::Ok() : result.error();
}

Status InsertLoginCode(PgConn& conn, const std::string& code_hash, int64_t token_id,
                       TimeMs created_at, TimeMs expires_at) {
  QUELL_ASSIGN_OR_RETURN(auto expired,
                         conn.Query(kSqlDeleteExpiredLoginCodes, PgParams().Bind(1, created_at)));
  auto result = conn.Query(
      kSqlInsertLoginCode,
      PgParams().Bind(1, code_hash).Bind(2, token_id).Bind(3, created_at).Bind(4, expires_at));
  return result ? Status::Ok() : result.error();
}

Result<std::optional<Token>> TakeLoginCode(PgConn& conn, const std::string& code_hash,
                                           TimeMs now) {
  // Deleting is what makes the code single-use: of two requests (or nodes) racing with the
  // same code, one statement deletes the row and the other finds none.
  QUELL_ASSIGN_OR_RETURN(auto taken, conn.Query(kSqlTakeLoginCode, PgParams().Bind(1, code_hash)));
  if (taken.rows() == 0 || taken.Int(0, 1) <= now) return std::nullopt;
  QUELL_ASSIGN_OR_RETURN(auto result,
                         conn.Query(kSqlFindTokenById, PgParams().Bind(1, taken.Int(0, 0))));
  return FirstToken(result);
}

}  // namespace quell::store::pg_auth_tables
