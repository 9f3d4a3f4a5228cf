#include "http/auth.h"

#include "common/hash.h"
#include "http/cookies.h"

namespace quell::http {

Result<Caller> Authenticator::Verify(std::string_view secret, const std::string& field) {
  if (secret.empty()) return Error({StatusCode::kUnauthenticated, "missing token", field});
  const std::string hash = Sha256Hex(secret);
  {
    std::lock_guard lock(mu_);
    auto it = by_hash_.find(hash);
    if (it != by_hash_.end()) return Caller{it->second.name, it->second.scope, false};
  }
  auto token = store_.FindTokenByHash(hash);
  if (!token) return Error(Unavailable("token lookup failed"));
  if (!*token) return Error({StatusCode::kUnauthenticated, "unknown token", field});
  std::lock_guard lock(mu_);
  by_hash_[hash] = Known{(*token)->name, (*token)->scope};
  return Caller{(*token)->name, (*token)->scope, false};
}

Result<Caller> Authenticator::Authenticate(const HttpRequest& request, store::Scope needed) {
  const std::string header = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  Caller caller;
  if (!header.empty()) {
    if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0)
      return Error({StatusCode::kUnauthenticated, "Authorization header must be 'Bearer <token>'",
                    "authorization"});
    QUELL_ASSIGN_OR_RETURN(
        caller, Verify(std::string_view(header).substr(kBearer.size()), "authorization"));
  } else if (std::string session = CookieValue(request, kSessionCookie); !session.empty()) {
    QUELL_ASSIGN_OR_RETURN(caller, Verify(session, "cookie"));
    caller.by_cookie = true;
    // A cookie rides along with any request the browser makes, also one a foreign page
    // triggers: state changes must prove the page could read our quell_csrf cookie.
    if (request.method != "GET" && request.method != "HEAD") {
      const std::string expected = CookieValue(request, kCsrfCookie);
      const std::string sent = request.Header(kCsrfHeader);
      if (expected.empty() || !ConstantTimeEquals(expected, sent))
        return Error({StatusCode::kPermissionDenied,
                      "a request authenticated by cookie must send the X-CSRF-Token header",
                      "x-csrf-token"});
    }
  } else {
    return Error({StatusCode::kUnauthenticated, "missing Authorization: Bearer <token> header",
                  "authorization"});
  }
  if (!store::ScopeAllows(caller.scope, needed))
    return Error({StatusCode::kPermissionDenied,
                  "this token's scope (" + caller.scope + ") does not allow this",
                  caller.by_cookie ? "cookie" : "authorization"});
  return caller;
}

Status Authenticator::Check(const HttpRequest& request, store::Scope needed) {
  auto caller = Authenticate(request, needed);
  return caller ? Status::Ok() : caller.error();
}

}  // namespace quell::http
