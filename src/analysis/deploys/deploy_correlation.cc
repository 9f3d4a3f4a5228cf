#include "analysis/deploys/deploy_correlation.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace quell::analysis::deploys {
namespace {

// Weights of the parts of a deploy's score (they sum to about 1 for a clear case).
constexpr double kServiceWeight = 0.45;   // x the service's root-cause score x version factor
constexpr double kNewVersionWeight = 0.3; // x the anomaly on its new-version instances (<= 1)
constexpr double kTimingWeight = 0.15;    // x proximity to the service's first anomaly
constexpr double kNamedWeight = 0.4;      // an alert names this deploy
constexpr double kRollbackWeight = 0.1;
constexpr double kTemplatesWeight = 0.15; // error templates of its service appeared after it

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool Names(const Observation& o, const DeployFacts& d) {
  return !o.deploy.empty() && (o.deploy == d.id || o.deploy == d.version);
}

// Does the observation come from the deploy's new version (+1), its old version (-1), or can't
// we tell (0)?
int VersionSide(const Observation& o, const DeployFacts& d) {
  if (Names(o, d)) return 1;
  if (!o.instance.empty() && Contains(d.instances, o.instance)) return 1;
  if (!o.version.empty()) return o.version == d.version || o.version == d.id ? 1 : -1;
  const bool rolling = d.status != "succeeded" && d.status != "rolled_back";
  if (!o.instance.empty() && !d.instances.empty() && rolling) return -1;
  return 0;
}

}  // namespace

std::string DeployName(const std::string& id, const std::string& version) {
  if (version.empty() || version == id) return "#" + id;
  return fmt::format("#{} ({})", id, version);
}

std::vector<model::Suspect> RankDeploys(const CorrelationInput& in, const AnalystOptions& analyst,
                                        const CorrelationOptions& options) {
  std::set<std::string> affected, upstream;
  for (const auto& o : in.observations) affected.insert(o.service);
  for (const auto& s : in.services) affected.insert(s.service);
  for (const auto& service : affected)
    for (const auto& dep : in.topology.DependenciesOf(service)) upstream.insert(dep);

  std::vector<model::Suspect> out;
  for (const auto& d : in.deploys) {
    double service_score = 0;
    for (const auto& s : in.services)
      if (s.service == d.service) service_score = s.score;
    // The service's own first anomaly, else the incident's.
    TimeMs first = 0;
    double new_sum = 0, old_sum = 0;
    int new_n = 0, old_n = 0;
    bool named = false;
    model::Suspect s;
    for (const auto& o : in.observations) {
      if (o.service != d.service && !Names(o, d)) continue;
      if (Names(o, d)) named = true;
      if (o.service == d.service && o.at > 0 && (first == 0 || o.at < first)) first = o.at;
      const int side = VersionSide(o, d);
      if (side > 0) {
        new_sum += o.strength;
        ++new_n;
        s.signals.push_back({"new_version", o.instance.empty() ? o.service : o.instance,
                             o.strength, 0, 0});
      } else if (side < 0) {
        old_sum += o.strength;
        ++old_n;
        s.signals.push_back({"old_version", o.instance.empty() ? o.service : o.instance,
                             o.strength, 0, 0});
      }
    }
    if (first == 0) first = in.first_symptom_at;
    const bool timed = d.at > 0 && first > 0;
    const TimeMs before = timed ? first - d.at : 0;  // > 0: deployed before
    if (timed && (before > options.lookback_ms || before < -analyst.skew_ms)) continue;
    if (service_score <= 0 && !affected.count(d.service) && !upstream.count(d.service) && !named)
      continue;

    s.id = d.id;
    s.service = d.service;
    if (d.version != d.id) s.version = d.version;
    double score = 0;
    // How much the new version, rather than the service as a whole, misbehaves.
    double version_factor = 0.5;
    const double new_mean = new_n ? new_sum / new_n : 0, old_mean = old_n ? old_sum / old_n : 0;
    if (new_n && !old_n) version_factor = 1;
    else if (!new_n && old_n) version_factor = 0;
    else if (new_n && old_n) version_factor = new_mean - old_mean >= analyst.version_contrast ? 1 : 0;
    if (service_score > 0) {
      const double w = kServiceWeight * service_score * version_factor;
      score += w;
      s.signals.push_back({"service_rank", d.service, service_score, 0, w});
      if (w > 0) s.reasons.push_back(fmt::format("{} ranks as a root-cause service ({:.2f})", d.service,
                                                 service_score));
    }
    if (new_n) {
      // Failing new-version instances say little when the old ones fail as much.
      const double w = kNewVersionWeight * std::min(1.0, new_sum) * (old_n ? version_factor : 1.0);
      score += w;
      // The new version's mean anomaly against the old version's as its baseline.
      s.signals.push_back({"version_contrast", d.service, new_mean, old_mean, w});
      s.reasons.push_back(fmt::format("{} alert(s) on instances running this version", new_n));
    }
    if (old_n)
      s.reasons.push_back(version_factor > 0
                              ? fmt::format("its old-version instances misbehave less ({} alert(s))", old_n)
                              : fmt::format("its old-version instances misbehave as much ({} alert(s)): "
                                            "the failure is not specific to this version",
                                            old_n));
    if (timed) {
      const double proximity =
          std::pow(0.5, static_cast<double>(std::max<TimeMs>(before, 0)) / options.half_life_ms);
      const double w = kTimingWeight * proximity;
      score += w;
      s.signals.push_back({"timing", d.service, static_cast<double>(before) / kMinuteMs, 0, w});
      s.reasons.push_back(before >= 0
                              ? fmt::format("deployed {} min before the first anomaly of {}",
                                            std::lround(static_cast<double>(before) / kMinuteMs), d.service)
                              : "deployed just after the first anomaly (within clock skew)");
    }
    if (named) {
      score += kNamedWeight;
      s.signals.push_back({"named_by_alert", d.id, 1, 0, kNamedWeight});
      s.reasons.push_back("the alerts name this deploy");
    }
    const bool new_templates_after =
        std::any_of(in.new_error_templates.begin(), in.new_error_templates.end(),
                    [&](const auto& t) { return t.first == d.service && t.second >= d.at; });
    if (new_templates_after) {
      score += kTemplatesWeight;
      s.signals.push_back({"log_template", d.service, 1, 0, kTemplatesWeight});
      s.reasons.push_back("error templates of " + d.service + " appeared only after this deploy");
    }
    if (d.status == "rolled_back") {
      score += kRollbackWeight;
      s.signals.push_back({"rollback", d.id, 1, 0, kRollbackWeight});
      s.reasons.push_back("it was rolled back");
    }
    s.score = std::min(1.0, score);
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const model::Suspect& a, const model::Suspect& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  return out;
}

}  // namespace quell::analysis::deploys
