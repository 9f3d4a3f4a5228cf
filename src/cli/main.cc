// quell: the one binary. Parses the command line (CLI11 lives only here) and dispatches.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{"Quell: alerts in, incidents with explanations out."};
    app.require_subcommand(1);

    quell::cli::LogmineOptions logmine;
    auto* logmine_cmd = app.add_subcommand(
        "logmine", "Mine log templates from a file and print them with their counts.");
    logmine_cmd->add_option("file", logmine.file, "Log file to read ('-' for stdin)")->required();
    logmine_cmd->add_option("--format", logmine.format,
                            "Loghub header format, e.g. '<Date> <Time> <Level> <Component>: "
                            "<Content>'. Without it the header is detected.");
    logmine_cmd->add_option("--out", logmine.out_csv, "Write templates to this CSV file");
    logmine_cmd->add_option("--structured", logmine.structured_csv,
                            "Write LineId,EventTemplate for every input line to this CSV file");

    CLI11_PARSE(app, argc, argv);
    if (logmine_cmd->parsed()) return quell::cli::RunLogmine(logmine);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "quell: %s\n", e.what());
    return 1;
  }
}
