// The server's answers held to docs/openapi.json: a sequence of requests over every documented
// JSON route (ingest in each format, incidents and their actions, analysis, deploys, logs,
// topology, stats, the caller, health) and the usual errors, each answer checked against the
// document: its status must be one the operation lists, and its body must match that answer's
// schema, with no undocumented field (json_schema_check.h); a JSON body the server took must
// match the documented request body (unknown fields allowed). The document's routes with a JSON
// success answer must all be exercised, so a new route is checked as soon as it is documented.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "common/text.h"
#include "json_schema_check.h"
#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

// For Send: any 2xx (where the status depends on timing), still checked against the document.
constexpr int kAnySuccess = 0;

class ApiConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--set", "analysis.delay=100ms"})) << server_.log();
    token_ = server_.admin_token();
    boost::system::error_code ec;
    doc_ = json::parse(ReadTextFile(SourceDir() + "/docs/openapi.json"), ec);
    ASSERT_FALSE(ec) << "docs/openapi.json: " << ec.message();
  }

  // Sends METHOD `path` (an instance of the documented `pattern`; with the admin token unless
  // `headers` name their own Authorization, "" for none), expects `status` (or kAnySuccess),
  // and checks the answer against the document. Returns the answer's JSON (null if none).
  json::value Send(const std::string& method, const std::string& pattern, const std::string& path,
                   int status, const std::string& body = "",
                   const std::string& content_type = "application/json",
                   httplib::Headers headers = {}) {
    SCOPED_TRACE(method + " " + path);
    if (!headers.count("Authorization")) headers.emplace("Authorization", "Bearer " + token_);
    if (headers.find("Authorization")->second.empty()) headers.erase("Authorization");
    auto client = server_.NewClient();
    httplib::Result res = method == "GET"   ? client->Get(path, headers)
                          : method == "PUT" ? client->Put(path, headers, body, content_type)
                          : method == "DELETE" ? client->Delete(path, headers)
                                            : client->Post(path, headers, body, content_type);
    if (!res) {
      ADD_FAILURE() << "no answer";
      return nullptr;
    }
    if (status == kAnySuccess) {
      EXPECT_TRUE(res->status >= 200 && res->status < 300) << res->status << " " << res->body;
    } else {
      EXPECT_EQ(res->status, status) << res->body;
    }
    const json::value* op = Operation(method, pattern);
    if (!op) {
      ADD_FAILURE() << method << " " << pattern << " is not in docs/openapi.json";
      return nullptr;
    }
    const json::value* answer =
        op->at("responses").as_object().if_contains(std::to_string(res->status));
    if (!answer) {
      ADD_FAILURE() << "answers " << res->status << ", which the document does not list: "
                    << res->body;
      return nullptr;
    }
    if (res->status >= 200 && res->status < 300) {
      exercised_.insert(ToLower(method) + " " + pattern);
      ExpectBodyDocumented(op->as_object(), body, content_type);
    }
    const json::value& resolved = Deref(*answer);
    const json::value* content = resolved.as_object().if_contains("content");
    if (!content) {
      EXPECT_EQ(res->body, "") << "the document lists no body for " << res->status;
      return nullptr;
    }
    const json::value* media = content->as_object().if_contains("application/json");
    if (!media) return nullptr;  // text: HTML, metrics
    boost::system::error_code ec;
    json::value answered = json::parse(res->body, ec);
    if (ec) {
      ADD_FAILURE() << "not JSON: " << res->body;
      return nullptr;
    }
    EXPECT_EQ(SchemaMismatch(doc_, media->at("schema"), answered), "")
        << "answered " << res->status << " " << res->body;
    return answered;
  }

  // A body the server took matches the operation's documented request body (JSON ones).
  void ExpectBodyDocumented(const json::object& op, const std::string& body,
                            const std::string& content_type) {
    const json::value* request = op.if_contains("requestBody");
    if (body.empty() && !request) return;
    ASSERT_NE(request, nullptr) << "took a body the document does not describe";
    const json::value* media = request->at("content").as_object().if_contains(content_type);
    ASSERT_NE(media, nullptr) << "took " << content_type << ", which the document does not list";
    if (content_type != "application/json") return;
    EXPECT_EQ(SchemaMismatch(doc_, media->at("schema"), json::parse(body), "body", false), "");
  }

  const json::value* Operation(const std::string& method, const std::string& pattern) const {
    const json::value* item = doc_.at("paths").as_object().if_contains(pattern);
    return item ? item->as_object().if_contains(ToLower(method)) : nullptr;
  }
  const json::value& Deref(const json::value& answer) const {
    const json::value* ref = answer.as_object().if_contains("$ref");
    if (!ref) return answer;
    std::string name(ref->as_string());
    return doc_.at("components").at("responses").at(name.substr(name.rfind('/') + 1));
  }

  // Polls the incident until its first analysis is stored (analysis.delay after it opened).
  void WaitForAnalysis(int64_t id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = server_.Get("/api/v1/incidents/" + std::to_string(id), token_);
      if (r.status == 200 && !json::parse(r.body).at("analysis").is_null()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "incident " << id << " was not analysed within 30 s";
  }

  ServerProcess server_;
  std::string token_;
  json::value doc_;
  std::set<std::string> exercised_;  // "post /api/v1/alerts", answered 2xx
};

TEST_F(ApiConformanceTest, EveryAnswerMatchesTheDocument) {
  const std::string testdata = SourceDir() + "/tests/testdata/";
  // Ingest, in every format.
  Send("POST", "/api/v1/alerts", "/api/v1/alerts", 202,
        R"({"service":"checkout","environment":"prod","error":"DB timeout after 3100ms",
            "severity":"high","latency":3100,"labels":{"region":"eu"},"deploy":"441"})");
  Send("POST", "/api/v1/alerts", "/api/v1/alerts", 202,
        R"([{"service":"checkout","environment":"prod","error":"HTTP 500 ratio high"},
            {"service":"payments","environment":"prod","title":"Queue backlog","status":"resolved"}])");
  Send("POST", "/api/v1/integrations/alertmanager", "/api/v1/integrations/alertmanager", 202,
        ReadTextFile(testdata + "alertmanager/01-checkout-firing-2.json"));
  Send("POST", "/api/v2/alerts", "/api/v2/alerts", 200,
        R"([{"labels":{"alertname":"DiskFull","service":"storage"},"annotations":{"summary":"disk 95%"}}])");
  Send("POST", "/api/v1/integrations/grafana", "/api/v1/integrations/grafana", 202,
        ReadTextFile(testdata + "grafana/01-memory-firing-and-resolved.json"));
  Send("POST", "/api/v1/integrations/sentry", "/api/v1/integrations/sentry", 202,
        ReadTextFile(testdata + "sentry/01-event_alert-python-chain.json"), "application/json",
        {{"Sentry-Hook-Resource", "event_alert"}});
  Send("POST", "/api/v1/deploys", "/api/v1/deploys", 201,
        R"({"service":"checkout","version":"441","commit":"abc123","author":"alice",
            "started_at":"2026-11-24T05:40:00Z","status":"succeeded"})");
  Send("POST", "/api/v1/logs", "/api/v1/logs", 202,
        R"js({"service":"checkout","lines":["2026-11-24T05:12:02Z ERROR Request failed",
            "java.lang.IllegalStateException: pool exhausted","\tat com.acme.Pool.get(Pool.java:42)"]})js");
  Send("POST", "/api/v1/logs", "/api/v1/logs", 202,
        "{\"service\":\"checkout\",\"level\":\"INFO\",\"message\":\"started\"}\n",
        "application/x-ndjson");

  // Incidents: list, detail (with an analysis), alerts, similar, re-analysis, actions.
  WaitForAnalysis(1);
  Send("GET", "/api/v1/incidents", "/api/v1/incidents?limit=2", 200);
  Send("GET", "/api/v1/incidents", "/api/v1/incidents?status=triggered&service=checkout", 200);
  Send("GET", "/api/v1/incidents/{id}", "/api/v1/incidents/1", 200);
  Send("GET", "/api/v1/incidents/{id}", "/api/v1/incidents/1?alerts_limit=1", 200);
  Send("GET", "/api/v1/incidents/{id}/alerts", "/api/v1/incidents/1/alerts?limit=1", 200);
  Send("GET", "/api/v1/incidents/{id}/similar", "/api/v1/incidents/1/similar", 200);
  Send("POST", "/api/v1/incidents/{id}/analyze", "/api/v1/incidents/1/analyze?wait=30", 200);
  // Without waiting: 202 with where to look, or 200 if the analysis beat the answer.
  Send("POST", "/api/v1/incidents/{id}/analyze", "/api/v1/incidents/1/analyze?wait=0", kAnySuccess);
  Send("POST", "/api/v1/incidents/{id}/{action}", "/api/v1/incidents/1/ack", 200,
        R"({"note":"looking","actor":"alice"})");
  Send("POST", "/api/v1/incidents/{id}/{action}", "/api/v1/incidents/1/silence", 200,
        R"({"duration":"30m"})");
  Send("POST", "/api/v1/incidents/{id}/{action}", "/api/v1/incidents/1/resolve", 200, "{}");

  // Context.
  Send("GET", "/api/v1/deploys", "/api/v1/deploys?service=checkout", 200);
  Send("GET", "/api/v1/logs", "/api/v1/logs?service=checkout", 200);
  Send("GET", "/api/v1/logs/templates", "/api/v1/logs/templates?service=checkout", 200);
  Send("PUT", "/api/v1/topology", "/api/v1/topology", 200,
        R"({"services":{"checkout":{"depends_on":["payments","redis"]}}})");
  Send("GET", "/api/v1/topology", "/api/v1/topology", 200);
  Send("GET", "/api/v1/stats", "/api/v1/stats?bucket=1h", 200);
  // Silences: created, listed, expired.
  json::value silence = Send("POST", "/api/v1/silences", "/api/v1/silences", 201,
                             R"({"matchers":[{"name":"service","op":"=~","value":"pay.*"}],)"
                             R"("duration":"1h","comment":"maintenance"})");
  ASSERT_TRUE(silence.is_object());
  Send("POST", "/api/v1/silences", "/api/v1/silences", 201,
       R"({"matchers":[{"name":"service","op":"=","value":"db"}],"schedule":{"time_zone":)"
       R"("Europe/Berlin","weekly":[{"day":"sun","start":"02:00","duration":"2h"}]}})");
  Send("GET", "/api/v1/silences", "/api/v1/silences", 200);
  Send("GET", "/api/v1/maintenance", "/api/v1/maintenance", 200);
  Send("DELETE", "/api/v1/silences/{id}",
       "/api/v1/silences/" + std::string(silence.at("id").as_string()), 200);
  // People and schedules: created, replaced, listed; an override; who is on call.
  Send("POST", "/api/v1/users", "/api/v1/users", 201, R"({"name":"ana","telegram_user_id":42})");
  Send("POST", "/api/v1/users", "/api/v1/users", 200, R"({"name":"ana","telegram_user_id":43})");
  Send("POST", "/api/v1/users", "/api/v1/users", 201, R"({"name":"bo"})");
  Send("GET", "/api/v1/users", "/api/v1/users", 200);
  Send("POST", "/api/v1/schedules", "/api/v1/schedules", 201,
       R"({"name":"primary","time_zone":"Europe/Berlin","layers":[{"users":["ana"],)"
       R"("rotation":"24h","handoff":"2026-01-05T09:00:00+01:00"}]})");
  Send("GET", "/api/v1/schedules", "/api/v1/schedules", 200);
  json::value mistake =
      Send("POST", "/api/v1/schedules/{name}/overrides", "/api/v1/schedules/primary/overrides",
           201, R"({"user":"ana","ends_at":"2099-01-01T00:00:00Z"})");
  ASSERT_TRUE(mistake.is_object());
  Send("DELETE", "/api/v1/schedules/{name}/overrides/{id}",
       "/api/v1/schedules/primary/overrides/" + std::string(mistake.at("id").as_string()), 200);
  Send("POST", "/api/v1/schedules/{name}/overrides", "/api/v1/schedules/primary/overrides", 201,
       R"({"user":"bo","ends_at":"2099-01-01T00:00:00Z"})");
  Send("GET", "/api/v1/schedules/{name}", "/api/v1/schedules/primary", 200);
  Send("GET", "/api/v1/oncall", "/api/v1/oncall?schedule=primary", 200);
  Send("GET", "/api/v1/oncall", "/api/v1/oncall", 200);
  Send("GET", "/api/v1/oncall", "/api/v1/oncall?schedule=primary&at=2099-01-01T00:00:00Z", 200);
  Send("POST", "/api/v1/schedules", "/api/v1/schedules", 201,
       R"({"name":"old","time_zone":"UTC","layers":[{"users":[],"rotation":"7d",)"
       R"("handoff":"2026-01-05T09:00:00Z"}]})");
  Send("DELETE", "/api/v1/schedules/{name}", "/api/v1/schedules/old", 200);
  Send("POST", "/api/v1/users", "/api/v1/users", 201, R"({"name":"cy"})");
  Send("DELETE", "/api/v1/users/{name}", "/api/v1/users/cy", 200);
  // Escalation policies and routes; an incident given one shows its escalation state.
  const std::string policy =
      R"({"name":"default","steps":[{"after":"0m","notify":[{"schedule":"primary"}]},)"
      R"({"after":"15m","notify":[{"user":"bo"},{"chat":"-100123"}]}],"repeat":1})";
  Send("POST", "/api/v1/escalation-policies", "/api/v1/escalation-policies", 201, policy);
  Send("POST", "/api/v1/escalation-policies", "/api/v1/escalation-policies", 200, policy);
  Send("PUT", "/api/v1/escalation-policies/{name}", "/api/v1/escalation-policies/db", 201,
       R"({"steps":[{"after":"5m","notify":[{"user":"ana"}]}]})");
  Send("GET", "/api/v1/escalation-policies", "/api/v1/escalation-policies", 200);
  Send("GET", "/api/v1/escalation-policies/{name}", "/api/v1/escalation-policies/db", 200);
  Send("PUT", "/api/v1/escalation-routes", "/api/v1/escalation-routes", 200,
       R"({"routes":[{"matchers":[{"name":"service","op":"=~","value":"db.*"}],"policy":"db"}],)"
       R"("default":"default"})");
  Send("GET", "/api/v1/escalation-routes", "/api/v1/escalation-routes", 200);
  Send("DELETE", "/api/v1/escalation-policies/{name}", "/api/v1/escalation-policies/db", 409);
  Send("POST", "/api/v1/escalation-policies", "/api/v1/escalation-policies", 400,
       R"({"name":"x","steps":[{"after":"5m","notify":[{"user":"nobody"}]}]})");
  Send("PUT", "/api/v1/escalation-routes", "/api/v1/escalation-routes", 200,
       R"({"routes":[],"default":"default"})");
  Send("DELETE", "/api/v1/escalation-policies/{name}", "/api/v1/escalation-policies/db", 200);
  json::value paged = Send("POST", "/api/v1/alerts", "/api/v1/alerts", 202,
                           R"({"service":"escalated","error":"x"})");
  ASSERT_TRUE(paged.is_object());
  const std::string paged_path = "/api/v1/incidents/" + std::to_string(paged.at("incident_id").as_int64());
  json::value with_state;
  for (int i = 0; i < 100 && !(with_state.is_object() && with_state.at("escalation").is_object()); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    with_state = Send("GET", "/api/v1/incidents/{id}", paged_path, 200);
  }
  ASSERT_TRUE(with_state.at("escalation").is_object()) << "the escalation job chose no policy";
  Send("GET", "/api/v1/me", "/api/v1/me", 200);
  Send("GET", "/healthz", "/healthz", 200);
  Send("GET", "/readyz", "/readyz", 200);
  Send("GET", "/api/openapi.json", "/api/openapi.json", 200);
  Send("POST", "/logout", "/logout", 200, "", "application/x-www-form-urlencoded",
        {{"Authorization", ""}});

  // Errors: each in the uniform shape, with a status the operation lists.
  Send("POST", "/api/v1/alerts", "/api/v1/alerts", 400, R"({"service":)");
  Send("POST", "/api/v1/alerts", "/api/v1/alerts", 422, R"({"error":"no service"})");
  Send("POST", "/api/v1/alerts", "/api/v1/alerts", 422,
        R"([{"service":"a","error":"x"},{"error":"no service"}])");
  Send("POST", "/api/v1/alerts", "/api/v1/alerts", 415, "service=a", "text/plain");
  Send("POST", "/api/v1/alerts", "/api/v1/alerts", 401, "{}", "application/json",
        {{"Authorization", "Bearer qk_nope"}});
  Send("POST", "/api/v1/incidents/{id}/{action}", "/api/v1/incidents/1/ack", 409, "{}");
  Send("POST", "/api/v1/incidents/{id}/{action}", "/api/v1/incidents/1/shrug", 404, "{}");
  Send("GET", "/api/v1/incidents/{id}", "/api/v1/incidents/999", 404);
  Send("GET", "/api/v1/incidents/{id}", "/api/v1/incidents/x", 400);
  Send("GET", "/api/v1/logs", "/api/v1/logs", 400);
  Send("POST", "/api/v1/logs", "/api/v1/logs", 400, "{\"service\":\"a\",\"level\":\n", "application/x-ndjson");
  Send("PUT", "/api/v1/topology", "/api/v1/topology", 400, R"({"services":{"a":{"depends_on":[1]}}})");
  Send("GET", "/api/v1/stats", "/api/v1/stats?bucket=0s", 400);
  Send("POST", "/api/v1/silences", "/api/v1/silences", 400,
       R"({"matchers":[{"name":"service","op":"=~","value":"("}],"duration":"1h"})");
  Send("DELETE", "/api/v1/silences/{id}", "/api/v1/silences/nope", 404);
  Send("POST", "/api/v1/users", "/api/v1/users", 400, R"({"name":"a b"})");
  Send("POST", "/api/v1/users", "/api/v1/users", 415, R"({"name":"x"})", "text/plain");
  Send("DELETE", "/api/v1/users/{name}", "/api/v1/users/ana", 409);
  Send("DELETE", "/api/v1/users/{name}", "/api/v1/users/nobody", 404);
  Send("POST", "/api/v1/schedules", "/api/v1/schedules", 400,
       R"({"name":"p","time_zone":"Mars/Base","layers":[{"users":[],"rotation":"1d",)"
       R"("handoff":"2026-01-01T00:00:00Z"}]})");
  Send("GET", "/api/v1/schedules/{name}", "/api/v1/schedules/nope", 404);
  Send("POST", "/api/v1/schedules/{name}/overrides", "/api/v1/schedules/nope/overrides", 404,
       R"({"user":"bo","ends_at":"2099-01-01T00:00:00Z"})");
  Send("POST", "/api/v1/schedules/{name}/overrides", "/api/v1/schedules/primary/overrides", 400,
       R"({"user":"bo"})");
  Send("GET", "/api/v1/oncall", "/api/v1/oncall?schedule=nope", 404);
  Send("GET", "/api/v1/oncall", "/api/v1/oncall?at=soon", 400);
  Send("DELETE", "/api/v1/schedules/{name}", "/api/v1/schedules/nope", 404);
  Send("DELETE", "/api/v1/schedules/{name}/overrides/{id}",
       "/api/v1/schedules/primary/overrides/nope", 404);
  Send("POST", "/telegram/webhook", "/telegram/webhook", 404, "{}");
  const std::string reader = server_.CreateToken("reader", "read");
  ASSERT_FALSE(reader.empty());
  Send("POST", "/api/v1/incidents/{id}/{action}", "/api/v1/incidents/1/reopen", 403, "{}",
        "application/json", {{"Authorization", "Bearer " + reader}});

  // Every documented route with a JSON success answer was exercised above (the Telegram
  // webhook needs webhook mode and Telegram's secret: tests/telegram_e2e_test.cc).
  for (const auto& [path, item] : doc_.at("paths").as_object())
    for (const auto& [method, op] : item.as_object()) {
      if (path == "/telegram/webhook") continue;
      bool json_success = false;
      for (const auto& [code, answer] : op.at("responses").as_object()) {
        const json::value* content = Deref(answer).as_object().if_contains("content");
        json_success = json_success || (code.starts_with("2") && content &&
                                        content->as_object().contains("application/json"));
      }
      const std::string name = std::string(method) + " " + std::string(path);
      if (json_success) {
        EXPECT_TRUE(exercised_.count(name)) << name << " is not exercised here";
      }
    }
}

// The checker itself finds what differs, or the test above could pass by accepting anything.
TEST(JsonSchemaCheckTest, FindsWhatDiffersFromTheDocument) {
  const json::value doc = json::parse(R"({"components":{"schemas":{
      "Base":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]},
      "Thing":{"allOf":[{"$ref":"#/components/schemas/Base"}],"type":"object",
               "properties":{"state":{"enum":["on","off"]},"at":{"type":["string","null"]},
                             "tags":{"type":"array","items":{"type":"string"}},
                             "extra":{"type":"object","additionalProperties":{"type":"number"}}},
               "required":["state"]}}}})");
  const json::value thing = json::parse(R"({"$ref":"#/components/schemas/Thing"})");
  auto check = [&](const char* value) { return SchemaMismatch(doc, thing, json::parse(value)); };
  EXPECT_EQ(check(R"({"id":1,"state":"on","at":null,"tags":["a"],"extra":{"x":1.5}})"), "");
  EXPECT_NE(check(R"({"state":"on"})"), "");                      // a base's required field
  EXPECT_NE(check(R"({"id":1,"state":"dim"})"), "");              // not in the enum
  EXPECT_NE(check(R"({"id":1.5,"state":"on"})"), "");             // not an integer
  EXPECT_NE(check(R"({"id":1,"state":"on","tags":[1]})"), "");    // an item's type
  EXPECT_NE(check(R"({"id":1,"state":"on","new":true})"), "");    // an undocumented field
  EXPECT_EQ(SchemaMismatch(doc, thing, json::parse(R"({"id":1,"state":"on","new":true})"), "body",
                           /*closed=*/false),
            "");  // a request may carry fields the server ignores
  EXPECT_NE(check(R"({"id":1,"state":"on","extra":{"x":"1"}})"), "");
  EXPECT_NE(SchemaMismatch(doc, json::parse(R"({"$ref":"#/components/schemas/Nope"})"),
                           json::parse("1")),
            "");
}

}  // namespace
}  // namespace quell::testing
