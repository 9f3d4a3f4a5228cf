// Entry points of the subcommands. main.cc (the only CLI11 translation unit) parses options into
// these structs and calls the matching Run* function, which returns the process exit code.
#pragma once

#include <string>

#include "config/config.h"

namespace quell::cli {

struct LogmineOptions {
  std::string file;             // input log file ("-" for stdin)
  std::string format;           // Loghub header format, e.g. "<Date> <Time> <Level>: <Content>"
  std::string out_csv;          // templates CSV (EventId,EventTemplate,Occurrences)
  std::string structured_csv;   // per-line LineId,EventTemplate
  bool explain_header = false;  // print the detected header (fields, an example split) and stop
};
int RunLogmine(const LogmineOptions& options);

// `quell repair`: cuts a redo log with a corrupt record in the middle before that record, after
// saving a copy, and opens the store once.
int RunRepair(const std::string& data_dir);

// `quell config show`: every option's effective value from `sources` and where it came from,
// secrets masked; a bad source is an error naming it (exit 2), as for `quell serve`.
int RunConfigShow(const config::ConfigSources& sources);
// `quell config check`: loads the config and reads its users, schedules and maintenance
// windows as `quell serve` would (app/config_objects.h), without opening the store. Prints what
// it found (exit 0) or the first problem, naming file, table and field (exit 2).
int RunConfigCheck(const config::ConfigSources& sources);
// `quell config docs`: the Markdown table of every option (docs/operations.md holds it).
int RunConfigDocs();

}  // namespace quell::cli
