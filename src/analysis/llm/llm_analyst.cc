#include "analysis/llm/llm_analyst.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "analysis/llm/merge.h"
#include "analysis/llm/prompt.h"
#include "model/json_codec.h"

namespace quell::analysis::llm {
namespace {

namespace json = boost::json;

constexpr size_t kMaxCallsPerRound = 4;

// A model sometimes wraps JSON in a markdown fence; the grammar should prevent it, but cheap.
std::string StripCodeFence(std::string text) {
  auto start = text.find_first_not_of(" \n\r\t");
  if (start != std::string::npos && text.compare(start, 3, "```") == 0) {
    auto newline = text.find('\n', start);
    auto end = text.rfind("```");
    if (newline != std::string::npos && end != std::string::npos && end > newline)
      return text.substr(newline + 1, end - newline - 1);
  }
  return text;
}

}  // namespace

const std::string& AnalysisJsonSchema() {
  static const std::string schema = R"({
  "type": "object",
  "properties": {
    "root_cause": {"type": "string"},
    "severity": {"type": "string", "enum": ["critical", "high", "medium", "low", "info"]},
    "impact": {"type": "string"},
    "recommended_actions": {"type": "array", "items": {"type": "string"}},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "summary": {"type": "string"},
    "suspects": {"type": "object", "properties": {
      "deploys": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "service": {"type": "string"}, "score": {"type": "number"},
        "reasons": {"type": "array", "items": {"type": "string"}}}, "required": ["id", "service"]}},
      "services": {"type": "array", "items": {"type": "object", "properties": {
        "service": {"type": "string"}, "score": {"type": "number"},
        "reasons": {"type": "array", "items": {"type": "string"}}}, "required": ["service"]}}}},
    "evidence": {"type": "array", "items": {"type": "object", "properties": {
      "kind": {"type": "string"}, "ref": {"type": "string"}, "detail": {"type": "string"}}}}
  },
  "required": ["root_cause", "severity", "impact", "recommended_actions", "confidence", "summary"]
})";
  return schema;
}

LlmAnalyst::LlmAnalyst(std::unique_ptr<LlmClient> client, Analyst& builtin, LlmOptions options,
                       InvestigationSources sources)
    : client_(std::move(client)),
      builtin_(builtin),
      options_(std::move(options)),
      sources_(std::move(sources)),
      limit_(options_.concurrency) {
  readiness_ = {client_->options().provider, client_->options().model, false, "not checked yet"};
}

LlmReadiness LlmAnalyst::CheckServer() {
  auto check = client_->Check();
  if (!check) {
    SetReadiness(false, check.error().message());
    return readiness();
  }
  // A model known not to call tools is not offered them (each offer would cost a 400).
  const auto& caps = check->capabilities;
  tools_supported_ = caps.empty() || std::find(caps.begin(), caps.end(), "tools") != caps.end();
  SetReadiness(true, check->description + (options_.tools && !tools_supported_
                                               ? "; it cannot call tools, so llm.tools is skipped"
                                               : ""));
  return readiness();
}

LlmReadiness LlmAnalyst::readiness() const {
  std::lock_guard lock(mu_);
  return readiness_;
}

void LlmAnalyst::SetReadiness(bool ready, std::string message) {
  std::lock_guard lock(mu_);
  readiness_.ready = ready;
  readiness_.message = std::move(message);
}

Result<ChatAnswer> LlmAnalyst::Chat(const ChatRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  auto answer = client_->Chat(request);
  ++counters_.calls;
  if (!answer) ++counters_.failed_calls;
  if (options_.on_call)
    options_.on_call(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  // Only the server's own failures say it is not ready; a bad answer is the model's.
  if (answer) {
    if (!readiness().ready) SetReadiness(true, "the model server answered the last request");
  } else if (answer.error().code() == StatusCode::kUnavailable)
    SetReadiness(false, answer.error().message());
  return answer;
}

Status LlmAnalyst::Investigate(const EvidencePack& pack, std::vector<ChatMessage>& messages,
                               std::vector<model::ToolStep>& steps) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options_.tools_budget_s);
  ChatRequest request;
  request.tools = InvestigationToolSpecs(sources_);
  messages.back().content += fmt::format(
      "\n\nBefore answering you may call the tools to check the evidence (at most {} rounds). "
      "When you have enough, reply without calling a tool.",
      options_.max_tool_steps);
  for (int round = 0; round < options_.max_tool_steps; ++round) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    request.messages = messages;
    QUELL_ASSIGN_OR_RETURN(ChatAnswer answer, Chat(request));
    if (answer.tool_calls.empty()) break;  // the model has seen enough
    messages.push_back({"assistant", answer.content, answer.tool_calls, "", ""});
    // Every call gets an answer (OpenAI-compatible servers insist), but only the first few of a
    // round run: a model asking for dozens at once is not investigating.
    for (size_t i = 0; i < answer.tool_calls.size(); ++i) {
      const ToolCall& call = answer.tool_calls[i];
      ToolOutcome outcome =
          i < kMaxCallsPerRound
              ? RunTool(call, pack, sources_, options_.redact_ips)
              : ToolOutcome{R"({"error": "too many tool calls in one round; not run"})", ""};
      if (i < kMaxCallsPerRound) steps.push_back({call.name, call.arguments, outcome.summary});
      messages.push_back({"tool", outcome.content, {}, call.id, call.name});
    }
  }
  return Status::Ok();
}

Result<model::Analysis> LlmAnalyst::Analyze(const EvidencePack& pack) {
  QUELL_ASSIGN_OR_RETURN(model::Analysis builtin, builtin_.Analyze(pack));
  const LlmClientOptions& client = client_->options();
  // Leave room for the answer: the prompt gets three quarters of the context.
  Prompt prompt = BuildPrompt(pack, builtin, client.num_ctx * 3 / 4, options_.redact_ips);
  std::vector<model::ToolStep> steps;
  auto fallback = [&](const std::string& why) {
    ++counters_.fallbacks;
    model::Analysis out = builtin;
    out.llm_prompt = prompt.system + "\n\n" + prompt.user;
    out.llm_note = client_->name() + " not used: " + why;
    out.tool_steps = steps;
    return out;
  };

  const long wait_ms =
      options_.slot_wait_ms >= 0 ? options_.slot_wait_ms : client.timeout_s * 1000L;
  auto slot = limit_.Acquire(std::chrono::milliseconds(wait_ms));
  if (!slot)
    return fallback(fmt::format("all {} model slot(s) (llm.concurrency) stayed busy for {} ms",
                                options_.concurrency, wait_ms));

  std::vector<ChatMessage> messages = {{"system", prompt.system, {}, "", ""},
                                       {"user", prompt.user, {}, "", ""}};
  std::string tools_note;
  if (options_.tools && tools_supported_) {
    Status investigated = Investigate(pack, messages, steps);
    if (!investigated.ok()) tools_note = "; tools not used: " + investigated.message();
    messages.push_back({"user",
                        "Now answer with one JSON object that matches the schema, using what you "
                        "found.",
                        {},
                        "",
                        ""});
  }
  // What the answer may name: the pack and everything the model has read so far.
  std::vector<std::string> seen;
  for (const auto& m : messages) seen.push_back(m.content);
  const EvidenceNames names(pack, seen);
  // One answer, and at most one more when it is invalid or names what the evidence does not.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto answer = Chat({messages, AnalysisJsonSchema(), {}});
    if (!answer) return fallback(answer.error().message() + tools_note);
    if (answer->done_reason == "length")
      return fallback("the answer was cut off (done_reason: length); raise llm.num_ctx" +
                      tools_note);
    const std::string content = StripCodeFence(answer->content);
    boost::system::error_code ec;
    auto value = json::parse(content, ec);
    Result<model::Analysis> parsed =
        ec ? Result<model::Analysis>(Error(InvalidArgument("not JSON: " + ec.message(), "body")))
           : model::AnalysisFromJson(value);
    if (!parsed) {
      ++counters_.invalid_answers;
      if (attempt == 0) {
        messages.push_back({"assistant", content, {}, "", ""});
        messages.push_back({"user",
                            "Your previous answer was invalid (" + parsed.error().ToString() +
                                "). Answer again with one JSON object that matches the schema.",
                            {},
                            "",
                            ""});
        continue;
      }
      return fallback("invalid answer twice: " + parsed.error().ToString() + tools_note);
    }
    if (auto ungrounded = FindUngroundedNames(*parsed, names); !ungrounded.empty()) {
      ++counters_.ungrounded_answers;
      const std::string which = DescribeUngrounded(ungrounded);
      if (attempt == 0) {
        messages.push_back({"assistant", content, {}, "", ""});
        messages.push_back(
            {"user",
             "Your previous answer names what is not in the evidence: " + which +
                 ". Name only the services, hosts and deploys the evidence names. Answer again "
                 "with one JSON object that matches the schema.",
             {},
             "",
             ""});
        continue;
      }
      return fallback("its answer named what is not in the evidence, twice: " + which + tools_note);
    }
    // Only the public fields come from the model; the rest is ours to fill.
    model::Analysis out;
    out.root_cause = std::move(parsed->root_cause);
    out.severity = parsed->severity;
    out.impact = std::move(parsed->impact);
    out.recommended_actions = std::move(parsed->recommended_actions);
    out.confidence = parsed->confidence;
    out.summary = std::move(parsed->summary);
    out.deploy_suspects = std::move(parsed->deploy_suspects);
    out.service_suspects = std::move(parsed->service_suspects);
    out.evidence = std::move(parsed->evidence);
    const int dropped = GroundAnalysis(pack, out);
    ++counters_.answered;
    counters_.dropped_claims += static_cast<uint64_t>(dropped);
    out.analyzer = client_->name();
    out.llm_prompt = prompt.system + "\n\n" + prompt.user;
    out.tool_steps = std::move(steps);
    model::Analysis merged = MergeAnswers(std::move(builtin), std::move(out), options_.primary);
    merged.llm_note += (dropped ? fmt::format("; {} ungrounded claim(s) dropped", dropped)
                                : std::string("; all claims grounded")) +
                       tools_note;
    return merged;
  }
  return fallback("no answer");
}

}  // namespace quell::analysis::llm
