// Header detection for raw log lines when no format is given.
//
// Recognises the usual line prefixes: timestamps and dates in their common spellings, month and
// weekday names, log levels, numbers (pids, sequence ids), node/host names with digits,
// bracketed thread or component names, "-" and "|" separators, a host name followed by a
// "prog[pid]:" tag (syslog), and a final "component:" token. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace quell::analysis::logmine {

// Returns the offset where the message of `line` starts (0 when no header is recognised).
size_t DetectHeaderLength(std::string_view line);

}  // namespace quell::analysis::logmine
