// The LLM analyst against a fake Ollama server on loopback that speaks /api/chat (streamed and
// not) and scripts its answers, including every failure the real one can produce.
#include "analysis/llm/llm_analyst.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "analysis/builtin_analyst.h"
#include "analysis/llm/prompt.h"
#include "analysis/llm/redaction.h"
#include "../tests/fake_ollama.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;
using testing::FakeOllama;
using testing::Scripted;

std::string ChatReply(const std::string& content, const std::string& done_reason = "stop") {
  return json::serialize(json::object{
      {"model", "gemma4:e4b"},
      {"message", json::object{{"role", "assistant"}, {"content", content}}},
      {"done", true},
      {"done_reason", done_reason}});
}

const char* kGoodAnswer = R"({"root_cause":"Redis connection pool exhausted after deploy 441",
  "severity":"high","impact":"Checkout latency up","recommended_actions":["Rollback deployment #441"],
  "confidence":0.8,"summary":"The pool ran dry.","suspects":{"deploys":[{"id":"441","service":"api-gateway"},
  {"id":"999","service":"api-gateway"}],"services":[{"service":"redis"},{"service":"mars-rover"}]},
  "evidence":[{"kind":"alert","ref":"x","detail":"Redis timeout"}]})";

EvidencePack SeedPack() {
  EvidencePack pack;
  pack.incident.id = 1;
  pack.incident.services = {"api-gateway"};
  pack.incident.title = "api-gateway: Redis timeout";
  model::Alert a;
  a.data.service = "api-gateway";
  a.data.message = "Redis timeout; password=hunter2 user bob@example.com";
  a.data.metrics = {{"latency", 4200}};
  a.data.deploy = "441";
  a.data.fingerprint = "f1";
  a.first_seen = 1'800'000'000'000;
  pack.alerts = {a};
  pack.now = a.first_seen + 60000;
  return pack;
}

class LlmAnalystTest : public ::testing::Test {
 protected:
  LlmOptions Options(bool stream = false, int timeout_s = 5) {
    LlmOptions o;
    o.url = fake_.url();
    o.stream = stream;
    o.timeout_s = timeout_s;
    return o;
  }
  model::Analysis Run(LlmOptions options) {
    LlmAnalyst analyst(*client_, builtin_, std::move(options));
    auto result = analyst.Analyze(SeedPack());
    EXPECT_TRUE(result) << result.error().ToString();
    return result ? *result : model::Analysis{};
  }
  FakeOllama fake_;
  std::unique_ptr<net::HttpClient> client_ = net::NewCurlHttpClient();
  BuiltinAnalyst builtin_;
};

TEST_F(LlmAnalystTest, ValidAnswerIsUsedAndGrounded) {
  fake_.Push({200, ChatReply(kGoodAnswer)});
  auto a = Run(Options());
  EXPECT_EQ(a.analyzer, "ollama:gemma4:e4b");
  EXPECT_EQ(a.root_cause, "Redis connection pool exhausted after deploy 441");
  ASSERT_EQ(a.deploy_suspects.size(), 1u);  // deploy 999 is not in the evidence
  EXPECT_EQ(a.deploy_suspects[0].id, "441");
  ASSERT_EQ(a.service_suspects.size(), 1u);  // mars-rover is not either
  EXPECT_NE(a.llm_note.find("2 ungrounded claim(s) dropped"), std::string::npos) << a.llm_note;

  // The request is what Ollama needs for strict, reproducible JSON.
  auto request = json::parse(fake_.requests().at(0));
  EXPECT_EQ(request.at("model"), "gemma4:e4b");
  EXPECT_EQ(request.at("think"), false);
  EXPECT_EQ(request.at("stream"), false);
  EXPECT_TRUE(request.at("format").is_object());
  EXPECT_EQ(request.at("format").at("required").at(0), "root_cause");
  EXPECT_EQ(request.at("options").at("num_ctx"), 8192);
  EXPECT_EQ(request.at("options").at("temperature"), 0);
  EXPECT_EQ(request.at("options").at("seed"), 42);
}

TEST_F(LlmAnalystTest, StreamedAnswer) {
  std::string ndjson;
  std::string content = kGoodAnswer;
  for (size_t i = 0; i < content.size(); i += 40)
    ndjson += json::serialize(json::object{
                  {"message", json::object{{"role", "assistant"}, {"content", content.substr(i, 40)}}},
                  {"done", false}}) + "\n";
  ndjson += R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})" "\n";
  fake_.Push({200, ndjson, "application/x-ndjson"});
  auto a = Run(Options(/*stream=*/true));
  EXPECT_EQ(a.analyzer, "ollama:gemma4:e4b");
  EXPECT_EQ(a.severity, model::Severity::kHigh);
}

TEST_F(LlmAnalystTest, InvalidAnswerIsRetriedOnceWithTheError) {
  fake_.Push({200, ChatReply(R"({"root_cause": 5})")});
  fake_.Push({200, ChatReply(kGoodAnswer)});
  auto a = Run(Options());
  EXPECT_EQ(a.analyzer, "ollama:gemma4:e4b");
  auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[1].find("previous answer was invalid"), std::string::npos);
}

TEST_F(LlmAnalystTest, FailuresKeepTheBuiltinAnalysisAndSayWhy) {
  struct Case {
    Scripted reply;
    bool stream;
    const char* why;
    int replies;  // an invalid answer is asked again once
  } cases[] = {
      {{404, R"({"error":"model 'gemma4:e4b' not found, try pulling it first"})"}, false, "HTTP 404", 1},
      {{500, R"({"error":"llama-server process has terminated"})"}, false, "HTTP 500", 1},
      {{200, "not json at all"}, false, "not JSON", 1},
      {{200, ChatReply("this is prose, not JSON")}, false, "invalid answer twice", 2},
      {{200, ChatReply(R"({"root_cause":"x")", "length")}, false, "cut off", 1},
      {{200, R"({"message":{"content":"{\"ro"},"done":false})" "\n" R"({"error":"out of memory"})" "\n",
        "application/x-ndjson"}, true, "mid-answer", 1},
      {{200, ChatReply(kGoodAnswer), "application/json", 3000}, false, "did not answer", 1},
  };
  for (const auto& c : cases) {
    for (int i = 0; i < c.replies; ++i) fake_.Push(c.reply);
    auto a = Run(Options(c.stream, /*timeout_s=*/1));
    EXPECT_EQ(a.analyzer, "builtin") << c.why;
    EXPECT_EQ(a.root_cause, "Possible Redis connection pool exhaustion after deployment #441") << c.why;
    EXPECT_NE(a.llm_note.find(c.why), std::string::npos) << a.llm_note;
    EXPECT_NE(a.llm_note.find("not used"), std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TEST_F(LlmAnalystTest, UnreachableServer) {
  auto options = Options();
  options.url = "http://127.0.0.1:1";  // nothing listens there
  auto a = Run(options);
  EXPECT_EQ(a.analyzer, "builtin");
  EXPECT_NE(a.llm_note.find("did not answer"), std::string::npos);
}

TEST_F(LlmAnalystTest, PromptIsRedactedStoredAndWithinBudget) {
  fake_.Push({200, ChatReply(kGoodAnswer)});
  auto a = Run(Options());
  const std::string sent = fake_.requests().at(0);
  EXPECT_EQ(sent.find("hunter2"), std::string::npos);
  EXPECT_EQ(sent.find("bob@example.com"), std::string::npos);
  EXPECT_NE(a.llm_prompt.find("<redacted>"), std::string::npos);
  EXPECT_NE(a.llm_prompt.find("Built-in analysis"), std::string::npos);

  auto builtin = builtin_.Analyze(SeedPack());
  ASSERT_TRUE(builtin);
  Prompt tiny = BuildPrompt(SeedPack(), *builtin, 300);
  EXPECT_TRUE(tiny.truncated);
  EXPECT_LE(tiny.estimated_tokens, 300);
  Prompt roomy = BuildPrompt(SeedPack(), *builtin, 8000);
  EXPECT_FALSE(roomy.truncated);
  EXPECT_NE(roomy.user.find("## Alerts"), std::string::npos);
}

TEST(Redaction, SecretsAndPersonalData) {
  EXPECT_EQ(Redact("login failed password=hunter2 for alice@example.org"),
            "login failed password=<redacted> for <email>");
  EXPECT_EQ(Redact(R"({"api_key": "sk-123456"})"), R"({"api_key": "<redacted>"})");
  EXPECT_EQ(Redact("Authorization: Bearer abc.def.ghi"), "Authorization: Bearer ***");
  EXPECT_EQ(Redact("key AKIAABCDEFGHIJKLMNOP"), "key <aws key>");
  EXPECT_EQ(Redact("from 10.1.2.3", /*redact_ips=*/true), "from <ip>");
  EXPECT_EQ(Redact("from 10.1.2.3"), "from 10.1.2.3");
}

}  // namespace
}  // namespace quell::analysis::llm

namespace quell::analysis::llm {
namespace {

TEST(CheckOllama, ModelPresentOrAClearPullCommand) {
  testing::FakeOllama fake;
  auto client = net::NewCurlHttpClient();
  LlmOptions options;
  options.url = fake.url();
  EXPECT_TRUE(CheckOllama(*client, options).ok());
  fake.SetModels({"llama3:8b"});
  Status missing = CheckOllama(*client, options);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("ollama pull gemma4:e4b"), std::string::npos) << missing.ToString();
  options.url = "http://127.0.0.1:1";
  EXPECT_FALSE(CheckOllama(*client, options).ok());
}

}  // namespace
}  // namespace quell::analysis::llm
