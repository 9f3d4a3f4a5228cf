// Authentication for the API: a bearer token, or the dashboard's session cookie (a random id
// naming a server-side session, set by /login). What the store says about a token or session
// is kept in memory for at most kRecheckMs, so a request usually costs one SHA-256 and a map
// lookup, and a token revoked or a session ended anywhere (by `quell token revoke`, or on
// another node sharing the database) stops working here within that time. Thread-safe.
// Tokens and session ids never reach a log line or an error message.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/status.h"
#include "http/server.h"
#include "store/store.h"
#include "store/tokens.h"

namespace quell::http {

// Who made a request: the token's name and scope, and whether it came by session cookie.
struct Caller {
  std::string name;
  std::string scope;
  int64_t token_id = 0;
  TimeMs token_expires_at = 0;  // 0: never
  bool by_cookie = false;
};

// The caller a token makes (not by cookie).
Caller CallerOf(const store::Token& token);

class Authenticator {
 public:
  // How long the store's answer about a token or session is trusted.
  static constexpr std::chrono::milliseconds kRecheckMs{500};
  // A token's last use is written at most this often (it is shown to the minute).
  static constexpr TimeMs kLastUsedResolutionMs = kMinuteMs;

  Authenticator(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The caller of a request with the `needed` scope: by the Authorization: Bearer header when
  // present, else by the session cookie. A cookie-authenticated request that changes state
  // (any method but GET/HEAD) must also carry the X-CSRF-Token header equal to its session's
  // CSRF value. Errors: Unauthenticated (missing, unknown or expired token or session),
  // PermissionDenied (scope too small or CSRF check failed), each naming the field
  // ("authorization", "cookie", "x-csrf-token").
  Result<Caller> Authenticate(const HttpRequest& request, store::Scope needed);

  // The token behind a secret (for /login?token=), or Unauthenticated naming `field`.
  Result<Caller> Verify(std::string_view secret, const std::string& field);

  // Sign-out: ends the request's session in the store (other nodes drop it within
  // kRecheckMs). A cookie request must pass the CSRF check; no session is nothing to end.
  Status EndSession(const HttpRequest& request);

 private:
  // What the store said about a token or session, and when it was asked.
  struct Checked {
    Caller caller;
    TimeMs expires_at = 0;  // the earliest of the token's and the session's; 0: never
    TimeMs last_used_at = 0;
    std::string csrf;       // sessions only
    std::chrono::steady_clock::time_point at;
  };
  using Cache = std::unordered_map<std::string, Checked>;
  using Load = std::function<Result<std::optional<Checked>>()>;

  // The cached answer for `key` if checked within kRecheckMs, else `load`'s (cached).
  Result<std::optional<Checked>> Lookup(Cache& cache, const std::string& key, const Load& load);
  Result<std::optional<Checked>> LookupSession(const std::string& session_id);
  // Writes the token's last use when the stored one is a resolution old.
  void NoteUse(const Checked& checked, TimeMs now);
  // A state-changing request by cookie must echo the session's CSRF value (a foreign page can
  // make the browser send the cookie, but cannot read the value).
  static Status CheckCsrf(const Checked& session, const HttpRequest& request);

  store::Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  Cache tokens_;                                 // by Sha256Hex(secret)
  Cache sessions_;                               // by Sha256Hex(session id)
  std::unordered_map<int64_t, TimeMs> used_at_;  // token id -> last use written
};

}  // namespace quell::http
