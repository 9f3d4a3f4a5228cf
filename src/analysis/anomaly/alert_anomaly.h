// How anomalous each alert, instance and service of an incident is, measured against the
// series' own baseline rather than fixed thresholds alone:
//  - strength = severity weight x deviation x persistence, where
//    severity weight is critical 1.0, high 0.8, medium/unknown 0.55, low 0.3, info 0.1;
//    deviation is 0.5 + 0.25 x log2(value / baseline) clamped to [0.5, 1.5] for the most
//    deviating metric that has a baseline beside it (`baseline_<name>` or `<name>_baseline`,
//    as senders such as recording rules give it), else 1;
//    persistence is AnalystOptions::blip_weight when the sender says the condition held for a
//    single evaluation (a `firing_*` count metric of 1, e.g. `firing_samples`), else 1;
//    times AnalystOptions::resolved_weight for an alert that already resolved (it was a symptom
//    in the incident window, often the first one);
//  - an alert about resource saturation (CPU, memory, disk, heap, OOM, throttling) is
//    intrinsic: a slow dependency does not cause it, so ranking never hands it on to one.
// Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analysis/analyst_options.h"
#include "common/clock.h"
#include "model/alert.h"

namespace quell::analysis::anomaly {

struct AlertAnomaly {
  const model::Alert* alert = nullptr;
  double strength = 0;
  bool intrinsic = false;
  bool blip = false;
  // The most deviating metric with a baseline (empty when none).
  std::string metric;
  double value = 0, baseline = 0, ratio = 0;
  TimeMs at = 0;
};

struct ServiceAnomaly {
  std::string service;
  double strength = 0;        // sum over the service's firing alerts
  double intrinsic = 0;       // the part from resource saturation
  TimeMs first_at = 0;        // first anomaly (0: none)
  int alerts = 0;
  std::vector<const AlertAnomaly*> top;  // strongest first, at most 3
};

AlertAnomaly ScoreAlert(const model::Alert& alert, const AnalystOptions& options);

// Whether an alert name describes resource saturation.
bool IsResourceAlert(const model::NormalizedAlert& alert);

// Anomalies of every alert (resolved ones weigh resolved_weight unless none fires), and the
// per-service sums. `alerts` must outlive the result.
struct IncidentAnomalies {
  std::vector<AlertAnomaly> alerts;
  std::map<std::string, ServiceAnomaly> services;
};
IncidentAnomalies ScoreIncident(const std::vector<model::Alert>& alerts,
                                const AnalystOptions& options);

}  // namespace quell::analysis::anomaly
