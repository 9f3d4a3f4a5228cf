// An alert's identity: the fingerprints adapters set when the sender gives none of its own
// (GenericFingerprint) or when the sender is Alertmanager-shaped (AlertmanagerFingerprint), and
// the masking of variable text both identity and evidence use. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "model/alert.h"

namespace quell::model {

// Replaces every word that contains a digit (numbers, ids, hex, IPs, durations like 4200ms) with
// "#", so that "timeout after 4200ms on redis-3" and "timeout after 310ms on redis-7" match.
std::string MaskVariableText(std::string_view text);

// The generic fingerprint: XXH3-64, as 16 hex digits, over
//   "v1" | service | environment | (name, or the masked message when there is no name) |
//   labels sorted by key as key=value
// joined with a 0x1F separator. Severity, annotations, metrics, timestamps, status and the deploy
// do not change identity.
std::string GenericFingerprint(const NormalizedAlert& alert);

// Alertmanager's own fingerprint: "%016x" of FNV-1a 64 over "name\xffvalue\xff" for each label
// sorted by name; labels with empty values are ignored (as Alertmanager does).
std::string AlertmanagerFingerprint(const Labels& labels);

}  // namespace quell::model
