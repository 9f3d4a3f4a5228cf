#include "analysis/logmine/token_pattern.h"

#include <gtest/gtest.h>

namespace quell::analysis::logmine {
namespace {

TEST(TokenPatternTest, MergeKeepsStructureAroundTheVariable) {
  EXPECT_EQ(MergeTokens("[Thunderbird_A8]", "[Thunderbird_B6]"), "[<*>]");
  EXPECT_EQ(MergeTokens("user=root", "user=bob"), "user=<*>");
  EXPECT_EQ(MergeTokens("alpha,", "beta,"), "<*>,");
  EXPECT_EQ(MergeTokens("(eadmin1)", "(badmin1)"), "(<*>)");
  EXPECT_EQ(MergeTokens("startup", "shutdown"), "<*>");
  EXPECT_EQ(MergeTokens("[<*>]", "[x]"), "[<*>]");
  EXPECT_EQ(MergeTokens("same", "same"), "same");
  // A shared dotted tail is part of the varying name, not punctuation around it.
  EXPECT_EQ(MergeTokens("alpha.corp.example", "bravo.corp.example"), "<*>");
  EXPECT_EQ(MergeTokens("(alpha.corp),", "(bravo.corp),"), "(<*>),");
  EXPECT_EQ(MergeTokens("done.", "failed."), "<*>.");
}

TEST(TokenPatternTest, MatchesGlobs) {
  EXPECT_TRUE(TokenMatches("[<*>]", "[abc]"));
  EXPECT_TRUE(TokenMatches("[<*>]", "[]"));
  EXPECT_FALSE(TokenMatches("[<*>]", "(abc)"));
  EXPECT_TRUE(TokenMatches("user=<*>", "user=<*>"));
  EXPECT_TRUE(TokenMatches("<*>:<*>", "a:b:c"));
  EXPECT_FALSE(TokenMatches("plain", "plain2"));
  EXPECT_TRUE(TokenMatches("<*>", "anything"));
}

TEST(TokenPatternTest, WildcardLikeTokens) {
  EXPECT_TRUE(IsWildcardLike("<*>"));
  EXPECT_TRUE(IsWildcardLike("(<*>),"));
  EXPECT_FALSE(IsWildcardLike("user=<*>"));
  EXPECT_FALSE(IsWildcardLike("word"));
}

}  // namespace
}  // namespace quell::analysis::logmine
