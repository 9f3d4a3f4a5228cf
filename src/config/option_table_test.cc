// The option table is the one source of every default: these tests fail when an entry's default
// text, its binding or its field disagree.
#include "config/option_table.h"

#include <gtest/gtest.h>

#include <set>

namespace quell::config {
namespace {

TEST(OptionTable, DefaultConfigIsWhatLoadingNothingGives) {
  auto loaded = LoadConfig({});
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_TRUE(Config{} == *loaded);
  EXPECT_EQ(Config{}.listen, "127.0.0.1:8080");  // the table's text, not a zeroed field
  EXPECT_EQ(Config{}.group_window_ms, 30 * kMinuteMs);
}

// Each default, shown again, is the text the table wrote: --help and the docs print that text,
// so it must be the value the field really holds, written the way `config show` writes it.
TEST(OptionTable, EveryDefaultReadsBackAsWritten) {
  const Config defaults;
  for (const auto& option : Options())
    EXPECT_EQ(option.binding.get(defaults), option.key.default_value) << option.key.name;
}

TEST(OptionTable, KeysAndVariablesAreUnique) {
  std::set<std::string> names, envs;
  for (const auto& key : ConfigKeys()) {
    EXPECT_TRUE(names.insert(key.name).second) << key.name;
    EXPECT_TRUE(envs.insert(key.env).second) << key.env;
  }
  EXPECT_EQ(names.size(), Options().size());
}

// Setting one option changes that option's value and no other's: no two entries share a field,
// and what `set` writes is what `get` reads. Candidate texts cover every kind of binding.
TEST(OptionTable, EachOptionBindsItsOwnField) {
  const std::vector<std::string> candidates = {"3",      "5000",    "7m",      "true",
                                               "false",  "x",       "debug",   "127.0.0.1:1",
                                               "ollama", "builtin", "webhook", "a:b"};
  const Config defaults;
  for (const auto& option : Options()) {
    Config changed;
    std::string used;
    for (const auto& text : candidates) {
      Config attempt;
      if (option.binding.set(attempt, text).ok() && !(attempt == defaults)) {
        changed = attempt;
        used = text;
        break;
      }
    }
    ASSERT_FALSE(used.empty()) << option.key.name << ": no candidate text changes it";
    for (const auto& other : Options()) {
      if (&other == &option) {
        EXPECT_NE(other.binding.get(changed), other.binding.get(defaults)) << option.key.name;
      } else {
        EXPECT_EQ(other.binding.get(changed), other.binding.get(defaults))
            << "setting " << option.key.name << " to '" << used << "' changed " << other.key.name;
      }
    }
    // The value shown reads back to the same configuration.
    Config reread;
    ASSERT_TRUE(option.binding.set(reread, option.binding.get(changed)).ok()) << option.key.name;
    EXPECT_TRUE(reread == changed) << option.key.name;
  }
}

TEST(OptionTable, SecretsAreMarked) {
  std::set<std::string> secrets;
  for (const auto& key : ConfigKeys())
    if (key.secret) secrets.insert(key.name);
  EXPECT_EQ(secrets, (std::set<std::string>{"llm.api_key", "store.url", "telegram.bot_token",
                                            "telegram.webhook_secret"}));
}

TEST(ResolveConfig, SaysWhereEachValueCameFrom) {
  ConfigSources sources;
  sources.env = {{"QUELL_GROUPING_WINDOW", "5m"}, {"QUELL_LISTEN", "127.0.0.1:9001"}};
  sources.overrides = {{"listen", "127.0.0.1:9002"}};
  auto resolved = ResolveConfig(sources);
  ASSERT_TRUE(resolved) << resolved.error().ToString();
  EXPECT_EQ(resolved->config.listen, "127.0.0.1:9002");
  EXPECT_EQ(resolved->origins.at("listen").source, ValueSource::kCommandLine);
  EXPECT_EQ(resolved->origins.at("grouping.window").source, ValueSource::kEnvironment);
  EXPECT_EQ(resolved->origins.at("grouping.window").where, "QUELL_GROUPING_WINDOW");
  EXPECT_EQ(resolved->origins.count("data_dir"), 0u);  // the default
  EXPECT_STREQ(ValueSourceName(ValueSource::kEnvironment), "env");
}

}  // namespace
}  // namespace quell::config
