// The JSON of escalation policies, routes and pages: what is read, what is refused (naming the
// field), the round trips the store relies on, and when each step of a repeated policy is due.
#include <gtest/gtest.h>

#include "model/escalation_json.h"

namespace quell::model {
namespace {

TEST(EscalationPolicyJson, ReadsTheIssuesExampleAndRoundTrips) {
  auto policy = EscalationPolicyFromJsonText(
      R"({"name":"default","steps":[{"after":"0m","notify":[{"schedule":"primary"}]},
          {"after":"15m","notify":[{"user":"bob"},{"chat":"-100123"}]}],"repeat":1})");
  ASSERT_TRUE(policy) << policy.error().ToString();
  ASSERT_EQ(policy->steps.size(), 2u);
  EXPECT_EQ(policy->steps[0].after_ms, 0);
  EXPECT_EQ(policy->steps[0].notify[0].schedule, "primary");
  EXPECT_EQ(policy->steps[1].after_ms, 15 * kMinuteMs);
  EXPECT_EQ(policy->steps[1].notify[0].user, "bob");
  EXPECT_EQ(policy->steps[1].notify[1].chat, -100123);
  EXPECT_EQ(policy->repeat, 1);
  EXPECT_EQ(policy->repeat_after_ms, 15 * kMinuteMs);
  auto again = EscalationPolicyFromJsonText(EscalationPolicyToJsonText(*policy));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *policy);
}

TEST(EscalationPolicyJson, StepsAreDueFromTheAnchorRoundAfterRound) {
  EscalationPolicy p;
  p.steps = {{0, {}}, {10 * kMinuteMs, {}}};
  p.repeat = 2;
  p.repeat_after_ms = 5 * kMinuteMs;
  EXPECT_EQ(p.TotalSteps(), 6u);
  const TimeMs t = 1000;
  EXPECT_EQ(p.StepDueAt(0, t), t);
  EXPECT_EQ(p.StepDueAt(1, t), t + 10 * kMinuteMs);
  EXPECT_EQ(p.StepDueAt(2, t), t + 15 * kMinuteMs);
  EXPECT_EQ(p.StepDueAt(3, t), t + 25 * kMinuteMs);
  EXPECT_EQ(p.StepDueAt(5, t), t + 40 * kMinuteMs);
}

struct BadCase {
  const char* json;
  const char* field;
};

class BadPolicy : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadPolicy, IsRejectedNamingTheField) {
  auto policy = EscalationPolicyFromJsonText(GetParam().json);
  ASSERT_FALSE(policy.has_value()) << GetParam().json;
  EXPECT_EQ(policy.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.error().field(), GetParam().field) << policy.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Fields, BadPolicy,
    ::testing::Values(
        BadCase{R"([])", "body"},
        BadCase{R"({"steps":[{"after":"0m","notify":[{"user":"a"}]}]})", "name"},
        BadCase{R"({"name":"p"})", "steps"}, BadCase{R"({"name":"p","steps":[]})", "steps"},
        BadCase{R"({"name":"p","steps":[{"after":"soon","notify":[{"user":"a"}]}]})",
                "steps[0].after"},
        BadCase{R"({"name":"p","steps":[{"notify":[{"user":"a"}]}]})", "steps[0].after"},
        BadCase{R"({"name":"p","steps":[{"after":"5m","notify":[{"user":"a"}]},
                   {"after":"5m","notify":[{"user":"b"}]}]})",
                "steps[1].after"},
        BadCase{R"({"name":"p","steps":[{"after":"5m","notify":[]}]})", "steps[0].notify"},
        BadCase{R"({"name":"p","steps":[{"after":"5m","notify":[{}]}]})", "steps[0].notify[0]"},
        BadCase{R"({"name":"p","steps":[{"after":"5m","notify":[{"user":"a","chat":1}]}]})",
                "steps[0].notify[0]"},
        BadCase{R"({"name":"p","steps":[{"after":"5m","notify":[{"chat":"x1"}]}]})",
                "steps[0].notify[0].chat"},
        BadCase{R"({"name":"p","steps":[{"after":"5m","notify":[{"schedule":"a b"}]}]})",
                "steps[0].notify[0].schedule"},
        BadCase{R"({"name":"p","steps":[{"after":"0m","notify":[{"user":"a"}]}],"repeat":10})",
                "repeat"},
        BadCase{R"({"name":"p","steps":[{"after":"0m","notify":[{"user":"a"}]}],"repeat":-1})",
                "repeat"},
        BadCase{R"({"name":"p","steps":[{"after":"0m","notify":[{"user":"a"}]}],
                   "repeat_after":"0s"})",
                "repeat_after"}));

TEST(EscalationRoutesJson, ReadsRoutesAndTheDefault) {
  auto routes = EscalationRoutesFromJsonText(
      R"({"routes":[{"matchers":[{"name":"service","op":"=~","value":"db.*"}],"policy":"dba"}],
          "default":"default"})");
  ASSERT_TRUE(routes) << routes.error().ToString();
  ASSERT_EQ(routes->routes.size(), 1u);
  EXPECT_EQ(routes->routes[0].matchers[0], (Matcher{"service", MatchOp::kRegex, "db.*"}));
  EXPECT_EQ(routes->routes[0].policy, "dba");
  EXPECT_EQ(routes->default_policy, "default");
  auto again = EscalationRoutesFromJsonText(EscalationRoutesToJsonText(*routes));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *routes);

  auto bad = EscalationRoutesFromJsonText(R"({"routes":[{"matchers":[],"policy":"p"}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field(), "routes[0].matchers");
  bad = EscalationRoutesFromJsonText(
      R"({"routes":[{"matchers":[{"name":"a","op":"~","value":"b"}],"policy":"p"}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field(), "routes[0].matchers[0].op");
  bad = EscalationRoutesFromJsonText(
      R"({"routes":[{"matchers":[{"name":"a","op":"=","value":"b"}]}]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field(), "routes[0].policy");
}

TEST(PageJson, RoundTrips) {
  Page page{42, 1, 2, "default", {{"ana", "schedule primary", 555, 0, ""}, {"", "", 0, -100, ""},
                                  {"cy", "", 0, 0, "no telegram_user_id"}}};
  auto again = PageFromJsonText(PageToJsonText(page));
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(*again, page);
}

}  // namespace
}  // namespace quell::model
