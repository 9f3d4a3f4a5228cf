#include "model/oncall_json.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace quell::model {
namespace {

const TimeMs kNow = *ParseRfc3339("2026-12-07T03:00:00Z");

TEST(OnCallJson, UsersRoundTrip) {
  auto user = UserFromJsonText(R"({"name":"ana.k","telegram_user_id":123456789})");
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(*user, (User{"ana.k", 123456789}));
  EXPECT_EQ(UserToJsonText(*user), R"({"name":"ana.k","telegram_user_id":123456789})");
  auto without = UserFromJsonText(R"({"name":"bo"})");
  ASSERT_TRUE(without.has_value());
  EXPECT_EQ(UserToJsonText(*without), R"({"name":"bo","telegram_user_id":null})");
}

TEST(OnCallJson, SchedulesRoundTripWithHandoffsInUtc) {
  auto schedule = ScheduleFromJsonText(
      R"({"name":"primary","time_zone":"Europe/Berlin","layers":[
          {"users":["ana","bo"],"rotation":"168h","handoff":"2026-03-02T09:00:00+01:00"},
          {"users":[],"rotation":"8h","handoff":"2026-03-02T00:00:00Z"}]})");
  ASSERT_TRUE(schedule.has_value()) << schedule.error().ToString();
  ASSERT_EQ(schedule->layers.size(), 2u);
  EXPECT_EQ(schedule->layers[0].rotation_ms, 168 * kHourMs);
  EXPECT_EQ(schedule->layers[0].handoff, *ParseRfc3339("2026-03-02T08:00:00Z"));
  const std::string text = ScheduleToJsonText(*schedule);
  EXPECT_NE(text.find(R"("rotation":"7d","handoff":"2026-03-02T08:00:00.000Z")"), std::string::npos)
      << text;
  auto again = ScheduleFromJsonText(text);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(*again, *schedule);
}

TEST(OnCallJson, OverridesDefaultToStartingNow) {
  auto o = OverrideFromJsonText(R"({"user":"cy","ends_at":"2026-12-07T05:00:00Z"})", kNow);
  ASSERT_TRUE(o.has_value()) << o.error().ToString();
  EXPECT_EQ(o->starts_at, kNow);
  EXPECT_EQ(o->created_at, kNow);
  o->id = "abc";
  o->schedule = "primary";
  auto again = OverrideFromJsonText(OverrideToJsonText(*o), kNow + 1);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, *o);
}

struct BadCase {
  const char* json;
  const char* field;
};

class BadSchedule : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadSchedule, NamesTheField) {
  auto schedule = ScheduleFromJsonText(GetParam().json);
  ASSERT_FALSE(schedule.has_value()) << GetParam().json;
  EXPECT_EQ(schedule.error().field(), GetParam().field) << schedule.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    OnCallJson, BadSchedule,
    ::testing::Values(
        BadCase{"[]", "body"}, BadCase{R"({"time_zone":"UTC","layers":[]})", "name"},
        BadCase{R"({"name":"a/b","time_zone":"UTC","layers":[]})", "name"},
        BadCase{R"({"name":"p","layers":[]})", "time_zone"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[]})", "layers"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[1]})", "layers[0]"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[{"rotation":"1d"}]})",
                "layers[0].users"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[{"users":[7]}]})", "layers[0].users[0]"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[{"users":["a b"]}]})",
                "layers[0].users[0]"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[{"users":["a"],"rotation":"soon",
                    "handoff":"2026-01-01T00:00:00Z"}]})",
                "layers[0].rotation"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[{"users":["a"],"rotation":"0h",
                    "handoff":"2026-01-01T00:00:00Z"}]})",
                "layers[0].rotation"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[{"users":["a"],"rotation":"1d"}]})",
                "layers[0].handoff"},
        BadCase{R"({"name":"p","time_zone":"UTC","layers":[{"users":["a"],"rotation":"1d",
                    "handoff":"tomorrow"}]})",
                "layers[0].handoff"}));

TEST(OnCallJson, BadUsersAndOverridesNameTheField) {
  EXPECT_EQ(UserFromJsonText(R"({"telegram_user_id":1})").error().field(), "name");
  EXPECT_EQ(UserFromJsonText(R"({"name":"a","telegram_user_id":"1"})").error().field(),
            "telegram_user_id");
  EXPECT_EQ(UserFromJsonText(R"({"name":"a","telegram_user_id":-5})").error().field(),
            "telegram_user_id");
  EXPECT_EQ(OverrideFromJsonText(R"({"ends_at":"2026-12-08T00:00:00Z"})", kNow).error().field(),
            "user");
  EXPECT_EQ(OverrideFromJsonText(R"({"user":"a"})", kNow).error().field(), "ends_at");
  EXPECT_EQ(OverrideFromJsonText(R"({"user":"a","ends_at":"2026-12-07T02:00:00Z"})", kNow)
                .error()
                .field(),
            "ends_at");
  EXPECT_EQ(
      OverrideFromJsonText(R"({"user":"a","starts_at":"x","ends_at":"2026-12-08T00:00:00Z"})", kNow)
          .error()
          .field(),
      "starts_at");
}

}  // namespace
}  // namespace quell::model
