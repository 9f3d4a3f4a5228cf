// LogEntry: one log record of a service as Quell stores it. A multi-line stack trace is one
// entry. Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace quell::model {

struct LogEntry {
  int64_t id = 0;
  std::string service;
  TimeMs ts = 0;
  std::string level;
  std::string message;
  uint64_t template_id = 0;  // the mined template (0: not mined)
};

// How severe a log level is, in any letter case and the usual spellings: 5 fatal (critical,
// crit, panic, emergency, alert, F), 4 error (err, severe, E), 3 warning (warn, W), 2 info
// (notice, I), 1 anything else (debug, trace, unknown).
int LogLevelRank(std::string_view level);
// Error or worse (rank >= 4).
inline bool IsErrorLevel(std::string_view level) { return LogLevelRank(level) >= 4; }

}  // namespace quell::model
