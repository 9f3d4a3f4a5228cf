// Severity of an incident, with the reasons. Rules, in order (the highest level wins):
//  1. the senders' own severities;
//  2. metrics against thresholds: latency/duration in ms (> 300 medium, > 1000 high,
//     > 5000 critical; names ending in _s/_seconds are converted), error ratios (> 0.01 medium,
//     > 0.05 high, > 0.2 critical; values above 1 are read as percent), cpu/memory/disk percent
//     (> 80 medium, > 90 high, > 97 critical);
//  3. the failure pattern's own severity (disk full and out of memory are critical);
//  4. blast radius: 3+ services affected -> at least high, 5+ -> critical; 10+ instances -> high;
//  5. customer-facing or tier-1 labels (customer_facing=true, tier=1|0|critical) raise one level,
//     to at least high;
//  6. duration and growth: still firing after 1 h, or alert count doubling, raise medium to high.
// Without any signal the severity is medium for firing incidents, and what the sender said
// (e.g. info) otherwise. Pure.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "model/alert.h"

namespace quell::analysis::rules {

struct Threshold {
  std::string contains;  // metric name part: "latency"
  double medium, high, critical;
};

struct SeverityInput {
  std::vector<model::Severity> sent;
  std::vector<model::Metrics> metrics;
  std::vector<model::Labels> labels;
  model::Severity pattern = model::Severity::kUnknown;  // the matched failure rule's severity
  int services = 0;
  int instances = 0;
  TimeMs firing_for_ms = 0;
  bool growing = false;
};

struct SeverityDecision {
  model::Severity severity = model::Severity::kMedium;
  std::vector<std::string> reasons;
};

// Default thresholds (latency, duration, error ratio, cpu, memory, disk).
const std::vector<Threshold>& DefaultThresholds();

SeverityDecision AssessSeverity(const SeverityInput& input,
                                const std::vector<Threshold>& thresholds = DefaultThresholds());

}  // namespace quell::analysis::rules
