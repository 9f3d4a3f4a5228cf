#include "analysis/anomaly/alert_anomaly.h"

#include <algorithm>
#include <cmath>

#include "common/text.h"

namespace quell::analysis::anomaly {
namespace {

double SeverityWeight(model::Severity s) {
  switch (s) {
    case model::Severity::kCritical: return 1.0;
    case model::Severity::kHigh: return 0.8;
    case model::Severity::kLow: return 0.3;
    case model::Severity::kInfo: return 0.1;
    default: return 0.55;
  }
}

const double* Baseline(const model::Metrics& metrics, const std::string& name) {
  for (const std::string& key : {"baseline_" + name, name + "_baseline"})
    if (auto it = metrics.find(key); it != metrics.end()) return &it->second;
  return nullptr;
}

}  // namespace

bool IsResourceAlert(const model::NormalizedAlert& a) {
  std::string name = a.name;
  if (auto it = a.labels.find("alertname"); it != a.labels.end()) name += " " + it->second;
  name = ToLower(name);
  for (const char* word : {"cpu", "memory", "saturat", "oom", "out of memory", "disk", "heap",
                           "throttl", "file descriptor", "inode"})
    if (name.find(word) != std::string::npos) return true;
  return false;
}

AlertAnomaly ScoreAlert(const model::Alert& alert, const AnalystOptions& options) {
  const auto& a = alert.data;
  AlertAnomaly out;
  out.alert = &alert;
  out.at = a.starts_at > 0 ? a.starts_at : alert.first_seen;
  out.intrinsic = IsResourceAlert(a);
  double deviation = 1.0;
  for (const auto& [name, value] : a.metrics) {
    if (name.starts_with("baseline_") || name.ends_with("_baseline")) continue;
    const double* base = Baseline(a.metrics, name);
    if (!base || *base <= 0 || value <= 0) continue;
    const double ratio = value / *base;
    if (out.metric.empty() || ratio > out.ratio) {
      out.metric = name;
      out.value = value;
      out.baseline = *base;
      out.ratio = ratio;
    }
  }
  if (!out.metric.empty()) deviation = std::clamp(0.5 + 0.25 * std::log2(out.ratio), 0.5, 1.5);
  for (const auto& [name, value] : a.metrics)
    if (name.starts_with("firing_") && value == 1 && alert.count <= 1) out.blip = true;
  out.strength = SeverityWeight(a.severity) * deviation * (out.blip ? options.blip_weight : 1.0) *
                 (a.status == model::AlertStatus::kResolved ? options.resolved_weight : 1.0);
  return out;
}

IncidentAnomalies ScoreIncident(const std::vector<model::Alert>& alerts,
                                const AnalystOptions& options) {
  IncidentAnomalies out;
  // When nothing fires any more (a resolved incident) every alert counts fully.
  const bool any_firing = std::any_of(alerts.begin(), alerts.end(), [](const model::Alert& a) {
    return a.data.status == model::AlertStatus::kFiring;
  });
  AnalystOptions scoring = options;
  if (!any_firing) scoring.resolved_weight = 1.0;
  out.alerts.reserve(alerts.size());
  for (const auto& a : alerts) {
    AlertAnomaly aa = ScoreAlert(a, scoring);
    if (aa.strength > 0) out.alerts.push_back(aa);
  }
  for (const auto& aa : out.alerts) {
    auto& s = out.services[aa.alert->data.service];
    s.service = aa.alert->data.service;
    s.strength += aa.strength;
    if (aa.intrinsic) s.intrinsic += aa.strength;
    ++s.alerts;
    if (aa.at > 0 && (s.first_at == 0 || aa.at < s.first_at)) s.first_at = aa.at;
    s.top.push_back(&aa);
  }
  for (auto& [name, s] : out.services) {
    std::stable_sort(s.top.begin(), s.top.end(),
                     [](const AlertAnomaly* x, const AlertAnomaly* y) { return x->strength > y->strength; });
    if (s.top.size() > 3) s.top.resize(3);
  }
  return out;
}

}  // namespace quell::analysis::anomaly
