// Deploy correlation: which recent deploys are suspects for an incident, each with a score in
// [0, 1], its reasons in words and as data. Several concurrent rollouts are the normal case; what
// singles out the guilty one (as in ChangeRCA):
//  - its new-version instances misbehave and the same service's old-version instances do not
//    (or clearly less: AnalystOptions::version_contrast); when the old ones misbehave just as
//    much, the deploy is not what broke them;
//  - its service ranks high as the root cause (topology/service_ranking.h), including as a quiet
//    dependency that was deployed under failing callers;
//  - timing against the first anomaly of the service concerned (a deploy after its service was
//    already failing is not its cause), closer being more suspect;
//  - the senders naming it (an alert's `deploy` field), a rollback, error templates that appeared
//    only after it.
// Alerts that hold for a single evaluation (a cold start of a fresh instance) weigh less through
// their anomaly strength. A suspect is always one of the deploys given (an alert's `deploy`
// field counts as one). Pure.
#pragma once

#include <string>
#include <vector>

#include "analysis/analyst_options.h"
#include "common/clock.h"
#include "model/analysis.h"
#include "model/topology.h"

namespace quell::analysis::deploys {

struct DeployFacts {
  std::string id;       // deploy id as users name it ("441")
  std::string service;
  std::string version;  // may equal id ("2.14.1")
  std::string status;   // started | in_progress | succeeded | failed | rolled_back | ...
  std::string author;
  std::string commit;
  TimeMs at = 0;        // finished_at, else started_at; 0 when unknown (named by an alert only)
  std::vector<std::string> instances;  // instances running the new version, when known
};

// "#441 (2.14.1)", or "#441" when the version is the id.
std::string DeployName(const std::string& id, const std::string& version);

// One alert's anomaly as deploy correlation reads it.
struct Observation {
  std::string service, instance, version, deploy;  // labels and the alert's deploy field
  double strength = 0;
  TimeMs at = 0;
};

struct CorrelationInput {
  std::vector<DeployFacts> deploys;
  TimeMs first_symptom_at = 0;
  std::vector<Observation> observations;
  std::vector<model::Suspect> services;  // the service ranking, best first
  model::Topology topology;
  // Error templates new since the baseline: (service, first seen).
  std::vector<std::pair<std::string, TimeMs>> new_error_templates;
};

struct CorrelationOptions {
  TimeMs lookback_ms = 2 * kHourMs;      // deploys this long before the first symptom count
  TimeMs half_life_ms = 20 * kMinuteMs;  // time proximity halves every 20 min
};

// Deploy suspects, best first; deploys outside the window or unrelated to the incident are
// left out.
std::vector<model::Suspect> RankDeploys(const CorrelationInput& input,
                                        const AnalystOptions& analyst = {},
                                        const CorrelationOptions& options = {});

}  // namespace quell::analysis::deploys
