#include "cli/id_spill.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace quell::cli {
namespace {

std::vector<uint64_t> ReadBack(IdSpill& spill) {
  std::vector<uint64_t> ids;
  uint64_t id = 0;
  while (spill.Next(&id)) ids.push_back(id);
  return ids;
}

// More ids than several blocks (16,384 each), so that they cross block edges both ways.
TEST(IdSpillTest, GivesBackEveryIdInOrder) {
  auto spill = IdSpill::Create();
  ASSERT_TRUE(spill) << spill.error().ToString();
  std::mt19937 rng(18);
  std::vector<uint64_t> ids = {0, 1, UINT32_MAX};
  while (ids.size() < 200'001) ids.push_back(rng() % 5000);
  for (uint64_t id : ids) spill->Append(id);
  ASSERT_TRUE(spill->StartReading().ok());
  EXPECT_EQ(ReadBack(*spill), ids);
}

TEST(IdSpillTest, NoIdsReadBackAsNone) {
  auto spill = IdSpill::Create();
  ASSERT_TRUE(spill);
  ASSERT_TRUE(spill->StartReading().ok());
  EXPECT_TRUE(ReadBack(*spill).empty());
}

TEST(IdSpillTest, AnIdOverFourBytesFailsInsteadOfComingBackWrong) {
  auto spill = IdSpill::Create();
  ASSERT_TRUE(spill);
  spill->Append(7);
  spill->Append(uint64_t{UINT32_MAX} + 1);
  const Status s = spill->StartReading();
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("does not fit"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace quell::cli
