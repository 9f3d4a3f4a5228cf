// Silence: Alertmanager-style muting by label matchers. A silence holds matchers, a time window
// and who made it and why; a firing alert that all of an active silence's matchers match is
// stored and grouped as usual but notifies nobody. A maintenance window is a silence with a
// weekly schedule in a time zone: it silences only inside its windows. Plain data, no I/O
// (matching, which needs RE2, is engine/silence_matcher.h; when a schedule's windows fall, which
// needs the time zone database, is oncall/weekly_windows.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace quell::model {

// = equal, != not equal, =~ matches the regex, !~ does not (regexes anchored at both ends).
enum class MatchOp { kEqual, kNotEqual, kRegex, kNotRegex };
const char* MatchOpName(MatchOp op);  // "=", "!=", "=~", "!~"
std::optional<MatchOp> ParseMatchOp(std::string_view text);

// `name` is service, environment, name, severity, source or any label of the alert.
struct Matcher {
  std::string name;
  MatchOp op = MatchOp::kEqual;
  std::string value;
  bool operator==(const Matcher&) const = default;
};

// One weekly window: every `weekday` at `start_minute` on the schedule's wall clock, for
// `duration_ms` (an exact duration: a window over a change of summer time ends an hour later or
// earlier on the wall clock).
struct WeeklyWindow {
  int weekday = 0;         // 0 = Monday ... 6 = Sunday
  int start_minute = 0;    // minutes after local midnight, 0..1439
  TimeMs duration_ms = 0;  // > 0, at most 7 days
  bool operator==(const WeeklyWindow&) const = default;
};

// A recurring maintenance schedule: windows that overlap or touch count as one.
struct SilenceSchedule {
  std::string time_zone;             // IANA name, e.g. "Europe/Berlin"
  std::vector<WeeklyWindow> weekly;  // never empty
  bool operator==(const SilenceSchedule&) const = default;
};

struct Silence {
  std::string id;                 // random, URL-safe (a config-defined one: its name)
  std::vector<Matcher> matchers;  // never empty; all must match
  // Without a schedule, the silence is active in [starts_at, ends_at). With one, these bound
  // its windows (starts_at 0: since ever; ends_at kMaxTimeMs: for ever).
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // after starts_at
  std::optional<SilenceSchedule> schedule;
  std::string comment;
  std::string created_by;
  TimeMs created_at = 0;
  bool operator==(const Silence&) const = default;
};

// Active inside a window, pending while a window is ahead, expired when none is left.
enum class SilenceState { kPending, kActive, kExpired };
const char* SilenceStateName(SilenceState state);  // "pending", "active", "expired"

// What a silence does at some instant (engine/silence_window.h computes it): its state and the
// window in force then, else the next one (both 0 when expired). Without a schedule the window
// is [starts_at, ends_at).
struct SilenceActivity {
  SilenceState state = SilenceState::kExpired;
  TimeMs window_starts_at = 0;
  TimeMs window_ends_at = 0;
  bool operator==(const SilenceActivity&) const = default;
};

// "mon" ... "sun" for 0 ... 6; ParseWeekday also takes full English names, any case.
const char* WeekdayName(int weekday);
std::optional<int> ParseWeekday(std::string_view text);

}  // namespace quell::model
