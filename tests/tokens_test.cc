// Token lifecycle over a real server and the real CLI: `quell token list` (never a secret),
// `quell token revoke` taking effect on the running server within a second, expiry, dashboard
// sessions kept on the server (random id in the cookie, Secure behind https, expiry, sign-out
// ending them), the one-time sign-in link (`quell serve` on a terminal, `quell login-link`),
// and the actor of an action being the token's name.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Session {
  std::string id;    // the quell_session cookie's value
  std::string csrf;  // the quell_csrf cookie's value
  std::string set_cookie;  // the session's Set-Cookie header
  std::string Cookie() const { return "quell_session=" + id + "; quell_csrf=" + csrf; }
};

// The session a 303 from /login sets, or an empty one.
Session SessionOf(const httplib::Result& res) {
  Session s;
  if (!res || res->status != 303) return s;
  for (size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i) {
    const std::string c = res->get_header_value("Set-Cookie", i);
    const std::string pair = c.substr(0, c.find(';'));
    if (pair.rfind("quell_session=", 0) == 0) {
      s.id = pair.substr(std::string("quell_session=").size());
      s.set_cookie = c;
    }
    if (pair.rfind("quell_csrf=", 0) == 0) s.csrf = pair.substr(std::string("quell_csrf=").size());
  }
  return s;
}

int GetStatus(const ServerProcess& server, const std::string& path, const Session& s) {
  auto res = server.NewClient()->Get(path, {{"Cookie", s.Cookie()}});
  return res ? res->status : 0;
}

// `quell ARGS --data-dir` the server's data dir.
std::string Cli(const ServerProcess& server, const std::string& args, int* code) {
  return RunQuell(args + " --data-dir " + server.data_dir() + "/data", code);
}

// The "/login?code=…" part of a printed sign-in link.
std::string LoginPath(const std::string& text) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"(/login\?code=qc_[0-9a-f]{32})"))) return {};
  return m.str();
}

int64_t OpenIncident(const ServerProcess& server, const std::string& token) {
  auto res = server.Post("/api/v1/alerts", R"({"service":"web","error":"disk full"})", token);
  EXPECT_EQ(res.status, 202) << res.body;
  return json::parse(res.body).at("incident_id").as_int64();
}

TEST(Tokens, ListShowsNamesScopesAndUseButNeverASecret) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  int code = -1;
  const std::string ci = Cli(server, "token create --name ci --scope ingest --expires 30d", &code);
  ASSERT_EQ(code, 0) << ci;
  const std::string viewer = server.CreateToken("viewer", "read");
  ASSERT_FALSE(viewer.empty());
  OpenIncident(server, ci.substr(0, ci.find('\n')));

  const std::string list = Cli(server, "token list", &code);
  ASSERT_EQ(code, 0) << list;
  EXPECT_NE(list.find("NAME"), std::string::npos) << list;
  EXPECT_NE(list.find("LAST USED"), std::string::npos) << list;
  const std::string time = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)";
  std::regex ci_row("\nci +ingest +" + time + " +" + time + " +" + time);
  EXPECT_TRUE(std::regex_search(list, ci_row)) << "ci: used, expires in 30 days\n" << list;
  std::regex viewer_row("\nviewer +read +" + time + " +never +never");
  EXPECT_TRUE(std::regex_search(list, viewer_row)) << "viewer: never used, never expires\n" << list;
  EXPECT_NE(list.find("\nadmin "), std::string::npos) << list;
  EXPECT_EQ(list.find("qk_"), std::string::npos) << "no secret is ever listed";

  // Names are unique: they are who acts.
  Cli(server, "token create --name viewer --scope read", &code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(Cli(server, "token create --name 'bad name' --scope read", &code).find("name"),
            std::string::npos);
  EXPECT_EQ(code, 2);
  EXPECT_NE(Cli(server, "token create --name x --expires yesterday", &code).find("--expires"),
            std::string::npos);
  EXPECT_EQ(code, 2);
  EXPECT_NE(RunQuell("token list --data-dir " + server.data_dir() + "/nope", &code)
                .find("no Quell database"),
            std::string::npos);
  EXPECT_EQ(code, 2);
}

TEST(Tokens, RevokeTakesEffectOnTheRunningServerWithinASecond) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string ops = server.CreateToken("ops", "admin");
  ASSERT_FALSE(ops.empty());
  // Used by bearer and by a dashboard session: both are now in the server's cache.
  auto client = server.NewClient();
  Session session = SessionOf(client->Get("/login?token=" + ops));
  ASSERT_FALSE(session.id.empty());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(server.Get("/api/v1/incidents", ops).status, 200);
    ASSERT_EQ(GetStatus(server, "/api/v1/incidents", session), 200);
  }

  int code = -1;
  const std::string out = Cli(server, "token revoke --name ops", &code);
  ASSERT_EQ(code, 0) << out;
  const auto revoked = Clock::now();
  int bearer = 0, cookie = 0;
  while (Clock::now() - revoked < std::chrono::milliseconds(1000)) {
    bearer = server.Get("/api/v1/incidents", ops).status;
    cookie = GetStatus(server, "/api/v1/incidents", session);
    if (bearer == 401 && cookie == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(bearer, 401) << "the bearer token still works a second after its revocation";
  EXPECT_EQ(cookie, 401) << "its dashboard session still works a second after the revocation";
  EXPECT_LT(Clock::now() - revoked, std::chrono::milliseconds(1000));
  EXPECT_EQ(server.Get("/api/v1/incidents", server.admin_token()).status, 200);

  Cli(server, "token revoke --name ops", &code);
  EXPECT_EQ(code, 1) << "nothing left to revoke";
  // The name is free again; the new token is a new secret.
  const std::string again = server.CreateToken("ops", "read");
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(server.Get("/api/v1/incidents", again).status, 200);
  EXPECT_EQ(server.Get("/api/v1/incidents", ops).status, 401);
  EXPECT_EQ(server.log().find(ops), std::string::npos);
}

TEST(Tokens, ExpiredTokensAreRefused) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  int code = -1;
  const auto created = Clock::now();
  std::string token = Cli(server, "token create --name brief --scope admin --expires 2s", &code);
  ASSERT_EQ(code, 0) << token;
  token = token.substr(0, token.find('\n'));
  ASSERT_EQ(server.Get("/api/v1/incidents", token).status, 200);
  std::this_thread::sleep_until(created + std::chrono::milliseconds(3000));
  auto late = server.Get("/api/v1/incidents", token);
  EXPECT_EQ(late.status, 401);
  EXPECT_NE(late.body.find("expired"), std::string::npos) << late.body;
  EXPECT_NE(Cli(server, "token list", &code).find("(expired)"), std::string::npos);
}

TEST(Sessions, CookieHoldsARandomIdAndSignOutEndsItOnTheServer) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();
  auto client = server.NewClient();
  Session s = SessionOf(client->Get("/login?token=" + token));
  ASSERT_EQ(s.id.size(), 64u);
  EXPECT_EQ(s.set_cookie.find(token), std::string::npos);
  EXPECT_NE(s.set_cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(s.set_cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(s.set_cookie.find("; Max-Age=604800"), std::string::npos) << s.set_cookie;
  EXPECT_EQ(s.set_cookie.find("Secure"), std::string::npos) << "plain http";
  Session other = SessionOf(client->Get("/login?token=" + token));
  EXPECT_NE(other.id, s.id);
  EXPECT_NE(other.csrf, s.csrf);

  auto me = client->Get("/api/v1/me", {{"Cookie", s.Cookie()}});
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body).at("name"), "admin");
  // The CSRF value belongs to its session: another session's does not do.
  const int64_t id = OpenIncident(server, token);
  const std::string ack = "/api/v1/incidents/" + std::to_string(id) + "/ack";
  auto crossed = client->Post(ack, {{"Cookie", s.Cookie()}, {"X-CSRF-Token", other.csrf}}, "{}",
                              "application/json");
  ASSERT_TRUE(crossed);
  EXPECT_EQ(crossed->status, 403);

  auto out = client->Post("/logout", {{"Cookie", s.Cookie()}, {"X-CSRF-Token", s.csrf}}, "",
                          "text/plain");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  // A copy of the cookie (the browser dropped it) is dead too: the session ended on the server.
  auto replay = client->Get("/api/v1/me", {{"Cookie", s.Cookie()}});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 401);
  EXPECT_NE(replay->body.find("\"field\":\"cookie\""), std::string::npos) << replay->body;
  EXPECT_EQ(GetStatus(server, "/api/v1/me", other), 200) << "other sessions go on";
}

TEST(Sessions, SecureBehindHttpsAndExpire) {
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "public_url=https://quell.example.com", "--set",
                            "dashboard.session_ttl=2s"}))
      << server.log();
  auto client = server.NewClient();
  const auto signed_in = Clock::now();
  Session s = SessionOf(client->Get("/login?token=" + server.admin_token()));
  ASSERT_FALSE(s.id.empty());
  EXPECT_NE(s.set_cookie.find("; Secure"), std::string::npos) << s.set_cookie;
  EXPECT_NE(s.set_cookie.find("; Max-Age=2"), std::string::npos) << s.set_cookie;
  EXPECT_EQ(GetStatus(server, "/api/v1/me", s), 200);
  std::this_thread::sleep_until(signed_in + std::chrono::milliseconds(3000));
  auto late = client->Get("/api/v1/me", {{"Cookie", s.Cookie()}});
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 401);
  EXPECT_NE(late->body.find("expired"), std::string::npos) << late->body;
}

TEST(SignInLink, OnATerminalServePrintsAOneTimeLink) {
  ServerProcess dirs;  // only for its temp dir
  TerminalServer server;
  ASSERT_TRUE(server.Start(dirs.data_dir() + "/data")) << server.output();
  const std::string out = server.output();
  const std::string path = LoginPath(out);
  ASSERT_FALSE(path.empty()) << out;
  EXPECT_NE(out.find("expires in 10 minutes"), std::string::npos) << out;
  EXPECT_EQ(out.find(dirs.admin_token()), std::string::npos) << "the link holds no token";

  httplib::Client client("127.0.0.1", server.port());
  auto first = client.Get(path);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 303);
  Session s = SessionOf(first);
  EXPECT_FALSE(s.id.empty());
  auto me = client.Get("/api/v1/me", {{"Cookie", s.Cookie()}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body).at("name"), "admin");
  auto second = client.Get(path);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 401) << "a sign-in link works once";
  EXPECT_NE(second->body.find("quell login-link"), std::string::npos);
  EXPECT_EQ(second->get_header_value("Set-Cookie"), "");
}

TEST(SignInLink, WithoutATerminalServeSaysHowToGetOneAndLoginLinkMakesIt) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  EXPECT_EQ(server.log().find("/login?"), std::string::npos) << server.log();
  EXPECT_NE(server.log().find("quell login-link --data-dir " + server.data_dir() + "/data"),
            std::string::npos)
      << server.log();

  int code = -1;
  const std::string link = Cli(server, "login-link", &code);
  ASSERT_EQ(code, 0) << link;
  EXPECT_EQ(link.rfind("http://127.0.0.1:8080/login?code=qc_", 0), 0u) << link;
  const std::string path = LoginPath(link);
  auto client = server.NewClient();
  EXPECT_EQ(client->Get(path)->status, 303);
  EXPECT_EQ(client->Get(path)->status, 401);
  EXPECT_EQ(client->Get("/login?code=qc_00000000000000000000000000000000")->status, 401);

  // For a named token: a read token signs in read-only; an ingest token cannot sign in.
  ASSERT_FALSE(server.CreateToken("viewer", "read").empty());
  ASSERT_FALSE(server.CreateToken("sender", "ingest").empty());
  const std::string viewer_link = Cli(server, "login-link --name viewer", &code);
  Session viewer = SessionOf(client->Get(LoginPath(viewer_link)));
  ASSERT_EQ(code, 0);
  auto me = client->Get("/api/v1/me", {{"Cookie", viewer.Cookie()}});
  ASSERT_TRUE(me);
  EXPECT_EQ(json::parse(me->body).at("name"), "viewer");
  EXPECT_EQ(json::parse(me->body).at("can_act"), false);
  EXPECT_NE(Cli(server, "login-link --name sender", &code).find("scope ingest"), std::string::npos);
  EXPECT_EQ(code, 2);
  Cli(server, "login-link --name nobody", &code);
  EXPECT_EQ(code, 2);
  // Revoking the token ends its unused links too.
  const std::string unused = LoginPath(Cli(server, "login-link --name viewer", &code));
  Cli(server, "token revoke --name viewer", &code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(client->Get(unused)->status, 401);
}

TEST(Actor, IsTheTokensNameAndABodysActorOnlyANote) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string pager = server.CreateToken("pager-bot", "admin");
  const int64_t id = OpenIncident(server, pager);
  const std::string base = "/api/v1/incidents/" + std::to_string(id);
  auto acked = server.Post(base + "/ack", R"({"actor":"alice","note":"paged"})", pager);
  ASSERT_EQ(acked.status, 200) << acked.body;
  EXPECT_EQ(json::parse(acked.body).at("acked_by"), "pager-bot");
  // Signed in to the dashboard: the session's token acts.
  auto client = server.NewClient();
  Session s = SessionOf(client->Get("/login?token=" + server.admin_token()));
  auto resolved = client->Post(base + "/resolve",
                               {{"Cookie", s.Cookie()}, {"X-CSRF-Token", s.csrf}},
                               R"({"note":"fixed"})", "application/json");
  ASSERT_TRUE(resolved);
  ASSERT_EQ(resolved->status, 200) << resolved->body;

  auto detail = json::parse(server.Get(base, pager).body);
  const auto& timeline = detail.at("timeline").as_array();
  ASSERT_EQ(timeline.size(), 3u) << detail;
  EXPECT_EQ(timeline[1].at("kind"), "acked");
  EXPECT_EQ(timeline[1].at("actor"), "pager-bot");
  EXPECT_EQ(timeline[1].at("note"), "on behalf of alice: paged");
  EXPECT_EQ(timeline[2].at("kind"), "resolved");
  EXPECT_EQ(timeline[2].at("actor"), "admin");
  EXPECT_EQ(timeline[2].at("note"), "fixed");
}

}  // namespace
}  // namespace quell::testing
