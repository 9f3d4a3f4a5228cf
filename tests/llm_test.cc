// The LLM analyst in the running server and in `quell analyze`, against a fake model server
// (Ollama's API and the OpenAI-compatible one).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "fake_ollama.h"
#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

const char* kAnswer = R"({"root_cause":"Redis pool exhausted by release 441","severity":"high",
  "impact":"Checkout is slow","recommended_actions":["Rollback deployment #441"],"confidence":0.7,
  "summary":"x","suspects":{"deploys":[{"id":"441","service":"api-gateway"}],"services":[]}})";

// Starts `server` with its LLM at `llm` (Ollama unless `extra` says otherwise) and no automatic
// analysis, so each test decides when the model is asked.
bool StartWithLlm(ServerProcess& server, const FakeOllama& llm,
                  std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--set", "llm.provider=ollama", "--set", "llm.url=" + llm.url(),
                                   "--set", "analysis.delay=1h"};
  args.insert(args.end(), extra.begin(), extra.end());
  return server.Start(args);
}

// Posts the seed alert; returns its incident's path, "/api/v1/incidents/<id>".
std::string SeedIncident(ServerProcess& server, const std::string& token) {
  auto alert = json::parse(
      server
          .Post(
              "/api/v1/alerts",
              R"({"service":"api-gateway","error":"Redis timeout","latency":4200,"deploy":"441"})",
              token)
          .body);
  return "/api/v1/incidents/" + std::to_string(alert.at("incident_id").as_int64());
}

TEST(LlmInTheServer, OllamaAnswerIsStoredAndFailuresFallBack) {
  FakeOllama ollama;
  ServerProcess server;
  ASSERT_TRUE(StartWithLlm(server, ollama, {"--set", "llm.timeout_s=5"})) << server.log();
  EXPECT_NE(server.log().find("LLM analyst: ollama gemma4:e4b"), std::string::npos) << server.log();
  const std::string token = server.admin_token();
  const std::string path = SeedIncident(server, token) + "/analyze";

  ollama.Push({200, OllamaReply(kAnswer)});
  auto used = json::parse(server.Post(path, "", token).body);
  EXPECT_EQ(used.at("analyzer"), "ollama:gemma4:e4b");
  EXPECT_EQ(used.at("root_cause"), "Redis pool exhausted by release 441");
  EXPECT_FALSE(used.at("llm").at("prompt").as_string().empty());

  ollama.Push({500, R"({"error":"llama-server process has terminated"})"});
  auto fallback = json::parse(server.Post(path, "", token).body);
  EXPECT_EQ(fallback.at("analyzer"), "builtin");
  EXPECT_NE(fallback.at("llm").at("note").as_string().find("HTTP 500"), std::string::npos);

  // /metrics counts both calls, the failure, and which answer was used.
  const std::string m = server.Get("/metrics", "").body;
  EXPECT_EQ(MetricSample(m, "quell_llm_requests_total"), 2.0) << m;
  EXPECT_EQ(MetricSample(m, "quell_llm_request_failures_total"), 1.0);
  EXPECT_EQ(MetricSample(m, "quell_llm_analyses_total"), 1.0);
  EXPECT_EQ(MetricSample(m, "quell_llm_fallbacks_total"), 1.0);
  EXPECT_EQ(MetricSample(m, "quell_llm_grounding_failures_total"), 0.0);
  EXPECT_EQ(MetricSample(m, "quell_llm_request_duration_seconds_count"), 2.0);
}

TEST(LlmInTheServer, BuiltinPrimaryKeepsBothAnswersAndTheirAgreement) {
  FakeOllama ollama;
  ServerProcess server;
  ASSERT_TRUE(StartWithLlm(server, ollama, {"--set", "llm.primary=builtin"})) << server.log();
  const std::string token = server.admin_token();
  const std::string incident = SeedIncident(server, token);
  ollama.Push({200, OllamaReply(kAnswer)});
  auto result = json::parse(server.Post(incident + "/analyze", "", token).body);
  EXPECT_EQ(result.at("analyzer"), "builtin");
  EXPECT_NE(result.at("llm").at("note").as_string().find("ollama:gemma4:e4b"), std::string::npos);
  EXPECT_NE(result.at("llm").at("note").as_string().find("Redis pool exhausted by release 441"),
            std::string::npos);
  // The incident detail shows both answers, which one is primary and whether they agree.
  auto detail = json::parse(server.Get(incident, token).body);
  const auto& analysis = detail.at("analysis");
  EXPECT_EQ(analysis.at("analyzer"), "builtin");
  EXPECT_EQ(analysis.at("llm").at("primary"), "builtin");
  EXPECT_EQ(analysis.at("secondary").at("analyzer"), "ollama:gemma4:e4b");
  EXPECT_EQ(analysis.at("secondary").at("root_cause"), "Redis pool exhausted by release 441");
  EXPECT_TRUE(analysis.at("llm").at("agreement").at("deploy").as_bool());  // both blame 441
}

// Sets an environment variable for the servers this test starts, and removes it after.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  const char* name_;
};

TEST(LlmInTheServer, OpenAiCompatibleServerEndToEndWithAKeyThatStaysSecret) {
  FakeOllama llm;
  llm.RequireApiKey("sk-quell-test-secret");
  ScopedEnv key("QUELL_LLM_API_KEY", "sk-quell-test-secret");
  ServerProcess server;
  ASSERT_TRUE(StartWithLlm(
      server, llm, {"--set", "llm.provider=openai", "--set", "llm.url=" + llm.url() + "/v1"}))
      << server.log();
  const std::string token = server.admin_token();
  auto ready = json::parse(server.Get("/readyz", "").body);
  EXPECT_EQ(ready.at("llm").at("provider"), "openai");
  EXPECT_TRUE(ready.at("llm").at("ready").as_bool()) << ready;

  const std::string path = SeedIncident(server, token) + "/analyze";
  llm.Push({200, OpenAiReply(kAnswer)});
  auto used = json::parse(server.Post(path, "", token).body);
  EXPECT_EQ(used.at("analyzer"), "openai:gemma4:e4b");
  EXPECT_EQ(used.at("root_cause"), "Redis pool exhausted by release 441");
  EXPECT_EQ(llm.recorded().at(0).path, "/v1/chat/completions");
  EXPECT_EQ(llm.recorded().at(0).authorization, "Bearer sk-quell-test-secret");

  // A rejected key: the note says so without repeating it; the log never shows it.
  llm.Push({401, R"({"error":{"message":"bad key sk-quell-test-secret"}})"});
  auto rejected = json::parse(server.Post(path, "", token).body);
  EXPECT_EQ(rejected.at("analyzer"), "builtin");
  EXPECT_NE(rejected.at("llm").at("note").as_string().find("HTTP 401"), std::string::npos);
  EXPECT_EQ(json::serialize(rejected).find("sk-quell-test-secret"), std::string::npos);
  EXPECT_EQ(server.log().find("sk-quell-test-secret"), std::string::npos);
}

TEST(LlmInTheServer, MissingModelIsReportedAtStartAndInReadyzWithoutFailingIt) {
  FakeOllama ollama;
  ollama.SetModels({});
  ServerProcess server;
  ASSERT_TRUE(StartWithLlm(server, ollama)) << server.log();
  EXPECT_NE(server.log().find("ollama pull gemma4:e4b"), std::string::npos) << server.log();
  auto response = server.Get("/readyz", "");
  EXPECT_EQ(response.status, 200);  // the built-in analyst still works
  auto ready = json::parse(response.body);
  EXPECT_EQ(ready.at("status"), "ready");
  EXPECT_EQ(ready.at("llm").at("provider"), "ollama");
  EXPECT_EQ(ready.at("llm").at("model"), "gemma4:e4b");
  EXPECT_FALSE(ready.at("llm").at("ready").as_bool());
  EXPECT_NE(ready.at("llm").at("message").as_string().find("ollama pull gemma4:e4b"),
            std::string::npos);
}

TEST(LlmInTheServer, AModelPulledLaterBecomesReadyWithoutARestart) {
  FakeOllama ollama;
  ollama.SetModels({});
  ServerProcess server;
  ASSERT_TRUE(StartWithLlm(server, ollama, {"--set", "llm.recheck_interval=100ms"}))
      << server.log();
  EXPECT_FALSE(json::parse(server.Get("/readyz", "").body).at("llm").at("ready").as_bool());
  ollama.SetModels({"gemma4:e4b"});  // `ollama pull gemma4:e4b` finished
  json::value ready;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(20))) {
    ready = json::parse(server.Get("/readyz", "").body);
    if (ready.at("llm").at("ready").as_bool()) break;
  }
  EXPECT_TRUE(ready.at("llm").at("ready").as_bool()) << ready;
  EXPECT_EQ(ready.at("llm").at("message"),
            "Ollama 0.33.0 has gemma4:e4b (completion, tools, thinking)");
}

TEST(LlmInTheServer, WithoutAnLlmReadyzSaysNothingAboutIt) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  auto ready = json::parse(server.Get("/readyz", "").body);
  EXPECT_EQ(ready.at("status"), "ready");
  EXPECT_FALSE(ready.as_object().contains("llm"));
}

TEST(LlmInTheServer, ToolsSearchTheStoredLogsAndLandOnTheTimeline) {
  FakeOllama ollama;
  ServerProcess server;
  ASSERT_TRUE(StartWithLlm(server, ollama, {"--set", "llm.tools=true"})) << server.log();
  const std::string token = server.admin_token();
  const std::string incident = SeedIncident(server, token);
  ASSERT_EQ(server
                .Post("/api/v1/logs", R"({"service":"api-gateway","entries":[
      {"level":"error","message":"Redis timeout reading key session:17"},
      {"level":"info","message":"GET /health 200"},
      {"level":"error","message":"redis TIMEOUT reading key session:99"}]})",
                      token)
                .status,
            202);
  ollama.Push(
      {200, OllamaReply("", "stop",
                        {{"search_logs", R"({"service":"api-gateway","query":"redis timeout"})"},
                         {"list_deploys", R"({"service":"api-gateway"})"}})});
  ollama.Push({200, OllamaReply("done looking")});
  ollama.Push({200, OllamaReply(kAnswer)});
  auto result = json::parse(server.Post(incident + "/analyze", "", token).body);
  EXPECT_EQ(result.at("analyzer"), "ollama:gemma4:e4b") << result;
  const auto& steps = result.at("llm").at("tool_steps").as_array();
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].at("result"), "2 matching line(s)");
  // The model got the lines themselves.
  EXPECT_NE(ollama.requests().at(1).find("session:99"), std::string::npos);

  auto detail = json::parse(server.Get(incident, token).body);
  int tool_events = 0;
  for (const auto& e : detail.at("timeline").as_array())
    if (e.at("kind") == "analysis" && e.at("note").as_string().starts_with("looked up ")) {
      ++tool_events;
      EXPECT_EQ(e.at("actor"), "ollama:gemma4:e4b");
    }
  EXPECT_EQ(tool_events, 2);
}

// Runs `quell analyze` on the seed alert with `llm_args`; returns its output.
std::string AnalyzeOffline(const std::string& llm_args) {
  std::string cmd =
      "echo '{\"service\":\"api-gateway\",\"error\":\"Redis timeout\",\"latency\":4200,"
      "\"deploy\":\"441\"}' | " +
      QuellBinary() + " analyze " + llm_args + " - 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  EXPECT_EQ(::pclose(pipe), 0) << out;
  return out;
}

TEST(LlmAnalyzeCommand, OfflineWithTheModel) {
  FakeOllama ollama;
  ollama.Push({200, OllamaReply(kAnswer)});
  auto v = json::parse(AnalyzeOffline("--llm ollama --model gemma4:e4b --llm-url " + ollama.url()));
  EXPECT_EQ(v.at("analyzer"), "ollama:gemma4:e4b");
  EXPECT_EQ(v.at("root_cause"), "Redis pool exhausted by release 441");
  EXPECT_EQ(v.at("secondary").at("analyzer"), "builtin");
}

TEST(LlmAnalyzeCommand, OfflineWithAnOpenAiCompatibleServer) {
  FakeOllama llm;
  llm.Push({200, OpenAiReply(kAnswer)});
  ScopedEnv key("QUELL_LLM_API_KEY", "sk-offline");
  auto v = json::parse(AnalyzeOffline("--llm openai --llm-url " + llm.url()));
  EXPECT_EQ(v.at("analyzer"), "openai:gemma4:e4b");
  EXPECT_EQ(llm.recorded().at(0).authorization, "Bearer sk-offline");
}

// Without flags the model server settings come from QUELL_LLM_*; a flag wins over its variable.
TEST(LlmAnalyzeCommand, SettingsFromTheEnvironmentWhenTheFlagsAreAbsent) {
  FakeOllama ollama;
  ollama.SetModels({"env-model"});
  ollama.Push({200, OllamaReply(kAnswer)});
  ollama.Push({200, OllamaReply(kAnswer)});
  ScopedEnv url("QUELL_LLM_URL", ollama.url().c_str());
  ScopedEnv model("QUELL_LLM_MODEL", "env-model");
  auto from_env = json::parse(AnalyzeOffline("--llm ollama"));
  EXPECT_EQ(from_env.at("analyzer"), "ollama:env-model");
  auto flag_wins = json::parse(AnalyzeOffline("--llm ollama --model flag-model"));
  EXPECT_EQ(flag_wins.at("analyzer"), "ollama:flag-model");
  EXPECT_EQ(ollama.requests().size(), 2u);  // both reached the server named by QUELL_LLM_URL
}

}  // namespace
}  // namespace quell::testing
