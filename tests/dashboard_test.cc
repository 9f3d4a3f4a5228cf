// The web dashboard over real HTTP: embedded assets (types, ETag, size), sign-in by token
// (cookie flags, redirect), cookie-authenticated reads, CSRF on cookie-authenticated writes,
// read-only tokens, sign-out, tokens nowhere in the log, and GET /api/v1/stats. Sessions,
// sign-in links and revocation: tokens_test.cc.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

// The cookies a 303 from /login sets, as "name=value" pairs ready for a Cookie header.
struct Session {
  std::string session;  // quell_session=…
  std::string csrf;     // the quell_csrf value
  std::string Cookie() const { return session + "; quell_csrf=" + csrf; }
};

std::string CookiePair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

Session SignIn(const ServerProcess& server, const std::string& token) {
  auto client = server.NewClient();
  auto res = client->Get("/login?token=" + token);
  EXPECT_TRUE(res);
  if (!res) return {};
  EXPECT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/");
  Session s;
  for (size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i) {
    std::string c = res->get_header_value("Set-Cookie", i);
    if (c.rfind("quell_session=", 0) == 0) s.session = CookiePair(c);
    if (c.rfind("quell_csrf=", 0) == 0)
      s.csrf = CookiePair(c).substr(std::string("quell_csrf=").size());
  }
  return s;
}

int64_t OpenIncident(const ServerProcess& server, const std::string& token) {
  auto res = server.Post("/api/v1/alerts", R"({"service":"web","error":"disk full"})", token);
  EXPECT_EQ(res.status, 202) << res.body;
  return json::parse(res.body).at("incident_id").as_int64();
}

TEST(Dashboard, AssetsAreEmbeddedTypedCachedAndSmall) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  auto client = server.NewClient();
  size_t total = 0;
  struct Want {
    const char* path;
    const char* type;
    const char* contains;
  };
  for (const Want& want :
       {Want{"/", "text/html; charset=utf-8", "/assets/app.js"},
        Want{"/assets/dom.js", "text/javascript; charset=utf-8", "createTextNode"},
        Want{"/assets/app.js", "text/javascript; charset=utf-8", "X-CSRF-Token"},
        Want{"/assets/silences.js", "text/javascript; charset=utf-8", "/api/v1/silences"},
        Want{"/assets/oncall.js", "text/javascript; charset=utf-8", "/api/v1/oncall"},
        Want{"/assets/app.css", "text/css; charset=utf-8", "focus-visible"},
        Want{"/assets/uPlot.iife.min.js", "text/javascript; charset=utf-8", "uPlot"},
        Want{"/assets/uPlot.min.css", "text/css; charset=utf-8", ".uplot"}}) {
    auto res = client->Get(want.path);
    ASSERT_TRUE(res) << want.path;
    EXPECT_EQ(res->status, 200) << want.path;
    EXPECT_EQ(res->get_header_value("Content-Type"), want.type) << want.path;
    EXPECT_NE(res->body.find(want.contains), std::string::npos) << want.path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
    EXPECT_NE(res->get_header_value("Content-Security-Policy").find("default-src 'self'"),
              std::string::npos);
    const std::string etag = res->get_header_value("ETag");
    ASSERT_FALSE(etag.empty()) << want.path;
    auto again = client->Get(want.path, {{"If-None-Match", etag}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << want.path;
    EXPECT_TRUE(again->body.empty());
    if (std::string(want.path) != "/") total += res->body.size();
  }
  total += client->Get("/login")->body.size() + client->Get("/")->body.size();
  EXPECT_LT(total, 200u * 1024) << "the dashboard must stay under 200 KB";
  auto missing = client->Get("/assets/nope.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("\"error\""), std::string::npos);
}

TEST(Dashboard, SignInSetsStrictHttpOnlyCookieAndCookieReadsWork) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();

  auto client = server.NewClient();
  auto form = client->Get("/login");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_NE(form->body.find("<label for=\"token\""), std::string::npos);

  auto res = client->Get("/login?token=" + token);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303);
  std::string session_cookie, csrf_cookie;
  for (size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i) {
    std::string c = res->get_header_value("Set-Cookie", i);
    if (c.rfind("quell_session=", 0) == 0) session_cookie = c;
    if (c.rfind("quell_csrf=", 0) == 0) csrf_cookie = c;
  }
  EXPECT_NE(session_cookie.find("; HttpOnly"), std::string::npos) << session_cookie;
  EXPECT_NE(session_cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(session_cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(session_cookie.find(token), std::string::npos) << "the cookie holds a session id";
  EXPECT_EQ(session_cookie.find("Secure"), std::string::npos) << "plain http: no Secure flag";
  EXPECT_EQ(csrf_cookie.find("HttpOnly"), std::string::npos) << "the page's script reads it";
  EXPECT_NE(csrf_cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(res->body.find(token), std::string::npos);

  Session s = SignIn(server, token);
  OpenIncident(server, token);
  auto list = client->Get("/api/v1/incidents", {{"Cookie", s.Cookie()}});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200) << list->body;
  auto me = client->Get("/api/v1/me", {{"Cookie", s.session}});
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200);
  auto who = json::parse(me->body);
  EXPECT_EQ(who.at("scope"), "admin");
  EXPECT_EQ(who.at("can_act"), true);
  EXPECT_EQ(who.at("by_cookie"), true);

  // The form posts the pasted token (a trailing newline from `cat admin.token` is fine).
  auto posted =
      client->Post("/login", "token=" + token + "%0A", "application/x-www-form-urlencoded");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303);
  EXPECT_EQ(posted->get_header_value("Location"), "/");
}

TEST(Dashboard, BadTokensAreRefusedAndNeverLogged) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();
  const std::string wrong = "qk_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  auto client = server.NewClient();
  auto bad = client->Get("/login?token=" + wrong);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  EXPECT_NE(bad->body.find("role=\"alert\""), std::string::npos);
  EXPECT_EQ(bad->get_header_value("Set-Cookie"), "");
  auto empty = client->Post("/login", "token=", "application/x-www-form-urlencoded");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  const std::string ingest = server.CreateToken("ingest-user", "ingest");
  ASSERT_EQ(ingest.size(), wrong.size());
  auto ingest_login = client->Get("/login?token=" + ingest);
  ASSERT_TRUE(ingest_login);
  EXPECT_EQ(ingest_login->status, 403);
  auto forged = client->Get("/api/v1/incidents", {{"Cookie", "quell_session=" + wrong}});
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 401);
  EXPECT_NE(forged->body.find("\"field\":\"cookie\""), std::string::npos) << forged->body;

  ASSERT_EQ(server.Stop(), 0);
  const std::string log = server.log();
  EXPECT_EQ(log.find(wrong), std::string::npos);
  EXPECT_EQ(log.find(ingest), std::string::npos);
  // Not even the admin token: stdout is no terminal here, so no sign-in link either.
  EXPECT_NE(log.find("Dashboard: http://127.0.0.1:"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find("/login?"), std::string::npos);
}

TEST(Dashboard, CookieWritesNeedCsrfBearerWritesDoNot) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();
  const int64_t id = OpenIncident(server, token);
  const std::string ack = "/api/v1/incidents/" + std::to_string(id) + "/ack";
  const std::string unack = "/api/v1/incidents/" + std::to_string(id) + "/unack";
  const std::string body = R"({"actor":"alice"})";
  Session s = SignIn(server, token);
  ASSERT_FALSE(s.csrf.empty());
  auto client = server.NewClient();

  auto no_header = client->Post(ack, {{"Cookie", s.Cookie()}}, body, "application/json");
  ASSERT_TRUE(no_header);
  EXPECT_EQ(no_header->status, 403);
  EXPECT_NE(no_header->body.find("\"field\":\"x-csrf-token\""), std::string::npos)
      << no_header->body;
  auto wrong = client->Post(ack, {{"Cookie", s.Cookie()}, {"X-CSRF-Token", s.csrf + "0"}}, body,
                            "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  // Without the CSRF cookie (a foreign page cannot set it) a header alone proves nothing.
  auto header_only =
      client->Post(ack, {{"Cookie", s.session}, {"X-CSRF-Token", ""}}, body, "application/json");
  ASSERT_TRUE(header_only);
  EXPECT_EQ(header_only->status, 403);
  auto incident = json::parse(server.Get("/api/v1/incidents/" + std::to_string(id), token).body);
  EXPECT_EQ(incident.at("status"), "triggered");

  auto ok = client->Post(ack, {{"Cookie", s.Cookie()}, {"X-CSRF-Token", s.csrf}}, body,
                         "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json::parse(ok->body).at("status"), "acknowledged");
  EXPECT_EQ(server.Post(unack, body, token).status, 200);  // bearer: no CSRF needed

  // Signing out clears both cookies (and needs the CSRF header too when signed in).
  EXPECT_EQ(client->Post("/logout", {{"Cookie", s.Cookie()}}, "", "text/plain")->status, 403);
  auto out =
      client->Post("/logout", {{"Cookie", s.Cookie()}, {"X-CSRF-Token", s.csrf}}, "", "text/plain");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200);
  ASSERT_EQ(out->get_header_value_count("Set-Cookie"), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_NE(out->get_header_value("Set-Cookie", i).find("Max-Age=0"), std::string::npos);
}

TEST(Dashboard, ReadOnlyTokenSeesButCannotAct) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const int64_t id = OpenIncident(server, server.admin_token());
  Session s = SignIn(server, server.CreateToken("reader", "read"));
  auto client = server.NewClient();
  auto me = client->Get("/api/v1/me", {{"Cookie", s.Cookie()}});
  ASSERT_TRUE(me);
  EXPECT_EQ(json::parse(me->body).at("can_act"), false);
  auto read = client->Get("/api/v1/incidents/" + std::to_string(id), {{"Cookie", s.Cookie()}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  auto act = client->Post("/api/v1/incidents/" + std::to_string(id) + "/resolve",
                          {{"Cookie", s.Cookie()}, {"X-CSRF-Token", s.csrf}}, R"({"actor":"eve"})",
                          "application/json");
  ASSERT_TRUE(act);
  EXPECT_EQ(act->status, 403) << act->body;
}

TEST(Dashboard, StatsCountTheNoiseAndRejectBadParameters) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();
  for (const char* alert : {R"({"service":"a","error":"x"})", R"({"service":"a","error":"x"})",
                            R"({"service":"a","error":"x"})", R"({"service":"b","error":"y"})"})
    ASSERT_EQ(server.Post("/api/v1/alerts", alert, token).status, 202);
  auto res = server.Get("/api/v1/stats?bucket=1h", token);
  ASSERT_EQ(res.status, 200) << res.body;
  auto stats = json::parse(res.body);
  EXPECT_EQ(stats.at("alerts_received"), 4);
  EXPECT_EQ(stats.at("duplicates_folded"), 2);
  EXPECT_EQ(stats.at("incidents_opened"), 2);
  EXPECT_EQ(stats.at("notifications_sent"), 0);
  EXPECT_EQ(stats.at("bucket_seconds"), 3600);
  const auto& buckets = stats.at("buckets").as_array();
  ASSERT_EQ(buckets.size(), 24u);
  int64_t alerts = 0, incidents = 0;
  for (const auto& b : buckets) {
    alerts += b.at("alerts").as_int64();
    incidents += b.at("incidents").as_int64();
  }
  EXPECT_EQ(alerts, 4);
  EXPECT_EQ(incidents, 2);
  EXPECT_EQ(buckets.back().at("alerts"), 4);  // all just now

  struct Bad {
    const char* query;
    const char* field;
  };
  for (const Bad& bad :
       {Bad{"bucket=0", "bucket"}, Bad{"bucket=5x", "bucket"}, Bad{"bucket=1s", "bucket"},
        Bad{"bucket=999999999999d", "bucket"}, Bad{"bucket=1500ms", "bucket"},
        Bad{"bucket=-1h", "bucket"}, Bad{"since=yesterday", "since"},
        Bad{"since=2026-11-25T00:00:00Z&until=2026-11-24T00:00:00Z", "since"}}) {
    auto r = server.Get(std::string("/api/v1/stats?") + bad.query, token);
    EXPECT_EQ(r.status, 400) << bad.query << " " << r.body;
    EXPECT_NE(r.body.find(std::string("\"field\":\"") + bad.field + "\""), std::string::npos)
        << bad.query << " " << r.body;
  }
  EXPECT_EQ(server.Get("/api/v1/stats", "").status, 401);
}

}  // namespace
}  // namespace quell::testing

namespace quell::testing {
namespace {

// `quell serve --demo` loads its scenario through the API and the analyst explains it.
TEST(Demo, LoadsAnAnalysedIncidentAcrossServices) {
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--demo", "--set", "analysis.delay=100ms"})) << server.log();
  const std::string token = server.admin_token();
  json::value incident;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto list = server.Get("/api/v1/incidents?status=triggered", token);
    ASSERT_EQ(list.status, 200) << list.body;
    const json::value parsed = json::parse(list.body);
    const auto& items = parsed.at("incidents").as_array();
    if (!items.empty() && !items[0].at("analysis").is_null() &&
        items[0].at("services").as_array().size() == 3) {
      incident = items[0];
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(incident.is_object()) << server.log();
  EXPECT_NE(server.log().find("Demo loaded: incident #"), std::string::npos) << server.log();
  const auto& analysis = incident.at("analysis");
  EXPECT_NE(std::string(analysis.at("root_cause").as_string()).find("441"), std::string::npos)
      << analysis;
  EXPECT_EQ(analysis.at("recommended_actions").at(0), "Rollback deployment #441");
  bool saw_trace = false;
  for (const auto& e : analysis.at("evidence").as_array())
    saw_trace = saw_trace || e.at("kind") == "stack_trace";
  EXPECT_TRUE(saw_trace) << analysis;

  const std::string id = std::to_string(incident.at("id").as_int64());
  auto similar = json::parse(server.Get("/api/v1/incidents/" + id + "/similar", token).body);
  ASSERT_FALSE(similar.at("similar").as_array().empty());
  EXPECT_NE(std::string(similar.at("similar").at(0).at("resolution_note").as_string()).find("pool"),
            std::string::npos);
  auto stats = json::parse(server.Get("/api/v1/stats", token).body);
  EXPECT_GE(stats.at("duplicates_folded").as_int64(), 3);
}

}  // namespace
}  // namespace quell::testing
