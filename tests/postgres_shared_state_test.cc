// Two `quell serve --db` nodes on one private PostgreSQL: what one node changes through the API
// is what the other answers with, at once and without restarting it. The topology (which the
// engine groups with) and the silences (which the engine matches from a copy in memory) are
// announced by the node that writes them (store/change_watch.h); users, schedules and
// escalation policies are read from the database on each use.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>

#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

class PostgresSharedState : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = CreateTestDatabase();
    ASSERT_TRUE(database) << database.error().ToString();
    ASSERT_TRUE(a_.Start({"--db", *database, "--set", "analysis.delay=1h"})) << a_.log();
    token_ = a_.admin_token();
    ASSERT_FALSE(token_.empty()) << a_.log();
    // B runs no jobs: what it learns, it learns from A's announcements (the silences job,
    // which re-reads them, runs on A).
    ASSERT_TRUE(b_.Start({"--db", *database, "--set", "analysis.delay=1h", "--set",
                          "store.job_workers=0"}))
        << b_.log();
  }

  json::value GetJson(const ServerProcess& node, const std::string& path) {
    auto got = node.Get(path, token_);
    EXPECT_EQ(got.status, 200) << path << ": " << got.body;
    return got.status == 200 ? json::parse(got.body) : json::value();
  }

  // How long until `node` answers `path` with something `holds` accepts, asking every 10 ms for
  // at most `limit`; nullopt if it never did.
  std::optional<double> MsUntil(const ServerProcess& node, const std::string& path,
                                const std::function<bool(const json::value&)>& holds,
                                std::chrono::milliseconds limit) {
    const auto start = Clock::now();
    while (Clock::now() - start < limit) {
      if (holds(GetJson(node, path)))
        return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

  json::object PostAlert(const ServerProcess& node, const std::string& service) {
    json::object alert{{"service", service},
                       {"environment", "prod"},
                       {"name", "errors"},
                       {"error", "it broke"},
                       {"fingerprint", "fp-" + service}};
    auto posted = node.Post("/api/v1/alerts", json::serialize(alert), token_);
    EXPECT_EQ(posted.status, 202) << posted.body;
    return posted.status == 202 ? json::parse(posted.body).as_object() : json::object();
  }

  ServerProcess a_, b_;
  std::string token_;
};

// Less than the silences' re-read (5 s) and far less than forever (the topology, before).
constexpr std::chrono::milliseconds kPromptly{2000};

TEST_F(PostgresSharedState, ATopologyPutOnOneNodeIsWhatTheOtherGroupsWith) {
  auto client = a_.NewClient();
  auto put = client->Put("/api/v1/topology", {{"Authorization", "Bearer " + token_}},
                         R"({"services":{"api":{"depends_on":["redis"]}}})", "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  auto seen = MsUntil(b_, "/api/v1/topology", [](const json::value& topology) {
    const auto* services = topology.is_object() ? topology.as_object().if_contains("services")
                                                : nullptr;
    return services && services->as_object().contains("api");
  }, kPromptly);
  ASSERT_TRUE(seen) << "B never showed A's topology\n" << b_.log();
  std::printf("topology PUT on A shown by B after %.0f ms\n", *seen);

  // B's engine groups with it: the API's errors join the Redis incident.
  json::object redis = PostAlert(b_, "redis");
  ASSERT_EQ(redis["outcome"], "new_incident");
  json::object api = PostAlert(b_, "api");
  EXPECT_EQ(api["outcome"], "joined") << json::serialize(api);
  EXPECT_EQ(api["incident_id"], redis["incident_id"]);

  // And B's analyst reasons with it: Redis, which the API depends on, is a suspect by topology.
  auto analyzed = b_.Post("/api/v1/incidents/" + std::to_string(redis["incident_id"].as_int64()) +
                              "/analyze?wait=30",
                          "", token_);
  ASSERT_EQ(analyzed.status, 200) << analyzed.body;
  bool redis_by_topology = false;
  const json::value analysis = json::parse(analyzed.body);
  for (const auto& item : analysis.at("evidence").as_array())
    if (item.at("kind") == "topology" && item.at("ref") == "redis") redis_by_topology = true;
  EXPECT_TRUE(redis_by_topology) << analyzed.body;
}

TEST_F(PostgresSharedState, ASilenceCreatedOrExpiredOnOneNodeIsWhatTheOtherMatches) {
  json::object opened = PostAlert(b_, "checkout");
  ASSERT_EQ(opened["outcome"], "new_incident");
  const std::string incident = "/api/v1/incidents/" + std::to_string(opened["incident_id"].as_int64());
  auto silenced = [](const json::value& v) {
    return v.is_object() && !v.at("silenced_by").as_array().empty();
  };
  // B has just read the silences (none): without an announcement it would not look again for 5 s.
  ASSERT_FALSE(silenced(GetJson(b_, incident)));

  auto created = a_.Post("/api/v1/silences",
                         R"({"matchers":[{"name":"service","op":"=","value":"checkout"}],)"
                         R"("duration":"1h","comment":"deploy"})",
                         token_);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(json::parse(created.body).at("id").as_string());
  auto seen = MsUntil(b_, incident, silenced, kPromptly);
  ASSERT_TRUE(seen) << "B never matched A's silence\n" << b_.log();
  std::printf("silence created on A matched by B after %.0f ms\n", *seen);

  auto client = a_.NewClient();
  auto expired = client->Delete("/api/v1/silences/" + id, {{"Authorization", "Bearer " + token_}});
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->status, 200) << expired->body;
  seen = MsUntil(b_, incident, [&](const json::value& v) { return !silenced(v); }, kPromptly);
  ASSERT_TRUE(seen) << "B still matched A's expired silence\n" << b_.log();
  std::printf("silence expired on A no longer matched by B after %.0f ms\n", *seen);
}

TEST_F(PostgresSharedState, OnCallAndEscalationObjectsMadeOnOneNodeAreOnTheOther) {
  ASSERT_EQ(a_.Post("/api/v1/users", R"({"name":"bob"})", token_).status, 201);
  ASSERT_EQ(a_.Post("/api/v1/schedules",
                    R"({"name":"primary","time_zone":"UTC","layers":[{"users":["bob"],)"
                    R"("rotation":"24h","handoff":"2026-01-05T08:00:00Z"}]})",
                    token_)
                .status,
            201);
  ASSERT_EQ(a_.Post("/api/v1/escalation-policies",
                    R"({"name":"web","steps":[{"after":"0m","notify":[{"user":"bob"}]}]})", token_)
                .status,
            201);
  EXPECT_EQ(GetJson(b_, "/api/v1/users").at("users").as_array().size(), 1u);
  EXPECT_EQ(GetJson(b_, "/api/v1/oncall").at("oncall").as_array().at(0).at("user"), "bob");
  EXPECT_EQ(GetJson(b_, "/api/v1/escalation-policies/web").at("name"), "web");
}

}  // namespace
}  // namespace quell::testing
