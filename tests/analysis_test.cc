// The analyst as users reach it: `quell analyze` offline, and the analyze job, endpoint and
// similar-incident lookup of a running server.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

std::string RunWithInput(const std::string& args, const std::string& input, int* code) {
  char path[] = "/tmp/quell_analyze_XXXXXX";
  int fd = ::mkstemp(path);
  const bool written = ::write(fd, input.data(), input.size()) == static_cast<ssize_t>(input.size());
  EXPECT_TRUE(written);
  ::close(fd);
  std::string out = RunQuell(args + " < " + path, code);
  ::unlink(path);
  return out;
}

TEST(AnalyzeCommand, SeedAlertGivesTheExpectedAnalysis) {
  int code = 0;
  std::string out = RunWithInput(
      "analyze -", R"({"service":"api-gateway","error":"Redis timeout","latency":4200,"deploy":"441"})",
      &code);
  ASSERT_EQ(code, 0) << out;
  auto v = json::parse(out);
  EXPECT_EQ(v.at("root_cause"), "Possible Redis connection pool exhaustion after deployment #441");
  EXPECT_EQ(v.at("severity"), "high");
  EXPECT_EQ(v.at("recommended_actions").as_array().size(), 3u);
  EXPECT_EQ(v.at("recommended_actions").at(0), "Rollback deployment #441");
  EXPECT_GT(v.at("confidence").as_double(), 0.5);
  EXPECT_FALSE(v.at("evidence").as_array().empty());
}

TEST(AnalyzeCommand, BundleFileAndBadInput) {
  int code = 0;
  std::string out = RunWithInput(
      "analyze " + SourceDir() + "/bench/scenarios/03-regression-among-concurrent-deploys.json",
      "", &code);
  ASSERT_EQ(code, 0) << out;
  auto v = json::parse(out);
  EXPECT_EQ(v.at("suspects").at("deploys").at(0).at("id"), "2.3.0");
  out = RunWithInput("analyze -", R"({"alerts":[{"error":"no service"}]})", &code);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("service"), std::string::npos) << out;
  out = RunWithInput("analyze /nonexistent/bundle.json", "", &code);
  EXPECT_EQ(code, 2);
}

TEST(AnalysisOnTheServer, JobStoresAnalysisAndSimilarIncidentsCarryTheirFix) {
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "analysis.delay=0s"})) << server.log();
  const std::string token = server.admin_token();
  auto first = json::parse(
      server.Post("/api/v1/alerts", R"({"service":"api","error":"Redis timeout","latency":4200})", token).body);
  const std::string first_id = std::to_string(first.at("incident_id").as_int64());

  // The analyze job runs in the background.
  json::value incident;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    incident = json::parse(server.Get("/api/v1/incidents/" + first_id, token).body);
    if (!incident.at("analysis").is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(incident.at("analysis").is_null()) << server.log();
  EXPECT_EQ(incident.at("analysis").at("root_cause"), "Possible Redis connection pool exhaustion");
  bool analysis_event = false;
  for (const auto& e : incident.at("timeline").as_array()) analysis_event |= e.at("kind") == "analysis";
  EXPECT_TRUE(analysis_event);
  // The alert carried no severity: the incident's is the analysis's (latency 4200 ms: high),
  // in the detail, the list and a timeline entry that says why.
  EXPECT_EQ(incident.at("alert_severity"), "unknown");
  EXPECT_EQ(incident.at("analysis").at("severity"), "high");
  EXPECT_EQ(incident.at("severity"), "high") << incident;
  std::string severity_note;
  for (const auto& e : incident.at("timeline").as_array())
    if (e.at("kind") == "severity_changed") severity_note = json::value_to<std::string>(e.at("note"));
  EXPECT_NE(severity_note.find("unknown -> high: the analysis says high (latency 4200 above 1000"),
            std::string::npos)
      << incident.at("timeline");
  auto list = json::parse(server.Get("/api/v1/incidents", token).body);
  ASSERT_EQ(list.at("incidents").as_array().size(), 1u) << list;
  EXPECT_EQ(list.at("incidents").at(0).at("severity"), "high");

  // Resolve it with a note; a later, similar incident finds it.
  auto resolved = server.Post("/api/v1/incidents/" + first_id + "/resolve",
                              R"({"note":"Raised the Redis pool to 64"})", token);
  ASSERT_EQ(resolved.status, 200);
  auto second = json::parse(server.Post("/api/v1/alerts",
                                        R"({"service":"api","environment":"staging","error":"Redis timeout","latency":3900})",
                                        token).body);
  const std::string second_id = std::to_string(second.at("incident_id").as_int64());
  ASSERT_NE(second_id, first_id);
  auto similar = json::parse(server.Get("/api/v1/incidents/" + second_id + "/similar", token).body);
  ASSERT_FALSE(similar.at("similar").as_array().empty()) << similar;
  EXPECT_EQ(std::to_string(similar.at("similar").at(0).at("incident_id").as_int64()), first_id);
  EXPECT_EQ(similar.at("similar").at(0).at("resolution_note"), "Raised the Redis pool to 64");

  auto analyzed = server.Post("/api/v1/incidents/" + second_id + "/analyze", "", token);
  ASSERT_EQ(analyzed.status, 200) << analyzed.body;
  auto analysis = json::parse(analyzed.body);
  EXPECT_EQ(std::string(analysis.at("recommended_actions").as_array().back().as_string()),
            "Last time (incident #" + first_id + "): Raised the Redis pool to 64");
  EXPECT_EQ(server.Post("/api/v1/incidents/999/analyze", "", token).status, 404);
}

}  // namespace
}  // namespace quell::testing
