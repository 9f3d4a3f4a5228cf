#include "config/config.h"

#include "common/time_format.h"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <sstream>

#include <toml++/toml.h>

extern char** environ;

namespace quell::config {
namespace {

using Setter = std::function<Status(Config&, const std::string&)>;

struct Option {
  ConfigKey key;
  Setter set;
};

Result<int64_t> ParseInt(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size())
    return Error(InvalidArgument("'" + std::string(text) + "' is not an integer"));
  if (value < min || value > max)
    return Error(InvalidArgument("must be between " + std::to_string(min) + " and " +
                                 std::to_string(max)));
  return value;
}

Result<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return Error(InvalidArgument("'" + std::string(text) + "' is not a boolean (true/false)"));
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in{std::string(text)};
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

std::string EnvName(const std::string& key) {
  std::string env = "QUELL_";
  for (char c : key) env += c == '.' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

Setter StringSetter(std::string Config::*member) {
  return [member](Config& c, const std::string& v) {
    c.*member = v;
    return Status::Ok();
  };
}
Setter IntSetter(int Config::*member, int64_t min, int64_t max) {
  return [=](Config& c, const std::string& v) -> Status {
    QUELL_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, min, max));
    c.*member = static_cast<int>(n);
    return Status::Ok();
  };
}
// A comma-separated list of integer ids (Telegram chat and user ids may be negative and >32 bit).
Setter IdListSetter(std::vector<int64_t> Config::*member) {
  return [=](Config& c, const std::string& v) -> Status {
    std::vector<int64_t> ids;
    for (const auto& item : SplitList(v)) {
      QUELL_ASSIGN_OR_RETURN(int64_t id, ParseInt(item, INT64_MIN + 1, INT64_MAX));
      ids.push_back(id);
    }
    c.*member = std::move(ids);
    return Status::Ok();
  };
}

Setter BoolSetter(bool Config::*member) {
  return [=](Config& c, const std::string& v) -> Status {
    QUELL_ASSIGN_OR_RETURN(bool b, ParseBool(v));
    c.*member = b;
    return Status::Ok();
  };
}
Setter DurationSetter(TimeMs Config::*member) {
  return [=](Config& c, const std::string& v) -> Status {
    QUELL_ASSIGN_OR_RETURN(TimeMs d, ParseDuration(v));
    c.*member = d;
    return Status::Ok();
  };
}

const std::vector<Option>& Options() {
  static const std::vector<Option> options = [] {
    std::vector<Option> o;
    auto add = [&](std::string name, std::string def, std::string help, Setter set) {
      std::string env = EnvName(name);
      o.push_back({{std::move(name), std::move(env), std::move(def), std::move(help)},
                   std::move(set)});
    };
    add("listen", "127.0.0.1:8080", "HOST:PORT to serve the API and dashboard on",
        [](Config& c, const std::string& v) -> Status {
          size_t colon = v.rfind(':');
          if (colon == std::string::npos || colon == 0)
            return InvalidArgument("'" + v + "' is not HOST:PORT");
          QUELL_ASSIGN_OR_RETURN(int64_t port, ParseInt(v.substr(colon + 1), 0, 65535));
          (void)port;
          c.listen = v;
          return Status::Ok();
        });
    add("data_dir", "./quell-data", "directory for the SQLite database and admin.token",
        StringSetter(&Config::data_dir));
    add("http_threads", "2", "HTTP server threads", IntSetter(&Config::http_threads, 1, 64));
    add("max_body_bytes", "1048576", "largest accepted request body (larger: 413)",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, 1024, int64_t{1} << 30));
          c.max_body_bytes = static_cast<size_t>(n);
          return Status::Ok();
        });
    add("max_header_bytes", "16384",
        "largest request line plus headers (larger: 431)",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, 1024, int64_t{1} << 20));
          c.max_header_bytes = static_cast<size_t>(n);
          return Status::Ok();
        });
    add("max_connections", "1024",
        "open HTTP connections at most; more are answered 503 and closed at once",
        IntSetter(&Config::max_connections, 1, 1'000'000));
    add("public_url", "", "URL users open the dashboard at (used in notification links)",
        StringSetter(&Config::public_url));
    add("dashboard.session_ttl", "7d",
        "how long a dashboard sign-in lasts (the session ends on the server then, or at "
        "sign-out, or when its token is revoked or expires)",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(TimeMs d, ParseDuration(v));
          if (d < kSecondMs) return InvalidArgument("must be at least 1s");
          c.session_ttl_ms = d;
          return Status::Ok();
        });
    add("log.level", "info", "debug | info | warn | error",
        [](Config& c, const std::string& v) -> Status {
          if (v != "debug" && v != "info" && v != "warn" && v != "error" && v != "trace")
            return InvalidArgument("'" + v + "' is not one of debug, info, warn, error");
          c.log_level = v;
          return Status::Ok();
        });
    add("log.json", "false", "log JSON lines instead of text", BoolSetter(&Config::log_json));
    add("storage.synchronous_full", "false",
        "fsync the SQLite WAL on every commit (survives power loss; slower). Process crashes "
        "never lose a commit either way",
        BoolSetter(&Config::sqlite_synchronous_full));
    add("storage.wal_limit_mb", "64",
        "MiB the SQLite WAL is kept under: checkpointed and truncated past half of it under "
        "load, emptied when idle (0: no limit)",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, 0, 1 << 20));
          c.wal_limit_mb = n;
          return Status::Ok();
        });
    add("grouping.group_by", "service,environment",
        "alert fields whose values form the group key: service, environment, name, source, or "
        "any label name",
        [](Config& c, const std::string& v) -> Status {
          auto fields = SplitList(v);
          if (fields.empty()) return InvalidArgument("needs at least one field");
          c.group_by = std::move(fields);
          return Status::Ok();
        });
    add("grouping.window", "30m",
        "a related alert joins an open incident whose last alert is at most this old",
        DurationSetter(&Config::group_window_ms));
    add("grouping.max_incident_age", "24h", "incidents older than this take no new alerts",
        DurationSetter(&Config::max_incident_age_ms));
    add("grouping.reopen_window", "15m",
        "an alert firing again this soon after its incident resolved reopens it",
        DurationSetter(&Config::reopen_window_ms));
    add("grouping.flap_window", "10m", "window for counting firing/resolved flips",
        DurationSetter(&Config::flap_window_ms));
    add("grouping.flap_threshold", "4", "flips within flap_window that mark an incident flapping",
        IntSetter(&Config::flap_threshold, 2, 1000));
    add("grouping.burst_window", "1m",
        "new alerts joining an incident this soon after its newest alert_fired entry count on "
        "that entry (0: one timeline entry per alert)",
        DurationSetter(&Config::burst_window_ms));
    add("grouping.auto_resolve", "true", "resolve an incident when all its alerts resolved",
        BoolSetter(&Config::auto_resolve));
    add("grouping.related_services", "true",
        "alerts of services that depend on each other (topology) join one incident",
        BoolSetter(&Config::group_related_services));
    add("analysis.delay", "2s",
        "wait this long after an incident changes before analysing it (changes meanwhile "
        "coalesce)",
        DurationSetter(&Config::analyze_delay_ms));
    add("analysis.min_interval", "30s",
        "analyse an incident that keeps changing at most this often (the first analysis waits "
        "only analysis.delay)",
        DurationSetter(&Config::analyze_min_interval_ms));
    add("escalation.after", "15m",
        "escalate an incident nobody acknowledged (or silenced) this long after it opened; 0: never",
        DurationSetter(&Config::escalate_after_ms));
    add("analysis.rules_file", "",
        "extra failure rules in the JSON format of data/knowledge/failures.json (same id "
        "replaces a shipped rule)",
        StringSetter(&Config::rules_file));
    add("logs.max_body_bytes", "67108864", "largest POST /api/v1/logs body",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, 1024, int64_t{1} << 32));
          c.logs_max_body_bytes = static_cast<size_t>(n);
          return Status::Ok();
        });
    add("logs.retention", "7d", "logs older than this are deleted",
        DurationSetter(&Config::logs_retention_ms));
    add("logs.max_rows", "2000000", "at most this many log entries are kept (oldest go first)",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(c.logs_max_rows, ParseInt(v, 1000, int64_t{1} << 40));
          return Status::Ok();
        });
    add("logs.mining_queue", "100000",
        "log lines waiting to be mined; lines beyond it are stored and counted but not mined "
        "(0: no online mining)",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, 0, int64_t{1} << 30));
          c.logs_mining_queue = static_cast<size_t>(n);
          return Status::Ok();
        });
    add("llm.provider", "none",
        "none | ollama | openai: the model server that analyses incidents next to the built-in "
        "analyst (openai: any OpenAI-compatible /v1/chat/completions server)",
        [](Config& c, const std::string& v) -> Status {
          if (v != "none" && v != "ollama" && v != "openai")
            return InvalidArgument("'" + v + "' is not none, ollama or openai");
          c.llm_provider = v;
          return Status::Ok();
        });
    add("llm.url", "http://127.0.0.1:11434", "base URL of the model server",
        StringSetter(&Config::llm_url));
    add("llm.model", "gemma4:e4b", "model name", StringSetter(&Config::llm_model));
    add("llm.num_ctx", "8192", "context size sent with every request (tokens)",
        IntSetter(&Config::llm_num_ctx, 2048, 262144));
    add("llm.timeout_s", "60", "seconds one model answer may take",
        IntSetter(&Config::llm_timeout_s, 1, 3600));
    add("llm.primary", "llm", "builtin | llm: whose answer is the incident's analysis",
        [](Config& c, const std::string& v) -> Status {
          if (v != "builtin" && v != "llm") return InvalidArgument("'" + v + "' is not builtin or llm");
          c.llm_primary = v;
          return Status::Ok();
        });
    add("llm.api_key", "",
        "bearer key for an OpenAI-compatible server (prefer the environment variable; never "
        "logged)",
        StringSetter(&Config::llm_api_key));
    add("llm.concurrency", "1",
        "model calls at once across all analyses; others wait up to llm.timeout_s, then the "
        "built-in analysis stands",
        IntSetter(&Config::llm_concurrency, 1, 64));
    add("llm.tools", "false",
        "investigation mode: the model may call search_logs, list_deploys, similar_incidents and "
        "get_topology before it answers",
        BoolSetter(&Config::llm_tools));
    add("llm.max_tool_steps", "4", "rounds of tool calls before the model must answer",
        IntSetter(&Config::llm_max_tool_steps, 1, 20));
    add("llm.tools_budget_s", "120", "seconds the tool rounds may take in all",
        IntSetter(&Config::llm_tools_budget_s, 1, 3600));
    add("llm.recheck_interval", "1m",
        "while the model server is not ready (down, model not pulled), ask it again this often",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(TimeMs d, ParseDuration(v));
          if (d < 100) return InvalidArgument("must be at least 100ms");
          c.llm_recheck_interval_ms = d;
          return Status::Ok();
        });
    add("telegram.bot_token", "",
        "Telegram bot token from @BotFather (secret; never logged). With chat_ids set, "
        "incidents are sent to Telegram",
        StringSetter(&Config::telegram_bot_token));
    add("telegram.chat_ids", "", "chats that get incident cards, comma-separated ids",
        IdListSetter(&Config::telegram_chat_ids));
    add("telegram.allowed_user_ids", "",
        "Telegram users who may press the buttons, comma-separated; empty: members of the chats",
        IdListSetter(&Config::telegram_allowed_user_ids));
    add("telegram.api_url", "https://api.telegram.org", "Bot API base URL",
        StringSetter(&Config::telegram_api_url));
    add("telegram.mode", "poll",
        "poll (getUpdates; no public URL needed) | webhook (Telegram POSTs to "
        "public_url/telegram/webhook)",
        [](Config& c, const std::string& v) -> Status {
          if (v != "poll" && v != "webhook") return InvalidArgument("'" + v + "' is not poll or webhook");
          c.telegram_mode = v;
          return Status::Ok();
        });
    add("telegram.webhook_secret", "",
        "secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (webhook mode; secret)",
        StringSetter(&Config::telegram_webhook_secret));
    add("telegram.thread_id", "0", "forum topic to post in (message_thread_id); 0: none",
        [](Config& c, const std::string& v) -> Status {
          QUELL_ASSIGN_OR_RETURN(c.telegram_thread_id, ParseInt(v, 0, INT64_MAX));
          return Status::Ok();
        });
    add("notify.update_delay", "1s",
        "new alerts joining a notified incident wait this long before the notification "
        "update, so a storm edits the card once (new, reopened, resolved: at once)",
        DurationSetter(&Config::notify_update_delay_ms));
    add("webhook.url", "", "POST every incident change as JSON to this URL (with retries)",
        StringSetter(&Config::webhook_url));
    add("topology", "",
        "service dependencies; in TOML a [topology] table: api = [\"redis\", \"postgres\"]; in "
        "the environment \"api:redis,postgres;checkout:api\"",
        [](Config& c, const std::string& v) -> Status {
          c.topology.clear();
          std::string entry;
          std::istringstream in(v);
          while (std::getline(in, entry, ';')) {
            size_t colon = entry.find(':');
            if (colon == std::string::npos || colon == 0)
              return InvalidArgument("'" + entry + "' is not SERVICE:DEP1,DEP2");
            auto deps = SplitList(entry.substr(colon + 1));
            c.topology[entry.substr(0, colon)].insert(deps.begin(), deps.end());
          }
          return Status::Ok();
        });
    return o;
  }();
  return options;
}

const Option* FindOption(std::string_view name) {
  for (const auto& option : Options())
    if (option.key.name == name) return &option;
  return nullptr;
}

Status Apply(Config& config, const std::string& name, const std::string& value,
             const std::string& where) {
  const Option* option = FindOption(name);
  if (!option) return InvalidArgument(where + ": unknown option '" + name + "'", name);
  Status status = option->set(config, value);
  if (!status.ok()) return InvalidArgument(where + ": " + name + ": " + status.message(), name);
  return Status::Ok();
}

// TOML scalars and arrays become the same text the environment would carry.
Result<std::string> TomlToText(const toml::node& node) {
  if (auto s = node.as_string()) return std::string(s->get());
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return std::string(b->get() ? "true" : "false");
  if (auto f = node.as_floating_point()) return std::to_string(f->get());
  if (auto a = node.as_array()) {
    std::string out;
    for (const auto& item : *a) {
      QUELL_ASSIGN_OR_RETURN(std::string text, TomlToText(item));
      if (!out.empty()) out += ',';
      out += text;
    }
    return out;
  }
  return Error(InvalidArgument("unsupported value type"));
}

// [topology]: `svc = ["dep", ...]` or `[topology.svc] depends_on = ["dep", ...]`.
Status ApplyTopologyTable(Config& config, const toml::table& table, const std::string& file) {
  for (const auto& [key, node] : table) {
    std::string service(key.str());
    std::string where = file + ":" + std::to_string(node.source().begin.line);
    const toml::node* deps = &node;
    if (const auto* sub = node.as_table()) {
      deps = sub->get("depends_on");
      if (!deps) return InvalidArgument(where + ": topology." + service + " needs depends_on", "topology");
    }
    const auto* array = deps->as_array();
    if (!array)
      return InvalidArgument(where + ": topology." + service + " must be an array of services",
                             "topology");
    auto& set = config.topology[service];
    for (const auto& item : *array) {
      const auto* name = item.as_string();
      if (!name)
        return InvalidArgument(where + ": topology." + service + " must list service names",
                               "topology");
      set.insert(std::string(name->get()));
    }
  }
  return Status::Ok();
}

Status ApplyTable(Config& config, const toml::table& table, const std::string& prefix,
                  const std::string& file) {
  for (const auto& [key, node] : table) {
    std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    std::string where = file + ":" + std::to_string(node.source().begin.line);
    if (name == "topology" && node.is_table()) {
      QUELL_RETURN_IF_ERROR(ApplyTopologyTable(config, *node.as_table(), file));
      continue;
    }
    if (const auto* sub = node.as_table()) {
      QUELL_RETURN_IF_ERROR(ApplyTable(config, *sub, name, file));
      continue;
    }
    auto text = TomlToText(node);
    if (!text) return InvalidArgument(where + ": " + name + ": " + text.error().message(), name);
    QUELL_RETURN_IF_ERROR(Apply(config, name, *text, where));
  }
  return Status::Ok();
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const auto& option : Options()) out.push_back(option.key);
    return out;
  }();
  return keys;
}


std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    if (entry.substr(0, 6) != "QUELL_") continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

Result<Config> LoadConfig(const ConfigSources& sources) {
  Config config;
  if (!sources.file.empty()) {
    toml::table table;
    try {  // toml++ reports parse errors by exception; they end here.
      table = toml::parse_file(sources.file);
    } catch (const toml::parse_error& err) {
      return Error(InvalidArgument(sources.file + ":" + std::to_string(err.source().begin.line) +
                                       ": " + std::string(err.description()),
                                   "config"));
    }
    QUELL_RETURN_IF_ERROR(ApplyTable(config, table, "", sources.file));
  }
  for (const auto& option : Options()) {
    auto it = sources.env.find(option.key.env);
    if (it != sources.env.end())
      QUELL_RETURN_IF_ERROR(Apply(config, option.key.name, it->second, option.key.env));
  }
  for (const auto& [name, value] : sources.overrides)
    QUELL_RETURN_IF_ERROR(Apply(config, name, value, "command line"));
  return config;
}

}  // namespace quell::config
