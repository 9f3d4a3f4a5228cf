// `quell config show` and `quell config docs` through the real binary: the sources and their
// precedence as `quell serve` reads them, secrets never printed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "server_process.h"

namespace quell::testing {
namespace {

TEST(ConfigShow, PrintsEffectiveValuesWithTheirSourceAndMasksSecrets) {
  int code = 0;
  std::string out = RunQuell("config show --listen 127.0.0.1:9999 --set grouping.window=5m", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("127.0.0.1:9999"), std::string::npos) << out;
  EXPECT_NE(out.find("flag"), std::string::npos) << out;
  EXPECT_NE(out.find("default"), std::string::npos) << out;

  out = RunQuell("config show", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("grouping.window"), std::string::npos) << out;

  // Through the environment, as a deployment sets the token (the child inherits it).
  ::setenv("QUELL_TELEGRAM_BOT_TOKEN", "123:TOKENSECRET", 1);
  ::setenv("QUELL_GROUPING_WINDOW", "7m", 1);
  const std::string shown = RunQuell("config show", &code);
  ::unsetenv("QUELL_TELEGRAM_BOT_TOKEN");
  ::unsetenv("QUELL_GROUPING_WINDOW");
  EXPECT_EQ(code, 0) << shown;
  EXPECT_EQ(shown.find("TOKENSECRET"), std::string::npos) << shown;
  EXPECT_NE(shown.find("********"), std::string::npos) << shown;
  EXPECT_NE(shown.find("env QUELL_GROUPING_WINDOW"), std::string::npos) << shown;
}

TEST(ConfigShow, BadSourceIsAnErrorLikeServe) {
  int code = 0;
  std::string out = RunQuell("config show --set grouping.window=soon", &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("grouping.window"), std::string::npos) << out;
}

TEST(ConfigDocs, PrintsTheTableOfDocsOperations) {
  int code = 0;
  std::string out = RunQuell("config docs", &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out.rfind("| key (TOML) |", 0), 0u) << out;
  EXPECT_NE(ReadTextFile(SourceDir() + "/docs/operations.md").find(out), std::string::npos)
      << "docs/operations.md does not hold `quell config docs`'s table";
}

}  // namespace
}  // namespace quell::testing
