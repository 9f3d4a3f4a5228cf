// The built-in analyst: deterministic, no model. From an EvidencePack it
//  1. scores each alert's anomaly against its own baseline (anomaly/alert_anomaly.h) and counts
//     log templates only when they are new or surge against the service's baseline,
//  2. ranks root-cause services by handing inherited anomaly down the call graph
//     (topology/service_ranking.h),
//  3. ranks deploy suspects (deploys/deploy_correlation.h) by new- against old-version
//     instances, the service ranking and timing, including deploys the alerts name,
//  4. when no deploy is recorded, reads change cues in the texts (change_cues.h),
//  5. matches the failure knowledge base (rules/failure_rules.h) with the symptoms' texts,
//     exception types and metrics, the suspected dependency and the suspected deploy,
//  6. assesses severity (rules/severity_rules.h),
//  7. adds what fixed similar past incidents,
// and combines them into one Analysis whose every claim lists its evidence.
//
// Confidence starts as an evidence score: 0.2 + 0.45 x (top hypothesis score) + 0.15 x agreement
// + 0.1 x evidence coverage - 0.2 x ambiguity, where agreement is how well the service ranking
// and the deploy ranking support the hypothesis (its dependency is the top service suspect; a
// deploy suspect scores >= 0.4), coverage is min(1, kinds of evidence / 4), and ambiguity is how
// close the runner-up hypothesis (from another rule) comes to the top one. The score is then
// mapped by the calibration in AnalystOptions (confidence_calibration.h), fitted on labelled
// incidents, to the share of alike-scored incidents whose root cause was right. A diagnosis on
// generic words only is capped at kGenericConfidence after that: the service may be right, but
// the cause names no specific failure, and no labelled data scores the cause.
// Thread-compatible.
#pragma once

#include <string_view>

#include "analysis/analyst.h"
#include "analysis/analyst_options.h"
#include "analysis/rules/failure_rules.h"

namespace quell::analysis {

// A deploy suspect scoring this much or more is the prime suspect: the root cause names it and
// rolling it back comes first. A deploy of the root service about 20 minutes before its first
// anomaly reaches it (0.45 x 0.5 when its version cannot be told apart + 0.15 x 0.5 for timing).
inline constexpr double kPrimeDeployScore = 0.3;

// The highest confidence of a diagnosis that matched only generic words ("timeout"): many
// failures write them, so it is a lead, not an answer.
inline constexpr double kGenericConfidence = 0.35;

// How the root cause of a generic-only diagnosis begins.
inline constexpr std::string_view kGenericCausePrefix = "Possibly (generic evidence only): ";

// Whether the built-in analysis diagnosed on generic words only.
bool IsGenericDiagnosis(const model::Analysis& analysis);

// The knowledge-base rule the analysis diagnosed (the ref of its "knowledge" evidence), or ""
// when no rule was used.
std::string DiagnosedRule(const model::Analysis& analysis);

class BuiltinAnalyst final : public Analyst {
 public:
  explicit BuiltinAnalyst(const rules::FailureRules& rules = rules::FailureRules::Defaults(),
                          AnalystOptions options = {})
      : rules_(rules), options_(options) {}
  Result<model::Analysis> Analyze(const EvidencePack& pack) override;

 private:
  const rules::FailureRules& rules_;
  AnalystOptions options_;
};

}  // namespace quell::analysis
