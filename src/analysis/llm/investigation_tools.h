// The tools a model may call in investigation mode (llm.tools = true): search_logs,
// list_deploys, similar_incidents and get_topology. The log and deploy searches go beyond the
// EvidencePack, so the app wires them to the store and the log miner (InvestigationSources);
// the other two answer from the pack. Every result is JSON text for the model, bounded in size
// and redacted like the prompt; a bad call gets {"error": ...} back so the model can correct it.
// Thread-safe if the sources are.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analysis/evidence_pack.h"
#include "analysis/llm/llm_client.h"

namespace quell::analysis::llm {

struct InvestigationSources {
  // Log lines of `service` in [since, until] containing `query` (case-insensitive; empty: all),
  // newest first, at most `limit`.
  std::function<std::vector<LogLineEvidence>(const std::string& service, TimeMs since, TimeMs until,
                                             const std::string& query, int limit)>
      search_logs;
  // Deploys of `services` (empty: all) that took effect in [since, until].
  std::function<std::vector<deploys::DeployFacts>(const std::vector<std::string>& services,
                                                  TimeMs since, TimeMs until)>
      list_deploys;
};

// The tools offered to the model: all four when both sources are wired, else those that work.
std::vector<ToolSpec> InvestigationToolSpecs(const InvestigationSources& sources);

struct ToolOutcome {
  std::string content;  // for the model: JSON text, at most a few thousand characters
  std::string summary;  // for the timeline: "12 matching lines", "error: unknown tool 'x'"
};

// Runs one call on behalf of the incident in `pack`. Times default to the pack's window (two
// hours before the first alert until now).
ToolOutcome RunTool(const ToolCall& call, const EvidencePack& pack,
                    const InvestigationSources& sources, bool redact_ips = false);

}  // namespace quell::analysis::llm
