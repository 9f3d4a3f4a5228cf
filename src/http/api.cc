#include "http/api.h"

#include <spdlog/spdlog.h>

#include "http/auth.h"
#include "http/json_response.h"
#include "http/routes.h"

namespace quell::http {

struct Api::Impl {
  explicit Impl(const ApiDeps& d) : deps(d), auth(d.store) {}
  ApiDeps deps;
  Router router;
  Authenticator auth;
};

Api::Api(ApiDeps deps) : impl_(std::make_unique<Impl>(deps)) {
  AddOpsRoutes(impl_->router, impl_->deps);
  AddAlertRoutes(impl_->router, impl_->deps);
  AddIncidentRoutes(impl_->router, impl_->deps);
  AddIntegrationRoutes(impl_->router, impl_->deps);
}

Api::~Api() = default;

Status RequireJson(const HttpRequest& request) {
  std::string type = request.Header("content-type");
  std::string base = type.substr(0, type.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (base == "application/json") return Status::Ok();
  return InvalidArgument("Content-Type must be application/json", "content-type");
}

void Api::Handle(HttpRequest request, Responder respond) {
  RouteMatch match = impl_->router.Match(request.method, request.path);
  if (!match.route) {
    if (match.path_known) {
      respond(ErrorResponse(405, {StatusCode::kInvalidArgument,
                                  "method " + request.method + " is not allowed here", "method"}));
    } else {
      respond(ErrorResponse(404, NotFound("no route for " + request.path)));
    }
    return;
  }
  if (match.route->scope) {
    Status auth = impl_->auth.Check(request, *match.route->scope);
    if (!auth.ok()) {
      if (auth.code() != StatusCode::kUnavailable)
        spdlog::info("denied {} {} from {}: {}", request.method, request.path,
                     request.remote_address, auth.message());
      respond(ErrorResponse(auth));
      return;
    }
  }
  match.route->fn(request, match.params, std::move(respond));
}

}  // namespace quell::http
