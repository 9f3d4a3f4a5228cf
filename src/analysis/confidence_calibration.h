// Turns the analyst's evidence score into a confidence that means something: the share of
// incidents, among those scored alike, whose named root cause (service, deploy) was right.
// Platt scaling (a logistic curve in logit space) fitted on labelled incidents by
// bench/analyst_cv_bench.cc, which prints the fit and its held-out reliability table.
// Plain data and pure functions.
#pragma once

#include <vector>

namespace quell::analysis {

struct ConfidenceCalibration {
  // confidence = logistic(slope x logit(score) + intercept). slope 1, intercept 0 is the identity.
  double slope = 1;
  double intercept = 0;
  // The range of scores the fit saw. A score above it is held at max_score: nothing says the
  // curve keeps rising there. Below it the curve is followed, as it only lowers the confidence.
  double min_score = 0.05;
  double max_score = 0.95;
};

// The calibrated confidence of an evidence score in [0, 1], clamped to [0.05, 0.95]: the analyst
// is never certain either way.
double Calibrate(double score, const ConfidenceCalibration& calibration);

struct ScoredOutcome {
  double score;  // the evidence score, before calibration
  bool right;    // whether the root cause it came with was right
};

// The default ridge: chosen by leave-one-set-out calibration error in bench/analyst_cv_bench.cc.
inline constexpr double kCalibrationRidge = 1.0;

// Fits slope and intercept by maximum likelihood (Newton's method) with a ridge of the given
// weight (> 0) pulling toward the identity, so that a few cases cannot bend the curve far; the
// range is that of the scores. Returns the identity for an empty set.
ConfidenceCalibration FitCalibration(const std::vector<ScoredOutcome>& outcomes,
                                     double ridge = kCalibrationRidge);

}  // namespace quell::analysis
