#include "app/login_link.h"

#include <fstream>

#include "common/hash.h"
#include "store/sessions.h"
#include "store/tokens.h"

namespace quell::app {
namespace {

Result<store::Token> FindSignInToken(store::Store& store, const config::Config& config,
                                     const std::string& name) {
  std::optional<store::Token> found;
  if (name.empty()) {
    const std::string secret = ReadAdminToken(config.data_dir);
    if (!secret.empty()) {
      QUELL_ASSIGN_OR_RETURN(found, store.FindTokenByHash(Sha256Hex(secret)));
    }
    if (!found)
      return Error(InvalidArgument(config.data_dir +
                                       "/admin.token holds no valid token (revoked?); pass "
                                       "--name with a read or admin token",
                                   "name"));
  } else {
    QUELL_ASSIGN_OR_RETURN(auto tokens, store.ListTokens());
    for (auto& token : tokens)
      if (token.name == name) found = std::move(token);
    if (!found) return Error(InvalidArgument("no token named '" + name + "'", "name"));
  }
  return *found;
}

}  // namespace

std::string ReadAdminToken(const std::string& data_dir) {
  std::ifstream in(data_dir + "/admin.token");
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

std::string BrowsableHost(std::string host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "[::]" || host == "::") return "[::1]";
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

std::string DashboardBase(const config::Config& config, uint16_t port) {
  std::string base = config.public_url;
  if (base.empty()) {
    const size_t colon = config.listen.rfind(':');
    const std::string host = config.listen.substr(0, colon);
    const std::string listen_port =
        colon == std::string::npos ? "8080" : config.listen.substr(colon + 1);
    base = "http://" + BrowsableHost(host) + ":" + (port ? std::to_string(port) : listen_port);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<std::string> NewLoginLink(store::Store& store, const config::Config& config,
                                 const std::string& base, const std::string& name, TimeMs now) {
  QUELL_ASSIGN_OR_RETURN(store::Token token, FindSignInToken(store, config, name));
  if (store::TokenExpired(token, now))
    return Error(InvalidArgument("token '" + token.name + "' has expired", "name"));
  if (!store::ScopeAllows(token.scope, store::Scope::kRead))
    return Error(InvalidArgument("token '" + token.name + "' (scope " + token.scope +
                                     ") cannot sign in to the dashboard; use a read or admin token",
                                 "name"));
  QUELL_ASSIGN_OR_RETURN(std::string code, store::CreateLoginCode(store, token.id, now));
  return base + "/login?code=" + code;
}

}  // namespace quell::app
