// quell: the one binary. Parses the command line (CLI11 lives only here) and dispatches.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/app.h"
#include "app/incident_bundle.h"
#include "cli/commands.h"
#include "config/config.h"

namespace {

// Every config key with its environment variable and default, for `serve --help`.
std::string ConfigKeysHelp() {
  std::string out =
      "\nEvery option can be set in the TOML file (--config), by environment variable, or with\n"
      "--set KEY=VALUE; later sources win: defaults < file < environment < command line.\n"
      "Dotted keys are TOML tables: grouping.window = \"30m\" is [grouping] window = \"30m\".\n\n";
  for (const auto& key : quell::config::ConfigKeys()) {
    out += "  " + key.name + " (" + key.env + ", default: " +
           (key.default_value.empty() ? "none" : key.default_value) + ")\n      " + key.help +
           "\n";
  }
  return out;
}

// Loads the config from --config/QUELL_CONFIG, the environment and command-line overrides.
quell::Result<quell::config::Config> LoadFromCommandLine(
    std::string config_file, const std::vector<std::pair<std::string, std::string>>& overrides) {
  quell::config::ConfigSources sources;
  sources.env = quell::config::ProcessEnvironment();
  if (config_file.empty()) {
    auto it = sources.env.find("QUELL_CONFIG");
    if (it != sources.env.end()) config_file = it->second;
  }
  sources.file = config_file;
  sources.overrides = overrides;
  return quell::config::LoadConfig(sources);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"Quell: alerts in, incidents with explanations out.\n"
                 "Receives alerts, folds duplicates, groups related alerts into incidents and "
                 "explains them."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "quell 0.1.0");

    // serve
    std::string listen, data_dir, config_file;
    std::vector<std::string> sets;
    auto* serve = app.add_subcommand("serve", "Run the Quell server (API, ingest, dashboard).");
    serve->add_option("--listen", listen, "HOST:PORT to listen on (QUELL_LISTEN; default 127.0.0.1:8080)");
    serve->add_option("--data-dir", data_dir,
                      "Data directory: SQLite database and admin.token (QUELL_DATA_DIR; default ./quell-data)");
    serve->add_option("--config", config_file, "TOML config file (QUELL_CONFIG)");
    serve->add_option("--set", sets, "Set any option below: --set grouping.window=10m (repeatable)");
    bool serve_demo = false;
    serve->add_flag("--demo", serve_demo,
                    "Load the demo scenario (a deploy, then errors across services) at start");
    serve->footer(ConfigKeysHelp());

    // demo: serve with the demo scenario, in its own data dir unless told otherwise.
    auto* demo = app.add_subcommand(
        "demo", "Serve with a demo incident loaded (data in ./quell-demo-data by default).");
    demo->add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
    demo->add_option("--data-dir", data_dir, "Data directory (default ./quell-demo-data)");
    demo->add_option("--config", config_file, "TOML config file (QUELL_CONFIG)");
    demo->add_option("--set", sets, "Set any option of `quell serve` (repeatable)");

    // token create | list | revoke
    auto* token = app.add_subcommand("token", "Manage API tokens.");
    token->require_subcommand(1);
    std::string token_name, token_scope = "ingest", token_expires, token_data_dir, token_config;
    auto* token_create = token->add_subcommand(
        "create", "Create a token and print it alone on stdout (shown once; stored hashed).");
    token_create
        ->add_option("--name", token_name,
                     "Name of the token (who uses it; the actor of what it does; unique)")
        ->required();
    token_create->add_option("--scope", token_scope, "ingest | read | admin (default ingest)");
    token_create->add_option("--expires", token_expires,
                             "Expiry: a duration from now (90m, 30d) or an RFC 3339 time "
                             "(default: never)");
    auto* token_list = token->add_subcommand(
        "list", "List tokens: name, scope, created, last used, expiry (never the token).");
    auto* token_revoke = token->add_subcommand(
        "revoke", "Revoke a token (and end its dashboard sessions); a running server refuses it "
                  "within a second.");
    token_revoke->add_option("--name", token_name, "Name of the token")->required();
    for (auto* sub : {token_create, token_list, token_revoke}) {
      sub->add_option("--data-dir", token_data_dir, "Data directory (QUELL_DATA_DIR)");
      sub->add_option("--config", token_config, "TOML config file (QUELL_CONFIG)");
    }

    // login-link
    auto* login_link = app.add_subcommand(
        "login-link", "Print a one-time dashboard sign-in link (works once, for 10 minutes).");
    login_link->add_option("--name", token_name,
                           "Sign in as this token (read or admin scope; default: the token in "
                           "DATA_DIR/admin.token)");
    login_link->add_option("--data-dir", token_data_dir, "Data directory (QUELL_DATA_DIR)");
    login_link->add_option("--config", token_config,
                           "TOML config file (QUELL_CONFIG); the link starts with public_url, "
                           "else http://<listen>");

    // repair
    std::string repair_data_dir, repair_config;
    auto* repair = app.add_subcommand(
        "repair",
        "When start-up stops at a corrupt record in the middle of the redo log: save a copy of "
        "the log (quell.db-redo.corrupt-<time>), keep every record before the bad one, drop the "
        "rest, and check that the database opens. Run it with quell serve stopped.");
    repair->add_option("--data-dir", repair_data_dir, "Data directory (QUELL_DATA_DIR)");
    repair->add_option("--config", repair_config, "TOML config file (QUELL_CONFIG)");

    // logmine
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
    logmine_cmd->add_flag("--explain-header", logmine.explain_header,
                          "Print the header detected in the file's first lines (its fields in "
                          "order, an example line split into header and message) and stop");

    // analyze
    quell::app::AnalyzeOptions analyze_options;
    auto* analyze = app.add_subcommand(
        "analyze", "Analyse an incident bundle (or one alert) offline and print the Analysis JSON.");
    analyze->add_option("--llm", analyze_options.llm,
                        "none | ollama | openai: also ask a model (falls back to the built-in answer); "
                        "openai takes its key from QUELL_LLM_API_KEY");
    // Like `quell serve`, the model server settings come from QUELL_LLM_* when the flags are
    // absent (flags win); the key only ever from QUELL_LLM_API_KEY.
    analyze->add_option("--model", analyze_options.model, "model name (default gemma4:e4b)")
        ->envname("QUELL_LLM_MODEL");
    analyze->add_option("--llm-url", analyze_options.llm_url,
                        "model server (default http://127.0.0.1:11434)")
        ->envname("QUELL_LLM_URL");
    analyze->add_option("--llm-timeout", analyze_options.timeout_s,
                        "seconds one model answer may take (default 120)")
        ->envname("QUELL_LLM_TIMEOUT_S")
        ->check(CLI::Range(1, 3600));
    analyze->add_option("bundle", analyze_options.path,
                        "Bundle JSON file ('-' for stdin): {alerts, deploys, logs, topology}, or "
                        "a single alert object")
        ->required();

    CLI11_PARSE(app, argc, argv);
    if (analyze->parsed()) return quell::app::RunAnalyze(analyze_options);

    if (demo->parsed() && data_dir.empty()) data_dir = "./quell-demo-data";
    if (serve->parsed() || demo->parsed()) {
      std::vector<std::pair<std::string, std::string>> overrides;
      for (const auto& s : sets) {
        size_t eq = s.find('=');
        if (eq == std::string::npos) {
          std::fprintf(stderr, "quell: --set needs KEY=VALUE, got '%s'\n", s.c_str());
          return 2;
        }
        overrides.emplace_back(s.substr(0, eq), s.substr(eq + 1));
      }
      if (!listen.empty()) overrides.emplace_back("listen", listen);
      if (!data_dir.empty()) overrides.emplace_back("data_dir", data_dir);
      auto config = LoadFromCommandLine(config_file, overrides);
      if (!config) {
        std::fprintf(stderr, "quell: %s\n", config.error().message().c_str());
        return 2;
      }
      return quell::app::RunServe(*config, serve_demo || demo->parsed());
    }
    if (token->parsed() || login_link->parsed()) {
      std::vector<std::pair<std::string, std::string>> overrides;
      if (!token_data_dir.empty()) overrides.emplace_back("data_dir", token_data_dir);
      auto config = LoadFromCommandLine(token_config, overrides);
      if (!config) {
        std::fprintf(stderr, "quell: %s\n", config.error().message().c_str());
        return 2;
      }
      if (token_create->parsed())
        return quell::app::RunTokenCreate(*config, token_name, token_scope, token_expires);
      if (token_list->parsed()) return quell::app::RunTokenList(*config);
      if (token_revoke->parsed()) return quell::app::RunTokenRevoke(*config, token_name);
      return quell::app::RunLoginLink(*config, token_name);
    }
    if (repair->parsed()) {
      std::vector<std::pair<std::string, std::string>> overrides;
      if (!repair_data_dir.empty()) overrides.emplace_back("data_dir", repair_data_dir);
      auto config = LoadFromCommandLine(repair_config, overrides);
      if (!config) {
        std::fprintf(stderr, "quell: %s\n", config.error().message().c_str());
        return 2;
      }
      return quell::cli::RunRepair(config->data_dir);
    }
    if (logmine_cmd->parsed()) return quell::cli::RunLogmine(logmine);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "quell: %s\n", e.what());
    return 1;
  }
}
