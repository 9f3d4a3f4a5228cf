// API tokens: creation (the secret is shown once, only its SHA-256 is stored), scope rules and
// expiry.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace quell::store {

// What a request needs; a token's scope grants: admin -> everything, read -> kRead,
// ingest -> kIngest.
enum class Scope { kIngest, kRead, kAdmin };

// Parses "ingest" | "read" | "admin".
Result<Scope> ParseScope(std::string_view text);
bool ScopeAllows(std::string_view token_scope, Scope needed);

// Creates a token and returns its secret ("qk_" + 64 hex digits). The caller shows it once.
// Names are unique (they are who acts, e.g. on the timeline): 1-64 letters, digits and ._@-.
// `expires_at` 0: the token never expires.
Result<std::string> CreateToken(Store& store, const std::string& name, std::string_view scope,
                                TimeMs now, TimeMs expires_at = 0);

inline bool TokenExpired(const Token& token, TimeMs now) {
  return token.expires_at != 0 && now >= token.expires_at;
}

}  // namespace quell::store
