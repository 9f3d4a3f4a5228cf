// The option table: each option of `quell serve` once, with its key, default (as text), help and
// the Config field it binds. Everything else derives from it: Config's defaults (Config()
// below), the file, the environment and --set (load_config.cc), --help, the docs table and
// `quell config show` (describe.cc). A new option is one add(...) line here and its field in
// Config.
#include <cassert>
#include <cctype>

#include "config/option_table.h"

namespace quell::config {
namespace {

// QUELL_ plus the key upper-cased, dots as underscores: grouping.window -> QUELL_GROUPING_WINDOW.
std::string EnvName(const std::string& key) {
  std::string env = "QUELL_";
  for (char c : key) env += c == '.' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

enum class Shown { kClear, kSecret };

std::vector<Option> BuildOptions() {
  std::vector<Option> o;
  auto add = [&](std::string name, std::string def, std::string help, Binding binding,
                 Shown shown = Shown::kClear) {
    std::string env = EnvName(name);
    o.push_back({{std::move(name), std::move(env), std::move(def), std::move(help),
                  shown == Shown::kSecret},
                 std::move(binding)});
  };
  add("listen", "127.0.0.1:8080", "HOST:PORT to serve the API and dashboard on",
      HostPort(&Config::listen));
  add("data_dir", "./quell-data", "directory for the SQLite database and admin.token",
      Text(&Config::data_dir));
  add("http_threads", "2", "HTTP server threads", Integer(&Config::http_threads, 1, 64));
  add("max_body_bytes", "1048576", "largest accepted request body (larger: 413)",
      Integer(&Config::max_body_bytes, 1024, int64_t{1} << 30));
  add("max_header_bytes", "16384", "largest request line plus headers (larger: 431)",
      Integer(&Config::max_header_bytes, 1024, int64_t{1} << 20));
  add("max_connections", "1024",
      "open HTTP connections at most; more are answered 503 and closed at once",
      Integer(&Config::max_connections, 1, 1'000'000));
  add("public_url", "", "URL users open the dashboard at (used in notification links)",
      Text(&Config::public_url));
  add("dashboard.session_ttl", "7d",
      "how long a dashboard sign-in lasts (the session ends on the server then, or at "
      "sign-out, or when its token is revoked or expires)",
      Duration(&Config::session_ttl_ms, kSecondMs));
  add("log.level", "info", "debug | info | warn | error",
      OneOf(&Config::log_level, {"debug", "info", "warn", "error", "trace"}));
  add("log.json", "false", "log JSON lines instead of text", Flag(&Config::log_json));
  add("store.url", "",
      "PostgreSQL database to keep everything in instead of SQLite in data_dir: "
      "postgres://user:password@host:port/database (secret: the password is never shown; "
      "environment QUELL_DB). Empty: SQLite",
      Text(&Config::store_url), Shown::kSecret);
  o.back().key.env = "QUELL_DB";  // the short name: QUELL_DB=postgres://... quell serve
  add("store.job_lease", "5m",
      "how long a node holds a background job it claimed; a job whose node died is run again "
      "by another once this ends",
      Duration(&Config::job_lease_ms, 100));
  add("store.commit_outcome_wait", "10s",
      "PostgreSQL: how long a write whose COMMIT answer was lost (the connection broke) waits, "
      "reconnecting, to learn whether it committed before it is answered 503",
      Duration(&Config::commit_outcome_wait_ms));
  add("store.job_workers", "2",
      "background job threads on this node (analysis, notifications, escalation); 0: none, for "
      "a node that only answers requests while other nodes on the same PostgreSQL run the jobs",
      Integer(&Config::job_workers, 0, 64));
  add("storage.synchronous_full", "false",
      "fsync the SQLite WAL on every commit (survives power loss; slower). Process crashes "
      "never lose a commit either way",
      Flag(&Config::sqlite_synchronous_full));
  add("storage.wal_limit_mb", "64",
      "MiB the SQLite WAL is kept under: checkpointed and truncated past half of it under "
      "load, emptied when idle (0: no limit)",
      Integer(&Config::wal_limit_mb, 0, 1 << 20));
  add("grouping.group_by", "service,environment",
      "alert fields whose values form the group key: service, environment, name, source, or "
      "any label name",
      Names(&Config::group_by));
  add("grouping.window", "30m",
      "a related alert joins an open incident whose last alert is at most this old",
      Duration(&Config::group_window_ms));
  add("grouping.max_incident_age", "24h", "incidents older than this take no new alerts",
      Duration(&Config::max_incident_age_ms));
  add("grouping.reopen_window", "15m",
      "an alert firing again this soon after its incident resolved reopens it",
      Duration(&Config::reopen_window_ms));
  add("grouping.flap_window", "10m", "window for counting firing/resolved flips",
      Duration(&Config::flap_window_ms));
  add("grouping.flap_threshold", "4", "flips within flap_window that mark an incident flapping",
      Integer(&Config::flap_threshold, 2, 1000));
  add("grouping.burst_window", "1m",
      "new alerts joining an incident this soon after its newest alert_fired entry count on "
      "that entry (0: one timeline entry per alert)",
      Duration(&Config::burst_window_ms));
  add("grouping.auto_resolve", "true", "resolve an incident when all its alerts resolved",
      Flag(&Config::auto_resolve));
  add("grouping.related_services", "true",
      "alerts of services that depend on each other (topology) join one incident",
      Flag(&Config::group_related_services));
  add("analysis.delay", "2s",
      "wait this long after an incident changes before analysing it (changes meanwhile "
      "coalesce)",
      Duration(&Config::analyze_delay_ms));
  add("analysis.min_interval", "30s",
      "analyse an incident that keeps changing at most this often (the first analysis waits "
      "only analysis.delay)",
      Duration(&Config::analyze_min_interval_ms));
  add("escalation.after", "15m",
      "escalate an incident nobody acknowledged (or silenced) this long after it opened; 0: never",
      Duration(&Config::escalate_after_ms));
  add("analysis.rules_file", "",
      "extra failure rules in the JSON format of data/knowledge/failures.json (same id "
      "replaces a shipped rule)",
      Text(&Config::rules_file));
  add("logs.max_body_bytes", "67108864", "largest POST /api/v1/logs body",
      Integer(&Config::logs_max_body_bytes, 1024, int64_t{1} << 32));
  add("logs.retention", "7d", "logs older than this are deleted",
      Duration(&Config::logs_retention_ms));
  add("logs.max_rows", "2000000", "at most this many log entries are kept (oldest go first)",
      Integer(&Config::logs_max_rows, 1000, int64_t{1} << 40));
  add("logs.mining_queue", "100000",
      "log lines waiting to be mined; lines beyond it are stored and counted but not mined "
      "(0: no online mining). SQLite only: on PostgreSQL every node reads the stored lines on "
      "from where it stands, with no queue",
      Integer(&Config::logs_mining_queue, 0, int64_t{1} << 30));
  add("llm.provider", "none",
      "none | ollama | openai: the model server that analyses incidents next to the built-in "
      "analyst (openai: any OpenAI-compatible /v1/chat/completions server)",
      OneOf(&Config::llm_provider, {"none", "ollama", "openai"}));
  add("llm.url", "http://127.0.0.1:11434", "base URL of the model server", Text(&Config::llm_url));
  add("llm.model", "gemma4:e4b", "model name", Text(&Config::llm_model));
  add("llm.num_ctx", "8192", "context size sent with every request (tokens)",
      Integer(&Config::llm_num_ctx, 2048, 262144));
  add("llm.timeout_s", "60", "seconds one model answer may take",
      Integer(&Config::llm_timeout_s, 1, 3600));
  add("llm.primary", "llm", "builtin | llm: whose answer is the incident's analysis",
      OneOf(&Config::llm_primary, {"builtin", "llm"}));
  add("llm.api_key", "",
      "bearer key for an OpenAI-compatible server (prefer the environment variable; never "
      "logged)",
      Text(&Config::llm_api_key), Shown::kSecret);
  add("llm.concurrency", "1",
      "model calls at once across all analyses; others wait up to llm.timeout_s, then the "
      "built-in analysis stands",
      Integer(&Config::llm_concurrency, 1, 64));
  add("llm.tools", "false",
      "investigation mode: the model may call search_logs, list_deploys, similar_incidents and "
      "get_topology before it answers",
      Flag(&Config::llm_tools));
  add("llm.max_tool_steps", "4", "rounds of tool calls before the model must answer",
      Integer(&Config::llm_max_tool_steps, 1, 20));
  add("llm.tools_budget_s", "120", "seconds the tool rounds may take in all",
      Integer(&Config::llm_tools_budget_s, 1, 3600));
  add("llm.recheck_interval", "1m",
      "while the model server is not ready (down, model not pulled), ask it again this often",
      Duration(&Config::llm_recheck_interval_ms, 100));
  add("telegram.bot_token", "",
      "Telegram bot token from @BotFather (secret; never logged). With chat_ids set, "
      "incidents are sent to Telegram",
      Text(&Config::telegram_bot_token), Shown::kSecret);
  add("telegram.chat_ids", "", "chats that get incident cards, comma-separated ids",
      Ids(&Config::telegram_chat_ids));
  add("telegram.allowed_user_ids", "",
      "Telegram users who may press the buttons, comma-separated; empty: members of the chats",
      Ids(&Config::telegram_allowed_user_ids));
  add("telegram.api_url", "https://api.telegram.org", "Bot API base URL",
      Text(&Config::telegram_api_url));
  add("telegram.mode", "poll",
      "poll (getUpdates; no public URL needed) | webhook (Telegram POSTs to "
      "public_url/telegram/webhook)",
      OneOf(&Config::telegram_mode, {"poll", "webhook"}));
  add("telegram.webhook_secret", "",
      "secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (webhook mode; secret)",
      Text(&Config::telegram_webhook_secret), Shown::kSecret);
  add("telegram.thread_id", "0", "forum topic to post in (message_thread_id); 0: none",
      Integer(&Config::telegram_thread_id, 0, INT64_MAX));
  add("notify.update_delay", "1s",
      "new alerts joining a notified incident wait this long before the notification "
      "update, so a storm edits the card once (new, reopened, resolved: at once)",
      Duration(&Config::notify_update_delay_ms));
  add("webhook.url", "", "POST every incident change as JSON to this URL (with retries)",
      Text(&Config::webhook_url));
  add("topology", "",
      "service dependencies; in TOML a [topology] table: api = [\"redis\", \"postgres\"]; in "
      "the environment \"api:redis,postgres;checkout:api\"",
      Dependencies(&Config::topology));
  return o;
}

}  // namespace

const std::vector<Option>& Options() {
  static const std::vector<Option> options = BuildOptions();
  return options;
}

const Option* FindOption(std::string_view name) {
  for (const auto& option : Options())
    if (option.key.name == name) return &option;
  return nullptr;
}

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const auto& option : Options()) out.push_back(option.key);
    return out;
  }();
  return keys;
}

Config::Config() {
  for (const auto& option : Options()) {
    [[maybe_unused]] Status status = option.binding.set(*this, option.key.default_value);
    // A default that does not parse is a bug in the table above (option_table_test.cc).
    assert(status.ok());
  }
}

}  // namespace quell::config
