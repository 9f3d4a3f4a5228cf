#include "app/node_id.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

namespace quell::app {
namespace {

namespace fs = std::filesystem;

class NodeIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("quell_node_id_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& text) { std::ofstream(dir_ / "node-id") << text; }
  fs::path dir_;
};

TEST_F(NodeIdTest, MadeOnceThenReadBack) {
  auto first = ReadOrCreateNodeId(dir_.string());
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->size(), 16u);
  auto again = ReadOrCreateNodeId(dir_.string());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1)
      << "no temporary file left";
}

TEST_F(NodeIdTest, ProcessesStartingTogetherReadOneId) {
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (auto& id : ids)
    threads.emplace_back([&] {
      auto read = ReadOrCreateNodeId(dir_.string());
      id = read ? *read : "error: " + read.error().ToString();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u) << ids[0] << " " << ids[1];
  EXPECT_EQ(ids[0].size(), 16u) << ids[0];
}

TEST_F(NodeIdTest, AnIdSetByHandIsKeptAndABrokenOneIsAnError) {
  Write("web-1.eu_west\n");
  auto id = ReadOrCreateNodeId(dir_.string());
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(*id, "web-1.eu_west");
  for (const std::string& broken :
       std::vector<std::string>{"", "\n", "two words\n", "a/b", std::string(65, 'x')}) {
    Write(broken);
    auto read = ReadOrCreateNodeId(dir_.string());
    ASSERT_FALSE(read) << broken;
    EXPECT_EQ(read.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(read.error().message().find("node-id"), std::string::npos);
  }
}

TEST_F(NodeIdTest, LockKeysDifferPerIdAndFromTheTelegramPollers) {
  EXPECT_EQ(NodeIdLockKey("a"), NodeIdLockKey("a"));
  EXPECT_NE(NodeIdLockKey("a"), NodeIdLockKey("b"));
  EXPECT_NE(NodeIdLockKey("a"), 7420190002);
}

}  // namespace
}  // namespace quell::app
