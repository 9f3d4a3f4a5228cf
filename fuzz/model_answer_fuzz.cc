// Model answers: everything Quell reads from a model server. The first byte picks (mod 8):
//  0: the analyst's reading of an answer (LlmAnalyst::Analyze with the input as the model's
//     content: code fence stripping, JSON, model::AnalysisFromJson, grounding, merge);
//  6, 7: the same steps called directly (AnalysisFromJsonText, FindUngroundedNames,
//     GroundAnalysis, MergeAnswers), without the built-in analysis and prompt the analyst
//     computes first, which make mode 0 about 50 times slower;
//  1: Ollama's /api/chat reply; 2: the same streamed as NDJSON in pieces;
//  3: an OpenAI-compatible /v1/chat/completions reply; 4: the start-up checks (Check) of both;
//  5: a recording of answers (AnswersFromJson), which must round-trip through AnswersToJson.
// The servers' replies come through a fake net::HttpClient that answers with the input.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json.hpp>

#include "analysis/builtin_analyst.h"
#include "analysis/llm/llm_analyst.h"
#include "analysis/llm/llm_client.h"
#include "analysis/llm/merge.h"
#include "analysis/llm/replay_client.h"
#include "fuzz_support.h"
#include "model/json_codec.h"

namespace llm = quell::analysis::llm;

namespace {

// Answers every request with `body` (in `pieces` to a streaming reader) and `status`.
class FakeHttp final : public quell::net::HttpClient {
 public:
  std::string body;
  int status = 200;
  std::vector<size_t> cuts;  // where a streamed body is cut into pieces

  quell::Result<quell::net::HttpClientResponse> Send(
      const quell::net::HttpClientRequest& request) override {
    if (request.on_data && status == 200) {
      size_t at = 0;
      for (size_t cut : cuts) {
        if (cut <= at || cut > body.size()) continue;
        if (!request.on_data(std::string_view(body).substr(at, cut - at))) return quell::net::HttpClientResponse{status, ""};
        at = cut;
      }
      if (at < body.size()) request.on_data(std::string_view(body).substr(at));
      return quell::net::HttpClientResponse{status, ""};
    }
    return quell::net::HttpClientResponse{status, body};
  }
};

llm::ChatRequest Request() {
  llm::ChatRequest request;
  request.messages = {{"system", "You analyse incidents.", {}, "", ""},
                      {"user", "What happened?", {}, "", ""}};
  request.answer_schema = llm::AnalysisJsonSchema();
  return request;
}

void CheckAnswer(const quell::Result<llm::ChatAnswer>& answer) {
  if (!answer) return;
  for (const auto& call : answer->tool_calls) (void)call.arguments.size();
}

quell::analysis::EvidencePack Pack() {
  quell::analysis::EvidencePack pack;
  pack.incident.id = 7;
  pack.incident.title = "checkout errors after deploy 441";
  pack.incident.services = {"checkout", "redis"};
  pack.incident.opened_at = 1'795'000'000'000;
  quell::model::Alert alert;
  alert.id = 1;
  alert.incident_id = 7;
  alert.data.service = "checkout";
  alert.data.fingerprint = "f1";
  alert.data.name = "HighErrorRate";
  alert.data.message = "redis timeout after 5000ms";
  alert.first_seen = alert.last_seen = pack.incident.opened_at;
  alert.count = 3;
  pack.alerts.push_back(alert);
  pack.deploys.push_back({"441", "checkout", "2.14.1", "succeeded", "ana", "abc123",
                          pack.incident.opened_at - 60'000, {}});
  pack.now = pack.incident.opened_at + 120'000;
  return pack;
}

void Analyst(const std::string& content, const std::string& done_reason) {
  static quell::analysis::BuiltinAnalyst builtin;
  static const quell::analysis::EvidencePack pack = Pack();
  std::vector<llm::ChatAnswer> answers(2, llm::ChatAnswer{content, done_reason, {}});
  llm::LlmAnalyst analyst(std::make_unique<llm::ReplayClient>(std::move(answers), "ollama:fuzz"),
                          builtin, llm::LlmOptions{});
  auto analysis = analyst.Analyze(pack);
  FUZZ_CHECK(analysis.has_value(), "the analyst failed instead of falling back");
  FUZZ_CHECK(analysis->confidence >= 0 && analysis->confidence <= 1,
             std::to_string(analysis->confidence));
  // What is stored and served must read back.
  const std::string text = quell::model::AnalysisToJsonText(*analysis);
  auto back = quell::model::AnalysisFromJsonText(text);
  FUZZ_CHECK(back.has_value(), text);
  FUZZ_CHECK(back->root_cause == analysis->root_cause, text);
}

void Direct(std::string_view content) {
  static const quell::analysis::EvidencePack pack = Pack();
  static const llm::EvidenceNames names(pack, {"What happened?"});
  static const quell::model::Analysis builtin = [] {
    quell::model::Analysis a;
    a.root_cause = "redis timeouts";
    a.severity = quell::model::Severity::kHigh;
    a.confidence = 0.5;
    a.analyzer = "builtin";
    return a;
  }();
  auto parsed = quell::model::AnalysisFromJsonText(content);
  if (!parsed) return;
  (void)llm::DescribeUngrounded(llm::FindUngroundedNames(*parsed, names));
  llm::GroundAnalysis(pack, *parsed);
  FUZZ_CHECK(parsed->confidence >= 0 && parsed->confidence <= 1, std::to_string(parsed->confidence));
  for (bool primary : {false, true}) {
    const quell::model::Analysis merged = llm::MergeAnswers(builtin, *parsed, primary);
    const std::string text = quell::model::AnalysisToJsonText(merged);
    FUZZ_CHECK(quell::model::AnalysisFromJsonText(text).has_value(), text);
  }
}

void Recording(std::string_view text) {
  auto answers = llm::AnswersFromJson(text);
  if (!answers) return;
  const std::string json = llm::AnswersToJson(*answers);
  auto again = llm::AnswersFromJson(json);
  FUZZ_CHECK(again.has_value(), json);
  FUZZ_CHECK(again->size() == answers->size(), json);
  for (size_t i = 0; i < answers->size(); ++i) {
    FUZZ_CHECK((*again)[i].content == (*answers)[i].content, json);
    FUZZ_CHECK((*again)[i].done_reason == (*answers)[i].done_reason, json);
    FUZZ_CHECK((*again)[i].tool_calls.size() == (*answers)[i].tool_calls.size(), json);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 8;
  if (mode >= 6) {
    Direct(quell::fuzz::AsText(data + 1, size - 1));
    return 0;
  }
  if (mode == 0) {
    Analyst(std::string(quell::fuzz::AsText(data + 1, size - 1)), "stop");
    return 0;
  }
  if (mode == 5) {
    Recording(quell::fuzz::AsText(data + 1, size - 1));
    return 0;
  }
  FuzzedDataProvider in(data + 1, size - 1);
  FakeHttp http;
  const uint8_t flags = in.ConsumeIntegral<uint8_t>();
  http.status = (flags & 0x30) == 0x30 ? ((flags & 0x40) ? 400 : 500) : 200;
  llm::LlmClientOptions options;
  options.provider = mode == 3 || (mode == 4 && (flags & 1)) ? "openai" : "ollama";
  options.stream = mode == 2;
  options.api_key = "sk-secret";
  for (int i = 0; i < 4; ++i) http.cuts.push_back(in.ConsumeIntegralInRange<size_t>(0, 4096));
  http.body = in.ConsumeRemainingBytesAsString();
  auto client = llm::NewLlmClient(http, options);
  FUZZ_CHECK(client.has_value(), "no client");
  if (mode == 4) {
    auto check = (*client)->Check();
    if (!check) FUZZ_CHECK(check.error().message().find("sk-secret") == std::string::npos, "key leaked");
    return 0;
  }
  auto answer = (*client)->Chat(Request());
  if (!answer) FUZZ_CHECK(answer.error().message().find("sk-secret") == std::string::npos, "key leaked");
  CheckAnswer(answer);
  return 0;
}
