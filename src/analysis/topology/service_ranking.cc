#include "analysis/topology/service_ranking.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace quell::analysis::topology {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

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

struct Score {
  double own = 0;
  double blame = 0;
  bool has_failing_dependency = false;
  std::vector<std::string> blamed;  // the dependencies its errors point at
  std::vector<std::string> reasons;
};

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
  const std::string lower = Lower(text);
  std::set<std::string> found;
  for (const auto& name : known_services)
    if (ContainsWord(lower, Lower(name))) found.insert(name);
  for (const auto& name : WellKnownDependencies()) {
    if (!ContainsWord(lower, name)) continue;
    // Prefer the topology's own spelling ("redis-cache") when it contains the well-known name.
    bool covered = false;
    for (const auto& service : known_services)
      if (Lower(service).find(name) != std::string::npos && found.count(service)) covered = true;
    if (!covered) found.insert(name == "postgresql" ? "postgres" : name == "mongo" ? "mongodb" : name);
  }
  return {found.begin(), found.end()};
}

std::vector<model::Suspect> RankServices(const std::vector<ServiceSignals>& signals,
                                         const model::Topology& topology) {
  std::vector<std::string> known;
  for (const auto& [service, deps] : topology.depends_on()) {
    known.push_back(service);
    known.insert(known.end(), deps.begin(), deps.end());
  }
  for (const auto& s : signals) known.push_back(s.service);
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());

  std::map<std::string, Score> scores;
  std::set<std::string> failing;
  TimeMs earliest = 0;
  for (const auto& s : signals) {
    if (s.alerts > 0 || s.error_logs > 0) failing.insert(s.service);
    if (s.first_error_at > 0 && (earliest == 0 || s.first_error_at < earliest))
      earliest = s.first_error_at;
  }
  // Own symptoms: alerts weigh most, error volume grows slowly (log scale).
  for (const auto& s : signals) {
    Score& score = scores[s.service];
    score.own = 1.0 * s.alerts + 0.5 * std::log1p(s.error_logs) + 0.5 * s.new_error_templates;
    if (s.alerts > 0)
      score.reasons.push_back(std::to_string(s.alerts) + " alert(s) firing");
    if (s.error_logs > 0) score.reasons.push_back(std::to_string(s.error_logs) + " error log line(s)");
    if (s.new_error_templates > 0)
      score.reasons.push_back(std::to_string(s.new_error_templates) + " new error template(s)");
    if (s.first_error_at > 0 && s.first_error_at == earliest && failing.size() > 1) {
      score.own += 0.5;
      score.reasons.push_back("first service to fail");
    }
  }
  // Blame flows from each failing caller to the dependencies behind its errors.
  for (const auto& s : signals) {
    if (!failing.count(s.service)) continue;
    std::set<std::string> blamed;
    for (const auto& text : s.texts)
      for (const auto& dep : NamedDependencies(text, known))
        if (dep != s.service) blamed.insert(dep);
    std::set<std::string> calls;
    for (const auto& dep : topology.DependenciesOf(s.service)) calls.insert(dep);
    for (const auto& dep : calls)
      if (failing.count(dep)) blamed.insert(dep);
    const double caller_weight = 1.0 + 0.5 * std::log1p(s.error_logs) + s.alerts;
    for (const auto& dep : blamed) {
      Score& target = scores[dep];
      const bool named = std::any_of(s.texts.begin(), s.texts.end(), [&](const std::string& t) {
        auto named_deps = NamedDependencies(t, known);
        return std::find(named_deps.begin(), named_deps.end(), dep) != named_deps.end();
      });
      target.blame += caller_weight * (named ? 1.0 : 0.7);
      target.reasons.push_back(s.service + (named ? " reports errors naming " + dep
                                                  : " depends on it and is failing"));
      if (failing.count(dep) || named) scores[s.service].has_failing_dependency = true;
      scores[s.service].blamed.push_back(dep);
    }
  }
  // A caller whose errors are explained by a dependency passes on most of the blame it
  // received itself, so a chain checkout -> api -> redis points at redis. A few rounds cover
  // realistic depths; cycles lose blame each round and settle.
  for (int round = 0; round < 4; ++round) {
    for (auto& [service, score] : scores) {
      if (!score.has_failing_dependency || score.blamed.empty() || score.blame <= 0) continue;
      const double moved = score.blame * 0.7;
      score.blame -= moved;
      for (const auto& dep : score.blamed)
        scores[dep].blame += moved / static_cast<double>(score.blamed.size());
    }
  }
  std::vector<model::Suspect> out;
  double best = 0;
  for (auto& [service, score] : scores) {
    double own = score.own;
    if (score.has_failing_dependency) {
      own *= 0.4;  // its errors are explained by a dependency
      score.reasons.push_back("its errors are explained by a failing dependency");
    }
    double total = own + score.blame;
    if (total <= 0) continue;
    best = std::max(best, total);
    out.push_back({"", service, total, std::move(score.reasons)});
  }
  for (auto& s : out) s.score = best > 0 ? s.score / best * (out.size() == 1 ? 0.9 : 1.0) : 0;
  std::sort(out.begin(), out.end(), [](const model::Suspect& a, const model::Suspect& b) {
    return a.score != b.score ? a.score > b.score : a.service < b.service;
  });
  return out;
}

}  // namespace quell::analysis::topology
