#include "analysis/deploys/deploy_correlation.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace quell::analysis::deploys {
namespace {

std::string Minutes(TimeMs ms) {
  long minutes = std::lround(static_cast<double>(ms) / kMinuteMs);
  return std::to_string(minutes) + " min";
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::vector<model::Suspect> RankDeploys(const CorrelationInput& in,
                                        const CorrelationOptions& options) {
  // Services whose deploys can matter: the affected ones and what they depend on.
  std::set<std::string> upstream;
  for (const auto& service : in.affected_services)
    for (const auto& dep : in.topology.DependenciesOf(service)) upstream.insert(dep);

  std::vector<model::Suspect> out;
  for (const auto& d : in.deploys) {
    const bool timed = d.at > 0 && in.first_symptom_at > 0;
    const TimeMs before = timed ? in.first_symptom_at - d.at : 0;  // > 0: deployed before
    if (timed && (before > options.lookback_ms || before < -options.grace_ms)) continue;
    const bool same_root = !in.root_service.empty() && d.service == in.root_service;
    const bool affected = Contains(in.affected_services, d.service);
    const bool is_upstream = upstream.count(d.service) > 0;
    const bool named = std::any_of(in.symptom_versions.begin(), in.symptom_versions.end(),
                                   [&](const auto& sv) {
                                     return (sv.first == d.service || sv.first.empty()) &&
                                            (sv.second == d.id || sv.second == d.version);
                                   });
    if (!same_root && !affected && !is_upstream && !named) continue;

    model::Suspect s;
    s.id = d.id;
    s.service = d.service;
    double score = 0;
    if (timed) {
      const double proximity =
          std::pow(0.5, static_cast<double>(std::max<TimeMs>(before, 0)) / options.half_life_ms);
      score += 0.35 * proximity;
      s.reasons.push_back(before >= 0 ? "deployed " + Minutes(before) + " before the first symptom"
                                      : "deployed just after the first symptom (within clock skew)");
    }
    if (same_root) {
      score += 0.3;
      s.reasons.push_back("deployed the most likely root-cause service " + d.service);
    } else if (affected) {
      score += 0.2;
      s.reasons.push_back("deployed " + d.service + ", which shows symptoms");
    } else if (is_upstream) {
      score += 0.15;
      s.reasons.push_back("deployed " + d.service + ", a dependency of an affected service");
    }
    if (named) {
      score += 0.25;
      s.reasons.push_back("symptoms carry this version (" + (d.version.empty() ? d.id : d.version) +
                          ")");
    }
    const bool new_templates_after =
        std::any_of(in.new_error_templates.begin(), in.new_error_templates.end(),
                    [&](const auto& t) { return t.first == d.service && t.second >= d.at; });
    if (new_templates_after) {
      score += 0.2;
      s.reasons.push_back("error templates of " + d.service + " appeared only after this deploy");
    }
    if (d.status == "failed") {
      score += 0.05;
      s.reasons.push_back("the deploy failed");
    } else if (d.status == "rolled_back") {
      score += 0.1;
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
