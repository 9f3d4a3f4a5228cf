#include "analysis/change_cues.h"

#include <gtest/gtest.h>

namespace quell::analysis {
namespace {

TEST(ChangeCues, FindsChangeWordsByStemInAnyCase) {
  auto cues = FindChangeCues(
      "Customers saw errors. A configuration change was Rolled Out to the fleet at 10:02! "
      "Engineers reverted it.");
  ASSERT_EQ(cues.size(), 2u);
  EXPECT_EQ(cues[0].word, "configuration");
  EXPECT_EQ(cues[0].sentence, "A configuration change was Rolled Out to the fleet at 10:02");
  EXPECT_EQ(cues[1].word, "reverted");
}

TEST(ChangeCues, RollPhrasesAndWholeWords) {
  EXPECT_EQ(FindChangeCues("we began to roll out the fix")[0].word, "roll out");
  EXPECT_EQ(FindChangeCues("upgrading the kernel")[0].word, "upgrading");
  // "changelog" and "exchange" are not "change"; a disk failure is not a change.
  EXPECT_TRUE(FindChangeCues("see the changelog; the exchange was down").empty());
  EXPECT_TRUE(FindChangeCues("A disk failed in one zone. Traffic failed over.").empty());
}

TEST(ChangeCues, LongSentencesAreCut) {
  const std::string text = "deploy " + std::string(400, 'x');
  auto cues = FindChangeCues(text);
  ASSERT_EQ(cues.size(), 1u);
  EXPECT_EQ(cues[0].sentence.size(), 240u);
  EXPECT_TRUE(cues[0].sentence.ends_with("..."));
}

}  // namespace
}  // namespace quell::analysis
