#include "store/sqlite/auth_tables.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace quell::store {

Result<int64_t> SqliteStore::InsertToken(const Token& token) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  return auth_tables::InsertToken(*writer_, token);
}

Result<std::optional<Token>> SqliteStore::FindTokenByHash(const std::string& hash) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  return auth_tables::FindTokenByHash(r.db(), hash);
}

Result<std::vector<Token>> SqliteStore::ListTokens() {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  return auth_tables::ListTokens(r.db());
}

Result<int64_t> SqliteStore::DeleteTokens(const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  return auth_tables::DeleteTokens(*writer_, name);
}

// "Last used" is best effort and written once a minute per token in use: it rides in the
// open batch (committed with it) instead of forcing the batch out, so requests do not defeat
// group commit. A crash before that commit leaves it one batch interval older, no worse.
Status SqliteStore::TouchToken(int64_t id, TimeMs at) {
  std::unique_lock lock(write_mu_);
  if (batch_.broken) QUELL_RETURN_IF_ERROR(Recover());
  return auth_tables::TouchToken(*writer_, id, at);
}

Status SqliteStore::InsertSession(const Session& session) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  return auth_tables::InsertSession(*writer_, session);
}

Result<std::optional<SignedIn>> SqliteStore::FindSession(const std::string& id_hash) {
  ReaderPool::Lease r(Readers(Sees::kCommitted));
  return auth_tables::FindSession(r.db(), id_hash);
}

Status SqliteStore::DeleteSession(const std::string& id_hash) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  return auth_tables::DeleteSession(*writer_, id_hash);
}

Status SqliteStore::InsertLoginCode(const std::string& code_hash, int64_t token_id,
                                    TimeMs created_at, TimeMs expires_at) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  return auth_tables::InsertLoginCode(*writer_, code_hash, token_id, created_at, expires_at);
}

Result<std::optional<Token>> SqliteStore::TakeLoginCode(const std::string& code_hash, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(auto lock, LockDirect());
  return auth_tables::TakeLoginCode(*writer_, code_hash, now);
}
}  // namespace quell::store
