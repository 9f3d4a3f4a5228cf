#include "analysis/confidence_calibration.h"

#include <cmath>

#include <gtest/gtest.h>

namespace quell::analysis {
namespace {

double LogLoss(const std::vector<ScoredOutcome>& outcomes, const ConfidenceCalibration& c) {
  double loss = 0;
  for (const auto& o : outcomes) {
    const double p = Calibrate(o.score, c);
    loss -= o.right ? std::log(p) : std::log(1 - p);
  }
  return loss;
}

TEST(ConfidenceCalibration, IdentityKeepsTheScoreWithinBounds) {
  const ConfidenceCalibration identity;
  EXPECT_NEAR(Calibrate(0.3, identity), 0.3, 1e-9);
  EXPECT_NEAR(Calibrate(0.8, identity), 0.8, 1e-9);
  EXPECT_DOUBLE_EQ(Calibrate(0.0, identity), 0.05);
  EXPECT_DOUBLE_EQ(Calibrate(1.0, identity), 0.95);
}

TEST(ConfidenceCalibration, ScoresAboveTheFittedRangeAreHeldBelowItTheCurveFalls) {
  const ConfidenceCalibration c{2.0, 0.5, 0.4, 0.7};
  EXPECT_DOUBLE_EQ(Calibrate(0.9, c), Calibrate(0.7, c));
  EXPECT_LT(Calibrate(0.5, c), Calibrate(0.6, c));  // monotone inside
  EXPECT_LT(Calibrate(0.2, c), Calibrate(0.4, c));
  EXPECT_LT(Calibrate(0.2, c), 0.2);  // no evidence stays unsure
}

TEST(ConfidenceCalibration, FitLearnsThatScoresAreTooLow) {
  // Scores around 0.5-0.6 that are right 9 times in 10, and 0.4 that is right 1 time in 3.
  std::vector<ScoredOutcome> outcomes;
  for (int i = 0; i < 20; ++i) outcomes.push_back({i % 2 ? 0.5 : 0.6, i % 10 != 0});
  for (int i = 0; i < 9; ++i) outcomes.push_back({0.4, i % 3 == 0});
  const ConfidenceCalibration fit = FitCalibration(outcomes);
  EXPECT_GT(Calibrate(0.55, fit), 0.75);
  EXPECT_LT(Calibrate(0.4, fit), Calibrate(0.55, fit) - 0.2);
  // A lighter ridge follows the cases further: the 0.4s fall toward their 1 in 3.
  const ConfidenceCalibration light = FitCalibration(outcomes, 0.01);
  EXPECT_LT(Calibrate(0.4, light), Calibrate(0.4, fit));
  EXPECT_LT(Calibrate(0.4, light), 0.5);
  EXPECT_DOUBLE_EQ(fit.min_score, 0.4);
  EXPECT_DOUBLE_EQ(fit.max_score, 0.6);
  EXPECT_LT(LogLoss(outcomes, fit), LogLoss(outcomes, ConfidenceCalibration{}));
}

TEST(ConfidenceCalibration, ARidgeKeepsAFewCasesFromBendingTheCurveFar) {
  // Two cases alone would drive an unregularised fit to infinity.
  const ConfidenceCalibration fit = FitCalibration({{0.4, false}, {0.6, true}});
  EXPECT_TRUE(std::isfinite(fit.slope) && std::isfinite(fit.intercept));
  EXPECT_LT(fit.slope, 3);
  EXPECT_EQ(FitCalibration({}).slope, 1);
}

}  // namespace
}  // namespace quell::analysis
