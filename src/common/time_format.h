// RFC 3339 timestamps <-> TimeMs, and the flexible timestamp rules of the ingest formats.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace quell {

// Formats as "2026-11-24T05:12:02.793Z" (UTC, milliseconds).
std::string FormatRfc3339(TimeMs t);

// Parses RFC 3339 with optional fraction and a Z or ±hh:mm offset. Rejects anything else.
Result<TimeMs> ParseRfc3339(std::string_view text);

// Epoch numbers: values above 1e11 are taken as milliseconds, otherwise seconds.
TimeMs EpochNumberToMs(double value);

// "90s", "30m", "24h", "7d", "1500ms" or a plain number of seconds; at most kMaxDurationMs.
inline constexpr TimeMs kMaxDurationMs = 100LL * 365 * 24 * kHourMs;
Result<TimeMs> ParseDuration(std::string_view text);

}  // namespace quell
