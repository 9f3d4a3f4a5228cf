// Each layer's options built from the default Config equal that layer's own defaults: the
// option table (src/config/options.cc) and the structs below app cannot drift apart.
#include "app/options_from.h"

#include <gtest/gtest.h>

#include "app/incident_bundle.h"

namespace quell::app {
namespace {

TEST(OptionsFrom, DefaultConfigGivesTheEngineDefaults) {
  EXPECT_TRUE(EngineOptionsFrom(config::Config{}) == engine::EngineOptions{});
}

// Every field the config sets reaches the engine (a copy left out keeps the default).
TEST(OptionsFrom, EveryEngineOptionIsCopied) {
  auto config = config::LoadConfig({"",
                                    {},
                                    {{"grouping.group_by", "team"},
                                     {"grouping.window", "1m"},
                                     {"grouping.max_incident_age", "2h"},
                                     {"grouping.reopen_window", "3m"},
                                     {"grouping.flap_window", "4m"},
                                     {"grouping.flap_threshold", "5"},
                                     {"grouping.burst_window", "6s"},
                                     {"grouping.auto_resolve", "false"},
                                     {"grouping.related_services", "false"},
                                     {"analysis.delay", "7s"},
                                     {"analysis.min_interval", "8s"},
                                     {"notify.update_delay", "9s"},
                                     {"escalation.after", "0"}}});
  ASSERT_TRUE(config) << config.error().ToString();
  engine::EngineOptions expected;
  expected.group_by = {"team"};
  expected.group_window_ms = kMinuteMs;
  expected.max_incident_age_ms = 2 * kHourMs;
  expected.reopen_window_ms = 3 * kMinuteMs;
  expected.flap_window_ms = 4 * kMinuteMs;
  expected.flap_threshold = 5;
  expected.burst_window_ms = 6 * kSecondMs;
  expected.auto_resolve = false;
  expected.group_related_services = false;
  expected.analyze_delay_ms = 7 * kSecondMs;
  expected.analyze_min_interval_ms = 8 * kSecondMs;
  expected.notify_update_delay_ms = 9 * kSecondMs;
  expected.escalate_after_ms = 0;
  EXPECT_TRUE(EngineOptionsFrom(*config) == expected);
}

TEST(OptionsFrom, DefaultConfigGivesTheServerDefaults) {
  auto built = ServerOptionsFrom(config::Config{});
  ASSERT_TRUE(built) << built.error().ToString();
  const http::ServerOptions defaults;
  EXPECT_EQ(built->host, defaults.host);
  EXPECT_EQ(built->port, defaults.port);
  EXPECT_EQ(built->threads, defaults.threads);
  EXPECT_EQ(built->max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(built->max_header_bytes, defaults.max_header_bytes);
  EXPECT_EQ(built->max_connections, defaults.max_connections);
}

TEST(OptionsFrom, DefaultConfigGivesTheStoreAndLogDefaults) {
  const config::Config config;
  const store::SqliteOptions sqlite;
  EXPECT_EQ(SqliteOptionsFrom(config).synchronous_full, sqlite.synchronous_full);
  EXPECT_EQ(SqliteOptionsFrom(config).wal_limit_bytes, sqlite.wal_limit_bytes);
  EXPECT_EQ(SqliteOptionsFrom(config).path, config.data_dir + "/quell.db");
  const engine::LogMiningOptions logs;
  EXPECT_EQ(LogMiningOptionsFrom(config).retention_ms, logs.retention_ms);
  EXPECT_EQ(LogMiningOptionsFrom(config).max_rows, logs.max_rows);
  EXPECT_EQ(LogMiningOptionsFrom(config).queue_lines, logs.queue_lines);
}

// The client's provider default ("ollama") is not the config's ("none": no client at all).
TEST(OptionsFrom, DefaultConfigGivesTheLlmDefaults) {
  const config::Config config;
  const analysis::llm::LlmClientOptions client;
  EXPECT_EQ(LlmClientOptionsFrom(config).url, client.url);
  EXPECT_EQ(LlmClientOptionsFrom(config).model, client.model);
  EXPECT_EQ(LlmClientOptionsFrom(config).num_ctx, client.num_ctx);
  EXPECT_EQ(LlmClientOptionsFrom(config).timeout_s, client.timeout_s);
  const analysis::llm::LlmOptions llm;
  EXPECT_EQ(LlmOptionsFrom(config).primary, llm.primary);
  EXPECT_EQ(LlmOptionsFrom(config).concurrency, llm.concurrency);
  EXPECT_EQ(LlmOptionsFrom(config).tools, llm.tools);
  EXPECT_EQ(LlmOptionsFrom(config).max_tool_steps, llm.max_tool_steps);
  EXPECT_EQ(LlmOptionsFrom(config).tools_budget_s, llm.tools_budget_s);
}

// `quell analyze` talks to the same model server as `quell serve` unless told otherwise. (Its
// timeout is its own: an offline run may wait longer.)
TEST(OptionsFrom, AnalyzeUsesTheServeModelDefaults) {
  const config::Config config;
  EXPECT_EQ(AnalyzeOptions{}.model, config.llm_model);
  EXPECT_EQ(AnalyzeOptions{}.llm_url, config.llm_url);
}

}  // namespace
}  // namespace quell::app
