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
#include "config/describe.h"

namespace {

// The config sources of a command: QUELL_* variables, the file from --config or QUELL_CONFIG,
// and the command line's overrides.
quell::config::ConfigSources SourcesFromCommandLine(
    std::string config_file, const std::vector<std::pair<std::string, std::string>>& overrides) {
  quell::config::ConfigSources sources;
  sources.env = quell::config::ProcessEnvironment();
  if (config_file.empty()) {
    auto it = sources.env.find("QUELL_CONFIG");
    if (it != sources.env.end()) config_file = it->second;
  }
  sources.file = config_file;
  sources.overrides = overrides;
  return sources;
}

// Loads the config from --config/QUELL_CONFIG, the environment and command-line overrides.
quell::Result<quell::config::Config> LoadFromCommandLine(
    std::string config_file, const std::vector<std::pair<std::string, std::string>>& overrides) {
  return quell::config::LoadConfig(SourcesFromCommandLine(std::move(config_file), overrides));
}

// --set KEY=VALUE (repeatable), then --listen, --data-dir and --db, as overrides in that order.
quell::Result<std::vector<std::pair<std::string, std::string>>> ServeOverrides(
    const std::vector<std::string>& sets, const std::string& listen, const std::string& data_dir,
    const std::string& db) {
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos)
      return quell::Error(quell::InvalidArgument("--set needs KEY=VALUE, got '" + s + "'"));
    overrides.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  if (!listen.empty()) overrides.emplace_back("listen", listen);
  if (!data_dir.empty()) overrides.emplace_back("data_dir", data_dir);
  if (!db.empty()) overrides.emplace_back("store.url", db);
  return overrides;
}

// --db's help: the same for every command that opens the store.
constexpr const char* kDbHelp =
    "PostgreSQL database instead of SQLite in the data dir: postgres://user:password@host:port/db "
    "(QUELL_DB; the password is never shown)";

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"Quell: alerts in, incidents with explanations out.\n"
                 "Receives alerts, folds duplicates, groups related alerts into incidents and "
                 "explains them."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "quell 0.1.0");

    // serve; `config show` and `demo` take the same sources.
    const quell::config::Config defaults;  // the option table's defaults, for the help texts
    constexpr const char* kDemoDataDir = "./quell-demo-data";
    std::string listen, data_dir, config_file, db;
    std::vector<std::string> sets;
    // `data_dir_source`: where the data dir comes from when --data-dir is not given.
    auto add_config_sources = [&](CLI::App* sub, const std::string& data_dir_source) {
      sub->add_option("--listen", listen,
                      "HOST:PORT to listen on (QUELL_LISTEN; default " + defaults.listen + ")");
      sub->add_option("--data-dir", data_dir,
                      "Data directory: SQLite database and admin.token (" + data_dir_source + ")");
      sub->add_option("--db", db, kDbHelp);
      sub->add_option("--config", config_file, "TOML config file (QUELL_CONFIG)");
      sub->add_option("--set", sets,
                      "Set any option below: --set grouping.window=10m (repeatable)");
      sub->footer(quell::config::OptionsHelp());
    };
    auto* serve = app.add_subcommand("serve", "Run the Quell server (API, ingest, dashboard).");
    const std::string serve_data_dir = "QUELL_DATA_DIR; default " + defaults.data_dir;
    add_config_sources(serve, serve_data_dir);
    bool serve_demo = false;
    serve->add_flag("--demo", serve_demo,
                    "Load the demo scenario (a deploy, then errors across services) at start");

    // config show | docs
    auto* config_cmd = app.add_subcommand(
        "config", "show: the options serve would run with, and where each came from; check: "
                  "whether serve would accept the config; docs: the table of every option.");
    config_cmd->require_subcommand(1);
    auto* config_show = config_cmd->add_subcommand(
        "show",
        "Print every option of `quell serve` with the value it would run with and where that "
        "came from (default, file, env, flag); secrets masked. Takes serve's --config, --set, "
        "--listen and --data-dir.");
    add_config_sources(config_show, serve_data_dir);
    auto* config_docs = config_cmd->add_subcommand(
        "docs", "Print the Markdown table of every option (docs/operations.md holds it).");
    auto* config_check = config_cmd->add_subcommand(
        "check",
        "Check the config as `quell serve` would, with its users, schedules and maintenance "
        "windows, without starting; exit 2 naming the file, table and field of the first "
        "problem. Takes serve's --config and --set.");
    add_config_sources(config_check, serve_data_dir);

    // demo: serve with the demo scenario, in its own data dir unless told otherwise.
    auto* demo = app.add_subcommand(
        "demo", std::string("Serve with a demo incident loaded (data in ") + kDemoDataDir +
                    " by default); takes serve's options.");
    add_config_sources(demo, std::string("default ") + kDemoDataDir);

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
      sub->add_option("--db", db, kDbHelp);
      sub->add_option("--config", token_config, "TOML config file (QUELL_CONFIG)");
    }

    // login-link
    auto* login_link = app.add_subcommand(
        "login-link", "Print a one-time dashboard sign-in link (works once, for 10 minutes).");
    login_link->add_option("--name", token_name,
                           "Sign in as this token (read or admin scope; default: the token in "
                           "DATA_DIR/admin.token)");
    login_link->add_option("--data-dir", token_data_dir, "Data directory (QUELL_DATA_DIR)");
    login_link->add_option("--db", db, kDbHelp);
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
    analyze->add_option("--model", analyze_options.model,
                        "model name (default " + analyze_options.model + ")")
        ->envname("QUELL_LLM_MODEL");
    analyze->add_option("--llm-url", analyze_options.llm_url,
                        "model server (default " + analyze_options.llm_url + ")")
        ->envname("QUELL_LLM_URL");
    analyze->add_option("--llm-timeout", analyze_options.timeout_s,
                        "seconds one model answer may take (default " +
                            std::to_string(analyze_options.timeout_s) + ")")
        ->envname("QUELL_LLM_TIMEOUT_S")
        ->check(CLI::Range(1, 3600));
    analyze->add_option("bundle", analyze_options.path,
                        "Bundle JSON file ('-' for stdin): {alerts, deploys, logs, topology}, or "
                        "a single alert object")
        ->required();

    CLI11_PARSE(app, argc, argv);
    if (analyze->parsed()) return quell::app::RunAnalyze(analyze_options);

    if (config_docs->parsed()) return quell::cli::RunConfigDocs();
    if (demo->parsed() && data_dir.empty()) data_dir = kDemoDataDir;
    if (serve->parsed() || demo->parsed() || config_show->parsed() || config_check->parsed()) {
      auto overrides = ServeOverrides(sets, listen, data_dir, db);
      if (!overrides) {
        std::fprintf(stderr, "quell: %s\n", overrides.error().message().c_str());
        return 2;
      }
      if (config_show->parsed())
        return quell::cli::RunConfigShow(SourcesFromCommandLine(config_file, *overrides));
      if (config_check->parsed())
        return quell::cli::RunConfigCheck(SourcesFromCommandLine(config_file, *overrides));
      auto config = LoadFromCommandLine(config_file, *overrides);
      if (!config) {
        std::fprintf(stderr, "quell: %s\n", config.error().message().c_str());
        return 2;
      }
      return quell::app::RunServe(*config, serve_demo || demo->parsed());
    }
    if (token->parsed() || login_link->parsed()) {
      std::vector<std::pair<std::string, std::string>> overrides;
      if (!token_data_dir.empty()) overrides.emplace_back("data_dir", token_data_dir);
      if (!db.empty()) overrides.emplace_back("store.url", db);
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
