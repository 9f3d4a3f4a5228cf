#include "analysis/rules/severity_rules.h"

#include <algorithm>

#include <fmt/format.h>

namespace quell::analysis::rules {
namespace {

using model::Severity;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One level more severe (critical stays critical).
Severity Raise(Severity s) {
  switch (s) {
    case Severity::kInfo: return Severity::kLow;
    case Severity::kLow: return Severity::kMedium;
    case Severity::kMedium: return Severity::kHigh;
    default: return Severity::kCritical;
  }
}

}  // namespace

const std::vector<Threshold>& DefaultThresholds() {
  static const std::vector<Threshold> thresholds = {
      {"latency", 300, 1000, 5000},   {"duration", 300, 1000, 5000},
      {"response_time", 300, 1000, 5000}, {"p99", 300, 1000, 5000},
      {"error_ratio", 0.01, 0.05, 0.2}, {"error_rate", 0.01, 0.05, 0.2},
      {"5xx", 0.01, 0.05, 0.2},       {"cpu", 80, 90, 97},
      {"memory", 80, 90, 97},         {"disk", 80, 90, 97},
  };
  return thresholds;
}

SeverityDecision AssessSeverity(const SeverityInput& in, const std::vector<Threshold>& thresholds) {
  SeverityDecision d;
  Severity level = Severity::kUnknown;
  auto consider = [&](Severity s, std::string reason) {
    if (s == Severity::kUnknown) return;
    if (level == Severity::kUnknown || static_cast<int>(s) < static_cast<int>(level)) {
      level = s;
      d.reasons.push_back(std::move(reason) + " -> " + model::SeverityName(s));
    }
  };
  for (Severity s : in.sent) consider(s, std::string("the sender says ") + model::SeverityName(s));
  for (const auto& metrics : in.metrics) {
    for (const auto& [name, raw] : metrics) {
      for (const auto& t : thresholds) {
        if (name.find(t.contains) == std::string::npos) continue;
        double value = raw;
        if (t.high >= 100 && (EndsWith(name, "_s") || EndsWith(name, "_seconds"))) value *= 1000;
        if (t.high < 1 && value > 1) value /= 100;  // ratios sent as percent
        Severity s = value > t.critical ? Severity::kCritical
                     : value > t.high   ? Severity::kHigh
                     : value > t.medium ? Severity::kMedium
                                        : Severity::kUnknown;
        double bound = value > t.critical ? t.critical : value > t.high ? t.high : t.medium;
        consider(s, fmt::format("{} {:g} above {:g}", name, raw, bound));
        break;
      }
    }
  }
  consider(in.pattern, "the failure pattern");
  if (in.services >= 5) {
    consider(Severity::kCritical, fmt::format("{} services affected", in.services));
  } else if (in.services >= 3) {
    consider(Severity::kHigh, fmt::format("{} services affected", in.services));
  }
  if (in.instances >= 10) consider(Severity::kHigh, fmt::format("{} instances affected", in.instances));

  if (level == Severity::kUnknown) {
    level = Severity::kMedium;
    d.reasons.push_back("no severity signal -> medium");
  }
  const bool customer_facing = std::any_of(in.labels.begin(), in.labels.end(), [](const auto& l) {
    auto cf = l.find("customer_facing");
    auto tier = l.find("tier");
    return (cf != l.end() && (cf->second == "true" || cf->second == "yes")) ||
           (tier != l.end() && (tier->second == "1" || tier->second == "0" ||
                                tier->second == "critical" || tier->second == "tier1"));
  });
  if (customer_facing && level != Severity::kCritical && level != Severity::kInfo) {
    level = model::MaxSeverity(Raise(level), Severity::kHigh);
    d.reasons.push_back(std::string("customer-facing or tier-1 service -> ") +
                        model::SeverityName(level));
  }
  if (level == Severity::kMedium && (in.firing_for_ms > kHourMs || in.growing)) {
    level = Severity::kHigh;
    d.reasons.push_back(in.growing ? "alerts keep growing -> high" : "firing for over an hour -> high");
  }
  d.severity = level;
  return d;
}

}  // namespace quell::analysis::rules
