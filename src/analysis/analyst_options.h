// The built-in analyst's tunable parameters, in one place. The defaults are the values chosen by
// cross-validation on the development incident sets (bench/analyst_cv_bench.cc prints the grid,
// the leave-one-set-out choice and the held-out scores); change them only with a new run of it.
// Plain data.
#pragma once

#include "analysis/confidence_calibration.h"
#include "common/clock.h"

namespace quell::analysis {

struct AnalystOptions {
  // Share of a caller's inheritable anomaly (latency, errors: what a slow or failing dependency
  // causes) handed on to the dependencies that explain it. Resource saturation is never handed on.
  double propagate = 0.7;
  // Weight of a quiet dependency that was deployed recently, against 1 for a dependency that
  // shows its own anomaly, when a caller's anomaly is handed on.
  double changed_dependency_weight = 0.5;
  // A dependency whose first anomaly comes this much after its caller's still explains it
  // (alert rules evaluate once a minute or so; clocks and scrape intervals differ).
  TimeMs skew_ms = 30'000;
  // A deploy's new-version instances must look this much worse (mean anomaly strength, 0..1.5)
  // than the same service's old-version instances for the deploy to be blamed for them.
  double version_contrast = 0.25;
  // Extra share of its score for the service whose own anomaly began first (ties included),
  // when another service's began later: the origin of a cascade usually shows first, and the
  // call graph a sender gives is often incomplete. 0 turns it off.
  double onset_weight = 1.0;
  // Weight of an alert whose condition held for a single evaluation (a blip: a cold start).
  double blip_weight = 0.25;
  // Weight of an alert that fired in the incident window and has resolved since.
  double resolved_weight = 1.0;
  // Sentences describing a change needed before the analyst calls an incident change-induced
  // when no deploy is recorded (texts of post-mortems and alerts).
  int change_sentences = 1;
  // Maps the evidence score to a confidence (confidence_calibration.h). Fitted by
  // bench/analyst_cv_bench.cc on the ranking sets' specific diagnoses (Platt scaling).
  ConfidenceCalibration calibration = {2.431, 0.829, 0.422, 0.627};
};

}  // namespace quell::analysis
