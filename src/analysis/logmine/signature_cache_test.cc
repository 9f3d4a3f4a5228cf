#include "analysis/logmine/signature_cache.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

namespace quell::analysis::logmine {
namespace {

TEST(SignatureCacheTest, FindsEveryKeyAcrossGrowthAndOverwrites) {
  SignatureCache cache;
  std::unordered_map<uint64_t, uint64_t> expected;
  std::mt19937_64 rng(18);
  std::vector<size_t> capacities;
  for (int i = 0; i < 200'000; ++i) {
    const uint64_t key = rng() % 150'000 * 0x9e3779b97f4a7c15ull;  // some keys come back
    const uint64_t id = static_cast<uint64_t>(i) + 1;
    cache.Set(key, id);
    expected[key] = id;
    if (capacities.empty() || capacities.back() != cache.capacity()) {
      capacities.push_back(cache.capacity());
    }
  }
  EXPECT_EQ(cache.size(), expected.size());
  for (const auto& [key, id] : expected) {
    const SignatureCache::Entry* e = cache.Find(key);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->cluster_id, id);
  }
  EXPECT_EQ(cache.Find(12345), nullptr);
  // Doubling from 1024 entries, with the 512 KB and 1 MB steps skipped for one 2 MB table.
  const size_t huge = kHugePageSize / sizeof(SignatureCache::Entry);
  EXPECT_EQ(capacities, (std::vector<size_t>{1024, 2048, 4096, 8192, 16384, huge, 2 * huge}));
}

TEST(SignatureCacheTest, ClearForgetsAndKeepsTheTable) {
  SignatureCache cache;
  for (uint64_t k = 1; k <= 5000; ++k) cache.Set(k * 0x9e3779b97f4a7c15ull, k);
  const size_t capacity = cache.capacity();
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.capacity(), capacity);
  EXPECT_EQ(cache.Find(7 * 0x9e3779b97f4a7c15ull), nullptr);
  cache.Set(7, 70);
  ASSERT_NE(cache.Find(7), nullptr);
  EXPECT_EQ(cache.Find(7)->cluster_id, 70u);
}

}  // namespace
}  // namespace quell::analysis::logmine
