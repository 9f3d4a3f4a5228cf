// The topology API: validation, effect on grouping, persistence across restarts.
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

HttpResult Put(const ServerProcess& server, const std::string& path, const std::string& body,
               const std::string& token) {
  auto client = server.NewClient();
  auto res = client->Put(path, {{"Authorization", "Bearer " + token}}, body, "application/json");
  if (!res) return {};
  return {res->status, res->body};
}

TEST(Topology, PutValidatesGroupsAndPersists) {
  ServerProcess server;
  ::setenv("QUELL_TOPOLOGY", "checkout:api", 1);
  ASSERT_TRUE(server.Start()) << server.log();
  ::unsetenv("QUELL_TOPOLOGY");
  const std::string token = server.admin_token();

  auto bad = Put(server, "/api/v1/topology", R"({"services":{"api":{"depends_on":["api"]}}})", token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("body.services.api.depends_on[0]"), std::string::npos) << bad.body;
  EXPECT_EQ(Put(server, "/api/v1/topology", R"({"api":"redis"})", token).status, 400);

  auto put = Put(server, "/api/v1/topology", R"({"services":{"api":{"depends_on":["redis"]}}})", token);
  ASSERT_EQ(put.status, 200) << put.body;
  auto topology = json::parse(server.Get("/api/v1/topology", token).body);
  EXPECT_EQ(topology.at("services").at("api").at("depends_on").at(0), "redis");
  EXPECT_EQ(topology.at("services").at("checkout").at("depends_on").at(0), "api");  // configured
  EXPECT_TRUE(topology.at("configured").as_object().contains("checkout"));

  auto redis = json::parse(server.Post("/api/v1/alerts", R"({"service":"redis","error":"connection refused"})", token).body);
  auto api = json::parse(server.Post("/api/v1/alerts", R"({"service":"api","error":"Redis timeout"})", token).body);
  EXPECT_EQ(api.at("incident_id"), redis.at("incident_id"));
  EXPECT_EQ(api.at("outcome"), "joined");

  ASSERT_EQ(server.Stop(), 0);
  ASSERT_TRUE(server.Start()) << server.log();  // without QUELL_TOPOLOGY this time
  topology = json::parse(server.Get("/api/v1/topology", token).body);
  EXPECT_EQ(topology.at("services").at("api").at("depends_on").at(0), "redis");
  EXPECT_FALSE(topology.at("services").as_object().contains("checkout"));
  auto reader_denied = Put(server, "/api/v1/topology", "{}", "qk_nope");
  EXPECT_EQ(reader_denied.status, 401);
}

}  // namespace
}  // namespace quell::testing
