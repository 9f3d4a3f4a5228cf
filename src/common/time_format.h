// RFC 3339 timestamps <-> TimeMs, and the flexible timestamp rules of the ingest formats.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace quell {

// Formats as "2026-11-24T05:12:02.793Z" (UTC, milliseconds).
std::string FormatRfc3339(TimeMs t);

// The instants Quell accepts: RFC 3339's years, 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
inline constexpr TimeMs kMinTimeMs = -62'167'219'200'000;
inline constexpr TimeMs kMaxTimeMs = 253'402'300'799'999;

// Parses RFC 3339 with optional fraction and a Z or ±hh:mm offset. Rejects anything else, and
// dates and times that do not exist (2026-02-31, 24:00, 12:61, offset +25:00): InvalidArgument
// saying what is wrong (no field: the caller names it); kNotRfc3339 when the syntax is wrong.
Result<TimeMs> ParseRfc3339(std::string_view text);
inline constexpr std::string_view kNotRfc3339 = "not an RFC 3339 timestamp";

// Epoch numbers: magnitudes above 1e11 are taken as milliseconds, otherwise seconds. Values that
// are not finite or fall outside kMinTimeMs..kMaxTimeMs are InvalidArgument (no field).
Result<TimeMs> EpochNumberToMs(double value);

// "90s", "30m", "24h", "7d", "1500ms" or a plain number of seconds; at most kMaxDurationMs.
inline constexpr TimeMs kMaxDurationMs = 100LL * 365 * 24 * kHourMs;
Result<TimeMs> ParseDuration(std::string_view text);
// The inverse of ParseDuration for 0 <= d <= kMaxDurationMs: the largest unit that divides d
// ("30m", "90s", "1500ms"); days only from 2 days ("24h", "7d"), as people write them.
std::string FormatDuration(TimeMs d);

}  // namespace quell
