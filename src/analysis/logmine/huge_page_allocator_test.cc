#include "analysis/logmine/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace quell::analysis::logmine {
namespace {

TEST(HugePageAllocator, BigAllocationsAre2MbAlignedAndUsable) {
  std::vector<uint64_t, HugePageAllocator<uint64_t>> big(kHugePageSize / sizeof(uint64_t) + 1, 7);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % kHugePageSize, 0u);
  big.back() = 9;  // the last element lies in the rounded-up second huge page
  EXPECT_EQ(big.front(), 7u);
  EXPECT_EQ(big.back(), 9u);
}

TEST(HugePageAllocator, SmallAllocationsAndGrowthKeepTheElements) {
  std::vector<uint64_t, HugePageAllocator<uint64_t>> v;
  for (uint64_t i = 0; i < 400'000; ++i) v.push_back(i);  // grows from malloc into huge pages
  for (uint64_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], i);
  std::vector<uint64_t, HugePageAllocator<uint64_t>> empty;
  empty.reserve(0);
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace quell::analysis::logmine
