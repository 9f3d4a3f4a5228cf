// The failure knowledge base: patterns of common failures (timeouts, connection-pool exhaustion,
// out of memory, disk full, expired certificates, DNS, rate limits, deadlocks, bad configuration,
// a dependency down, crash loops, slow queries, ...) mapped to a root-cause hypothesis and
// recommended actions. Shipped as data (data/knowledge/failures.json, compiled in) and
// extensible: a user file adds rules or replaces rules with the same id.
//
// Rule JSON: {id, name, text: [RE2 patterns over error texts and log templates],
// exceptions: [RE2 patterns over exception types], metrics: [{name, op: ">"|"<", value}],
// weight (0..1), root_cause, impact, actions: [templates], severity}. Templates may use
// {service}, {dependency}, {Dependency} (display name), {deploy}, {after_deploy}
// (" after deployment #441" or nothing), {exception} and {latency_note}; an action that names
// {deploy} is dropped when no deploy is suspected. Immutable after construction; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/alert.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace quell::analysis::rules {

struct MetricCondition {
  std::string name;  // matches metric names containing it ("latency" matches "p99_latency_ms")
  bool greater = true;
  double value = 0;
};

struct FailureRule {
  std::string id;
  std::string name;
  std::vector<std::shared_ptr<const re2::RE2>> text;
  std::vector<std::shared_ptr<const re2::RE2>> exceptions;
  std::vector<MetricCondition> metrics;
  double weight = 0.5;
  std::string root_cause;
  std::string impact;
  std::vector<std::string> actions;
  model::Severity severity = model::Severity::kUnknown;
};

// What the analyst observed, as the rules read it.
struct Signals {
  std::string service;                       // the service showing the symptoms
  std::vector<std::string> texts;            // error messages, alert names, log templates
  std::vector<std::string> exception_types;
  model::Metrics metrics;
  std::string dependency;                    // the suspected dependency, if any ("redis")
  std::string deploy;                        // the suspected deploy id, if any ("441")
};

struct Hypothesis {
  std::string rule_id;
  std::string root_cause;
  std::string impact;
  std::vector<std::string> actions;
  model::Severity severity = model::Severity::kUnknown;
  double score = 0;                    // weight x how much of the rule matched
  std::vector<std::string> matched;    // what matched, for the evidence list
};

class FailureRules {
 public:
  // Parses a rules document; errors name the rule and field ("rules[3].text[0]: bad regex").
  static Result<FailureRules> Parse(std::string_view json);
  // The rules shipped with Quell.
  static const FailureRules& Defaults();

  // Adds `other`'s rules; a rule with an existing id replaces it.
  void Merge(const FailureRules& other);
  const std::vector<FailureRule>& rules() const { return rules_; }

  // Matching rules, best first.
  std::vector<Hypothesis> Match(const Signals& signals) const;

 private:
  std::vector<FailureRule> rules_;
};

// "redis" -> "Redis", "postgres" -> "PostgreSQL"; other names unchanged.
std::string DependencyDisplayName(std::string_view name);

// The embedded copy of data/knowledge/failures.json.
std::string_view DefaultRulesJson();

}  // namespace quell::analysis::rules
