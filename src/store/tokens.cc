#include "store/tokens.h"

#include "common/hash.h"

namespace quell::store {

Result<Scope> ParseScope(std::string_view text) {
  if (text == "ingest") return Scope::kIngest;
  if (text == "read") return Scope::kRead;
  if (text == "admin") return Scope::kAdmin;
  return Error(InvalidArgument("scope must be ingest, read or admin", "scope"));
}

bool ScopeAllows(std::string_view token_scope, Scope needed) {
  auto scope = ParseScope(token_scope);
  if (!scope) return false;
  return *scope == Scope::kAdmin || *scope == needed;
}

Result<std::string> CreateToken(Store& store, const std::string& name, std::string_view scope,
                                TimeMs now) {
  if (auto parsed = ParseScope(scope); !parsed) return Error(parsed.error());
  if (name.empty()) return Error(InvalidArgument("token name must not be empty", "name"));
  std::string secret = "qk_" + RandomHex(32);
  Token token;
  token.name = name;
  token.scope = std::string(scope);
  token.hash = Sha256Hex(secret);
  token.created_at = now;
  QUELL_ASSIGN_OR_RETURN(token.id, store.InsertToken(token));
  return secret;
}

}  // namespace quell::store
