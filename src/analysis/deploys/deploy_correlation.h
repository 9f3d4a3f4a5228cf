// Deploy correlation: which recent deploys are suspects for an incident, each with a score in
// [0, 1] and its reasons. When several services deployed at about the same time, the signals
// that single out the guilty one are its relation to the root-cause service, error templates that
// appeared only after it, symptoms on the new version's instances, and the senders naming it.
// Pure.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "model/analysis.h"
#include "model/topology.h"

namespace quell::analysis::deploys {

struct DeployFacts {
  std::string id;       // deploy id or version as users name it ("441")
  std::string service;
  std::string version;  // may equal id
  std::string status;   // started | succeeded | failed | rolled_back | ...
  std::string author;
  std::string commit;
  TimeMs at = 0;        // finished_at, else started_at; 0 when unknown (named by an alert only)
};

struct CorrelationInput {
  std::vector<DeployFacts> deploys;
  TimeMs first_symptom_at = 0;
  std::vector<std::string> affected_services;    // services with alerts or errors
  std::string root_service;                      // top service suspect, if any
  model::Topology topology;
  // Versions/deploy ids the symptoms carry (alert "deploy" fields, "version" labels of
  // failing instances), per service.
  std::vector<std::pair<std::string, std::string>> symptom_versions;  // (service, version)
  // Error templates new since the baseline: (service, first seen).
  std::vector<std::pair<std::string, TimeMs>> new_error_templates;
};

struct CorrelationOptions {
  TimeMs lookback_ms = 2 * kHourMs;  // deploys this long before the first symptom count
  TimeMs grace_ms = kMinuteMs;       // clock skew: a deploy this soon after still counts
  TimeMs half_life_ms = 20 * kMinuteMs;  // time proximity halves every 20 min
};

// Deploy suspects, best first; deploys outside the window or unrelated to the incident are
// left out.
std::vector<model::Suspect> RankDeploys(const CorrelationInput& input,
                                        const CorrelationOptions& options = {});

}  // namespace quell::analysis::deploys
