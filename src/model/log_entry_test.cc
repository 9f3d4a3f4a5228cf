#include "model/log_entry.h"

#include <gtest/gtest.h>

namespace quell::model {
namespace {

TEST(LogLevel, RanksTheUsualSpellingsInAnyCase) {
  for (const char* fatal : {"FATAL", "critical", "Crit", "panic", "EMERG", "F"})
    EXPECT_EQ(LogLevelRank(fatal), 5) << fatal;
  for (const char* error : {"ERROR", "err", "Severe", "E"}) {
    EXPECT_EQ(LogLevelRank(error), 4) << error;
    EXPECT_TRUE(IsErrorLevel(error)) << error;
  }
  for (const char* warn : {"WARN", "warning", "W"}) EXPECT_EQ(LogLevelRank(warn), 3) << warn;
  for (const char* info : {"INFO", "notice", "I"}) EXPECT_EQ(LogLevelRank(info), 2) << info;
  for (const char* other : {"DEBUG", "trace", "", "verbose"}) {
    EXPECT_EQ(LogLevelRank(other), 1) << other;
    EXPECT_FALSE(IsErrorLevel(other)) << other;
  }
  EXPECT_TRUE(IsErrorLevel("fatal"));
  EXPECT_FALSE(IsErrorLevel("warn"));
}

}  // namespace
}  // namespace quell::model
