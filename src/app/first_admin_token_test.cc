// The first admin token: one per database, even when several nodes start together on one empty
// PostgreSQL database (threads with a store each stand in for the nodes, released at once).
#include "app/first_admin_token.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "../tests/test_store.h"
#include "store/postgres/pg_store.h"
#include "support/private_postgres.h"

namespace quell::app {
namespace {

bool HasToken(const std::filesystem::path& dir) {
  return std::filesystem::exists(dir / "admin.token");
}

TEST(FirstAdminToken, NodesStartingTogetherOnOneEmptyDatabaseCreateOne) {
  quell::testing::TestDir dir("first_admin");
  SystemClock clock;
  constexpr int kNodes = 8;
  for (int round = 0; round < 5; ++round) {
    auto url = quell::testing::CreateTestDatabase();
    ASSERT_TRUE(url) << url.error().ToString();
    std::vector<std::unique_ptr<store::Store>> stores;
    std::vector<std::filesystem::path> dirs;
    for (int i = 0; i < kNodes; ++i) {
      auto store = store::OpenPgStore(store::PgOptions{*url, 2});
      ASSERT_TRUE(store) << store.error().ToString();
      stores.push_back(std::move(*store));
      dirs.push_back(dir.path() / (std::to_string(round) + "-" + std::to_string(i)));
      std::filesystem::create_directories(dirs.back());
    }
    std::mutex mu;
    std::condition_variable go;
    bool started = false;
    std::vector<Status> results(kNodes, Status::Ok());
    std::vector<std::thread> nodes;
    for (int i = 0; i < kNodes; ++i) {
      nodes.emplace_back([&, i] {
        {
          std::unique_lock lock(mu);
          go.wait(lock, [&] { return started; });
        }
        results[i] = EnsureAdminToken(*stores[i], dirs[i], clock);
      });
    }
    {
      std::lock_guard lock(mu);
      started = true;
    }
    go.notify_all();
    for (auto& t : nodes) t.join();
    int holders = 0;
    for (int i = 0; i < kNodes; ++i) {
      EXPECT_TRUE(results[i].ok()) << results[i].ToString();
      holders += HasToken(dirs[i]);
    }
    EXPECT_EQ(holders, 1) << "round " << round;
    auto tokens = stores[0]->ListTokens();
    ASSERT_TRUE(tokens) << tokens.error().ToString();
    EXPECT_EQ(tokens->size(), 1u) << "round " << round;
  }
}

// One node (SQLite): the first start creates it, later starts leave tokens alone, and a
// database whose tokens were all revoked gets a new one at the next start.
TEST(FirstAdminToken, OneNodeCreatesItOnceAndAgainWhenAllTokensAreGone) {
  quell::testing::TestDir dir("first_admin_sqlite");
  auto store = quell::testing::OpenTestStore(dir);
  ASSERT_TRUE(store) << store.error().ToString();
  SystemClock clock;
  ASSERT_TRUE(EnsureAdminToken(**store, dir.path(), clock).ok());
  ASSERT_TRUE(HasToken(dir.path()));
  std::ifstream in(dir.path() / "admin.token");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind("qk_", 0), 0u);
  ASSERT_TRUE(EnsureAdminToken(**store, dir.path(), clock).ok());
  EXPECT_EQ((*store)->ListTokens()->size(), 1u);
  ASSERT_EQ((*store)->DeleteTokens("admin"), 1);
  ASSERT_TRUE(EnsureAdminToken(**store, dir.path(), clock).ok());
  EXPECT_EQ((*store)->ListTokens()->size(), 1u);
  std::ifstream again(dir.path() / "admin.token");
  std::string second;
  std::getline(again, second);
  EXPECT_NE(second, first);
}

}  // namespace
}  // namespace quell::app
