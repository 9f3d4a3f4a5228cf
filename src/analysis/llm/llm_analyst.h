// LlmAnalyst: an Analyst that asks a model (through an LlmClient: Ollama or an OpenAI-compatible
// server) to analyse the same EvidencePack, in strict JSON, and never stands in the way:
//  - the built-in analyst runs first; its answer is the fallback and part of the prompt;
//  - at most `concurrency` model calls run at once; a call that finds no free slot within
//    `slot_wait_ms` leaves the built-in answer in place;
//  - in investigation mode (`tools`) the model may first call tools (investigation_tools.h) for
//    at most `max_tool_steps` rounds and `tools_budget_s` seconds; then it must answer;
//  - the answer must match the Analysis JSON schema (the request carries it); an invalid answer
//    is asked again once, quoting the error, then given up;
//  - grounding (grounding.h): suspects naming deploys or services absent from the evidence are
//    dropped and confidence is clamped to [0, 1]; free text (root_cause, summary, impact,
//    recommended_actions) naming a deploy, service or host absent from the evidence is asked
//    again once, quoting the names, then given up (the built-in answer stands);
//  - when both answered, the stored record is the primary one (`primary`) with the other in
//    `secondary` and their agreement (merge.h);
//  - on no answer, an HTTP error, a cut-off answer (done_reason/finish_reason "length") or
//    invalid output twice, the built-in analysis stands with `llm_note` saying why.
// The (redacted) prompt is kept in `llm_prompt` for audit. Every model call also updates the
// readiness that /readyz reports. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "analysis/analyst.h"
#include "analysis/llm/concurrency_limit.h"
#include "analysis/llm/grounding.h"
#include "analysis/llm/investigation_tools.h"
#include "analysis/llm/llm_client.h"

namespace quell::analysis::llm {

struct LlmOptions {
  bool redact_ips = false;
  // false: the built-in answer is primary and the model's is kept as `secondary`.
  bool primary = true;
  int concurrency = 1;     // model calls at once, across all analyses
  long slot_wait_ms = -1;  // wait for a free slot; -1: the client's timeout
  bool tools = false;      // investigation mode
  int max_tool_steps = 4;  // rounds of tool calls before the answer is required
  int tools_budget_s = 120;
  // Told how long each model call took (seconds, answered or not), on the analysing thread.
  std::function<void(double seconds)> on_call;
};

// What the analyst did since it started (for /metrics).
struct LlmCounters {
  std::atomic<uint64_t> calls{0};               // model calls
  std::atomic<uint64_t> failed_calls{0};        // no answer: server, network, timeout
  std::atomic<uint64_t> invalid_answers{0};     // not JSON, or not the schema
  std::atomic<uint64_t> ungrounded_answers{0};  // naming what the evidence does not (asked again)
  std::atomic<uint64_t> dropped_claims{0};      // suspects grounding dropped from used answers
  std::atomic<uint64_t> answered{0};            // analyses with the model's answer
  std::atomic<uint64_t> fallbacks{0};           // analyses where the built-in answer stood alone
};

// What /readyz says about the model server.
struct LlmReadiness {
  std::string provider;
  std::string model;
  bool ready = false;
  std::string message;
};

// The Analysis JSON schema the answer must match (Ollama's `format`, OpenAI's json_schema).
const std::string& AnalysisJsonSchema();

class LlmAnalyst final : public Analyst {
 public:
  // `builtin` must outlive the analyst; `sources` serve the tools (investigation mode).
  LlmAnalyst(std::unique_ptr<LlmClient> client, Analyst& builtin, LlmOptions options,
             InvestigationSources sources = {});
  Result<model::Analysis> Analyze(const EvidencePack& pack) override;

  // Asks the server whether it has the model (LlmClient::Check) and remembers the answer.
  LlmReadiness CheckServer();
  // The last thing known: from CheckServer or the latest model call.
  LlmReadiness readiness() const;
  const LlmCounters& counters() const { return counters_; }

 private:
  // Tool rounds: appends the conversation to `messages` and each call to `steps`. An error
  // (e.g. the model does not support tools) ends the investigation, not the analysis.
  Status Investigate(const EvidencePack& pack, std::vector<ChatMessage>& messages,
                     std::vector<model::ToolStep>& steps);
  // One model call; records the server's readiness from how it went.
  Result<ChatAnswer> Chat(const ChatRequest& request);
  void SetReadiness(bool ready, std::string message);

  std::unique_ptr<LlmClient> client_;
  Analyst& builtin_;
  const LlmOptions options_;
  const InvestigationSources sources_;
  ConcurrencyLimit limit_;
  std::atomic<bool> tools_supported_{true};  // false when the server says the model cannot
  mutable std::mutex mu_;
  LlmReadiness readiness_;  // guarded by mu_
  LlmCounters counters_;
};

}  // namespace quell::analysis::llm
