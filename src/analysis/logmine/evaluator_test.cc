#include "analysis/logmine/evaluator.h"

#include <gtest/gtest.h>

namespace quell::analysis::logmine {
namespace {

TEST(EvaluatorTest, GroundTruthAgainstItselfScoresOne) {
  std::vector<std::string> truth = {"a <*>", "a <*>", "b", "c <*> d", "b", "a <*>"};
  auto s = Evaluate(truth, truth);
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->grouping_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s->parsing_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s->f1_grouping_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s->f1_template_accuracy, 1.0);
  EXPECT_EQ(s->truth_templates, 3u);
}

// Ground truth A{0,1} B{2,3} C{4}; prediction A{0,1} B{2,4} Z{3}; line 5 has no label.
//   GA  = 2/5 (only group A is predicted exactly)
//   PA  = 3/5 (lines 0, 1, 2 carry the right text)
//   FGA = F1(1/3, 1/3) = 1/3
//   FTA = F1(1/3, 1/3) = 1/3 (only template A is right: B also labels a C line, Z is wrong)
TEST(EvaluatorTest, HandComputedCase) {
  std::vector<std::string> truth = {"A", "A", "B", "B", "C", ""};
  std::vector<std::string> predicted = {"A", "A", "B", "Z", "B", "Q"};
  auto s = Evaluate(truth, predicted);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lines, 5u);
  EXPECT_DOUBLE_EQ(s->grouping_accuracy, 0.4);
  EXPECT_DOUBLE_EQ(s->parsing_accuracy, 0.6);
  EXPECT_NEAR(s->f1_grouping_accuracy, 1.0 / 3, 1e-12);
  EXPECT_NEAR(s->f1_template_accuracy, 1.0 / 3, 1e-12);
  EXPECT_EQ(s->predicted_templates, 3u);
}

TEST(EvaluatorTest, RightGroupsWrongTextKeepsGroupingScores) {
  std::vector<std::string> truth = {"x <*>", "x <*>", "y"};
  std::vector<std::string> predicted = {"x 1", "x 1", "y <*>"};
  auto s = Evaluate(truth, predicted);
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->grouping_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s->f1_grouping_accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s->parsing_accuracy, 0.0);
  EXPECT_DOUBLE_EQ(s->f1_template_accuracy, 0.0);
}

TEST(EvaluatorTest, SizeMismatchIsAnError) {
  auto s = Evaluate({"a"}, {"a", "b"});
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace quell::analysis::logmine
