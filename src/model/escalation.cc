#include "model/escalation.h"

namespace quell::model {

TimeMs EscalationPolicy::StepDueAt(size_t n, TimeMs anchor) const {
  if (steps.empty()) return anchor;
  const size_t round = n / steps.size();
  const TimeMs round_length = steps.back().after_ms + repeat_after_ms;
  return anchor + static_cast<TimeMs>(round) * round_length + steps[n % steps.size()].after_ms;
}

}  // namespace quell::model
