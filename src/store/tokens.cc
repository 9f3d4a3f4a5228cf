#include "store/tokens.h"

#include <cctype>

#include "common/hash.h"

namespace quell::store {
namespace {

Status CheckName(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return InvalidArgument("token name must be 1 to 64 characters", "name");
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '@' && c != '-')
      return InvalidArgument("token name may hold only letters, digits and . _ @ -", "name");
  return Status::Ok();
}

}  // namespace

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
                                TimeMs now, TimeMs expires_at) {
  if (auto parsed = ParseScope(scope); !parsed) return Error(parsed.error());
  QUELL_RETURN_IF_ERROR(CheckName(name));
  if (expires_at != 0 && expires_at <= now)
    return Error(InvalidArgument("the expiry must be in the future", "expires"));
  QUELL_ASSIGN_OR_RETURN(auto tokens, store.ListTokens());
  for (const Token& existing : tokens)
    if (existing.name == name)
      return Error({StatusCode::kAlreadyExists,
                    "a token named '" + name + "' exists (revoke it first, or pick another name)",
                    "name"});
  std::string secret = "qk_" + RandomHex(32);
  Token token;
  token.name = name;
  token.scope = std::string(scope);
  token.hash = Sha256Hex(secret);
  token.created_at = now;
  token.expires_at = expires_at;
  QUELL_ASSIGN_OR_RETURN(token.id, store.InsertToken(token));
  return secret;
}

}  // namespace quell::store
