#include "model/silence_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/time_format.h"

namespace quell::model {
namespace {

const TimeMs kNow = *ParseRfc3339("2026-12-07T03:00:00Z");

TEST(SilenceFromJson, ReadsMatchersAndDurationFromNow) {
  auto silence = SilenceFromJsonText(
      R"({"matchers":[{"name":"service","op":"=~","value":"check.*"},
                      {"name":"team","op":"!=","value":"db"}],
          "duration":"2h","comment":"deploy","created_by":"ana"})",
      kNow);
  ASSERT_TRUE(silence.has_value()) << silence.error().ToString();
  ASSERT_EQ(silence->matchers.size(), 2u);
  EXPECT_EQ(silence->matchers[0], (Matcher{"service", MatchOp::kRegex, "check.*"}));
  EXPECT_EQ(silence->matchers[1].op, MatchOp::kNotEqual);
  EXPECT_EQ(silence->starts_at, kNow);
  EXPECT_EQ(silence->ends_at, kNow + 2 * kHourMs);
  EXPECT_EQ(silence->comment, "deploy");
  EXPECT_EQ(silence->created_by, "ana");
}

TEST(SilenceFromJson, RoundTripsThroughItsStoredForm) {
  auto silence = SilenceFromJsonText(
      R"({"matchers":[{"name":"env","op":"=","value":""}],"starts_at":"2026-12-08T00:00:00Z",
          "ends_at":"2026-12-08T01:00:00Z","id":"abc"})",
      kNow);
  ASSERT_TRUE(silence.has_value()) << silence.error().ToString();
  auto again = SilenceFromJsonText(SilenceToJsonText(*silence), kNow + 1);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(*again, *silence);
}

// The last instant a time can be is a given end, not "for ever": null would not read back
// without a schedule, and the stored silence would be skipped.
TEST(SilenceFromJson, RoundTripsAnEndAtTheLastInstantWithoutSchedule) {
  auto silence = SilenceFromJsonText(
      R"({"matchers":[{"name":"env","op":"=","value":"prod"}],
          "ends_at":"9999-12-31T23:59:59.999Z"})",
      kNow);
  ASSERT_TRUE(silence.has_value()) << silence.error().ToString();
  EXPECT_EQ(silence->ends_at, kMaxTimeMs);
  auto again = SilenceFromJsonText(SilenceToJsonText(*silence), kNow + 1);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(*again, *silence);
}

struct BadCase {
  const char* json;
  const char* field;
};

class BadSilence : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadSilence, IsRejectedNamingTheField) {
  auto silence = SilenceFromJsonText(GetParam().json, kNow);
  ASSERT_FALSE(silence.has_value()) << GetParam().json;
  EXPECT_EQ(silence.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(silence.error().field(), GetParam().field) << silence.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Fields, BadSilence,
    ::testing::Values(
        BadCase{R"([])", "body"}, BadCase{R"({"duration":"1h"})", "matchers"},
        BadCase{R"({"matchers":[],"duration":"1h"})", "matchers"},
        BadCase{R"({"matchers":[{"name":"a","op":"==","value":"b"}],"duration":"1h"})",
                "matchers[0].op"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"},{"op":"=","value":"b"}],
                   "duration":"1h"})",
                "matchers[1].name"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":3}],"duration":"1h"})",
                "matchers[0].value"},
        BadCase{R"({"matchers":["a=b"],"duration":"1h"})", "matchers[0]"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}]})", "ends_at"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],
                   "ends_at":"2026-12-07T02:00:00Z"})",
                "ends_at"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"starts_at":"yesterday",
                   "duration":"1h"})",
                "starts_at"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"duration":"soon"})",
                "duration"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"duration":"1h",
                   "ends_at":"2026-12-08T00:00:00Z"})",
                "duration"}));

TEST(SilenceState, Names) {
  EXPECT_STREQ(SilenceStateName(SilenceState::kExpired), "expired");
  EXPECT_STREQ(SilenceStateName(SilenceState::kPending), "pending");
  EXPECT_EQ(ParseWeekday("Sunday"), 6);
  EXPECT_EQ(ParseWeekday("mon"), 0);
  EXPECT_EQ(ParseWeekday("mo"), std::nullopt);
}

TEST(SilenceFromJson, ReadsAWeeklyScheduleWithoutEnd) {
  auto silence = SilenceFromJsonText(
      R"({"matchers":[{"name":"service","op":"=","value":"db"}],
          "schedule":{"time_zone":"Europe/Berlin",
                      "weekly":[{"day":"sun","start":"02:00","duration":"2h"},
                                {"day":"Wednesday","start":"23:30","duration":"90m"}]}})",
      kNow);
  ASSERT_TRUE(silence.has_value()) << silence.error().ToString();
  ASSERT_TRUE(silence->schedule.has_value());
  EXPECT_EQ(silence->schedule->time_zone, "Europe/Berlin");
  ASSERT_EQ(silence->schedule->weekly.size(), 2u);
  EXPECT_EQ(silence->schedule->weekly[0], (WeeklyWindow{6, 120, 2 * kHourMs}));
  EXPECT_EQ(silence->schedule->weekly[1], (WeeklyWindow{2, 23 * 60 + 30, 90 * kMinuteMs}));
  EXPECT_EQ(silence->starts_at, 0);  // since ever
  EXPECT_EQ(silence->ends_at, kMaxTimeMs);  // for ever
  auto again = SilenceFromJsonText(SilenceToJsonText(*silence), kNow + 1);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(*again, *silence);
  const auto shown = boost::json::parse(SilenceToJsonText(*silence)).as_object();
  EXPECT_TRUE(shown.at("ends_at").is_null());
  EXPECT_EQ(shown.at("schedule").at("weekly").at(1).at("day"), "wed");
  EXPECT_EQ(shown.at("schedule").at("weekly").at(1).at("start"), "23:30");
  EXPECT_EQ(shown.at("schedule").at("weekly").at(1).at("duration"), "90m");
}

TEST(SilenceToJson, ShowsStateAndWindow) {
  Silence silence;
  silence.matchers = {{"a", MatchOp::kEqual, "b"}};
  silence.starts_at = 1000;
  silence.ends_at = 2000;
  auto shown = SilenceToJson(silence, {SilenceState::kPending, 1000, 2000}).as_object();
  EXPECT_EQ(shown.at("state"), "pending");
  EXPECT_EQ(shown.at("window").at("starts_at"), "1970-01-01T00:00:01.000Z");
  EXPECT_TRUE(shown.at("schedule").is_null());
  shown = SilenceToJson(silence, SilenceActivity{}).as_object();
  EXPECT_EQ(shown.at("state"), "expired");
  EXPECT_TRUE(shown.at("window").is_null());
}

INSTANTIATE_TEST_SUITE_P(
    Schedule, BadSilence,
    ::testing::Values(
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"schedule":[]})", "schedule"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"schedule":{"weekly":[
                   {"day":"sun","start":"02:00","duration":"2h"}]}})",
                "schedule.time_zone"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],
                   "schedule":{"time_zone":"UTC","weekly":[]}})",
                "schedule.weekly"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"schedule":{"time_zone":"UTC",
                   "weekly":[{"day":"sun","start":"02:00","duration":"2h"},
                             {"day":"sunnday","start":"02:00","duration":"2h"}]}})",
                "schedule.weekly[1].day"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"schedule":{"time_zone":"UTC",
                   "weekly":[{"day":"sun","start":"24:00","duration":"2h"}]}})",
                "schedule.weekly[0].start"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"schedule":{"time_zone":"UTC",
                   "weekly":[{"day":"sun","start":"2:00","duration":"2h"}]}})",
                "schedule.weekly[0].start"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"schedule":{"time_zone":"UTC",
                   "weekly":[{"day":"sun","start":"02:00","duration":"8d"}]}})",
                "schedule.weekly[0].duration"},
        BadCase{R"({"matchers":[{"name":"a","op":"=","value":"b"}],"schedule":{"time_zone":"UTC",
                   "weekly":[{"day":"sun","start":"02:00"}]}})",
                "schedule.weekly[0].duration"}));

}  // namespace
}  // namespace quell::model
