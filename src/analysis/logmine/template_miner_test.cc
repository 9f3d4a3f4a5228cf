#include "analysis/logmine/template_miner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace quell::analysis::logmine {
namespace {

std::string TemplateOf(const TemplateMiner& miner, uint64_t id) {
  const Cluster* c = miner.Find(id);
  return c == nullptr ? "<none>" : c->Template();
}

TEST(TemplateMinerTest, GroupsLinesThatDifferOnlyInTypedValues) {
  TemplateMiner miner;
  auto a = miner.Add("Connection to redis-3:6379 timed out after 1500 ms");
  auto b = miner.Add("Connection to redis-7:6379 timed out after 20 ms");
  EXPECT_EQ(a.change, ChangeType::kCreated);
  EXPECT_EQ(a.cluster_id, b.cluster_id);
  EXPECT_EQ(TemplateOf(miner, a.cluster_id), "Connection to <*> timed out after <*> ms");
  EXPECT_EQ(miner.Find(a.cluster_id)->count, 2u);
  EXPECT_EQ(miner.cluster_count(), 1u);
}

// The similarity scan drops templates by a digest of their constants' ends and lengths; tokens
// that differ only in the middle share that digest and must still be told apart.
TEST(TemplateMinerTest, TokensDifferingOnlyInTheMiddleStayApart) {
  TemplateMiner miner;
  auto a = miner.Add("opened handler_alpha_module_state now");
  auto b = miner.Add("opened handler_gamma_module_state now");
  EXPECT_NE(a.cluster_id, b.cluster_id);
  EXPECT_EQ(TemplateOf(miner, b.cluster_id), "opened handler_gamma_module_state now");
}

// Prepare runs ahead of Add (quell logmine keeps a few messages prepared): the results must be
// those of Add(message) one by one, including lines whose signature a message prepared earlier
// but added later puts into the cache, and templates changed in between.
TEST(TemplateMinerTest, PreparingAheadAddsExactlyAsAddingOneByOne) {
  const std::vector<std::string> lines = {
      "Connection to redis-3:6379 timed out after 1500 ms",
      "user alice logged in",
      "Connection to redis-7:6379 timed out after 20 ms",
      "user bob logged in",
      "user carol logged in",
      "user alice logged in",
      "cupsd startup succeeded",
      "cupsd shutdown succeeded",
      "Connection to redis-3:6379 timed out after 1500 ms",
      "user dave logged in",
  };
  TemplateMiner one_by_one;
  std::vector<AddResult> expected;
  for (const std::string& line : lines) expected.push_back(one_by_one.Add(line));

  TemplateMiner ahead;
  constexpr size_t kAhead = 3;
  PreparedMessage prepared[kAhead];
  size_t added = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i - added == kAhead) {
      const AddResult r = ahead.Add(prepared[added % kAhead]);
      EXPECT_EQ(r.cluster_id, expected[added].cluster_id) << added;
      EXPECT_EQ(r.change, expected[added].change) << added;
      ++added;
    }
    ahead.Prepare(lines[i], &prepared[i % kAhead]);
  }
  for (; added < lines.size(); ++added) {
    EXPECT_EQ(ahead.Add(prepared[added % kAhead]).cluster_id, expected[added].cluster_id);
  }
  EXPECT_EQ(ahead.Serialize(), one_by_one.Serialize());
}

TEST(TemplateMinerTest, WordAlternativesStaySeparateUntilTheyLookLikeAVariable) {
  TemplateMiner miner;  // merge_distinct_values = 3
  auto startup = miner.Add("cupsd startup succeeded");
  auto shutdown = miner.Add("cupsd shutdown succeeded");
  EXPECT_NE(startup.cluster_id, shutdown.cluster_id);

  auto root = miner.Add("session closed for user root");
  auto alice = miner.Add("session closed for user alice");
  EXPECT_NE(root.cluster_id, alice.cluster_id);
  auto bob = miner.Add("session closed for user bob");
  EXPECT_EQ(bob.change, ChangeType::kTemplateChanged);
  // All three now resolve to one template; old ids follow the merge.
  EXPECT_EQ(TemplateOf(miner, root.cluster_id), "session closed for user <*>");
  EXPECT_EQ(miner.Find(alice.cluster_id), miner.Find(bob.cluster_id));
  EXPECT_EQ(miner.Find(root.cluster_id)->count, 3u);
  EXPECT_EQ(miner.Add("session closed for user carol").cluster_id, miner.Find(root.cluster_id)->id);
}

TEST(TemplateMinerTest, KeepsBracketsAroundMergedValues) {
  TemplateMiner miner;
  uint64_t id = 0;
  for (const char* name : {"A8", "B6", "C4"}) {
    id = miner.Add(std::string("got no answer from any [Thunderbird_") + name + "] datasource")
             .cluster_id;
  }
  EXPECT_EQ(TemplateOf(miner, id), "got no answer from any [<*>] datasource");
}

TEST(TemplateMinerTest, NoClusterExplosionOnMostlyVariableLines) {
  TemplateMiner miner;
  for (int i = 0; i < 500; ++i) {
    std::string line = "ask 10.0.0." + std::to_string(i % 250) + ":50010 to delete";
    for (int k = 0; k < 20; ++k) line += " blk_" + std::to_string(i * 31 + k);
    miner.Add(line);
  }
  EXPECT_EQ(miner.cluster_count(), 1u);
}

TEST(TemplateMinerTest, MatchOnlyNeverLearns) {
  TemplateMiner miner;
  uint64_t id = miner.Add("disk /dev/sda1 is 91% full").cluster_id;
  EXPECT_EQ(miner.Match("disk /dev/sdb2 is 97% full"), id);
  EXPECT_EQ(miner.Match("completely different line"), std::nullopt);
  EXPECT_EQ(miner.cluster_count(), 1u);
  EXPECT_EQ(miner.Find(id)->count, 1u);
}

TEST(TemplateMinerTest, LruCapEvictsTheLeastRecentlyUsed) {
  MinerOptions options;
  options.max_clusters = 2;
  TemplateMiner miner(options);
  uint64_t a = miner.Add("alpha event happened").cluster_id;
  uint64_t b = miner.Add("beta thing broke down").cluster_id;
  miner.Add("alpha event happened");  // a is now the most recent
  uint64_t c = miner.Add("gamma job finished ok").cluster_id;
  EXPECT_EQ(miner.cluster_count(), 2u);
  EXPECT_NE(miner.Find(a), nullptr);
  EXPECT_EQ(miner.Find(b), nullptr);
  EXPECT_NE(miner.Find(c), nullptr);
  EXPECT_EQ(miner.evicted_count(), 1u);
  // An evicted template is learned again as a new cluster.
  uint64_t b2 = miner.Add("beta thing broke down").cluster_id;
  EXPECT_NE(b2, b);
}

// Each eviction takes the least recently used cluster, however the uses interleave.
TEST(TemplateMinerTest, LruCapEvictsInOrderOfLastUse) {
  MinerOptions options;
  options.max_clusters = 3;
  TemplateMiner miner(options);
  const char* lines[] = {"alpha event happened", "beta thing broke down", "gamma job finished",
                         "delta node rebooted now", "epsilon queue drained fully"};
  uint64_t ids[5];
  for (int i = 0; i < 3; ++i) ids[i] = miner.Add(lines[i]).cluster_id;
  miner.Add(lines[0]);  // recency, oldest first: beta, gamma, alpha
  miner.Add(lines[1]);  // gamma, alpha, beta
  ids[3] = miner.Add(lines[3]).cluster_id;  // evicts gamma
  EXPECT_EQ(miner.Find(ids[2]), nullptr);
  miner.Add(lines[0]);  // beta, delta, alpha
  ids[4] = miner.Add(lines[4]).cluster_id;  // evicts beta
  EXPECT_EQ(miner.Find(ids[1]), nullptr);
  EXPECT_NE(miner.Find(ids[0]), nullptr);
  EXPECT_NE(miner.Find(ids[3]), nullptr);
  EXPECT_NE(miner.Find(ids[4]), nullptr);
  EXPECT_EQ(miner.evicted_count(), 2u);
  // Clusters() lists them least recently used first.
  std::vector<uint64_t> order;
  for (const Cluster* c : miner.Clusters()) order.push_back(c->id);
  EXPECT_EQ(order, (std::vector<uint64_t>{ids[3], ids[0], ids[4]}));
}

TEST(TemplateMinerTest, SerializeRoundTripKeepsTemplatesCountsAndIds) {
  TemplateMiner miner;
  uint64_t a = miner.Add("user 17 logged in from 10.0.0.1").cluster_id;
  miner.Add("user 18 logged in from 10.0.0.2");
  uint64_t b = miner.Add("cache flushed").cluster_id;
  for (const char* u : {"x", "y", "z"}) miner.Add(std::string("removing ") + u);
  auto restored = TemplateMiner::Deserialize(miner.Serialize());
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  EXPECT_EQ(restored->cluster_count(), miner.cluster_count());
  EXPECT_EQ(TemplateOf(*restored, a), TemplateOf(miner, a));
  EXPECT_EQ(restored->Find(a)->count, 2u);
  EXPECT_EQ(restored->Match("cache flushed"), b);
  EXPECT_EQ(restored->Add("user 99 logged in from 10.9.9.9").cluster_id, a);
  uint64_t fresh = restored->Add("brand new message here").cluster_id;
  EXPECT_GT(fresh, b);  // ids continue after the restored ones
  EXPECT_EQ(restored->Serialize().empty(), false);
}

// Found by fuzz/logmine_fuzz: a message that is not UTF-8 was saved byte for byte and the state
// could not be read back ("miner state is not JSON").
TEST(TemplateMinerTest, SerializeRoundTripKeepsBytesThatAreNotUtf8) {
  TemplateMiner miner;
  const uint64_t id = miner.Add("dc\x8a").cluster_id;
  auto restored = TemplateMiner::Deserialize(miner.Serialize());
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  EXPECT_EQ(TemplateOf(*restored, id), "dc\x8a");
  EXPECT_EQ(restored->Serialize(), miner.Serialize());
}

TEST(TemplateMinerTest, DeserializeRejectsGarbage) {
  EXPECT_FALSE(TemplateMiner::Deserialize("not json").has_value());
  EXPECT_FALSE(TemplateMiner::Deserialize("{\"version\":1}").has_value());
  EXPECT_FALSE(TemplateMiner::Deserialize("[1,2]").has_value());
  EXPECT_FALSE(TemplateMiner::Deserialize(
                   "{\"version\":1,\"options\":{\"depth\":4,\"similarity_threshold\":0.9,"
                   "\"max_children\":100,\"max_clusters\":0,\"max_signatures\":10},\"next_id\":2,"
                   "\"clusters\":[{\"id\":1,\"count\":1,\"tokens\":[\"a\"],\"path\":[\"7\"]}]}")
                   .has_value());
}

}  // namespace
}  // namespace quell::analysis::logmine
