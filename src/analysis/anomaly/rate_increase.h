// Is a count in a window significantly above what a baseline rate predicts? A one-sided Poisson
// test: the baseline's rate (with half an event added, so a template never seen in a long
// baseline still has a small expected rate) times the window's length is the expected count;
// the increase is significant when seeing at least `observed` events has probability < alpha.
// Used for log templates (surging, new) against the same service's lines before the incident.
// Pure.
#pragma once

#include <cstdint>

namespace quell::analysis::anomaly {

// P(X >= observed) for X ~ Poisson(expected).
double PoissonUpperTail(uint64_t observed, double expected);

bool SignificantIncrease(uint64_t window_count, double window_minutes, uint64_t baseline_count,
                         double baseline_minutes, double alpha = 1e-3);

}  // namespace quell::analysis::anomaly
