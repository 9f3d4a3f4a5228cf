#include "config/config.h"
#include "common/time_format.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace quell::config {
namespace {

std::string WriteTemp(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("quell_config_test_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, DefaultsAreTheEmbeddedOnes) {
  auto config = LoadConfig({});
  ASSERT_TRUE(config);
  EXPECT_EQ(config->listen, "127.0.0.1:8080");
  EXPECT_EQ(config->data_dir, "./quell-data");
  EXPECT_EQ(config->group_by, (std::vector<std::string>{"service", "environment"}));
  EXPECT_EQ(config->group_window_ms, 30 * kMinuteMs);
}

TEST(Config, FileThenEnvironmentThenCommandLine) {
  std::string file = WriteTemp(R"(
listen = "127.0.0.1:9000"
data_dir = "/tmp/q"
[grouping]
group_by = ["service", "team"]
window = "10m"
flap_threshold = 6
auto_resolve = false
)");
  ConfigSources sources;
  sources.file = file;
  sources.env = {{"QUELL_LISTEN", "127.0.0.1:9001"}, {"QUELL_GROUPING_WINDOW", "5m"}};
  sources.overrides = {{"grouping.window", "90s"}};
  auto config = LoadConfig(sources);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->listen, "127.0.0.1:9001");
  EXPECT_EQ(config->data_dir, "/tmp/q");
  EXPECT_EQ(config->group_by, (std::vector<std::string>{"service", "team"}));
  EXPECT_EQ(config->group_window_ms, 90 * kSecondMs);
  EXPECT_EQ(config->flap_threshold, 6);
  EXPECT_FALSE(config->auto_resolve);
  std::remove(file.c_str());
}

TEST(Config, WalLimit) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->wal_limit_mb, 64);
  std::string file = WriteTemp("[storage]\nwal_limit_mb = 16\n");
  auto config = LoadConfig({file, {}, {}});
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->wal_limit_mb, 16);
  config = LoadConfig({file, {{"QUELL_STORAGE_WAL_LIMIT_MB", "0"}}, {}});
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->wal_limit_mb, 0);
  config = LoadConfig({{}, {}, {{"storage.wal_limit_mb", "-1"}}});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message().find("storage.wal_limit_mb"), std::string::npos);
  std::remove(file.c_str());
}

TEST(Config, ErrorsNameTheKeyAndLine) {
  std::string file = WriteTemp("listen = \"127.0.0.1:9000\"\n[grouping]\nwindow = \"soon\"\n");
  auto config = LoadConfig({file, {}, {}});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message().find(":3"), std::string::npos) << config.error().message();
  EXPECT_NE(config.error().message().find("grouping.window"), std::string::npos);
  std::remove(file.c_str());

  file = WriteTemp("listen = \n");
  config = LoadConfig({file, {}, {}});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message().find(":1"), std::string::npos) << config.error().message();
  std::remove(file.c_str());

  config = LoadConfig({"", {{"QUELL_FLAP_THRESHOLD", "x"}, {"QUELL_LISTEN", "nope"}}, {}});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message().find("QUELL_LISTEN"), std::string::npos);

  config = LoadConfig({"", {}, {{"no.such.key", "1"}}});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message().find("unknown option"), std::string::npos);
}

TEST(Config, EveryKeyHasAnEnvironmentVariableAndHelp) {
  for (const auto& key : ConfigKeys()) {
    EXPECT_EQ(key.env.rfind("QUELL_", 0), 0u) << key.name;
    EXPECT_FALSE(key.help.empty()) << key.name;
    auto config = LoadConfig({"", {}, {{key.name, key.default_value}}});
    if (!key.default_value.empty()) {
      EXPECT_TRUE(config) << key.name;  // defaults parse
    }
  }
}

TEST(ParseDuration, Units) {
  EXPECT_EQ(*ParseDuration("1500ms"), 1500);
  EXPECT_EQ(*ParseDuration("90"), 90 * kSecondMs);
  EXPECT_EQ(*ParseDuration("2h"), 2 * kHourMs);
  EXPECT_EQ(*ParseDuration("7d"), 7 * 24 * kHourMs);
  EXPECT_FALSE(ParseDuration("h"));
  EXPECT_FALSE(ParseDuration("5 minutes"));
  EXPECT_FALSE(ParseDuration("999999999999d")) << "too large, not an overflow";
  EXPECT_EQ(*ParseDuration("36500d"), 36500 * 24 * kHourMs);
}

}  // namespace
}  // namespace quell::config

namespace quell::config {
namespace {

TEST(Config, TopologyFromFileAndEnvironment) {
  std::string file = WriteTemp(R"(
[topology]
api = ["redis", "postgres"]
[topology.checkout]
depends_on = ["api"]
)");
  auto config = LoadConfig({file, {}, {}});
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->topology.at("api"), (std::set<std::string>{"postgres", "redis"}));
  EXPECT_EQ(config->topology.at("checkout"), std::set<std::string>{"api"});
  std::remove(file.c_str());

  config = LoadConfig({"", {{"QUELL_TOPOLOGY", "api:redis, postgres;web:api"}}, {}});
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->topology.at("api"), (std::set<std::string>{"postgres", "redis"}));
  EXPECT_EQ(config->topology.at("web"), std::set<std::string>{"api"});

  config = LoadConfig({"", {{"QUELL_TOPOLOGY", "nonsense"}}, {}});
  EXPECT_FALSE(config);
}

}  // namespace
}  // namespace quell::config

namespace quell::config {
namespace {

TEST(Config, LlmSettings) {
  auto defaults = LoadConfig({});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->llm_concurrency, 1);
  EXPECT_FALSE(defaults->llm_tools);
  EXPECT_EQ(defaults->llm_max_tool_steps, 4);
  EXPECT_TRUE(defaults->llm_api_key.empty());

  std::string file = WriteTemp("[llm]\nprovider = \"openai\"\nconcurrency = 2\ntools = true\n");
  ConfigSources sources;
  sources.file = file;
  sources.env = {{"QUELL_LLM_CONCURRENCY", "3"}, {"QUELL_LLM_API_KEY", "sk-abc"}};
  auto config = LoadConfig(sources);
  std::remove(file.c_str());
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->llm_provider, "openai");
  EXPECT_EQ(config->llm_concurrency, 3);
  EXPECT_TRUE(config->llm_tools);
  EXPECT_EQ(config->llm_api_key, "sk-abc");

  sources = {};
  sources.overrides = {{"llm.concurrency", "0"}};
  EXPECT_FALSE(LoadConfig(sources));
}

TEST(Config, ObjectTablesAreKeptAsJsonWithTheirLines) {
  std::string file = WriteTemp(R"(listen = "127.0.0.1:9000"

[[oncall.users]]
name = "alice"
telegram_user_id = 1001

[[oncall.users]]
name = "bob"

[[oncall.schedules]]
name = "primary"
time_zone = "Europe/Berlin"
layers = [{ users = ["alice", "bob"], rotation = "168h", handoff = 2026-01-05T09:00:00+01:00 }]

[[maintenance]]
name = "sunday-db"
matchers = [{ name = "service", op = "=", value = "db" }]
schedule = { time_zone = "Europe/Berlin", weekly = [{ day = "sun", start = "02:00", duration = "2h" }] }
)");
  auto config = LoadConfig({file, {}, {}});
  std::remove(file.c_str());
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->listen, "127.0.0.1:9000");
  ASSERT_EQ(config->defined_objects.size(), 4u);
  auto entry = [&](const std::string& table, size_t index) -> const DefinedObject& {
    for (const auto& o : config->defined_objects)
      if (o.table == table && o.index == index) return o;
    ADD_FAILURE() << "no " << table << "[" << index << "]";
    return config->defined_objects.front();
  };
  EXPECT_EQ(entry("oncall.users", 1).where, file + ":7");
  EXPECT_NE(entry("oncall.users", 1).json.find(R"("bob")"), std::string::npos);
  EXPECT_NE(entry("oncall.schedules", 0).json.find(R"("2026-01-05T09:00:00+01:00")"),
            std::string::npos)
      << "a TOML date-time is an RFC 3339 string: " << entry("oncall.schedules", 0).json;
  EXPECT_EQ(entry("maintenance", 0).where, file + ":15");
}

TEST(Config, EscalationTablesSitNextToTheEscalationOptions) {
  std::string file = WriteTemp(R"([escalation]
after = "20m"

[[escalation.policies]]
name = "pager"
steps = [{ after = "0m", notify = [{ schedule = "primary" }] }]

[[escalation.routes]]
matchers = [{ name = "service", op = "=", value = "db" }]
policy = "pager"

[[escalation.routes]]
policy = "pager"
)");
  auto config = LoadConfig({file, {}, {}});
  std::remove(file.c_str());
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(config->escalate_after_ms, 20 * kMinuteMs);
  ASSERT_EQ(config->defined_objects.size(), 3u);
  EXPECT_EQ(config->defined_objects[0].table, "escalation.policies");
  EXPECT_EQ(config->defined_objects[0].where, file + ":4");
  EXPECT_EQ(config->defined_objects[2].table, "escalation.routes");
  EXPECT_EQ(config->defined_objects[2].index, 1u);
  EXPECT_EQ(config->defined_objects[2].where, file + ":12");
  EXPECT_EQ(config->defined_objects[2].json.find("matchers"), std::string::npos)
      << config->defined_objects[2].json;
}

TEST(Config, AnObjectTableThatIsNotAnArrayOfTablesNamesIt) {
  std::string file = WriteTemp("maintenance = \"sunday\"\n");
  auto config = LoadConfig({file, {}, {}});
  std::remove(file.c_str());
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message().find(file + ":1: maintenance must be an array of tables"),
            std::string::npos)
      << config.error().message();
}

}  // namespace
}  // namespace quell::config
