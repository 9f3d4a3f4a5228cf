// Root-cause service ranking over the call graph. A failure shows up in every caller, so the
// service with the most alerts is often not the cause. Each service's own anomaly (see
// anomaly/alert_anomaly.h) is split into an intrinsic part (resource saturation), which stays,
// and an inheritable part (latency, errors), of which a share (AnalystOptions::propagate) is
// handed on to the dependencies that explain it:
//  - dependencies that show an anomaly of their own that began no later than the caller's
//    (within AnalystOptions::skew_ms), and dependencies its error texts name ("Redis timeout"),
//    each with weight 1;
//  - quiet dependencies deployed before the caller's anomaly began, with weight
//    AnalystOptions::changed_dependency_weight.
// Mass handed to a dependency is handed on again from there, so a chain checkout -> api ->
// redis points at redis; a service whose dependencies look normal keeps everything it holds:
// it is the origin. The service whose own anomaly began first (when another's began later) and
// that hands nothing on keeps (1 + AnalystOptions::onset_weight) times its mass: the origin of a
// cascade usually shows first, and the call graph a sender gives is often incomplete.
// This is a personalised random walk over the anomaly graph (as in MicroRCA)
// with the walk's restart mass being each service's own deviation. Each suspect carries its
// reasons as data (`signals`: own_anomaly, first_onset, inherited, handed_on). Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analysis/analyst_options.h"
#include "common/clock.h"
#include "model/analysis.h"
#include "model/topology.h"

namespace quell::analysis::topology {

// What one service shows in the incident window.
struct ServiceSignals {
  std::string service;
  double strength = 0;   // own anomaly: alerts and significant log templates
  double intrinsic = 0;  // the part that cannot be inherited (resource saturation)
  TimeMs first_at = 0;   // first anomaly; 0 if unknown
  int alerts = 0;
  int error_templates = 0;         // new or surging error templates (significant)
  std::vector<std::string> texts;  // error messages and templates (to find named dependencies)
};

struct RankingInput {
  std::vector<ServiceSignals> services;
  model::Topology topology;
  std::map<std::string, TimeMs> deployed;  // services deployed before the incident -> when
};

// Infrastructure names recognised in error texts even when the topology does not list them.
const std::vector<std::string>& WellKnownDependencies();

// The dependencies named in a text, from the topology's services and WellKnownDependencies()
// (whole words, case-insensitive): "Redis timeout" -> {"redis"}.
std::vector<std::string> NamedDependencies(const std::string& text,
                                           const std::vector<std::string>& known_services);

// Ranked service suspects, best first, scores normalised so the best is <= 1.
std::vector<model::Suspect> RankServices(const RankingInput& input, const AnalystOptions& options);

}  // namespace quell::analysis::topology
