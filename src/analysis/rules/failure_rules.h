// The failure knowledge base: patterns of common failures (timeouts, connection-pool exhaustion,
// out of memory, disk full, expired certificates, DNS, rate limits, deadlocks, lock contention,
// bad configuration, a dependency down, a slow upstream behind a proxy, crash loops, slow
// queries, ...) mapped to a root-cause hypothesis and recommended actions. Shipped as data
// (data/knowledge/failures.json, compiled in) and extensible: a user file adds rules or replaces
// rules with the same id.
//
// Rule JSON: {id, name, evidence: [group], generic: [RE2 patterns], supporting_metrics:
// [{name, op: ">"|"<", value}], supported_by_deploy: bool, symptom: bool, weight (0..1),
// root_cause, impact, actions: [templates], severity}.
//   A group is what the rule needs to be diagnosed: {why, text: [RE2 over error texts and log
//   templates], exceptions: [RE2 over exception types], metrics: [conditions], specificity
//   (0..1)}. Every kind the group lists must hold (a text pattern matches one text, an exception
//   pattern one exception type, and every metric condition holds). `specificity` says how much
//   the group singles out this failure: 0.95 for a message only this failure writes ("canceling
//   statement due to statement timeout"), ~0.75 for a combination that points at it, 0.5 for a
//   metric alone.
//   `generic` patterns are words many failures share ("timeout"): a rule matched only through
//   them is a generic diagnosis (specificity 0.3, Hypothesis::generic).
//   Legacy fields still load: `text` and `exceptions` are one group each (specificity 0.75),
//   `metrics` support the rule and alone are a group (specificity 0.45).
// The more specific reading of a text wins: a text that a group of specificity s matches counts
// for another group only when that group's specificity is at least s (a statement timeout is a
// slow query, not a pool timing out; "timeout" in it is not a generic timeout). Groups whose
// other conditions fail do not claim texts.
// Score = weight x min(1, specificity + 0.15 if a supporting metric holds + 0.1 if
// supported_by_deploy and a deploy is suspected). Specific hypotheses rank before generic ones,
// and causes before `symptom` rules: a rule for how many failures show (a crash loop) yields to
// a specific cause that holds too (bad configuration, out of memory, a code defect).
//
// Templates may use {service}, {dependency}, {Dependency} (display name), {deploy},
// {after_deploy} (" after deployment #441" or nothing), {exception} (the exception type, or the
// first group a text pattern captured), {latency_note}; {Dependency|fallback} renders the
// fallback when no dependency is known. An action that names {deploy} is dropped when no deploy
// is suspected. Immutable after construction; thread-safe.
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

// One way of recognising a failure; every kind listed must hold.
struct EvidenceGroup {
  std::string why;  // what this evidence means, for the analysis ("a named pool cannot ...")
  std::vector<std::shared_ptr<const re2::RE2>> text;
  std::vector<std::shared_ptr<const re2::RE2>> exceptions;
  std::vector<MetricCondition> metrics;
  double specificity = 0.75;
  bool generic = false;
  std::shared_ptr<const re2::RE2> text_any;  // `text` as one alternation (set by Parse)
};

// Specificity of a match on generic words only, and of a legacy metric-only rule.
inline constexpr double kGenericSpecificity = 0.3;
inline constexpr double kLegacyMetricSpecificity = 0.45;

struct FailureRule {
  std::string id;
  std::string name;
  std::vector<EvidenceGroup> evidence;  // generic patterns are the last group, generic = true
  std::vector<MetricCondition> supporting_metrics;
  bool supported_by_deploy = false;
  bool symptom = false;  // how other failures show; ranks after the causes that hold
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
  double score = 0;                    // weight x (specificity + support)
  double specificity = 0;              // of the best group that held
  bool generic = false;                // only generic words matched
  bool symptom = false;                // the rule describes a symptom, not a cause
  std::string why;                     // that group's meaning
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

  // Matching rules: specific ones first, causes before symptoms, then by score.
  std::vector<Hypothesis> Match(const Signals& signals) const;

 private:
  std::vector<FailureRule> rules_;
};

// "redis" -> "Redis", "postgres" -> "PostgreSQL"; other names unchanged.
std::string DependencyDisplayName(std::string_view name);

// The embedded copy of data/knowledge/failures.json.
std::string_view DefaultRulesJson();

}  // namespace quell::analysis::rules
