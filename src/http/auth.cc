#include "http/auth.h"

#include "common/hash.h"

namespace quell::http {

Status Authenticator::Check(const HttpRequest& request, store::Scope needed) {
  const std::string header = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty())
    return {StatusCode::kUnauthenticated, "missing Authorization: Bearer <token> header",
            "authorization"};
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0)
    return {StatusCode::kUnauthenticated, "Authorization header must be 'Bearer <token>'",
            "authorization"};
  const std::string hash = Sha256Hex(std::string_view(header).substr(kBearer.size()));

  std::string scope;
  {
    std::lock_guard lock(mu_);
    auto it = scope_by_hash_.find(hash);
    if (it != scope_by_hash_.end()) scope = it->second;
  }
  if (scope.empty()) {
    auto token = store_.FindTokenByHash(hash);
    if (!token) return Unavailable("token lookup failed");
    if (!*token) return {StatusCode::kUnauthenticated, "unknown token", "authorization"};
    scope = (*token)->scope;
    std::lock_guard lock(mu_);
    scope_by_hash_[hash] = scope;
  }
  if (!store::ScopeAllows(scope, needed))
    return {StatusCode::kPermissionDenied, "this token's scope (" + scope + ") does not allow this",
            "authorization"};
  return Status::Ok();
}

}  // namespace quell::http
