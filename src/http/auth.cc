#include "http/auth.h"

#include <algorithm>

#include "common/hash.h"
#include "http/cookies.h"

namespace quell::http {
namespace {

// Caches are dropped whole past this size: a flood of distinct valid credentials must not grow
// memory without bound (the next requests read them back).
constexpr size_t kMaxCached = 10000;

TimeMs EarliestExpiry(TimeMs a, TimeMs b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

}  // namespace

Status Authenticator::CheckCsrf(const Checked& session, const HttpRequest& request) {
  if (ConstantTimeEquals(session.csrf, request.Header(kCsrfHeader))) return Status::Ok();
  return {StatusCode::kPermissionDenied,
          "a request authenticated by cookie must send the X-CSRF-Token header", "x-csrf-token"};
}

Caller CallerOf(const store::Token& token) {
  return Caller{token.name, token.scope, token.id, token.expires_at, false};
}

Result<std::optional<Authenticator::Checked>> Authenticator::Lookup(Cache& cache,
                                                                    const std::string& key,
                                                                    const Load& load) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    auto it = cache.find(key);
    if (it != cache.end() && now - it->second.at < kRecheckMs) return it->second;
  }
  QUELL_ASSIGN_OR_RETURN(std::optional<Checked> loaded, load());
  std::lock_guard lock(mu_);
  if (!loaded) {
    cache.erase(key);
    return std::nullopt;
  }
  if (cache.size() >= kMaxCached) cache.clear();
  loaded->at = now;
  cache[key] = *loaded;
  return loaded;
}

void Authenticator::NoteUse(const Checked& checked, TimeMs now) {
  {
    std::lock_guard lock(mu_);
    if (used_at_.size() >= kMaxCached) used_at_.clear();
    TimeMs& written = used_at_[checked.caller.token_id];
    written = std::max(written, checked.last_used_at);
    if (now - written < kLastUsedResolutionMs) return;
    written = now;
  }
  // Best effort: a failed write only leaves "last used" older than it is.
  (void)store_.TouchToken(checked.caller.token_id, now);
}

Result<Caller> Authenticator::Verify(std::string_view secret, const std::string& field) {
  if (secret.empty()) return Error({StatusCode::kUnauthenticated, "missing token", field});
  const std::string hash = Sha256Hex(secret);
  QUELL_ASSIGN_OR_RETURN(
      auto checked, Lookup(tokens_, hash, [&]() -> Result<std::optional<Checked>> {
        auto token = store_.FindTokenByHash(hash);
        if (!token) return Error(Unavailable("token lookup failed"));
        if (!*token) return std::nullopt;
        return Checked{CallerOf(**token), (*token)->expires_at, (*token)->last_used_at, "", {}};
      }));
  if (!checked) return Error({StatusCode::kUnauthenticated, "unknown token", field});
  const TimeMs now = clock_.Now();
  if (checked->expires_at != 0 && now >= checked->expires_at)
    return Error({StatusCode::kUnauthenticated, "this token has expired", field});
  NoteUse(*checked, now);
  return checked->caller;
}

Result<std::optional<Authenticator::Checked>> Authenticator::LookupSession(
    const std::string& session_id) {
  const std::string hash = Sha256Hex(session_id);
  return Lookup(sessions_, hash, [&]() -> Result<std::optional<Checked>> {
    auto found = store_.FindSession(hash);
    if (!found) return Error(Unavailable("session lookup failed"));
    if (!*found) return std::nullopt;
    const store::SignedIn& in = **found;
    Caller caller = CallerOf(in.token);
    caller.by_cookie = true;
    return Checked{caller, EarliestExpiry(in.session.expires_at, in.token.expires_at),
                   in.token.last_used_at, in.session.csrf, {}};
  });
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
    QUELL_ASSIGN_OR_RETURN(auto checked, LookupSession(session));
    if (!checked)
      return Error({StatusCode::kUnauthenticated,
                    "this session has ended or is unknown; sign in again", "cookie"});
    const TimeMs now = clock_.Now();
    if (checked->expires_at != 0 && now >= checked->expires_at)
      return Error({StatusCode::kUnauthenticated, "this session has expired; sign in again",
                    "cookie"});
    // A cookie rides along with any request the browser makes, also one a foreign page
    // triggers: state changes must prove the page could read the session's CSRF value.
    if (request.method != "GET" && request.method != "HEAD")
      QUELL_RETURN_IF_ERROR(CheckCsrf(*checked, request));
    NoteUse(*checked, now);
    caller = checked->caller;
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

Status Authenticator::EndSession(const HttpRequest& request) {
  const std::string session = CookieValue(request, kSessionCookie);
  if (session.empty()) return Status::Ok();
  QUELL_ASSIGN_OR_RETURN(auto checked, LookupSession(session));
  if (!checked) return Status::Ok();
  QUELL_RETURN_IF_ERROR(CheckCsrf(*checked, request));
  const std::string hash = Sha256Hex(session);
  QUELL_RETURN_IF_ERROR(store_.DeleteSession(hash));
  std::lock_guard lock(mu_);
  sessions_.erase(hash);
  return Status::Ok();
}

}  // namespace quell::http
