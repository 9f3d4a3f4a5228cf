// A small method + path-pattern router. Patterns are literal segments and "{name}" captures:
// "/api/v1/incidents/{id}/{action}". Thread-safe after construction.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/server.h"
#include "store/tokens.h"

namespace quell::http {

using PathParams = std::map<std::string, std::string>;
using RouteFn = std::function<void(HttpRequest&, const PathParams&, Responder)>;

struct Route {
  std::string method;
  std::string pattern;
  // Scope the bearer token needs; public routes (health, metrics) have none.
  std::optional<store::Scope> scope;
  RouteFn fn;
  // Optional: take the body as a stream (Handler::OpenStream); return nullptr to take it whole.
  std::function<std::unique_ptr<BodyStream>(const HttpRequest&)> open_stream = nullptr;
  // The largest body this route takes; 0: kBodylessMaxBody for GET, HEAD and DELETE, the
  // server's limit (max_body_bytes, or the path's own) for other methods.
  size_t max_body_bytes = 0;
  // A check of the headers alone, run with authentication before any of the body is read (for
  // routes that authenticate otherwise, e.g. by a secret header). Errors are the answer.
  std::function<Status(const HttpRequest&)> check_head = nullptr;
};

// What a GET, HEAD or DELETE route reads of a body it ignores.
inline constexpr size_t kBodylessMaxBody = 64 * 1024;

// A route without its handler: what the API's description (docs/openapi.json) must list.
struct RouteInfo {
  std::string method;
  std::string pattern;
  std::optional<store::Scope> scope;
  bool checks_head = false;  // authenticates otherwise (Route::check_head), e.g. by a secret
};

struct RouteMatch {
  const Route* route = nullptr;   // null: no route
  PathParams params;
  bool path_known = false;        // some route has this path (for 405 vs 404)
};

class Router {
 public:
  void Add(Route route) { routes_.push_back(std::move(route)); }
  RouteMatch Match(const std::string& method, const std::string& path) const;
  // Every route in the order added.
  std::vector<RouteInfo> Table() const;

 private:
  std::vector<Route> routes_;
};

}  // namespace quell::http
