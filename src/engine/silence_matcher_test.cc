#include "engine/silence_matcher.h"

#include <gtest/gtest.h>

namespace quell::engine {
namespace {

using model::MatchOp;

model::NormalizedAlert CheckoutAlert() {
  model::NormalizedAlert alert;
  alert.source = "generic";
  alert.service = "checkout";
  alert.environment = "prod";
  alert.name = "HighLatency";
  alert.severity = model::Severity::kCritical;
  alert.labels = {{"team", "payments"}, {"region", "eu-west-1"}};
  return alert;
}

model::Silence SilenceOf(std::vector<model::Matcher> matchers) {
  model::Silence silence;
  silence.matchers = std::move(matchers);
  return silence;
}

struct MatchCase {
  const char* what;
  model::Matcher matcher;
  bool matches;
};

class OneMatcher : public ::testing::TestWithParam<MatchCase> {};

TEST_P(OneMatcher, MatchesTheCheckoutAlertAsAlertmanagerWould) {
  const MatchCase& c = GetParam();
  auto matched = Matches(SilenceOf({c.matcher}), CheckoutAlert());
  ASSERT_TRUE(matched.has_value()) << matched.error().ToString();
  EXPECT_EQ(*matched, c.matches) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Ops, OneMatcher,
    ::testing::Values(
        MatchCase{"= service", {"service", MatchOp::kEqual, "checkout"}, true},
        MatchCase{"= is exact", {"service", MatchOp::kEqual, "check"}, false},
        MatchCase{"!= other", {"service", MatchOp::kNotEqual, "api"}, true},
        MatchCase{"!= same", {"service", MatchOp::kNotEqual, "checkout"}, false},
        MatchCase{"=~ prefix regex", {"service", MatchOp::kRegex, "check.*"}, true},
        MatchCase{"=~ anchored at the start", {"service", MatchOp::kRegex, "heck.*"}, false},
        MatchCase{"=~ anchored at the end", {"service", MatchOp::kRegex, "check"}, false},
        MatchCase{
            "=~ alternation is anchored whole", {"service", MatchOp::kRegex, "api|checkout"}, true},
        MatchCase{"!~ matching regex", {"service", MatchOp::kNotRegex, "check.*"}, false},
        MatchCase{"!~ other regex", {"service", MatchOp::kNotRegex, "api.*"}, true},
        MatchCase{"environment", {"environment", MatchOp::kEqual, "prod"}, true},
        MatchCase{"name", {"name", MatchOp::kRegex, "High.*"}, true},
        MatchCase{"severity by name", {"severity", MatchOp::kEqual, "critical"}, true},
        MatchCase{"source", {"source", MatchOp::kEqual, "generic"}, true},
        MatchCase{"a label", {"team", MatchOp::kEqual, "payments"}, true},
        MatchCase{"a label by regex", {"region", MatchOp::kRegex, "eu-.*"}, true},
        MatchCase{"missing label is empty: = \"\"", {"owner", MatchOp::kEqual, ""}, true},
        MatchCase{"missing label is empty: = x", {"owner", MatchOp::kEqual, "x"}, false},
        MatchCase{"missing label is empty: != x", {"owner", MatchOp::kNotEqual, "x"}, true},
        MatchCase{"missing label is empty: !~ .+", {"owner", MatchOp::kNotRegex, ".+"}, true},
        MatchCase{"missing label is empty: =~ .+", {"owner", MatchOp::kRegex, ".+"}, false}));

TEST(SilenceMatcher, AnchoringMatchesCheckoutButNotXcheck) {
  auto matcher = SilenceMatcher::Compile(SilenceOf({{"service", MatchOp::kRegex, "check.*"}}));
  ASSERT_TRUE(matcher.has_value());
  model::NormalizedAlert alert;
  for (auto [service, expected] : std::vector<std::pair<std::string, bool>>{
           {"checkout", true}, {"check", true}, {"xcheck", false}, {"xcheckout", false}}) {
    alert.service = service;
    EXPECT_EQ(matcher->Matches(alert), expected) << service;
  }
}

TEST(SilenceMatcher, EveryMatcherMustMatch) {
  const auto alert = CheckoutAlert();
  EXPECT_TRUE(*Matches(SilenceOf({{"service", MatchOp::kEqual, "checkout"},
                                  {"environment", MatchOp::kEqual, "prod"}}),
                       alert));
  EXPECT_FALSE(*Matches(SilenceOf({{"service", MatchOp::kEqual, "checkout"},
                                   {"environment", MatchOp::kEqual, "staging"}}),
                        alert));
}

TEST(SilenceMatcher, AnInvalidRegexNamesItsField) {
  auto compiled = SilenceMatcher::Compile(
      SilenceOf({{"service", MatchOp::kEqual, "("}, {"name", MatchOp::kNotRegex, "(unclosed"}}));
  ASSERT_FALSE(compiled.has_value());
  EXPECT_EQ(compiled.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(compiled.error().field(), "matchers[1].value");
}

}  // namespace
}  // namespace quell::engine
