#include "http/api.h"

#include <chrono>

#include "common/time_format.h"

#include <spdlog/spdlog.h>

#include "metrics/registry.h"

#include "http/auth.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "common/text.h"

namespace quell::http {

struct Api::Impl {
  explicit Impl(const ApiDeps& d)
      : deps(d),
        auth(d.store, d.clock),
        latency(d.metrics.Histogram("quell_http_request_duration_seconds",
                                    "Time from request to response.",
                                    {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                     0.5, 1, 2.5})) {}
  ApiDeps deps;
  Router router;
  Authenticator auth;
  metrics::HistogramValue& latency;
  // Last, so they stop (and their tasks, which use the members above, end) first.
  // Re-analyses: two at once (model calls are bounded by llm.concurrency anyway), a few queued;
  // a re-analysis not started by shutdown is dropped (the incident keeps its last analysis).
  WorkerPool analyses{{"analyze requests", 2, 16, /*drain_on_stop=*/false}};
  // Telegram presses in order of arrival; each is acknowledged to Telegram already, so those
  // queued at shutdown still run.
  WorkerPool telegram{{"telegram webhook", 1, 64, /*drain_on_stop=*/true}};
  Background background{analyses, telegram};

  void Count(int status, std::chrono::steady_clock::time_point started) {
    latency.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    deps.metrics
        .Counter("quell_http_requests_total", "HTTP responses by status code.",
                 {{"code", std::to_string(status)}})
        .Inc();
  }

  // The answer to a request refused on its headers alone (no route, method not allowed,
  // credentials missing or short of the route's scope, the route's own header check), or none.
  // `caller`, if given, gets the name of the token that authenticated the request.
  std::optional<HttpResponse> Refusal(const RouteMatch& match, const HttpRequest& head,
                                      std::string* caller = nullptr) {
    if (!match.route) {
      if (match.path_known)
        return ErrorResponse(405, {StatusCode::kInvalidArgument,
                                   "method " + head.method + " is not allowed here", "method"});
      return ErrorResponse(404, NotFound("no route for " + head.path));
    }
    if (match.route->scope) {
      auto checked = auth.Authenticate(head, *match.route->scope);
      if (!checked) {
        if (checked.error().code() != StatusCode::kUnavailable)
          spdlog::info("denied {} {} from {}: {}", head.method, head.path, head.remote_address,
                       checked.error().message());
        return ErrorResponse(checked.error());
      }
      if (caller) *caller = checked->name;
    }
    if (match.route->check_head) {
      Status checked = match.route->check_head(head);
      if (!checked.ok()) return ErrorResponse(checked);
    }
    return std::nullopt;
  }
};

Api::Api(ApiDeps deps) : impl_(std::make_unique<Impl>(deps)) {
  AddOpsRoutes(impl_->router, impl_->deps);

  AddAlertRoutes(impl_->router, impl_->deps);
  AddIncidentRoutes(impl_->router, impl_->deps, impl_->background);
  AddIntegrationRoutes(impl_->router, impl_->deps);
  AddDeployRoutes(impl_->router, impl_->deps);
  AddSilenceRoutes(impl_->router, impl_->deps);
  AddOnCallRoutes(impl_->router, impl_->deps);
  AddEscalationRoutes(impl_->router, impl_->deps);
  AddTopologyRoutes(impl_->router, impl_->deps);
  AddLogRoutes(impl_->router, impl_->deps);
  AddTelegramRoutes(impl_->router, impl_->deps, impl_->background);
  AddStatsRoutes(impl_->router, impl_->deps);
  AddDashboardRoutes(impl_->router, impl_->deps, impl_->auth);
}

Api::~Api() { Stop(); }

std::vector<RouteInfo> Api::Routes() const { return impl_->router.Table(); }

void Api::Stop() {
  impl_->analyses.Stop();
  impl_->telegram.Stop();
}

Status RequireJson(const HttpRequest& request) {
  std::string type = request.Header("content-type");
  std::string base = ToLower(type.substr(0, type.find(';')));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  if (base == "application/json") return Status::Ok();
  return InvalidArgument("Content-Type must be application/json", "content-type");
}

Result<TimeMs> TimeQueryParam(const HttpRequest& request, const char* name, TimeMs fallback) {
  std::string text = request.Query(name);
  if (text.empty()) return fallback;
  const bool epoch = text.size() < 16 && text.find_first_not_of("0123456789") == std::string::npos;
  auto parsed = epoch ? EpochNumberToMs(static_cast<double>(std::stoll(text))) : ParseRfc3339(text);
  if (!parsed) {
    // A syntax error gets the formats; a date that does not exist or is out of range, why.
    return Error(InvalidArgument(
        std::string(name) + (parsed.error().message() == kNotRfc3339
                                 ? " must be RFC 3339 or epoch seconds/milliseconds"
                                 : ": " + parsed.error().message()),
        name));
  }
  return *parsed;
}

Result<int> LimitQueryParam(const HttpRequest& request, int default_limit, int max,
                            const std::string& name) {
  std::string text = request.Query(name);
  if (text.empty()) return default_limit;
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(text) <= 0)
    return Error(InvalidArgument(name + " must be a positive integer", name));
  return std::min(std::stoi(text), max);
}

namespace {

// Answers a streamed request with an error as soon as the body starts (or ends, if empty).
class RejectingStream final : public BodyStream {
 public:
  explicit RejectingStream(HttpResponse response) : response_(std::move(response)) {}
  std::optional<HttpResponse> Feed(std::string_view) override { return response_; }
  void Finish(Responder respond) override { respond(response_); }

 private:
  HttpResponse response_;
};

}  // namespace

std::unique_ptr<BodyStream> Api::OpenStream(const HttpRequest& head) {
  RouteMatch match = impl_->router.Match(head.method, head.path);
  if (!match.route || !match.route->open_stream) return nullptr;
  if (match.route->scope) {
    auto caller = impl_->auth.Authenticate(head, *match.route->scope);
    if (!caller) return std::make_unique<RejectingStream>(ErrorResponse(caller.error()));
  }
  return match.route->open_stream(head);
}

Admission Api::Admit(const HttpRequest& head) {
  const auto started = std::chrono::steady_clock::now();
  RouteMatch match = impl_->router.Match(head.method, head.path);
  Admission admission;
  admission.refusal = impl_->Refusal(match, head);
  if (admission.refusal) {
    impl_->Count(admission.refusal->status, started);
    return admission;
  }
  const Route& route = *match.route;
  const bool bodyless = head.method == "GET" || head.method == "HEAD" || head.method == "DELETE";
  admission.max_body_bytes = route.max_body_bytes ? route.max_body_bytes
                             : bodyless           ? kBodylessMaxBody
                                                  : 0;
  return admission;
}

void Api::Handle(HttpRequest request, Responder respond_raw) {
  // Every response is counted by status code and timed.
  const auto started = std::chrono::steady_clock::now();
  Responder respond = [impl = impl_.get(), started,
                       respond_raw = std::move(respond_raw)](HttpResponse response) {
    impl->Count(response.status, started);
    respond_raw(std::move(response));
  };
  // Admit has checked all this before the body was read; checked again for callers that hand
  // requests over directly, and for a token revoked in between.
  RouteMatch match = impl_->router.Match(request.method, request.path);
  if (auto refusal = impl_->Refusal(match, request, &request.caller))
    return respond(std::move(*refusal));
  match.route->fn(request, match.params, std::move(respond));
}

}  // namespace quell::http
