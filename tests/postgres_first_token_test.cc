// Real nodes started together on one empty PostgreSQL database: exactly one creates the first
// admin token (and holds it in its data dir's admin.token), the others start without one, and
// that token works on all of them. Process start-up spreads the nodes too much to hit the race
// reliably: src/app/first_admin_token_test.cc releases eight stores at once for that.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

// `quell token list --db URL`'s rows (its header left out), or nullopt when it failed.
std::optional<std::vector<std::string>> ListTokens(const std::string& url) {
  FILE* pipe = ::popen((QuellBinary() + " token list --db '" + url + "'").c_str(), "r");
  if (!pipe) return std::nullopt;
  std::vector<std::string> rows;
  char line[512];
  while (std::fgets(line, sizeof line, pipe)) rows.emplace_back(line);
  if (::pclose(pipe) != 0 || rows.empty()) return std::nullopt;
  rows.erase(rows.begin());
  return rows;
}

TEST(PostgresFirstToken, NodesStartedTogetherOnAnEmptyDatabaseCreateOneAdminToken) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  constexpr int kNodes = 4;
  std::vector<std::unique_ptr<ServerProcess>> nodes;
  for (int i = 0; i < kNodes; ++i) nodes.push_back(std::make_unique<ServerProcess>());
  std::vector<std::thread> starters;
  std::vector<int> started(kNodes, 0);
  for (int i = 0; i < kNodes; ++i)
    starters.emplace_back([&, i] { started[i] = nodes[i]->Start({"--db", *database}); });
  for (auto& t : starters) t.join();
  int holders = 0;
  std::string token;
  for (int i = 0; i < kNodes; ++i) {
    ASSERT_TRUE(started[i]) << nodes[i]->log();
    if (!nodes[i]->admin_token().empty()) {
      ++holders;
      token = nodes[i]->admin_token();
    }
  }
  EXPECT_EQ(holders, 1) << "nodes with an admin.token";
  auto rows = ListTokens(*database);
  ASSERT_TRUE(rows) << "quell token list --db failed";
  EXPECT_EQ(rows->size(), 1u) << "tokens in the database";
  // The one token works on every node.
  for (const auto& node : nodes)
    EXPECT_EQ(node->Get("/api/v1/incidents", token).status, 200) << node->log();
}

}  // namespace
}  // namespace quell::testing
