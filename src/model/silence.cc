#include "model/silence.h"

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

SilenceState SilenceStateAt(const Silence& silence, TimeMs now) {
  if (now < silence.starts_at) return SilenceState::kPending;
  return now < silence.ends_at ? SilenceState::kActive : SilenceState::kExpired;
}

}  // namespace quell::model
