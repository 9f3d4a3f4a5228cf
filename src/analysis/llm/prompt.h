// The prompt an LLM analyst reads: the most informative evidence first, within a token budget
// (tokens estimated as characters / 4): the built-in analyst's conclusion and top suspects,
// the alerts, new and surging log templates with a sample each, stack-trace heads (error lines),
// suspect deploys, similar incidents and their resolutions, the topology. Never raw log dumps.
// Everything is redacted (redaction.h). Pure.
#pragma once

#include <string>

#include "analysis/evidence_pack.h"
#include "model/analysis.h"

namespace quell::analysis::llm {

struct Prompt {
  std::string system;
  std::string user;
  int estimated_tokens = 0;
  bool truncated = false;  // some evidence did not fit the budget
};

int EstimateTokens(std::string_view text);

// `budget_tokens` covers system + user; the answer needs its own room in num_ctx.
Prompt BuildPrompt(const EvidencePack& pack, const model::Analysis& builtin, int budget_tokens,
                   bool redact_ips = false);

}  // namespace quell::analysis::llm
