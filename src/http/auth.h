// Authentication for the API: a bearer token, or the dashboard's session cookie (set by
// /login). Verified tokens are cached in memory by hash so a request costs one SHA-256 and a
// map lookup; unknown hashes go to the Store. Thread-safe.
// Tokens never reach a log line or an error message.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "http/server.h"
#include "store/store.h"
#include "store/tokens.h"

namespace quell::http {

// Who made a request: the token's name and scope, and whether it came by cookie.
struct Caller {
  std::string name;
  std::string scope;
  bool by_cookie = false;
};

class Authenticator {
 public:
  explicit Authenticator(store::Store& store) : store_(store) {}

  // The caller of a request with the `needed` scope: by the Authorization: Bearer header when
  // present, else by the session cookie. A cookie-authenticated request that changes state
  // (any method but GET/HEAD) must also carry the X-CSRF-Token header equal to the quell_csrf
  // cookie. Errors: Unauthenticated (missing/unknown token), PermissionDenied (scope too small
  // or CSRF check failed), each naming the field ("authorization", "cookie", "x-csrf-token").
  Result<Caller> Authenticate(const HttpRequest& request, store::Scope needed);

  // Same, as a Status.
  Status Check(const HttpRequest& request, store::Scope needed);

  // The token behind a secret (for /login), or Unauthenticated naming `field`.
  Result<Caller> Verify(std::string_view secret, const std::string& field);

 private:
  struct Known {
    std::string name;
    std::string scope;
  };
  store::Store& store_;
  std::mutex mu_;
  std::unordered_map<std::string, Known> by_hash_;
};

}  // namespace quell::http
