// Config: every option of `quell serve`, from defaults < TOML file < QUELL_* environment <
// command line. One table (ConfigKeys) names each option once: its TOML key ("grouping.window"),
// its environment variable (QUELL_GROUPING_WINDOW), its default and its help, so the file, the
// environment, `--set key=value` and `--help` can never disagree. Errors name the key, the
// source and, for the file, the line.
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

struct Config {
  // Server.
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./quell-data";
  int http_threads = 2;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  int max_connections = 1024;
  std::string public_url;  // how users reach the dashboard (links in notifications)
  TimeMs session_ttl_ms = 7 * 24 * kHourMs;  // a dashboard session ends this long after sign-in
  // Logging.
  std::string log_level = "info";
  bool log_json = false;
  // Storage.
  bool sqlite_synchronous_full = false;
  int64_t wal_limit_mb = 64;  // the SQLite WAL is checkpointed back under this (0: no limit)
  // Grouping (see engine::EngineOptions).
  std::vector<std::string> group_by = {"service", "environment"};
  TimeMs group_window_ms = 30 * kMinuteMs;
  TimeMs max_incident_age_ms = 24 * kHourMs;
  TimeMs reopen_window_ms = 15 * kMinuteMs;
  TimeMs flap_window_ms = 10 * kMinuteMs;
  int flap_threshold = 4;
  TimeMs burst_window_ms = kMinuteMs;
  bool auto_resolve = true;
  bool group_related_services = true;
  TimeMs analyze_delay_ms = 2 * kSecondMs;
  TimeMs analyze_min_interval_ms = 30 * kSecondMs;
  TimeMs notify_update_delay_ms = kSecondMs;
  TimeMs escalate_after_ms = 15 * kMinuteMs;  // 0: no escalation
  // Logs.
  size_t logs_max_body_bytes = 64u << 20;
  TimeMs logs_retention_ms = 7 * 24 * kHourMs;
  int64_t logs_max_rows = 2'000'000;
  size_t logs_mining_queue = 100'000;  // lines waiting to be mined; beyond: stored, not mined
  // LLM analyst ([llm] table).
  std::string llm_provider = "none";  // none | ollama | openai
  std::string llm_url = "http://127.0.0.1:11434";
  std::string llm_model = "gemma4:e4b";
  int llm_num_ctx = 8192;
  int llm_timeout_s = 60;
  std::string llm_primary = "llm";    // builtin | llm
  std::string llm_api_key;            // OpenAI-compatible servers; a secret: never log it
  int llm_concurrency = 1;            // model calls at once
  bool llm_tools = false;             // investigation mode (tool calls)
  int llm_max_tool_steps = 4;
  int llm_tools_budget_s = 120;
  TimeMs llm_recheck_interval_ms = kMinuteMs;
  // Telegram notifications ([telegram] table); off without a bot token and chat ids.
  std::string telegram_bot_token;  // secret: never logged
  std::vector<int64_t> telegram_chat_ids;
  std::vector<int64_t> telegram_allowed_user_ids;  // empty: members of the configured chats
  std::string telegram_api_url = "https://api.telegram.org";
  std::string telegram_mode = "poll";  // poll | webhook
  std::string telegram_webhook_secret;  // secret: never logged
  int64_t telegram_thread_id = 0;       // forum topic (message_thread_id), 0: none
  // Outbound webhook notifier ([webhook] table); off when empty.
  std::string webhook_url;
  // Extra failure rules (JSON, the format of data/knowledge/failures.json); same id replaces.
  std::string rules_file;
  // Topology: service -> services it depends on. TOML `[topology]` with
  // `api-gateway = ["redis", "postgres"]` (or `[topology.api-gateway] depends_on = [...]`);
  // environment QUELL_TOPOLOGY="api-gateway:redis,postgres;checkout:api-gateway".
  std::map<std::string, std::set<std::string>> topology;
};

struct ConfigKey {
  std::string name;       // TOML key, dotted: "grouping.window"
  std::string env;        // QUELL_GROUPING_WINDOW
  std::string default_value;
  std::string help;
};

// Every option, in the order --help shows them.
const std::vector<ConfigKey>& ConfigKeys();

struct ConfigSources {
  std::string file;  // TOML file path, or empty
  std::map<std::string, std::string> env;  // QUELL_* variables (others ignored)
  std::vector<std::pair<std::string, std::string>> overrides;  // command line, key -> value
};

Result<Config> LoadConfig(const ConfigSources& sources);

// The QUELL_* variables of this process.
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace quell::config
