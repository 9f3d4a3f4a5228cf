// API tokens: creation (the secret is shown once, only its SHA-256 is stored) and scope rules.
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
Result<std::string> CreateToken(Store& store, const std::string& name, std::string_view scope,
                                TimeMs now);

}  // namespace quell::store
