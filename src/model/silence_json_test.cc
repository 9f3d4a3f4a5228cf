#include "model/silence_json.h"

#include <gtest/gtest.h>

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

TEST(SilenceState, PendingActiveExpired) {
  Silence silence;
  silence.starts_at = 1000;
  silence.ends_at = 2000;
  EXPECT_EQ(SilenceStateAt(silence, 999), SilenceState::kPending);
  EXPECT_EQ(SilenceStateAt(silence, 1000), SilenceState::kActive);
  EXPECT_EQ(SilenceStateAt(silence, 1999), SilenceState::kActive);
  EXPECT_EQ(SilenceStateAt(silence, 2000), SilenceState::kExpired);
  EXPECT_STREQ(SilenceStateName(SilenceState::kExpired), "expired");
}

}  // namespace
}  // namespace quell::model
