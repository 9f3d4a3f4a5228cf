#include "model/silence.h"

#include <cctype>
#include <string>

namespace quell::model {

const char* MatchOpName(MatchOp op) {
  switch (op) {
    case MatchOp::kEqual:
      return "=";
    case MatchOp::kNotEqual:
      return "!=";
    case MatchOp::kRegex:
      return "=~";
    case MatchOp::kNotRegex:
      return "!~";
  }
  return "=";
}

std::optional<MatchOp> ParseMatchOp(std::string_view text) {
  for (MatchOp op : {MatchOp::kEqual, MatchOp::kNotEqual, MatchOp::kRegex, MatchOp::kNotRegex})
    if (text == MatchOpName(op)) return op;
  return std::nullopt;
}

const char* SilenceStateName(SilenceState state) {
  switch (state) {
    case SilenceState::kPending:
      return "pending";
    case SilenceState::kActive:
      return "active";
    case SilenceState::kExpired:
      return "expired";
  }
  return "expired";
}

namespace {
constexpr const char* kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                     "friday", "saturday", "sunday"};
}  // namespace

const char* WeekdayName(int weekday) {
  static constexpr const char* kShort[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  return weekday >= 0 && weekday < 7 ? kShort[weekday] : "?";
}

std::optional<int> ParseWeekday(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int d = 0; d < 7; ++d) {
    const std::string_view full = kWeekdays[d];
    if (lower == full || lower == full.substr(0, 3)) return d;
  }
  return std::nullopt;
}

}  // namespace quell::model
