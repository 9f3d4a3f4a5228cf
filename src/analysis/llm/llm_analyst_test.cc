// The LLM analyst against a fake model server on loopback that speaks Ollama's /api/chat
// (streamed and not) and the OpenAI-compatible /v1/chat/completions, and scripts its answers,
// including every failure a real one can produce.
#include "analysis/llm/llm_analyst.h"

#include <gtest/gtest.h>

#include <atomic>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "../tests/fake_ollama.h"
#include "../tests/seed_pack.h"
#include "analysis/builtin_analyst.h"
#include "analysis/llm/prompt.h"
#include "analysis/llm/redaction.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;
using testing::FakeOllama;
using testing::FakeToolCall;
using testing::OllamaReply;
using testing::OpenAiReply;
using testing::Scripted;

const char* kGoodAnswer = R"({"root_cause":"Redis connection pool exhausted after deploy 441",
  "severity":"high","impact":"Checkout latency up","recommended_actions":["Rollback deployment #441"],
  "confidence":0.8,"summary":"The pool ran dry.","suspects":{"deploys":[{"id":"441","service":"api-gateway"},
  {"id":"999","service":"api-gateway"}],"services":[{"service":"redis"},{"service":"mars-rover"}]},
  "evidence":[{"kind":"alert","ref":"x","detail":"Redis timeout"}]})";

const char* kBuiltinRootCause = "Possible Redis connection pool exhaustion after deployment #441";

EvidencePack SeedPack() {
  return quell::testing::SeedPack("Redis timeout; password=hunter2 user bob@example.com");
}

// The same analyst tests run against both providers.
class LlmAnalystTest : public ::testing::TestWithParam<const char*> {
 protected:
  bool openai() const { return std::string(GetParam()) == "openai"; }
  std::string Reply(const std::string& content, const std::string& done = "stop",
                    const std::vector<FakeToolCall>& calls = {}) const {
    return openai() ? OpenAiReply(content, done, calls) : OllamaReply(content, done, calls);
  }
  LlmClientOptions Client(int timeout_s = 5) {
    LlmClientOptions c;
    c.provider = GetParam();
    c.url = fake_.url();
    c.timeout_s = timeout_s;
    return c;
  }
  std::unique_ptr<LlmAnalyst> Analyst(LlmClientOptions client, LlmOptions options = {},
                                      InvestigationSources sources = {}) {
    auto c = NewLlmClient(*http_, std::move(client));
    EXPECT_TRUE(c);
    return std::make_unique<LlmAnalyst>(std::move(*c), builtin_, options, std::move(sources));
  }
  model::Analysis Run(LlmClientOptions client, LlmOptions options = {},
                      InvestigationSources sources = {}) {
    auto result = Analyst(std::move(client), options, std::move(sources))->Analyze(SeedPack());
    EXPECT_TRUE(result) << result.error().ToString();
    return result ? *result : model::Analysis{};
  }
  // Investigation mode with tools that answer from a fixed world and note each log search.
  model::Analysis Investigate(int max_tool_steps = 4) {
    InvestigationSources s;
    s.search_logs = [this](const std::string& service, TimeMs, TimeMs, const std::string& query,
                           int) {
      searched_.push_back(service + "/" + query);
      return std::vector<LogLineEvidence>{
          {service, 1'800'000'000'000, "ERROR", "redis pool exhausted token=abc123secret", ""}};
    };
    s.list_deploys = [](const std::vector<std::string>&, TimeMs, TimeMs) {
      deploys::DeployFacts d;  // by member: DeployFacts grows fields
      d.id = d.version = "441";
      d.service = "api-gateway";
      d.status = "succeeded";
      d.author = "alice";
      d.commit = "abc";
      return std::vector<deploys::DeployFacts>{d};
    };
    LlmOptions options;
    options.tools = true;
    options.max_tool_steps = max_tool_steps;
    return Run(Client(), options, std::move(s));
  }
  std::string Name() const { return std::string(GetParam()) + ":gemma4:e4b"; }

  FakeOllama fake_;
  std::unique_ptr<net::HttpClient> http_ = net::NewCurlHttpClient();
  BuiltinAnalyst builtin_;
  std::vector<std::string> searched_;
};

INSTANTIATE_TEST_SUITE_P(Providers, LlmAnalystTest, ::testing::Values("ollama", "openai"));

TEST_P(LlmAnalystTest, ValidAnswerIsUsedGroundedAndKeepsTheBuiltinOne) {
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Run(Client());
  EXPECT_EQ(a.analyzer, Name());
  EXPECT_EQ(a.root_cause, "Redis connection pool exhausted after deploy 441");
  ASSERT_EQ(a.deploy_suspects.size(), 1u);  // deploy 999 is not in the evidence
  EXPECT_EQ(a.deploy_suspects[0].id, "441");
  ASSERT_EQ(a.service_suspects.size(), 1u);  // mars-rover is not either
  EXPECT_NE(a.llm_note.find("2 ungrounded claim(s) dropped"), std::string::npos) << a.llm_note;
  // Both answers are kept: the built-in one whole, and how they compare.
  EXPECT_EQ(a.llm_primary, "llm");
  ASSERT_EQ(a.secondary.size(), 1u);
  EXPECT_EQ(a.secondary[0].analyzer, "builtin");
  EXPECT_EQ(a.secondary[0].root_cause, kBuiltinRootCause);
  ASSERT_TRUE(a.agreement.has_value());
  EXPECT_TRUE(a.agreement->deploy);    // both blame 441
  EXPECT_TRUE(a.agreement->severity);  // high vs high
}

TEST_P(LlmAnalystTest, BuiltinPrimaryKeepsTheModelsAnswerAsSecondary) {
  fake_.Push({200, Reply(kGoodAnswer)});
  LlmOptions options;
  options.primary = false;
  auto a = Run(Client(), options);
  EXPECT_EQ(a.analyzer, "builtin");
  EXPECT_EQ(a.llm_primary, "builtin");
  ASSERT_EQ(a.secondary.size(), 1u);
  EXPECT_EQ(a.secondary[0].analyzer, Name());
  EXPECT_NE(a.llm_note.find("Redis connection pool exhausted after deploy 441"), std::string::npos);
  EXPECT_FALSE(a.llm_prompt.empty());
}

TEST_P(LlmAnalystTest, InvalidAnswerIsRetriedOnceWithTheError) {
  fake_.Push({200, Reply(R"({"root_cause": 5})")});
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Run(Client());
  EXPECT_EQ(a.analyzer, Name());
  auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[1].find("previous answer was invalid"), std::string::npos);
}

// Grounding covers the free text: a name the evidence does not have is quoted back once.
TEST_P(LlmAnalystTest, AnswerNamingWhatTheEvidenceDoesNotIsAskedAgainWithTheNames) {
  const std::string made_up = R"({"root_cause":"The mars-rover service broke after deploy #999",
    "severity":"high","impact":"x","recommended_actions":["Roll back deployment #999"],
    "confidence":0.8,"summary":"x"})";
  fake_.Push({200, Reply(made_up)});
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Run(Client());
  EXPECT_EQ(a.analyzer, Name()) << a.llm_note;
  EXPECT_EQ(a.root_cause, "Redis connection pool exhausted after deploy 441");
  auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[1].find("names what is not in the evidence: service 'mars-rover' "
                             "(root_cause); deploy '999' (root_cause)"),
            std::string::npos)
      << requests[1];
}

TEST_P(LlmAnalystTest, AnswerUngroundedTwiceKeepsTheBuiltinAnalysisAndSaysWhy) {
  const std::string made_up = R"({"root_cause":"Pool exhausted","severity":"high",
    "impact":"x","recommended_actions":["Restart db-7.prod.internal"],"confidence":0.8,
    "summary":"x"})";
  fake_.Push({200, Reply(made_up)});
  fake_.Push({200, Reply(made_up)});
  auto a = Run(Client());
  EXPECT_EQ(a.analyzer, "builtin");
  EXPECT_EQ(a.root_cause, kBuiltinRootCause);
  EXPECT_TRUE(a.secondary.empty());
  EXPECT_NE(a.llm_note.find("not used: its answer named what is not in the evidence, twice: host "
                            "'db-7.prod.internal' (recommended_actions)"),
            std::string::npos)
      << a.llm_note;
  EXPECT_EQ(fake_.requests().size(), 2u);
}

TEST_P(LlmAnalystTest, FailuresKeepTheBuiltinAnalysisAndSayWhy) {
  struct Case {
    Scripted reply;
    const char* why;
    int replies;  // an invalid answer is asked again once
  } cases[] = {
      {{404,
        openai()
            ? R"({"error":{"message":"model 'gemma4:e4b' not found","type":"not_found_error"}})"
            : R"({"error":"model 'gemma4:e4b' not found, try pulling it first"})"},
       "HTTP 404: model 'gemma4:e4b' not found",
       1},
      {{500, R"({"error":"llama-server process has terminated"})"}, "HTTP 500", 1},
      {{200, "not json at all"}, "reply is not", 1},
      {{200, Reply("this is prose, not JSON")}, "invalid answer twice", 2},
      {{200, Reply(R"({"root_cause":"x")", "length")}, "cut off", 1},
      {{200, Reply(kGoodAnswer).substr(0, 60)}, "reply is not", 1},  // the server died mid-body
      {{200, Reply(kGoodAnswer), "application/json", 3000}, "did not answer", 1},  // hangs
  };
  for (const auto& c : cases) {
    for (int i = 0; i < c.replies; ++i) fake_.Push(c.reply);
    auto a = Run(Client(/*timeout_s=*/1));
    EXPECT_EQ(a.analyzer, "builtin") << c.why;
    EXPECT_EQ(a.root_cause, kBuiltinRootCause) << c.why;
    EXPECT_NE(a.llm_note.find(c.why), std::string::npos) << a.llm_note;
    EXPECT_NE(a.llm_note.find("not used"), std::string::npos);
    EXPECT_TRUE(a.secondary.empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// What /metrics reports: calls (and how long each took), failures, invalid and ungrounded
// answers, claims dropped, and whether the model's answer or the built-in one was used.
TEST_P(LlmAnalystTest, CountersSayWhatTheModelDid) {
  std::atomic<int> timed{0};
  LlmOptions options;
  options.on_call = [&](double seconds) {
    EXPECT_GE(seconds, 0.0);
    ++timed;
  };
  auto analyst = Analyst(Client(), options);
  const std::string made_up = R"({"root_cause":"The mars-rover service broke","severity":"high",
    "impact":"x","recommended_actions":["x"],"confidence":0.8,"summary":"x"})";
  fake_.Push({200, Reply(made_up)});
  fake_.Push({200, Reply(kGoodAnswer)});  // grounding drops two of its suspects
  ASSERT_TRUE(analyst->Analyze(SeedPack()));
  fake_.Push({500, R"({"error":"llama-server process has terminated"})"});
  ASSERT_TRUE(analyst->Analyze(SeedPack()));
  fake_.Push({200, Reply("prose")});
  fake_.Push({200, Reply("more prose")});
  ASSERT_TRUE(analyst->Analyze(SeedPack()));
  const LlmCounters& c = analyst->counters();
  EXPECT_EQ(c.calls, 5u);
  EXPECT_EQ(timed, 5);
  EXPECT_EQ(c.failed_calls, 1u);
  EXPECT_EQ(c.ungrounded_answers, 1u);
  EXPECT_EQ(c.invalid_answers, 2u);
  EXPECT_EQ(c.dropped_claims, 2u);
  EXPECT_EQ(c.answered, 1u);
  EXPECT_EQ(c.fallbacks, 2u);
}

TEST_P(LlmAnalystTest, UnreachableServer) {
  auto client = Client();
  client.url = "http://127.0.0.1:1";  // nothing listens there
  auto a = Run(client);
  EXPECT_EQ(a.analyzer, "builtin");
  EXPECT_NE(a.llm_note.find("did not answer"), std::string::npos);
}

TEST_P(LlmAnalystTest, ReadinessFollowsTheCheckAndEveryCall) {
  auto analyst = Analyst(Client());
  EXPECT_FALSE(analyst->readiness().ready);  // not checked yet
  auto ready = analyst->CheckServer();
  EXPECT_TRUE(ready.ready) << ready.message;
  EXPECT_EQ(ready.provider, GetParam());
  EXPECT_EQ(ready.model, "gemma4:e4b");
  fake_.Push({500, R"({"error":"llama-server process has terminated"})"});
  (void)analyst->Analyze(SeedPack());
  EXPECT_FALSE(analyst->readiness().ready);
  EXPECT_NE(analyst->readiness().message.find("HTTP 500"), std::string::npos);
  fake_.Push({200, Reply(kGoodAnswer)});
  (void)analyst->Analyze(SeedPack());
  EXPECT_TRUE(analyst->readiness().ready);
}

TEST_P(LlmAnalystTest, AtMostConcurrencyCallsAtOnce) {
  for (int i = 0; i < 3; ++i) fake_.Push({200, Reply(kGoodAnswer), "application/json", 300});
  auto analyst = Analyst(Client());  // concurrency 1
  std::vector<std::future<Result<model::Analysis>>> runs;
  for (int i = 0; i < 3; ++i)
    runs.push_back(std::async(std::launch::async, [&] { return analyst->Analyze(SeedPack()); }));
  for (auto& r : runs) {
    auto a = r.get();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->analyzer, Name()) << a->llm_note;  // they waited their turn
  }
  EXPECT_EQ(fake_.max_in_flight(), 1);
}

TEST_P(LlmAnalystTest, NoFreeSlotInTimeKeepsTheBuiltinAnswer) {
  fake_.Push({200, Reply(kGoodAnswer), "application/json", 1500});
  LlmOptions options;
  options.slot_wait_ms = 200;
  auto analyst = Analyst(Client(), options);
  auto slow = std::async(std::launch::async, [&] { return analyst->Analyze(SeedPack()); });
  // Wait until the slow call holds the slot (the server has seen it).
  for (int i = 0; i < 200 && fake_.requests().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto waited = analyst->Analyze(SeedPack());
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->analyzer, "builtin");
  EXPECT_NE(waited->llm_note.find("llm.concurrency"), std::string::npos) << waited->llm_note;
  EXPECT_EQ(slow.get()->analyzer, Name());
  EXPECT_EQ(fake_.requests().size(), 1u);
}

TEST_P(LlmAnalystTest, ToolsAreCalledThenTheModelAnswers) {
  fake_.Push({200, Reply("", "tool_calls",
                         {{"search_logs", R"({"service":"api-gateway","query":"pool"})"},
                          {"list_deploys", R"({"service":"api-gateway"})"}})});
  fake_.Push({200, Reply("", "tool_calls", {{"get_topology", "{}"}})});
  fake_.Push({200, Reply("I have enough.")});  // no tool call: the investigation ends
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Investigate();
  EXPECT_EQ(a.analyzer, Name()) << a.llm_note;
  EXPECT_EQ(searched_, std::vector<std::string>{"api-gateway/pool"});
  ASSERT_EQ(a.tool_steps.size(), 3u);
  EXPECT_EQ(a.tool_steps[0].tool, "search_logs");
  EXPECT_EQ(a.tool_steps[0].result, "1 matching line(s)");
  EXPECT_EQ(a.tool_steps[1].result, "1 deploy(s)");
  EXPECT_EQ(a.tool_steps[2].tool, "get_topology");

  auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 4u);
  auto first = json::parse(requests[0]);
  EXPECT_EQ(first.at("tools").as_array().size(), 4u);
  EXPECT_EQ(first.at("tools").at(0).at("function").at("name"), "search_logs");
  // The tool results go back to the model, redacted, and the answer round has no tools.
  auto second = json::parse(requests[1]);
  const auto& messages = second.at("messages").as_array();
  const auto& tool_message = messages[messages.size() - 2].as_object();
  EXPECT_EQ(tool_message.at("role"), "tool");
  EXPECT_NE(json::serialize(tool_message).find("redis pool exhausted"), std::string::npos);
  EXPECT_EQ(json::serialize(second).find("abc123secret"), std::string::npos);
  if (openai())
    EXPECT_EQ(tool_message.at("tool_call_id"), "call_1");
  else
    EXPECT_EQ(tool_message.at("tool_name"), "search_logs");
  auto last = json::parse(requests[3]);
  EXPECT_FALSE(last.as_object().contains("tools"));
  EXPECT_TRUE(last.as_object().contains(openai() ? "response_format" : "format"));
}

TEST_P(LlmAnalystTest, AModelThatNeverStopsCallingToolsIsCutOffAndMustAnswer) {
  for (int i = 0; i < 10; ++i)
    fake_.Push({200, Reply("", "tool_calls", {{"similar_incidents", R"({"incident":1})"}})});
  auto a = Investigate(/*max_tool_steps=*/3);
  // 3 tool rounds, then the answer round (which gets yet another tool call, not an answer:
  // invalid, asked again once, given up).
  EXPECT_EQ(a.tool_steps.size(), 3u);
  EXPECT_EQ(fake_.requests().size(), 5u);
  EXPECT_EQ(a.analyzer, "builtin");
  EXPECT_NE(a.llm_note.find("invalid answer twice"), std::string::npos) << a.llm_note;
  EXPECT_EQ(a.tool_steps.size(), 3u);  // the steps are still on record
}

TEST_P(LlmAnalystTest, OnlyTheFirstFewCallsOfARoundRun) {
  fake_.Push({200, Reply("", "tool_calls", std::vector<FakeToolCall>(9, {"get_topology", "{}"}))});
  fake_.Push({200, Reply("enough")});
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Investigate();
  EXPECT_EQ(a.analyzer, Name());
  EXPECT_EQ(a.tool_steps.size(), 4u);
  // All nine were answered, the last five with an error.
  auto second = json::parse(fake_.requests().at(1));
  const auto& messages = second.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u + 1u + 9u);
  EXPECT_NE(json::serialize(messages.back()).find("too many tool calls"), std::string::npos);
}

TEST_P(LlmAnalystTest, ABadToolCallIsAnsweredWithAnError) {
  fake_.Push({200, Reply("", "tool_calls", {{"rm_rf", "{}"}, {"search_logs", "{}"}})});
  fake_.Push({200, Reply(kGoodAnswer)});  // ends the investigation (not a tool call)
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Investigate();
  EXPECT_EQ(a.analyzer, Name());
  ASSERT_EQ(a.tool_steps.size(), 2u);
  EXPECT_EQ(a.tool_steps[0].result, "error: unknown tool 'rm_rf'");
  EXPECT_EQ(a.tool_steps[1].result, "error: search_logs needs a service");
  EXPECT_TRUE(searched_.empty());
}

TEST_P(LlmAnalystTest, AModelWithoutToolsIsAskedForTheAnswerDirectly) {
  fake_.Push({400, R"({"error":"registry.ollama.ai/library/gemma3:4b does not support tools"})"});
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Investigate();
  EXPECT_EQ(a.analyzer, Name());
  EXPECT_TRUE(a.tool_steps.empty());
  EXPECT_NE(a.llm_note.find("tools not used: the model server answered HTTP 400"),
            std::string::npos)
      << a.llm_note;
}

TEST_P(LlmAnalystTest, AModelKnownNotToCallToolsIsNotOfferedThem) {
  fake_.SetCapabilities({"completion"});
  fake_.Push({200, Reply(kGoodAnswer)});
  fake_.Push({200, Reply(kGoodAnswer)});
  LlmOptions options;
  options.tools = true;
  auto analyst = Analyst(Client(), options);
  auto ready = analyst->CheckServer();
  EXPECT_TRUE(ready.ready);
  if (!openai()) {  // only Ollama says what a model can do
    EXPECT_NE(ready.message.find("llm.tools is skipped"), std::string::npos) << ready.message;
  }
  auto a = analyst->Analyze(SeedPack());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->analyzer, Name());
  ASSERT_EQ(fake_.requests().size(), openai() ? 2u : 1u);  // openai: offered, answered at once
  EXPECT_EQ(json::parse(fake_.requests()[0]).as_object().contains("tools"), openai());
}

TEST_P(LlmAnalystTest, PromptIsRedactedStoredAndWithinBudget) {
  fake_.Push({200, Reply(kGoodAnswer)});
  auto a = Run(Client());
  const std::string sent = fake_.requests().at(0);
  EXPECT_EQ(sent.find("hunter2"), std::string::npos);
  EXPECT_EQ(sent.find("bob@example.com"), std::string::npos);
  EXPECT_NE(a.llm_prompt.find("<redacted>"), std::string::npos);
  EXPECT_NE(a.llm_prompt.find("Built-in analysis"), std::string::npos);
}

TEST(Prompt, WithinBudget) {
  BuiltinAnalyst builtin;
  auto analysis = builtin.Analyze(SeedPack());
  ASSERT_TRUE(analysis);
  Prompt tiny = BuildPrompt(SeedPack(), *analysis, 300);
  EXPECT_TRUE(tiny.truncated);
  EXPECT_LE(tiny.estimated_tokens, 300);
  Prompt roomy = BuildPrompt(SeedPack(), *analysis, 8000);
  EXPECT_FALSE(roomy.truncated);
  EXPECT_NE(roomy.user.find("## Alerts"), std::string::npos);
}

// Values are redacted before they are cut: a private key cut to the sample length loses its
// END line, and the section text around it must not carry its body either.
TEST(Prompt, ValuesAreRedactedBeforeTheyAreCut) {
  std::string pem = "-----BEGIN PRIVATE KEY-----\n";
  for (int i = 0; i < 10; ++i) pem += "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCSynthPemBody\n";
  pem += "-----END PRIVATE KEY-----";
  EvidencePack pack = SeedPack();
  pack.alerts[0].data.message = R"(upstream said {\"password\":\"SynthEscaped\"})";
  LogTemplateEvidence t;
  t.service = "api-gateway";
  t.text = "loaded key <*>";
  t.level = "ERROR";
  t.count = 3;
  t.is_new = true;
  t.samples = {"loaded key " + pem};  // the sample is cut to 200 bytes
  pack.log_templates = {t};
  pack.error_lines = {{"api-gateway", pack.now, "ERROR", "tls setup failed: " + pem + pem, ""}};
  BuiltinAnalyst builtin;
  auto analysis = builtin.Analyze(pack);
  ASSERT_TRUE(analysis);
  Prompt p = BuildPrompt(pack, *analysis, 8000);
  EXPECT_EQ(p.user.find("SynthPemBody"), std::string::npos) << p.user;
  EXPECT_EQ(p.user.find("SynthEscaped"), std::string::npos) << p.user;
  EXPECT_NE(p.user.find("loaded key <private key>"), std::string::npos) << p.user;
}

TEST(InvestigationTools, LogLinesAreRedactedBeforeTheyAreCutAndSerialised) {
  std::string pem = "-----BEGIN RSA PRIVATE KEY-----\n";
  for (int i = 0; i < 12; ++i) pem += "MIIEowIBAAKCAQEAsynthRsaBody0123456789\n";
  pem += "-----END RSA PRIVATE KEY-----";
  InvestigationSources sources;
  sources.search_logs = [&](const std::string& service, TimeMs, TimeMs, const std::string&, int) {
    return std::vector<LogLineEvidence>{
        {service, 1'800'000'000'000, "ERROR", R"(login password="SynthQuoted" rejected)", ""},
        {service, 1'800'000'000'000, "ERROR", "key " + pem, ""}};
  };
  auto outcome = RunTool({"", "search_logs", R"({"service":"api-gateway"})"}, SeedPack(), sources);
  EXPECT_EQ(outcome.summary, "2 matching line(s)");
  EXPECT_EQ(outcome.content.find("SynthQuoted"), std::string::npos) << outcome.content;
  EXPECT_EQ(outcome.content.find("synthRsaBody"), std::string::npos) << outcome.content;
  EXPECT_NE(outcome.content.find("<private key>"), std::string::npos) << outcome.content;
  EXPECT_TRUE(json::parse(outcome.content).is_object());
}

}  // namespace
}  // namespace quell::analysis::llm
