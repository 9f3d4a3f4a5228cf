// Log ingestion bodies (POST /api/v1/logs):
//  - JSON {service, lines: [string]}: raw lines; a line that continues a stack trace (indented,
//    "at ...", "Caused by:", "Traceback", "File \"...\"", "goroutine N [", "...") is glued to the
//    previous entry, so a trace stays one entry; a leading timestamp and level are recognised;
//  - JSON {service, entries: [{ts, level, message}]};
//  - NDJSON (application/x-ndjson): one object per line, {service, ts, level, message} (or
//    "line" instead of "message"); blank lines are skipped.
// All-or-nothing: any bad item or line rejects the request with an error naming it
// ("entries[3].ts", "line 17: malformed JSON").
#pragma once

#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/log_entry.h"

namespace quell::ingest {

inline constexpr size_t kMaxLogEntriesPerRequest = 1'000'000;

// `now` stamps entries that carry no time.
Result<std::vector<model::LogEntry>> ParseLogJson(std::string_view body, TimeMs now);
Result<std::vector<model::LogEntry>> ParseLogNdjson(std::string_view body, TimeMs now);
// One NDJSON line (not blank); errors name "line N".
Result<model::LogEntry> ParseLogNdjsonLine(std::string_view line, size_t line_no, TimeMs now);

// Raw lines -> entries, gluing stack-trace continuation lines to the entry before them.
std::vector<model::LogEntry> LinesToEntries(const std::string& service,
                                            const std::vector<std::string>& lines, TimeMs now);
// True for a line that continues the previous log entry (a stack frame, a "Caused by:", ...).
bool IsContinuationLine(std::string_view line);

}  // namespace quell::ingest
