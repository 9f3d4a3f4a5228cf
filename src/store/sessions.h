// Dashboard sessions and one-time sign-in codes. Their secrets are made here and shown once to
// whoever holds them (a cookie, a printed link); the store keeps only their SHA-256.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace quell::store {

// How long a sign-in link works (it works once).
inline constexpr TimeMs kLoginCodeTtlMs = 10 * kMinuteMs;

struct NewSession {
  std::string id;    // the cookie's value
  std::string csrf;  // what the page echoes in X-CSRF-Token
  TimeMs expires_at = 0;
};

// A session with token `token_id`'s rights for `ttl_ms`, ending with the token if it expires
// sooner (`token_expires_at`, 0: never).
Result<NewSession> CreateSession(Store& store, int64_t token_id, TimeMs token_expires_at,
                                 TimeMs now, TimeMs ttl_ms);

// A one-time sign-in code for token `token_id` ("qc_" + 32 hex digits), valid kLoginCodeTtlMs.
Result<std::string> CreateLoginCode(Store& store, int64_t token_id, TimeMs now);

}  // namespace quell::store
