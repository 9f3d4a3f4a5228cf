// Alert identity for senders that do not give their own fingerprint, and the group key that
// decides which alerts share an incident. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/alert.h"

namespace quell::engine {

// Replaces every word that contains a digit (numbers, ids, hex, IPs, durations like 4200ms) with
// "#", so that "timeout after 4200ms on redis-3" and "timeout after 310ms on redis-7" match.
std::string MaskVariableText(std::string_view text);

// The generic fingerprint: XXH3-64, as 16 hex digits, over
//   "v1" | service | environment | (name, or the masked message when there is no name) |
//   labels sorted by key as key=value
// joined with a 0x1F separator. Severity, annotations, metrics, timestamps, status and the deploy
// do not change identity.
std::string GenericFingerprint(const model::NormalizedAlert& alert);

// The value of one group_by field for an alert: "service", "environment", "name", "source", or
// any label name (also written "labels.NAME"). Missing values are empty.
std::string GroupFieldValue(const model::NormalizedAlert& alert, std::string_view field);

// "service=api-gateway|environment=prod" for group_by {service, environment}.
std::string GroupKey(const model::NormalizedAlert& alert, const std::vector<std::string>& group_by);

}  // namespace quell::engine
