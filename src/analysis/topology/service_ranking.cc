#include "analysis/topology/service_ranking.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/text.h"

namespace quell::analysis::topology {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `needle` occurs in `haystack` as a whole word (both lower-case).
bool ContainsWord(const std::string& haystack, const std::string& needle) {
  if (needle.empty()) return false;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    bool left = at == 0 || !IsWordChar(haystack[at - 1]);
    size_t end = at + needle.size();
    bool right = end >= haystack.size() || !IsWordChar(haystack[end]);
    if (left && right) return true;
  }
  return false;
}

// A text in which a service says that what it calls failed, without naming it: a proxy's
// "upstream request timeout", "no healthy upstream", "502 Bad Gateway", "Gateway Timeout".
bool BlamesUpstream(const std::string& text) {
  const std::string lower = ToLower(text);
  return ContainsWord(lower, "upstream") || lower.find("bad gateway") != std::string::npos ||
         lower.find("gateway timeout") != std::string::npos ||
         lower.find("gateway time-out") != std::string::npos;
}

}  // namespace

const std::vector<std::string>& WellKnownDependencies() {
  static const std::vector<std::string> names = {
      "redis",   "postgres", "postgresql", "mysql",     "mariadb", "mongodb", "mongo",
      "kafka",   "rabbitmq", "elasticsearch", "memcached", "cassandra", "s3", "dns",
      "ldap",    "smtp",     "vault",    "consul",    "etcd",    "zookeeper", "nats"};
  return names;
}

std::vector<std::string> NamedDependencies(const std::string& text,
                                           const std::vector<std::string>& known_services) {
  const std::string lower = ToLower(text);
  std::set<std::string> found;
  for (const auto& name : known_services)
    if (ContainsWord(lower, ToLower(name))) found.insert(name);
  for (const auto& name : WellKnownDependencies()) {
    if (!ContainsWord(lower, name)) continue;
    // Prefer the topology's own spelling ("redis-cache") when it contains the well-known name.
    bool covered = false;
    for (const auto& service : known_services)
      if (ToLower(service).find(name) != std::string::npos && found.count(service)) covered = true;
    if (!covered) found.insert(name == "postgresql" ? "postgres" : name == "mongo" ? "mongodb" : name);
  }
  return {found.begin(), found.end()};
}

std::vector<model::Suspect> RankServices(const RankingInput& in, const AnalystOptions& options) {
  std::vector<std::string> known;
  for (const auto& [service, deps] : in.topology.depends_on()) {
    known.push_back(service);
    known.insert(known.end(), deps.begin(), deps.end());
  }
  for (const auto& s : in.services) known.push_back(s.service);
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());

  struct Node {
    const ServiceSignals* own = nullptr;
    TimeMs first_at = 0;      // own first anomaly, else the earliest caller's that handed on
    double kept = 0;          // mass that stays here (the score)
    double pending = 0;       // inheritable mass not yet handed on
    std::map<std::string, double> received, handed;
    std::vector<std::string> named;  // dependencies its texts name
    bool blames_upstream = false;    // its texts say what it calls failed
  };
  std::map<std::string, Node> nodes;
  for (const auto& s : in.services) {
    Node& n = nodes[s.service];
    n.own = &s;
    n.first_at = s.first_at;
    n.kept = std::min(s.intrinsic, s.strength);
    n.pending = s.strength - n.kept;
    std::set<std::string> named;
    // A service the text names is a dependency unless the topology says it is a caller ("calls
    // frontend -> cart" on cart's alert names its caller).
    const auto callers = in.topology.DependentsOf(s.service);
    for (const auto& text : s.texts) {
      n.blames_upstream = n.blames_upstream || BlamesUpstream(text);
      for (const auto& dep : NamedDependencies(text, known))
        if (dep != s.service && std::find(callers.begin(), callers.end(), dep) == callers.end())
          named.insert(dep);
    }
    n.named.assign(named.begin(), named.end());
  }
  auto anomalous = [&](const std::string& name) {
    auto it = nodes.find(name);
    return it != nodes.end() && it->second.own && it->second.own->strength > 0;
  };
  // Hand inheritable mass down the graph until it settles (every hop keeps 1 - propagate, so
  // cycles drain geometrically).
  for (int round = 0; round < 64; ++round) {
    bool moved = false;
    std::vector<std::string> names;
    for (const auto& [name, n] : nodes) names.push_back(name);
    for (const auto& name : names) {
      Node& n = nodes[name];
      if (n.pending <= 1e-9) continue;
      std::map<std::string, double> weights;
      for (const auto& dep : in.topology.DependenciesOf(name)) {
        if (dep == name) continue;
        const TimeMs dep_first = nodes[dep].first_at;
        // A caller that blames its upstream is explained by a failing dependency whenever the
        // dependency's alert fired: alert rules wait before firing, error logs do not.
        if (anomalous(dep) && (n.first_at == 0 || dep_first == 0 ||
                               dep_first <= n.first_at + options.skew_ms || n.blames_upstream)) {
          weights[dep] = 1.0;
        } else if (auto d = in.deployed.find(dep);
                   d != in.deployed.end() && options.changed_dependency_weight > 0 &&
                   (n.first_at == 0 || d->second <= n.first_at + options.skew_ms)) {
          // Deployed before the caller failed: a suspect, whether or not (or however late) it
          // shows an anomaly of its own.
          weights[dep] = options.changed_dependency_weight;
        }
      }
      for (const auto& dep : n.named) weights[dep] = 1.0;
      // Never hand mass back to where it came from (a two-way edge would bounce it).
      for (const auto& [caller, mass] : n.received) weights.erase(caller);
      double total = 0;
      for (const auto& [dep, w] : weights) total += w;
      if (total <= 0) {
        n.kept += n.pending;
        n.pending = 0;
        continue;
      }
      const double pass = n.pending * options.propagate;
      n.kept += n.pending - pass;
      n.pending = 0;
      const TimeMs first = n.first_at;
      for (const auto& [dep, w] : weights) {
        const double share = pass * w / total;
        n.handed[dep] += share;
        Node& d = nodes[dep];
        d.received[name] += share;
        d.pending += share;
        if (d.first_at == 0 || (first > 0 && first < d.first_at && !anomalous(dep))) d.first_at = first;
      }
      moved = true;
    }
    if (!moved) break;
  }

  // The first to show an anomaly, when not all began together.
  TimeMs earliest = 0, latest = 0;
  for (const auto& s : in.services)
    if (s.strength > 0 && s.first_at > 0) {
      earliest = earliest == 0 ? s.first_at : std::min(earliest, s.first_at);
      latest = std::max(latest, s.first_at);
    }
  std::vector<model::Suspect> out;
  double best = 0;
  for (auto& [service, n] : nodes) {
    n.kept += n.pending;  // whatever the round limit left
    if (n.kept <= 0) continue;
    // Only for a service its dependencies do not explain: a caller that fails first because a
    // dependency it names broke is still not the origin.
    const bool first = latest > earliest && n.own && n.own->strength > 0 &&
                       n.own->first_at == earliest && n.handed.empty();
    if (first && options.onset_weight > 0) n.kept *= 1 + options.onset_weight;
    model::Suspect s;
    s.service = service;
    s.score = n.kept;
    if (n.own && n.own->strength > 0) {
      s.signals.push_back({"own_anomaly", service, n.own->strength, 0, n.own->strength});
      if (n.own->alerts > 0) s.reasons.push_back(fmt::format("{} alert(s) firing", n.own->alerts));
      if (n.own->error_templates > 0)
        s.reasons.push_back(fmt::format("{} new or surging error template(s)", n.own->error_templates));
      if (n.own->intrinsic > 0) s.reasons.push_back("resource saturation of its own");
      if (first) {
        s.signals.push_back({"first_onset", service, 1, 0, options.onset_weight});
        s.reasons.push_back("its anomaly began first");
      }
    }
    for (const auto& [caller, mass] : n.received) {
      s.signals.push_back({"inherited", caller, mass, 0, mass});
      const bool named = std::find(nodes[caller].named.begin(), nodes[caller].named.end(),
                                   service) != nodes[caller].named.end();
      s.reasons.push_back(caller + (named ? " reports errors naming " + service
                                          : anomalous(service) ? " calls it and is failing"
                                                               : " calls it and is failing, and it was deployed"));
    }
    double handed = 0;
    for (const auto& [dep, mass] : n.handed) {
      s.signals.push_back({"handed_on", dep, mass, 0, -mass});
      handed += mass;
    }
    if (handed > 0) s.reasons.push_back("its failure is partly explained by its dependencies");
    best = std::max(best, s.score);
    out.push_back(std::move(s));
  }
  for (auto& s : out) s.score = best > 0 ? s.score / best * (out.size() == 1 ? 0.9 : 1.0) : 0;
  std::sort(out.begin(), out.end(), [](const model::Suspect& a, const model::Suspect& b) {
    return a.score != b.score ? a.score > b.score : a.service < b.service;
  });
  return out;
}

}  // namespace quell::analysis::topology
