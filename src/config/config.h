// Config: every option of `quell serve`, from defaults < TOML file < QUELL_* environment <
// command line. One table (options.cc, listed by ConfigKeys) names each option once: its TOML
// key ("grouping.window"), its environment variable (QUELL_GROUPING_WINDOW), its default, its
// help and the Config field it sets. Config's defaults, the file, the environment, `--set
// key=value`, `--help`, the docs table and `quell config show` all go through that table, so
// they can never disagree. Errors name the key, the source and, for the file, the line.
#pragma once

#include <cstddef>
#include <map>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace quell::config {

// An entry of one of the file's object tables (ObjectTables(): [[oncall.users]], ...): a
// config-defined object, read into the model, checked and applied to the store by
// app/config_objects.h. Only the file defines them (no environment variable, no --set).
struct DefinedObject {
  std::string table;  // "oncall.users"
  size_t index = 0;   // its place among the table's entries, from 0
  std::string where;  // "quell.toml:12", the line of its [[oncall.users]]
  std::string json;   // the entry as JSON (TOML dates and times as RFC 3339 strings)
  bool operator==(const DefinedObject&) const = default;
};

// The tables of the file that hold arrays of objects rather than options: "oncall.users",
// "oncall.schedules", "escalation.policies", "escalation.routes", "maintenance". A new kind
// of object adds its table here.
const std::vector<std::string>& ObjectTables();

// One field per option. It has no defaults of its own: Config() applies every option's
// default text from the table (options.cc), so `Config{}` is the default configuration. (The
// scalars' `{}` only keeps them defined before that; it is no default.)
struct Config {
  Config();
  bool operator==(const Config&) const = default;

  // Server.
  std::string listen;
  std::string data_dir;
  int http_threads{};
  size_t max_body_bytes{};
  size_t max_header_bytes{};
  int max_connections{};
  std::string public_url;  // how users reach the dashboard (links in notifications)
  TimeMs session_ttl_ms{};  // a dashboard session ends this long after sign-in
  // Logging.
  std::string log_level;
  bool log_json{};
  // Storage.
  std::string store_url;  // postgres://...: PostgreSQL instead of SQLite in data_dir (a secret)
  TimeMs job_lease_ms{};   // a claimed job is another node's to run once this ends
  TimeMs commit_outcome_wait_ms{};  // a COMMIT whose answer was lost is looked up this long
  int job_workers{};       // job runner threads; 0 only on PostgreSQL (other nodes run them)
  bool sqlite_synchronous_full{};
  int64_t wal_limit_mb{};  // the SQLite WAL is checkpointed back under this (0: no limit)
  // Grouping (see engine::EngineOptions).
  std::vector<std::string> group_by;
  TimeMs group_window_ms{};
  TimeMs max_incident_age_ms{};
  TimeMs reopen_window_ms{};
  TimeMs flap_window_ms{};
  int flap_threshold{};
  TimeMs burst_window_ms{};
  bool auto_resolve{};
  bool group_related_services{};
  TimeMs analyze_delay_ms{};
  TimeMs analyze_min_interval_ms{};
  TimeMs notify_update_delay_ms{};
  TimeMs escalate_after_ms{};  // 0: no escalation
  // Logs.
  size_t logs_max_body_bytes{};
  TimeMs logs_retention_ms{};
  int64_t logs_max_rows{};
  size_t logs_mining_queue{};  // lines waiting to be mined; beyond: stored, not mined
  // LLM analyst ([llm] table).
  std::string llm_provider;  // none | ollama | openai
  std::string llm_url;
  std::string llm_model;
  int llm_num_ctx{};
  int llm_timeout_s{};
  std::string llm_primary;    // builtin | llm
  std::string llm_api_key;            // OpenAI-compatible servers; a secret: never log it
  int llm_concurrency{};            // model calls at once
  bool llm_tools{};             // investigation mode (tool calls)
  int llm_max_tool_steps{};
  int llm_tools_budget_s{};
  TimeMs llm_recheck_interval_ms{};
  // Telegram notifications ([telegram] table); off without a bot token and chat ids.
  std::string telegram_bot_token;  // secret: never logged
  std::vector<int64_t> telegram_chat_ids;
  std::vector<int64_t> telegram_allowed_user_ids;  // empty: members of the configured chats
  std::string telegram_api_url;
  std::string telegram_mode;  // poll | webhook
  std::string telegram_webhook_secret;  // secret: never logged
  int64_t telegram_thread_id{};       // forum topic (message_thread_id), 0: none
  // Outbound webhook notifier ([webhook] table); off when empty.
  std::string webhook_url;
  // Extra failure rules (JSON, the format of data/knowledge/failures.json); same id replaces.
  std::string rules_file;
  // Topology: service -> services it depends on. TOML `[topology]` with
  // `api-gateway = ["redis", "postgres"]` (or `[topology.api-gateway] depends_on = [...]`);
  // environment QUELL_TOPOLOGY="api-gateway:redis,postgres;checkout:api-gateway".
  std::map<std::string, std::set<std::string>> topology;
  // Config-defined objects, by table, each table's entries in the file's order (not options:
  // no table line, no default).
  std::vector<DefinedObject> defined_objects;
};

struct ConfigKey {
  std::string name;       // TOML key, dotted: "grouping.window"
  std::string env;        // QUELL_GROUPING_WINDOW
  std::string default_value;
  std::string help;
  bool secret = false;    // never logged or shown (`quell config show` masks it)
};

// Every option, in the order --help shows them.
const std::vector<ConfigKey>& ConfigKeys();

struct ConfigSources {
  std::string file;  // TOML file path, or empty
  std::map<std::string, std::string> env;  // QUELL_* variables (others ignored)
  std::vector<std::pair<std::string, std::string>> overrides;  // command line, key -> value
};

Result<Config> LoadConfig(const ConfigSources& sources);

// Where an option's effective value came from: the last source that set it.
enum class ValueSource { kDefault, kFile, kEnvironment, kCommandLine };
struct ValueOrigin {
  ValueSource source = ValueSource::kDefault;
  std::string where;  // "quell.toml:3", "QUELL_LISTEN", "command line"; empty for the default
};
const char* ValueSourceName(ValueSource source);  // "default", "file", "env", "flag"

// LoadConfig's result with the origin of each value, by key (a key absent: its default).
struct ResolvedConfig {
  Config config;
  std::map<std::string, ValueOrigin> origins;
};
Result<ResolvedConfig> ResolveConfig(const ConfigSources& sources);

// The QUELL_* variables of this process.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace quell::config
