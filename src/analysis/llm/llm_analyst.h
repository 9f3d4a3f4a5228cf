// LlmAnalyst: an Analyst that asks a local model (Ollama's /api/chat) to analyse the same
// EvidencePack, in strict JSON, and never stands in the way:
//  - the built-in analyst runs first; its answer is the fallback and part of the prompt;
//  - the request has `format` = the Analysis JSON schema, `think: false`, an explicit
//    `options.num_ctx`, `temperature: 0` and a fixed `seed`, non-streamed or streamed NDJSON;
//  - the answer is parsed and validated (model::AnalysisFromJson); an invalid answer is retried
//    once with the validation error quoted, then given up;
//  - grounding: suspects naming deploys or services absent from the evidence are dropped;
//    confidence is clamped to [0, 1];
//  - on timeout, connection failure, an HTTP error, `done_reason: "length"`, a mid-stream error
//    or invalid output, the built-in analysis is returned with `llm_note` saying why.
// The prompt sent (redacted) is kept in `llm_prompt` for audit. Thread-compatible.
#pragma once

#include <string>

#include "analysis/analyst.h"
#include "net/http_client.h"

namespace quell::analysis::llm {

struct LlmOptions {
  std::string url = "http://127.0.0.1:11434";
  std::string model = "gemma4:e4b";
  int num_ctx = 8192;
  int timeout_s = 60;
  int seed = 42;
  bool stream = false;
  bool redact_ips = false;
  // false: the built-in answer stays primary and the model's answer is summarised in llm_note
  // ("agrees" or "differs").
  bool primary = true;
};

// The model server's own view: whether it answers and has the model. Never throws; a missing
// model gives the `ollama pull` command to run.
Status CheckOllama(net::HttpClient& client, const LlmOptions& options);

// The Analysis JSON schema sent as Ollama's `format`.
const std::string& AnalysisJsonSchema();

class LlmAnalyst final : public Analyst {
 public:
  // `client` and `builtin` must outlive the analyst.
  LlmAnalyst(net::HttpClient& client, Analyst& builtin, LlmOptions options)
      : client_(client), builtin_(builtin), options_(std::move(options)) {}
  Result<model::Analysis> Analyze(const EvidencePack& pack) override;

 private:
  // One chat round: the model's content string, or why there is none.
  Result<std::string> Chat(const std::string& system, const std::string& user);

  net::HttpClient& client_;
  Analyst& builtin_;
  const LlmOptions options_;
};

// Drops suspects that cite deploys or services not in the pack; clamps confidence. Returns how
// many claims were dropped.
int GroundAnalysis(const EvidencePack& pack, model::Analysis& analysis);

}  // namespace quell::analysis::llm
