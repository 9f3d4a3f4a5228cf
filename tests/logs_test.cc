// Logs over HTTP: JSON lines and entries, a large NDJSON stream over the default body limit,
// templates with counts (mined after the answer, on the mining worker), bad input named, log
// templates reaching the analyst, and lines stored but not mined when the mining queue is full.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

// Lines are mined on a worker after the request is answered: polls `service`'s templates until
// `done` holds or 30 s pass, and returns the last answer.
json::value PollTemplates(const ServerProcess& server, const std::string& token,
                          const std::string& service, const std::function<bool(const json::value&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json::value answer;
  do {
    answer = json::parse(server.Get("/api/v1/logs/templates?service=" + service, token).body);
    if (done(answer)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return answer;
}

int64_t TotalCount(const json::value& templates) {
  int64_t n = 0;
  for (const auto& t : templates.at("templates").as_array()) n += t.at("count").as_int64();
  return n;
}

TEST(Logs, IngestMineAndServeToTheAnalyst) {
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "analysis.delay=0s"})) << server.log();
  const std::string token = server.admin_token();

  auto lines = server.Post("/api/v1/logs", R"x({"service":"api","lines":[
      "ERROR Request failed",
      "java.lang.IllegalStateException: pool exhausted",
      "\tat com.acme.Pool.get(Pool.java:42)",
      "INFO request served in 12ms",
      "INFO request served in 15ms"]})x", token);
  ASSERT_EQ(lines.status, 202) << lines.body;
  EXPECT_EQ(json::parse(lines.body).at("accepted").as_int64(), 3);  // the trace is one entry

  auto entries = server.Post("/api/v1/logs",
      R"({"service":"api","entries":[{"level":"error","message":"Redis timeout reading key session:17 after 3000ms"},
                                     {"level":"error","message":"Redis timeout reading key session:99 after 3100ms"}]})",
      token);
  ASSERT_EQ(entries.status, 202) << entries.body;

  // A 5 MB NDJSON body: over the 1 MiB default, within the logs limit.
  std::string ndjson;
  for (int i = 0; ndjson.size() < 5u << 20; ++i)
    ndjson += R"({"service":"worker","level":"info","message":"processed batch )" +
              std::to_string(i) + R"( in )" + std::to_string(i % 90) + "ms padding padding padding\"}\n";
  auto big = server.Post("/api/v1/logs", ndjson, token, "application/x-ndjson");
  ASSERT_EQ(big.status, 202) << big.body.substr(0, 200);
  EXPECT_GT(json::parse(big.body).at("accepted").as_int64(), 40000);
  EXPECT_EQ(server.Post("/api/v1/alerts", std::string(2u << 20, ' '), token).status, 413);

  const int64_t worker_lines = json::parse(big.body).at("accepted").as_int64();
  auto templates = PollTemplates(server, token, "worker", [&](const json::value& t) {
    return TotalCount(t) >= worker_lines;
  });
  EXPECT_EQ(TotalCount(templates), worker_lines) << "every line is mined (the queue had room)";
  EXPECT_EQ(templates.at("not_mined").as_int64(), 0);
  ASSERT_EQ(templates.at("templates").as_array().size(), 1u) << templates;
  EXPECT_EQ(templates.at("templates").at(0).at("template"), "processed batch <*> in <*> padding padding padding");
  EXPECT_GT(templates.at("templates").at(0).at("count").as_int64(), 40000);
  // The sparkline's series: 24 slices of the window that add up to the count.
  const auto& series = templates.at("templates").at(0).at("series").as_array();
  ASSERT_EQ(series.size(), 24u);
  int64_t sum = 0;
  for (const auto& n : series) sum += n.to_number<int64_t>();
  EXPECT_EQ(sum, templates.at("templates").at(0).at("count").as_int64());
  EXPECT_GT(series.back().to_number<int64_t>(), 0) << "the lines just sent are in the last slice";
  auto listed = json::parse(server.Get("/api/v1/logs?service=api&limit=10", token).body);
  EXPECT_EQ(listed.at("logs").as_array().size(), 5u);
  for (const auto& e : listed.at("logs").as_array())  // classified when listed
    EXPECT_NE(e.at("template_id").as_int64(), 0) << e;

  // A stream is parsed as it arrives: batches before a bad line stay stored, and the answer says
  // how many lines were accepted.
  std::string stream;
  for (int i = 0; i < 6000; ++i)
    stream += R"({"service":"stream","message":"tick )" + std::to_string(i) + "\"}\n";
  stream += "{broken\n";
  auto partial = server.Post("/api/v1/logs", stream, token, "application/x-ndjson");
  EXPECT_EQ(partial.status, 400);
  EXPECT_NE(partial.body.find("\"field\":\"line 6001\""), std::string::npos) << partial.body;
  const int64_t accepted = json::parse(partial.body).at("accepted").as_int64();
  EXPECT_GE(accepted, 5000);  // the first batch was stored
  EXPECT_LT(accepted, 6000);  // the batch with the bad line was not
  EXPECT_EQ(server.Post("/api/v1/logs", "{\"service\":\"a\",\"message\":\"x\"}\n", "qk_nope",
                        "application/x-ndjson").status, 401);
  EXPECT_EQ(server.Post("/api/v1/logs", "", token, "application/x-ndjson").status, 400);

  // Bad input.
  auto bad_line = server.Post("/api/v1/logs", "{\"service\":\"a\",\"message\":\"x\"}\n{nope\n", token,
                              "application/x-ndjson");
  EXPECT_EQ(bad_line.status, 400);
  EXPECT_NE(bad_line.body.find("\"field\":\"line 2\""), std::string::npos) << bad_line.body;
  EXPECT_EQ(server.Post("/api/v1/logs", "x", token, "text/plain").status, 415);
  EXPECT_EQ(server.Post("/api/v1/logs", R"({"lines":["x"]})", token).status, 400);
  EXPECT_EQ(server.Get("/api/v1/logs", token).status, 400);

  // The analyst reads the mined templates of the incident's services.
  auto alert = json::parse(server.Post("/api/v1/alerts", R"({"service":"api","error":"HTTP 500 on /cart"})", token).body);
  auto analysis = json::parse(server.Post("/api/v1/incidents/" +
                                          std::to_string(alert.at("incident_id").as_int64()) +
                                          "/analyze", "", token).body);
  bool saw_template = false;
  for (const auto& e : analysis.at("evidence").as_array())
    saw_template |= e.at("kind") == "log_template";
  EXPECT_TRUE(saw_template) << analysis;
  EXPECT_NE(std::string(analysis.at("root_cause").as_string()).find("pool"), std::string::npos)
      << analysis.at("root_cause");
}

TEST(Logs, AFullMiningQueueStoresCountsAndSaysSo) {
  // logs.mining_queue=0: no line fits the queue, so every line is stored but not mined.
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "analysis.delay=0s", "--set", "logs.mining_queue=0"}))
      << server.log();
  const std::string token = server.admin_token();
  std::string ndjson;
  for (int i = 0; i < 300; ++i)
    ndjson += R"({"service":"pay","level":"error","message":"charge )" + std::to_string(i) +
              " failed: card declined\"}\n";
  auto posted = server.Post("/api/v1/logs", ndjson, token, "application/x-ndjson");
  ASSERT_EQ(posted.status, 202) << posted.body;
  EXPECT_EQ(json::parse(posted.body).at("accepted").as_int64(), 300);

  auto listed = json::parse(server.Get("/api/v1/logs?service=pay&limit=1000", token).body);
  EXPECT_EQ(listed.at("logs").as_array().size(), 300u) << "stored";
  auto templates = json::parse(server.Get("/api/v1/logs/templates?service=pay", token).body);
  EXPECT_TRUE(templates.at("templates").as_array().empty()) << templates;
  EXPECT_EQ(templates.at("not_mined").as_int64(), 300);
  auto metrics = server.Get("/metrics", "");
  EXPECT_NE(metrics.body.find("quell_log_lines_not_mined_total{service=\"pay\"} 300"),
            std::string::npos)
      << metrics.body;

  // The analysis says the service's templates are incomplete.
  auto alert = json::parse(
      server.Post("/api/v1/alerts", R"({"service":"pay","error":"HTTP 502 on /charge"})", token).body);
  auto analysis = json::parse(server.Post("/api/v1/incidents/" +
                                          std::to_string(alert.at("incident_id").as_int64()) +
                                          "/analyze", "", token).body);
  bool said = false;
  for (const auto& e : analysis.at("evidence").as_array())
    said |= e.at("kind") == "log_gap" && e.at("ref") == "pay";
  EXPECT_TRUE(said) << analysis;
}

}  // namespace
}  // namespace quell::testing
