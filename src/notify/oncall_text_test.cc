#include "notify/oncall_text.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace quell::notify {
namespace {

TEST(OnCallHtml, OneLinePerScheduleOnItsOwnWallClock) {
  const TimeMs until = *ParseRfc3339("2026-07-14T07:00:00Z");
  const std::string html = OnCallHtml({
      {model::Schedule{"primary", "Europe/Berlin", {}}, model::OnCall{"ana", until}},
      {model::Schedule{"db", "America/New_York", {}}, model::OnCall{"", until}},
      {model::Schedule{"ops<1>", "UTC", {}}, model::OnCall{"bo", std::nullopt}},
  });
  EXPECT_EQ(html,
            "<b>On call</b>\n"
            "<b>primary</b>: ana until 2026-07-14 09:00 (Europe/Berlin)\n"
            "<b>db</b>: nobody until 2026-07-14 03:00 (America/New_York)\n"
            "<b>ops&lt;1&gt;</b>: bo");
  EXPECT_NE(OnCallHtml({}).find("No on-call schedules"), std::string::npos);
}

TEST(IsCommand, TakesTheBotsNameAndArgumentsButNoLongerWords) {
  EXPECT_TRUE(IsCommand("/oncall", "oncall"));
  EXPECT_TRUE(IsCommand("/oncall@QuellBot", "oncall"));
  EXPECT_TRUE(IsCommand("/oncall now", "oncall"));
  EXPECT_FALSE(IsCommand("/oncalls", "oncall"));
  EXPECT_FALSE(IsCommand("oncall", "oncall"));
  EXPECT_FALSE(IsCommand("/", "oncall"));
  EXPECT_FALSE(IsCommand("", "oncall"));
}

}  // namespace
}  // namespace quell::notify
