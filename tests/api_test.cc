// The real server over loopback: ingest, dedup, grouping, incidents, actions, bad input, auth.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <boost/json.hpp>

#include "server_per_suite.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

class ApiTest : public ServerPerSuite {
 protected:
  static json::value PostJson(const std::string& path, const std::string& body, int expect) {
    auto r = server_->Post(path, body, token_);
    EXPECT_EQ(r.status, expect) << path << " " << body << " -> " << r.body;
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return v;
  }
  static json::value GetJson(const std::string& path, int expect = 200) {
    auto r = server_->Get(path, token_);
    EXPECT_EQ(r.status, expect) << path << " -> " << r.body;
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return v;
  }
};

TEST_F(ApiTest, SeedAlertOpensIncidentAndRepeatIsADuplicate) {
  const std::string alert =
      R"({"service":"api-gateway","error":"Redis timeout","latency":4200,"deploy":"441","environment":"seed"})";
  auto first = PostJson("/api/v1/alerts", alert, 202);
  EXPECT_EQ(first.at("duplicate"), false);
  EXPECT_EQ(first.at("outcome"), "new_incident");
  EXPECT_EQ(first.at("fingerprint").as_string().size(), 16u);
  int64_t id = first.at("incident_id").as_int64();

  auto second = PostJson("/api/v1/alerts", alert, 202);
  EXPECT_EQ(second.at("duplicate"), true);
  EXPECT_EQ(second.at("incident_id").as_int64(), id);
  EXPECT_EQ(second.at("fingerprint"), first.at("fingerprint"));

  auto incident = GetJson("/api/v1/incidents/" + std::to_string(id));
  EXPECT_EQ(incident.at("status"), "triggered");
  ASSERT_EQ(incident.at("alerts").as_array().size(), 1u);
  const auto& stored = incident.at("alerts").as_array()[0];
  EXPECT_EQ(stored.at("count").as_int64(), 2);
  EXPECT_EQ(stored.at("metrics").at("latency").as_double(), 4200.0);
  EXPECT_EQ(stored.at("raw").at("deploy"), "441");
  int repeated = 0;
  for (const auto& e : incident.at("timeline").as_array())
    if (e.at("kind") == "alert_repeated") {
      ++repeated;
      EXPECT_EQ(e.at("count").as_int64(), 1);
    }
  EXPECT_EQ(repeated, 1);
}

TEST_F(ApiTest, BatchJoinsOneIncidentAndListFilters) {
  auto batch = PostJson("/api/v1/alerts", R"([
      {"service":"checkout","environment":"batch","error":"DB timeout"},
      {"service":"checkout","environment":"batch","error":"HTTP 500 ratio high"},
      {"service":"checkout","environment":"batch","error":"DB timeout"}])",
                        202);
  ASSERT_EQ(batch.at("accepted").as_int64(), 3);
  const auto& results = batch.at("results").as_array();
  EXPECT_EQ(results[0].at("outcome"), "new_incident");
  EXPECT_EQ(results[1].at("outcome"), "joined");
  EXPECT_EQ(results[2].at("outcome"), "duplicate");
  int64_t id = results[0].at("incident_id").as_int64();
  EXPECT_EQ(results[1].at("incident_id").as_int64(), id);

  auto list = GetJson("/api/v1/incidents?service=checkout&status=triggered");
  bool found = false;
  for (const auto& i : list.at("incidents").as_array()) {
    EXPECT_EQ(i.at("status"), "triggered");
    found |= i.at("id").as_int64() == id;
  }
  EXPECT_TRUE(found);
  auto none = GetJson("/api/v1/incidents?service=no-such-service");
  EXPECT_TRUE(none.at("incidents").as_array().empty());
  EXPECT_TRUE(none.at("next_cursor").is_null());
}

TEST_F(ApiTest, PaginationWithCursor) {
  for (int i = 0; i < 5; ++i)
    PostJson("/api/v1/alerts",
             R"({"service":"page-)" + std::to_string(i) + R"(","error":"x"})", 202);
  std::vector<int64_t> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto list = GetJson("/api/v1/incidents?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& i : list.at("incidents").as_array()) seen.push_back(i.at("id").as_int64());
    if (list.at("next_cursor").is_null()) break;
    cursor = std::string(list.at("next_cursor").as_string());
  }
  ASSERT_GE(seen.size(), 5u);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i - 1], seen[i]);  // newest first
}

// A storm puts thousands of alerts into one incident: its detail carries the first page and
// the rest is read page by page.
TEST_F(ApiTest, AnIncidentsAlertsArePaged) {
  std::string batch = "[";
  for (int i = 0; i < 7; ++i) {
    if (i) batch += ",";
    // Distinct labels, so that each is a new alert (numbers in the text would be masked).
    batch += R"({"service":"paged","environment":"storm","error":"disk full","labels":{"host":"h)" +
             std::string(1, static_cast<char>('a' + i)) + R"("}})";
  }
  auto posted = PostJson("/api/v1/alerts", batch + "]", 202);
  int64_t id = posted.at("results").as_array()[0].at("incident_id").as_int64();
  const std::string base = "/api/v1/incidents/" + std::to_string(id);

  auto detail = GetJson(base + "?alerts_limit=3");
  EXPECT_EQ(detail.at("alert_count").as_int64(), 7);
  ASSERT_EQ(detail.at("alerts").as_array().size(), 3u);
  ASSERT_TRUE(detail.at("alerts_next_cursor").is_string());
  EXPECT_EQ(GetJson(base).at("alerts").as_array().size(), 7u);  // default page: 200
  EXPECT_TRUE(GetJson(base).at("alerts_next_cursor").is_null());

  std::vector<std::string> hosts;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto list = GetJson(base + "/alerts?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& a : list.at("alerts").as_array())
      hosts.emplace_back(a.at("labels").at("host").as_string());
    if (list.at("next_cursor").is_null()) break;
    cursor = std::string(list.at("next_cursor").as_string());
  }
  EXPECT_EQ(hosts, (std::vector<std::string>{"ha", "hb", "hc", "hd", "he", "hf", "hg"}));

  auto bad = GetJson(base + "/alerts?cursor=abc", 400);
  EXPECT_EQ(bad.at("error").at("field"), "cursor");
  EXPECT_EQ(GetJson(base + "?alerts_limit=0", 400).at("error").at("field"), "alerts_limit");
  GetJson("/api/v1/incidents/999999/alerts", 404);
}

TEST_F(ApiTest, ActionsWriteTimelineEvents) {
  auto first = PostJson("/api/v1/alerts", R"({"service":"payments","error":"queue stuck"})", 202);
  std::string base = "/api/v1/incidents/" + std::to_string(first.at("incident_id").as_int64());
  // The actor is the token's name (here the admin token's); a body's "actor" is only a claim,
  // kept in the note.
  auto acked = PostJson(base + "/ack", R"({"note":"on it"})", 200);
  EXPECT_EQ(acked.at("status"), "acknowledged");
  EXPECT_EQ(acked.at("acked_by"), "admin");
  auto resolved = PostJson(base + "/resolve", R"({"actor":"bob"})", 200);
  EXPECT_EQ(resolved.at("status"), "resolved");
  EXPECT_EQ(resolved.at("resolved_by"), "admin");
  auto conflict = PostJson(base + "/ack", R"({"actor":"alice"})", 409);
  EXPECT_EQ(conflict.at("error").at("code"), "conflict");
  auto reopened = PostJson(base + "/reopen", R"({"actor":"carol"})", 200);
  EXPECT_EQ(reopened.at("status"), "triggered");

  auto detail = GetJson(base);
  std::vector<std::string> kinds;
  for (const auto& e : detail.at("timeline").as_array())
    kinds.emplace_back(e.at("kind").as_string());
  EXPECT_EQ(kinds, (std::vector<std::string>{"alert_fired", "acked", "resolved", "reopened"}));
  const auto& timeline = detail.at("timeline").as_array();
  EXPECT_EQ(timeline[1].at("note"), "on it");
  EXPECT_EQ(timeline[1].at("actor"), "admin");
  EXPECT_EQ(timeline[2].at("note"), "on behalf of bob");
  EXPECT_EQ(timeline[2].at("actor"), "admin");

  auto bad_actor = PostJson(base + "/ack", R"({"actor":5})", 400);
  EXPECT_EQ(bad_actor.at("error").at("field"), "actor");
  PostJson(base + "/dance", R"({"actor":"x"})", 404);
  PostJson("/api/v1/incidents/999999/ack", R"({"actor":"x"})", 404);
  auto bad_id = PostJson("/api/v1/incidents/abc/ack", R"({"actor":"x"})", 400);
  EXPECT_EQ(bad_id.at("error").at("field"), "id");
}

TEST_F(ApiTest, SilenceTakesADuration) {
  auto first = PostJson("/api/v1/alerts", R"({"service":"billing","error":"slow invoices"})", 202);
  std::string base = "/api/v1/incidents/" + std::to_string(first.at("incident_id").as_int64());
  auto silenced = PostJson(base + "/silence", R"({"actor":"alice","duration":"30m"})", 200);
  EXPECT_TRUE(silenced.at("silenced_until").is_string());
  auto bad = PostJson(base + "/silence", R"({"actor":"alice","duration":"forever"})", 400);
  EXPECT_EQ(bad.at("error").at("field"), "duration");
  auto huge = PostJson(base + "/silence", R"({"actor":"alice","duration":"999999999999d"})", 400);
  EXPECT_EQ(huge.at("error").at("field"), "duration");
  auto unsilenced = PostJson(base + "/unsilence", R"({"actor":"alice"})", 200);
  EXPECT_TRUE(unsilenced.at("silenced_until").is_null());
}

TEST_F(ApiTest, ResolvedAlertAutoResolvesIncident) {
  auto first = PostJson("/api/v1/alerts", R"({"service":"search","error":"index lag"})", 202);
  auto resolved =
      PostJson("/api/v1/alerts", R"({"service":"search","error":"index lag","status":"resolved"})",
               202);
  EXPECT_EQ(resolved.at("outcome"), "resolved");
  auto incident = GetJson("/api/v1/incidents/" + std::to_string(first.at("incident_id").as_int64()));
  EXPECT_EQ(incident.at("status"), "resolved");
  EXPECT_EQ(incident.at("resolved_by"), "quell");
}

struct BadRequest {
  std::string body;
  std::string content_type;
  int status;
  std::string field;
};

TEST_F(ApiTest, BadInputGetsAClearError) {
  const std::vector<BadRequest> cases = {
      {"", "application/json", 400, "body"},
      {"{not json", "application/json", 400, "body"},
      {R"({"error":"x"})", "application/json", 422, "service"},
      {R"({"service":"a","error":"x","latency":"slow","labels":{"a":1}})", "application/json",
       422, "labels.a"},
      {R"({"service":"a","error":"x"})", "text/plain", 415, "content-type"},
      {R"({"service":"a","error":"x"})", "application/x-www-form-urlencoded", 415,
       "content-type"},
      {std::string(100000, '['), "application/json", 400, "body"},
      {"{\"service\":\"a\",\"error\":\"\xff\"}", "application/json", 400, "body"},
      {R"([{"service":"a","error":"x"},{"service":"b"}])", "application/json", 422,
       "alerts[1].error"},
  };
  for (const auto& c : cases) {
    auto r = server_->Post("/api/v1/alerts", c.body, token_, c.content_type);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 80) << " -> " << r.body;
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    ASSERT_FALSE(ec) << r.body;
    EXPECT_EQ(v.at("error").at("field"), json::value(c.field)) << r.body;
  }
  // All-or-nothing: the valid first item of the rejected batch was not stored.
  auto list = GetJson("/api/v1/incidents?service=a");
  EXPECT_TRUE(list.at("incidents").as_array().empty());
}

TEST_F(ApiTest, OversizedBodyIs413) {
  std::string big = R"({"service":"a","error":")" + std::string(2 << 20, 'x') + "\"}";
  auto r = server_->Post("/api/v1/alerts", big, token_);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
}

TEST_F(ApiTest, UnknownRouteAndMethod) {
  auto r = server_->Get("/api/v1/nope", token_);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"error\""), std::string::npos);
  r = server_->Get("/api/v1/alerts", token_);
  EXPECT_EQ(r.status, 405);
}

TEST_F(ApiTest, AuthIsRequiredAndScoped) {
  const std::string alert = R"({"service":"auth","error":"x"})";
  auto none = server_->Post("/api/v1/alerts", alert, "");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("authorization"), std::string::npos);
  auto wrong = server_->Post("/api/v1/alerts", alert, "qk_not_a_real_token");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body.find("qk_not_a_real_token"), std::string::npos);  // never echoed

  // A read-only token created by the CLI while the server runs.
  std::string cmd = QuellBinary() + " token create --data-dir " + server_->data_dir() +
                    "/data --name reader --scope read";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[256] = {};
  ASSERT_NE(std::fgets(buf, sizeof buf, pipe), nullptr);
  ASSERT_EQ(::pclose(pipe), 0);
  std::string reader(buf);
  while (!reader.empty() && reader.back() == '\n') reader.pop_back();
  EXPECT_EQ(reader.rfind("qk_", 0), 0u);

  EXPECT_EQ(server_->Get("/api/v1/incidents", reader).status, 200);
  auto forbidden = server_->Post("/api/v1/alerts", alert, reader);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_NE(forbidden.body.find("\"field\":\"authorization\""), std::string::npos);
  // Tokens never reach the log.
  EXPECT_EQ(server_->log().find(reader), std::string::npos);
  EXPECT_EQ(server_->log().find(token_), std::string::npos);
}

TEST_F(ApiTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(server_->Get("/healthz", "").status, 200);
  EXPECT_EQ(server_->Get("/readyz", "").status, 200);
  PostJson("/api/v1/alerts", R"({"service":"metrics","error":"x"})", 202);
  PostJson("/api/v1/alerts", R"({"service":"metrics","error":"x"})", 202);
  auto m = server_->Get("/metrics", "");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("quell_alerts_ingested_total{source=\"generic\",outcome=\"duplicate\"}"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("quell_incidents_open"), std::string::npos);
  EXPECT_NE(m.body.find("quell_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("quell_jobs_parked_total 0"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("quell_jobs_exceptions_total 0"), std::string::npos);
  // The queue, the log miner; no notification or model series without a channel or a model.
  // The two alerts queued an analysis job that may still be running: the gauge must come back
  // to 0 once the queue is idle.
  ASSERT_TRUE(MetricSample(m.body, "quell_jobs_running").has_value()) << m.body;
  for (int i = 0; i < 100 && MetricSample(m.body, "quell_jobs_running") != 0.0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    m = server_->Get("/metrics", "");
  }
  EXPECT_EQ(MetricSample(m.body, "quell_jobs_running"), 0.0) << m.body;
  EXPECT_TRUE(MetricSample(m.body, "quell_jobs_due").has_value()) << m.body;
  EXPECT_EQ(MetricSample(m.body, "quell_log_templates"), 0.0) << m.body;
  EXPECT_EQ(m.body.find("quell_notifications_total"), std::string::npos);
  EXPECT_EQ(m.body.find("quell_llm_"), std::string::npos);
}

}  // namespace
}  // namespace quell::testing
