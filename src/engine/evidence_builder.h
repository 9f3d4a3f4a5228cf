// Builds the EvidencePack of one incident from the Store and the other evidence sources
// (deploys, logs), which the app wires in as functions so the engine does not depend on how
// they are stored. Thread-safe if the sources are.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analysis/evidence_pack.h"
#include "common/clock.h"
#include "common/status.h"
#include "model/topology.h"
#include "store/store.h"

namespace quell::engine {

struct EvidenceSources {
  // Deploys of `services` that finished in [since, until].
  std::function<std::vector<analysis::deploys::DeployFacts>(
      const std::vector<std::string>& services, TimeMs since, TimeMs until)>
      deploys;
  // Log templates of `services` in [since, until], with new/surging flags.
  std::function<std::vector<analysis::LogTemplateEvidence>(
      const std::vector<std::string>& services, TimeMs since, TimeMs until)>
      log_templates;
  // Error-level log lines (for stack traces), at most a few hundred.
  std::function<std::vector<analysis::LogLineEvidence>(const std::vector<std::string>& services,
                                                      TimeMs since, TimeMs until)>
      error_lines;
};

struct EvidenceOptions {
  TimeMs deploy_lookback_ms = 2 * kHourMs;  // before the first symptom
  size_t similar_candidates = 500;          // resolved incidents compared
  size_t similar_limit = 5;
  // The first alerts of the incident read as evidence (its counts are on the incident): an
  // incident of 50,000 alerts is analysed from its first few hundred, which hold the earliest
  // symptoms, instead of reading them all on every re-analysis.
  size_t alerts_limit = 500;
  size_t similar_alerts_limit = 50;  // per similar candidate
};

Result<analysis::EvidencePack> BuildEvidence(store::Store& store, const model::Topology& topology,
                                             const EvidenceSources& sources, int64_t incident_id,
                                             TimeMs now, const EvidenceOptions& options = {});

// The services of an incident plus the services they depend on (deploys there matter too).
std::vector<std::string> ServicesWithDependencies(const std::vector<std::string>& services,
                                                  const model::Topology& topology);

}  // namespace quell::engine
