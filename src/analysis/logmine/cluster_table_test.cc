#include "analysis/logmine/cluster_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace quell::analysis::logmine {
namespace {

TEST(ClusterTableTest, InsertFindErase) {
  ClusterTable<int> table;
  EXPECT_EQ(table.Find(1), nullptr);
  table.Insert(1, std::make_unique<int>(10));
  table.Insert(65, std::make_unique<int>(650));  // same home slot as 1 in a 64-entry table
  ASSERT_NE(table.Find(65), nullptr);
  EXPECT_EQ(*table.Find(65), 650);
  table.Erase(1);  // 65 moves back to its home and stays reachable
  EXPECT_EQ(table.Find(1), nullptr);
  ASSERT_NE(table.Find(65), nullptr);
  EXPECT_EQ(*table.Find(65), 650);
  EXPECT_EQ(table.size(), 1u);
  table.Erase(12345);  // absent: no effect
  EXPECT_EQ(table.size(), 1u);
}

// Random inserts and erases (runs that wrap around the end of the array included) agree with a
// std::map at every step.
TEST(ClusterTableTest, AgreesWithAMapUnderChurn) {
  ClusterTable<uint64_t> table;
  std::map<uint64_t, uint64_t> model;
  std::mt19937_64 random(18);
  uint64_t next_id = 1;
  for (int step = 0; step < 20000; ++step) {
    if (model.empty() || random() % 3 != 0) {
      // Ids near a multiple of the table size collide at the end of the array and wrap.
      const uint64_t id = random() % 4 == 0 ? (next_id++ | 0x3f) : next_id++;
      if (model.count(id) > 0) continue;
      table.Insert(id, std::make_unique<uint64_t>(id * 7));
      model[id] = id * 7;
    } else {
      auto it = model.begin();
      std::advance(it, static_cast<long>(random() % model.size()));
      table.Erase(it->first);
      model.erase(it);
    }
    ASSERT_EQ(table.size(), model.size());
  }
  for (const auto& [id, value] : model) {
    ASSERT_NE(table.Find(id), nullptr) << id;
    EXPECT_EQ(*table.Find(id), value);
  }
  size_t seen = 0;
  table.ForEach([&](uint64_t id, const uint64_t& value) {
    EXPECT_EQ(model.at(id), value);
    ++seen;
  });
  EXPECT_EQ(seen, model.size());
}

}  // namespace
}  // namespace quell::analysis::logmine
