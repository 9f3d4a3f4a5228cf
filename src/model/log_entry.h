// LogEntry: one log record of a service as Quell stores it. A multi-line stack trace is one
// entry. Plain data.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace quell::model
