// Root-cause service ranking over the topology. Failures propagate to callers: when Redis is down
// the API logs the errors, so the service with the most errors is often not the cause. Each
// failing caller passes blame to the dependencies it calls (from the topology) or names in its
// errors ("Redis timeout"), and a caller whose dependency fails keeps only part of its own score.
// A dependency can become the top suspect without a single alert of its own. Pure.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "model/analysis.h"
#include "model/topology.h"

namespace quell::analysis::topology {

// What one service shows in the incident window.
struct ServiceSignals {
  std::string service;
  int alerts = 0;             // distinct alerts firing
  int error_logs = 0;         // error-level log lines (or occurrences of error templates)
  int new_error_templates = 0;
  TimeMs first_error_at = 0;  // 0 if unknown
  std::vector<std::string> texts;  // error messages and templates (to find named dependencies)
};

// Infrastructure names recognised in error texts even when the topology does not list them.
const std::vector<std::string>& WellKnownDependencies();

// The dependencies named in a text, from the topology's services and WellKnownDependencies()
// (whole words, case-insensitive): "Redis timeout" -> {"redis"}.
std::vector<std::string> NamedDependencies(const std::string& text,
                                           const std::vector<std::string>& known_services);

// Ranked service suspects, best first, scores normalised so the best is <= 1.
std::vector<model::Suspect> RankServices(const std::vector<ServiceSignals>& signals,
                                         const model::Topology& topology);

}  // namespace quell::analysis::topology
