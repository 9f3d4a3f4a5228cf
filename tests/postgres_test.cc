// `quell serve --db` and `quell token --db` on the tests' private PostgreSQL: an alert posted
// over HTTP is read back as an incident, ingest is a real PostgreSQL commit (a second server on
// the same database sees it), tokens are managed in the database, and the password in the URL
// shows nowhere.
#include <gtest/gtest.h>

#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>

#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

// The test database's URL with a password in it (the private server trusts local connections,
// so any password works): what must never reach a log or an error.
constexpr const char* kPassword = "hunter2-pg-secret";

std::string WithPassword(const std::string& url) {
  const std::string user = "postgresql://quell@";
  EXPECT_EQ(url.rfind(user, 0), 0u) << url;
  return "postgresql://quell:" + std::string(kPassword) + "@" + url.substr(user.size());
}

TEST(PostgresServe, AnAlertPostedOverHttpIsReadBackAsAnIncident) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  const std::string url = WithPassword(*database);
  ServerProcess server;
  ASSERT_TRUE(server.Start({"--db", url})) << server.log();
  const std::string token = server.admin_token();
  ASSERT_FALSE(token.empty()) << server.log();

  const std::string alert =
      R"({"service":"checkout","error":"Postgres-backed timeout","environment":"prod"})";
  auto posted = server.Post("/api/v1/alerts", alert, token);
  ASSERT_EQ(posted.status, 202) << posted.body;
  const int64_t id = json::parse(posted.body).at("incident_id").as_int64();
  auto repeat = server.Post("/api/v1/alerts", alert, token);
  ASSERT_EQ(repeat.status, 202) << repeat.body;
  EXPECT_EQ(json::parse(repeat.body).at("duplicate"), true);

  auto got = server.Get("/api/v1/incidents/" + std::to_string(id), token);
  ASSERT_EQ(got.status, 200) << got.body;
  auto incident = json::parse(got.body);
  EXPECT_EQ(incident.at("status"), "triggered");
  ASSERT_EQ(incident.at("alerts").as_array().size(), 1u);
  EXPECT_EQ(incident.at("alerts").as_array()[0].at("count").as_int64(), 2);

  // Committed in PostgreSQL when answered: a second server on the database (another data dir)
  // reads it at once.
  // The tokens live in the database too: the first server's admin token works there.
  ServerProcess other;
  ASSERT_TRUE(other.Start({"--db", url})) << other.log();
  auto seen = other.Get("/api/v1/incidents/" + std::to_string(id), token);
  EXPECT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(server.log().find(kPassword), std::string::npos) << server.log();
  EXPECT_EQ(other.log().find(kPassword), std::string::npos) << other.log();
}

TEST(PostgresServe, TokenCommandsWorkOnTheDatabase) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  // The data dir holds nothing then, but is still where admin.token would go.
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("quell_pg_tokens_" + std::to_string(::getpid()));
  const std::string db = " --db " + WithPassword(*database) + " --data-dir " + dir;
  int code = -1;
  const std::string created = RunQuell("token create --name ci --scope ingest" + db, &code);
  ASSERT_EQ(code, 0) << created;
  EXPECT_EQ(created.rfind("qk_", 0), 0u) << created;
  std::string listed = RunQuell("token list" + db, &code);
  ASSERT_EQ(code, 0) << listed;
  EXPECT_NE(listed.find("ci"), std::string::npos) << listed;
  const std::string revoked = RunQuell("token revoke --name ci" + db, &code);
  ASSERT_EQ(code, 0) << revoked;
  listed = RunQuell("token list" + db, &code);
  EXPECT_EQ(listed.find("ci "), std::string::npos) << listed;
  for (const auto& out : {created, listed, revoked})
    EXPECT_EQ(out.find(kPassword), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

TEST(PostgresServe, AnUnreachableDatabaseFailsWithoutShowingThePassword) {
  int code = -1;
  const std::string out = RunQuell(
      "token list --db postgresql://quell:" + std::string(kPassword) + "@127.0.0.1:1/none", &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(out.find("PostgreSQL"), std::string::npos) << out;
  EXPECT_EQ(out.find(kPassword), std::string::npos) << out;
}

}  // namespace
}  // namespace quell::testing
