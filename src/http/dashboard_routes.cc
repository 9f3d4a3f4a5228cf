// The web dashboard: the page and its assets (embedded, public: they hold no data), the API's
// description (GET /api/openapi.json) and its page (GET /api/docs), sign-in
// (GET /login?code=… with a one-time code from a printed link, GET /login?token=… for scripts,
// or the form's POST /login with a token) that starts a server-side session, sign-out (which
// ends it in the store), and GET /api/v1/me (who is signed in, whether they may act).
//
// The session cookie holds only a random id (HttpOnly, SameSite=Strict, Secure behind https);
// the quell_csrf cookie carries the session's CSRF value, readable by the page, which echoes it
// in X-CSRF-Token (auth.cc checks it against the session).
#include <algorithm>

#include <boost/json.hpp>

#include "common/hash.h"
#include "common/text.h"
#include "http/auth.h"
#include "http/cookies.h"
#include "http/json_response.h"
#include "http/routes.h"
#include "http/static_assets.h"
#include "http/url.h"
#include "store/sessions.h"

namespace quell::http {
namespace {

namespace json = boost::json;

// Pages run only our own scripts and styles, and cannot be framed.
void AddPageHeaders(HttpResponse& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      "form-action 'self'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

// An embedded asset, or 304 when the browser's copy is current. "no-cache": browsers revalidate
// every time (the URLs carry no version), which costs a 304 after an upgrade, never a stale page.
HttpResponse ServeAsset(const StaticAsset& asset, const HttpRequest& request) {
  HttpResponse response;
  response.content_type = std::string(asset.content_type);
  response.headers.emplace_back("ETag", asset.etag);
  response.headers.emplace_back("Cache-Control", "no-cache");
  AddPageHeaders(response);
  if (request.Header("if-none-match") == asset.etag) {
    response.status = 304;
    return response;
  }
  response.body = std::string(asset.body);
  return response;
}

HttpResponse NotFoundResponse(const HttpRequest& request) {
  return ErrorResponse(404, NotFound("no route for " + request.path));
}

// GET `path` answers with the embedded asset `asset_path`.
void AddAssetRoute(Router& router, std::string path, std::string asset_path) {
  router.Add({"GET", std::move(path), std::nullopt,
              [asset_path = std::move(asset_path)](HttpRequest& request, const PathParams&,
                                                   Responder respond) {
                const StaticAsset* asset = FindAsset(asset_path);
                respond(asset ? ServeAsset(*asset, request) : NotFoundResponse(request));
              }});
}

// The sign-in page, with an error message in place of its <!--message--> marker.
HttpResponse LoginPage(int status, std::string_view message) {
  const StaticAsset* page = FindAsset("/assets/login.html");
  if (!page) return ErrorResponse(Internal("login page not embedded"));
  std::string body(page->body);
  if (!message.empty()) {
    constexpr std::string_view kMarker = "<!--message-->";
    size_t at = body.find(kMarker);
    if (at != std::string::npos)
      body.replace(at, kMarker.size(),
                   "<p class=\"error\" role=\"alert\">" + HtmlEscape(message) + "</p>");
  }
  HttpResponse response{status, "text/html; charset=utf-8", std::move(body), {}};
  response.headers.emplace_back("Cache-Control", "no-store");
  AddPageHeaders(response);
  return response;
}

// Starts a session for `caller` and answers 303 to / with its cookies, or the sign-in page
// with what went wrong. No secret appears in a log line or in the answer's body.
HttpResponse StartSession(const ApiDeps& deps, const Caller& caller) {
  if (!store::ScopeAllows(caller.scope, store::Scope::kRead))
    return LoginPage(403, "This token (scope " + caller.scope +
                              ") can only send alerts; sign in with a read or admin token.");
  const TimeMs now = deps.clock.Now();
  auto session = store::CreateSession(deps.store, caller.token_id, caller.token_expires_at, now,
                                      deps.session_ttl_ms);
  if (!session) return LoginPage(503, "The database did not answer; try again.");
  const long max_age_s = std::max<long>(1, static_cast<long>((session->expires_at - now) / 1000));
  HttpResponse response{303, "text/plain; charset=utf-8", "signed in\n", {}};
  response.headers.emplace_back("Location", "/");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  const bool secure = deps.secure_cookies;
  response.headers.emplace_back(
      "Set-Cookie", SetCookieValue(kSessionCookie, session->id, true, max_age_s, secure));
  response.headers.emplace_back(
      "Set-Cookie", SetCookieValue(kCsrfCookie, session->csrf, false, max_age_s, secure));
  return response;
}

HttpResponse SignInWithToken(const ApiDeps& deps, Authenticator& auth, std::string_view token) {
  auto caller = auth.Verify(token, "token");
  if (!caller) {
    if (caller.error().code() == StatusCode::kUnavailable)
      return LoginPage(503, "The database did not answer; try again.");
    return LoginPage(401, "That token is not valid.");
  }
  return StartSession(deps, *caller);
}

// A one-time code from `quell serve`'s link or `quell login-link`: it works once (the store
// deletes it), within minutes.
HttpResponse SignInWithCode(const ApiDeps& deps, const std::string& code) {
  const TimeMs now = deps.clock.Now();
  auto token = deps.store.TakeLoginCode(Sha256Hex(code), now);
  if (!token) return LoginPage(503, "The database did not answer; try again.");
  if (!*token || store::TokenExpired(**token, now))
    return LoginPage(401,
                     "This sign-in link was used already or has expired. Get a new one with "
                     "`quell login-link --data-dir DIR`, or paste a token.");
  return StartSession(deps, CallerOf(**token));
}

// The form posts application/x-www-form-urlencoded: "token=qk_…".
std::string FormField(const std::string& body, std::string_view name) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> fields;
  SplitTarget("?" + body, path, fields);
  for (auto& [key, value] : fields)
    if (key == name) return value;
  return {};
}

}  // namespace

void AddDashboardRoutes(Router& router, const ApiDeps& deps, Authenticator& auth) {
  // Public like the assets: the API's description holds no data (as Alertmanager's and
  // Grafana's API docs).
  AddAssetRoute(router, "/", "/assets/index.html");
  AddAssetRoute(router, "/api/docs", "/assets/api-docs.html");
  AddAssetRoute(router, "/api/openapi.json", "/api/openapi.json");
  router.Add({"GET", "/assets/{name}", std::nullopt,
              [](HttpRequest& request, const PathParams&, Responder respond) {
                const StaticAsset* asset = FindAsset(request.path);
                respond(asset ? ServeAsset(*asset, request) : NotFoundResponse(request));
              }});
  router.Add({"GET", "/login", std::nullopt,
              [&deps, &auth](HttpRequest& request, const PathParams&, Responder respond) {
                if (std::string code = request.Query("code"); !code.empty())
                  return respond(SignInWithCode(deps, code));
                std::string token = request.Query("token");
                respond(token.empty() ? LoginPage(200, "") : SignInWithToken(deps, auth, token));
              }});
  // Sign-in and sign-out take no credentials up front: their bodies (a form with a token, or
  // nothing) are small.
  constexpr size_t kFormMaxBody = 8 * 1024;
  Route login{"POST", "/login", std::nullopt,
              [&deps, &auth](HttpRequest& request, const PathParams&, Responder respond) {
                std::string token = FormField(request.body, "token");
                while (!token.empty() && (token.back() == '\n' || token.back() == ' '))
                  token.pop_back();  // pasted from `cat admin.token`
                respond(token.empty() ? LoginPage(400, "Paste a token.")
                                      : SignInWithToken(deps, auth, token));
              }};
  login.max_body_bytes = kFormMaxBody;
  router.Add(std::move(login));
  Route logout(
      {"POST", "/logout", std::nullopt,
       [&deps, &auth](HttpRequest& request, const PathParams&, Responder respond) {
         // Ends the session in the store (the CSRF check applies like for any state change),
         // then clears the cookies.
         if (Status ended = auth.EndSession(request); !ended.ok())
           return respond(ErrorResponse(ended));
         HttpResponse response = JsonResponse(200, json::object{{"signed_out", true}});
         response.headers.emplace_back(
             "Set-Cookie", SetCookieValue(kSessionCookie, "", true, 0, deps.secure_cookies));
         response.headers.emplace_back(
             "Set-Cookie", SetCookieValue(kCsrfCookie, "", false, 0, deps.secure_cookies));
         respond(std::move(response));
       }});
  logout.max_body_bytes = kFormMaxBody;
  router.Add(std::move(logout));
  router.Add(
      {"GET", "/api/v1/me", store::Scope::kRead,
       [&auth](HttpRequest& request, const PathParams&, Responder respond) {
         auto caller = auth.Authenticate(request, store::Scope::kRead);
         if (!caller) return respond(ErrorResponse(caller.error()));
         respond(JsonResponse(
             200, json::object{{"name", caller->name},
                               {"scope", caller->scope},
                               {"can_act", store::ScopeAllows(caller->scope, store::Scope::kAdmin)},
                               {"by_cookie", caller->by_cookie}}));
       }});
}

}  // namespace quell::http
