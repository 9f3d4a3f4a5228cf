// Silence: Alertmanager-style muting by label matchers. A silence holds matchers, a time window
// and who made it and why; a firing alert that all of an active silence's matchers match is
// stored and grouped as usual but notifies nobody. Plain data, no I/O (matching, which needs
// RE2, is engine/silence_matcher.h).
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

struct Silence {
  std::string id;                 // random, URL-safe
  std::vector<Matcher> matchers;  // never empty; all must match
  TimeMs starts_at = 0;
  TimeMs ends_at = 0;  // after starts_at
  std::string comment;
  std::string created_by;
  TimeMs created_at = 0;
  bool operator==(const Silence&) const = default;
};

// Pending before starts_at, active in [starts_at, ends_at), expired from ends_at on.
enum class SilenceState { kPending, kActive, kExpired };
const char* SilenceStateName(SilenceState state);  // "pending", "active", "expired"
SilenceState SilenceStateAt(const Silence& silence, TimeMs now);

}  // namespace quell::model
