#include "http/router.h"

namespace quell::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool MatchPattern(std::string_view pattern, std::string_view path, PathParams& params) {
  auto want = Split(pattern);
  auto have = Split(path);
  if (want.size() != have.size()) return false;
  PathParams captured;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      captured.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::string(have[i]));
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

}  // namespace

RouteMatch Router::Match(const std::string& method, const std::string& path) const {
  RouteMatch match;
  for (const auto& route : routes_) {
    PathParams params;
    if (!MatchPattern(route.pattern, path, params)) continue;
    match.path_known = true;
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
      match.route = &route;
      match.params = std::move(params);
      return match;
    }
  }
  return match;
}

std::vector<RouteInfo> Router::Table() const {
  std::vector<RouteInfo> table;
  for (const auto& route : routes_)
    table.push_back({route.method, route.pattern, route.scope, route.check_head != nullptr});
  return table;
}

}  // namespace quell::http
