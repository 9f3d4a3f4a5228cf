#include "analysis/anomaly/rate_increase.h"

#include <algorithm>
#include <cmath>

namespace quell::analysis::anomaly {

double PoissonUpperTail(uint64_t observed, double expected) {
  if (observed == 0) return 1.0;
  if (expected <= 0) return 0.0;
  // 1 - P(X <= observed - 1), summing the pmf in log space (stable for large counts).
  double cdf = 0;
  double log_pmf = -expected;  // k = 0
  for (uint64_t k = 0; k < observed; ++k) {
    cdf += std::exp(log_pmf);
    log_pmf += std::log(expected) - std::log(static_cast<double>(k + 1));
    if (cdf >= 1.0) return 0.0;
    if (k > expected && std::exp(log_pmf) < 1e-18) break;  // the rest of the mass is negligible
  }
  return std::clamp(1.0 - cdf, 0.0, 1.0);
}

bool SignificantIncrease(uint64_t window_count, double window_minutes, uint64_t baseline_count,
                         double baseline_minutes, double alpha) {
  if (window_minutes <= 0 || baseline_minutes <= 0) return false;
  const double rate = (static_cast<double>(baseline_count) + 0.5) / baseline_minutes;
  return PoissonUpperTail(window_count, rate * window_minutes) < alpha;
}

}  // namespace quell::analysis::anomaly
