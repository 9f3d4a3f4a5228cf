#include "store/sqlite/auth_tables.h"

#include "store/row_mapping.h"
#include "store/shared_sql.h"
#include "store/sqlite/sqlite_query.h"

namespace quell::store::auth_tables {
namespace {

constexpr auto kToken = [](const SqliteStatement& row) { return ReadToken(row); };

}  // namespace

Result<int64_t> InsertToken(SqliteDb& db, const Token& token) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("INSERT INTO tokens (name, scope, hash, created_at, "
                                             "expires_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
  s->Bind(1, token.name)
      .Bind(2, token.scope)
      .Bind(3, token.hash)
      .Bind(4, token.created_at)
      .Bind(5, token.expires_at);
  QUELL_RETURN_IF_ERROR(s->Run());
  return db.LastInsertId();
}

Result<std::optional<Token>> FindTokenByHash(SqliteDb& db, const std::string& hash) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlFindTokenByHash>));
  s->Bind(1, hash);
  return QueryOne(*s, kToken);
}

Result<std::vector<Token>> ListTokens(SqliteDb& db) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlListTokens>));
  return CollectRows(*s, kToken);
}

Result<int64_t> DeleteTokens(SqliteDb& db, const std::string& name) {
  // One statement: the trigger (schema.cc, 13) ends the sessions and codes with it.
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlDeleteTokens>));
  s->Bind(1, name);
  QUELL_RETURN_IF_ERROR(s->Run());
  return int64_t{db.Changes()};
}

Status TouchToken(SqliteDb& db, int64_t id, TimeMs at) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("UPDATE tokens SET last_used_at = max(last_used_at, "
                                             "?2) WHERE id = ?1"));
  s->Bind(1, id).Bind(2, at);
  return s->Run();
}

Status InsertSession(SqliteDb& db, const Session& session) {
  QUELL_ASSIGN_OR_RETURN(auto* expired, db.Prepare(SqliteSql<kSqlDeleteExpiredSessions>));
  expired->Bind(1, session.created_at);
  QUELL_RETURN_IF_ERROR(expired->Run());
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlInsertSession>));
  s->Bind(1, session.id_hash)
      .Bind(2, session.token_id)
      .Bind(3, session.csrf)
      .Bind(4, session.created_at)
      .Bind(5, session.expires_at);
  return s->Run();
}

Result<std::optional<SignedIn>> FindSession(SqliteDb& db, const std::string& id_hash) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlFindSession>));
  s->Bind(1, id_hash);
  QUELL_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  SignedIn found;
  found.token = ReadToken(*s);
  found.session.id_hash = id_hash;
  found.session.token_id = found.token.id;
  found.session.csrf = s->Text(7);
  found.session.created_at = s->Int(8);
  found.session.expires_at = s->Int(9);
  s->Reset();
  return found;
}

Status DeleteSession(SqliteDb& db, const std::string& id_hash) {
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlDeleteSession>));
  s->Bind(1, id_hash);
  return s->Run();
}

Status InsertLoginCode(SqliteDb& db, const std::string& code_hash, int64_t token_id,
                       TimeMs created_at, TimeMs expires_at) {
  QUELL_ASSIGN_OR_RETURN(auto* expired, db.Prepare(SqliteSql<kSqlDeleteExpiredLoginCodes>));
  expired->Bind(1, created_at);
  QUELL_RETURN_IF_ERROR(expired->Run());
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlInsertLoginCode>));
  s->Bind(1, code_hash).Bind(2, token_id).Bind(3, created_at).Bind(4, expires_at);
  return s->Run();
}

Result<std::optional<Token>> TakeLoginCode(SqliteDb& db, const std::string& code_hash,
                                           TimeMs now) {
  // Deleting is what makes the code single-use: of two requests (or nodes) racing with the
  // same code, one statement deletes the row and the other finds none.
  QUELL_ASSIGN_OR_RETURN(auto* take, db.Prepare(SqliteSql<kSqlTakeLoginCode>));
  take->Bind(1, code_hash);
  QUELL_ASSIGN_OR_RETURN(bool row, take->Step());
  if (!row) return std::nullopt;
  const int64_t token_id = take->Int(0);
  const TimeMs expires_at = take->Int(1);
  QUELL_RETURN_IF_ERROR(take->Run());  // RETURNING rows: step to the end so the delete finishes
  if (expires_at <= now) return std::nullopt;
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare(SqliteSql<kSqlFindTokenById>));
  s->Bind(1, token_id);
  return QueryOne(*s, kToken);
}

}  // namespace quell::store::auth_tables
