// The LLM analyst in the running server and in `quell analyze`, against a fake Ollama.
#include <sys/wait.h>

#include <cstdio>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "fake_ollama.h"
#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

std::string Reply(const std::string& content) {
  return json::serialize(json::object{
      {"model", "gemma4:e4b"},
      {"message", json::object{{"role", "assistant"}, {"content", content}}},
      {"done", true},
      {"done_reason", "stop"}});
}

const char* kAnswer = R"({"root_cause":"Redis pool exhausted by release 441","severity":"high",
  "impact":"Checkout is slow","recommended_actions":["Rollback deployment #441"],"confidence":0.7,
  "summary":"x","suspects":{"deploys":[{"id":"441","service":"api-gateway"}],"services":[]}})";

TEST(LlmInTheServer, OllamaAnswerIsStoredAndFailuresFallBack) {
  FakeOllama ollama;
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "llm.provider=ollama", "--set", "llm.url=" + ollama.url(),
                            "--set", "llm.timeout_s=5", "--set", "analysis.delay=1h"}))
      << server.log();
  EXPECT_NE(server.log().find("LLM analyst: ollama gemma4:e4b"), std::string::npos) << server.log();
  const std::string token = server.admin_token();
  auto alert = json::parse(server.Post("/api/v1/alerts",
      R"({"service":"api-gateway","error":"Redis timeout","latency":4200,"deploy":"441"})", token).body);
  const std::string path = "/api/v1/incidents/" + std::to_string(alert.at("incident_id").as_int64()) + "/analyze";

  ollama.Push({200, Reply(kAnswer)});
  auto used = json::parse(server.Post(path, "", token).body);
  EXPECT_EQ(used.at("analyzer"), "ollama:gemma4:e4b");
  EXPECT_EQ(used.at("root_cause"), "Redis pool exhausted by release 441");
  EXPECT_FALSE(used.at("llm").at("prompt").as_string().empty());

  ollama.Push({500, R"({"error":"llama-server process has terminated"})"});
  auto fallback = json::parse(server.Post(path, "", token).body);
  EXPECT_EQ(fallback.at("analyzer"), "builtin");
  EXPECT_NE(fallback.at("llm").at("note").as_string().find("HTTP 500"), std::string::npos);
}

TEST(LlmInTheServer, BuiltinPrimaryKeepsTheModelsOpinionAsANote) {
  FakeOllama ollama;
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "llm.provider=ollama", "--set", "llm.url=" + ollama.url(),
                            "--set", "llm.primary=builtin", "--set", "analysis.delay=1h"}))
      << server.log();
  const std::string token = server.admin_token();
  auto alert = json::parse(server.Post("/api/v1/alerts",
      R"({"service":"api-gateway","error":"Redis timeout","latency":4200,"deploy":"441"})", token).body);
  ollama.Push({200, Reply(kAnswer)});
  auto result = json::parse(server.Post("/api/v1/incidents/" +
                                        std::to_string(alert.at("incident_id").as_int64()) + "/analyze",
                                        "", token).body);
  EXPECT_EQ(result.at("analyzer"), "builtin");
  EXPECT_NE(result.at("llm").at("note").as_string().find("ollama:gemma4:e4b"), std::string::npos);
  EXPECT_NE(result.at("llm").at("note").as_string().find("Redis pool exhausted by release 441"),
            std::string::npos);
}

TEST(LlmInTheServer, MissingModelIsReportedAtStart) {
  FakeOllama ollama;
  ollama.SetModels({});
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--set", "llm.provider=ollama", "--set", "llm.url=" + ollama.url()}))
      << server.log();
  EXPECT_NE(server.log().find("ollama pull gemma4:e4b"), std::string::npos) << server.log();
}

TEST(LlmAnalyzeCommand, OfflineWithTheModel) {
  FakeOllama ollama;
  ollama.Push({200, Reply(kAnswer)});
  std::string cmd = "echo '{\"service\":\"api-gateway\",\"error\":\"Redis timeout\",\"latency\":4200,"
                    "\"deploy\":\"441\"}' | " + QuellBinary() + " analyze --llm ollama --model gemma4:e4b "
                    "--llm-url " + ollama.url() + " - 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  ASSERT_EQ(::pclose(pipe), 0) << out;
  auto v = json::parse(out);
  EXPECT_EQ(v.at("analyzer"), "ollama:gemma4:e4b");
  EXPECT_EQ(v.at("root_cause"), "Redis pool exhausted by release 441");
}

}  // namespace
}  // namespace quell::testing
