#include "analysis/confidence_calibration.h"

#include <algorithm>
#include <cmath>

namespace quell::analysis {
namespace {

double Logit(double p) {
  p = std::clamp(p, 1e-6, 1 - 1e-6);
  return std::log(p / (1 - p));
}

double Logistic(double x) { return 1 / (1 + std::exp(-x)); }

}  // namespace

double Calibrate(double score, const ConfidenceCalibration& c) {
  // Above the fitted range the curve is not followed (it would claim what no case showed);
  // below it, it is: it only falls, and being less sure where nothing was measured is safe.
  const double held = std::min(score, c.max_score);
  return std::clamp(Logistic(c.slope * Logit(held) + c.intercept), 0.05, 0.95);
}

ConfidenceCalibration FitCalibration(const std::vector<ScoredOutcome>& outcomes, double ridge) {
  ConfidenceCalibration c;
  if (outcomes.empty()) return c;
  double& a = c.slope;
  double& b = c.intercept;
  for (int it = 0; it < 100; ++it) {
    // Gradient and Hessian of the negative log-likelihood plus ridge/2 ((a-1)^2 + b^2).
    double ga = ridge * (a - 1), gb = ridge * b, haa = ridge, hab = 0, hbb = ridge;
    for (const auto& o : outcomes) {
      const double x = Logit(o.score), p = Logistic(a * x + b), w = p * (1 - p);
      ga += (p - o.right) * x, gb += p - o.right;
      haa += w * x * x, hab += w * x, hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da, b -= db;
    if (std::abs(da) + std::abs(db) < 1e-12) break;
  }
  const auto [lo, hi] = std::minmax_element(outcomes.begin(), outcomes.end(),
                                            [](const auto& x, const auto& y) { return x.score < y.score; });
  c.min_score = lo->score;
  c.max_score = hi->score;
  return c;
}

}  // namespace quell::analysis
