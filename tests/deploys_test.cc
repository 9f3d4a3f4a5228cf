// Deploy events over HTTP: validation, listing, timeline entries on the open incidents of the
// service and of its callers, and the analyst naming the deploy.
#include <chrono>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

TEST(Deploys, RecordedListedAndOnTheTimelineOfAffectedIncidents) {
  ServerProcess server;
  ::setenv("QUELL_TOPOLOGY", "checkout:api", 1);
  ASSERT_TRUE(server.Start({"--set", "analysis.delay=0s"})) << server.log();
  ::unsetenv("QUELL_TOPOLOGY");
  const std::string token = server.admin_token();

  // Bad input names the field; batches are all-or-nothing.
  auto missing = server.Post("/api/v1/deploys", R"({"service":"api"})", token);
  EXPECT_EQ(missing.status, 422);
  EXPECT_NE(missing.body.find("\"field\":\"version\""), std::string::npos) << missing.body;
  auto batch = server.Post("/api/v1/deploys", R"([{"service":"api","version":"1"},{"version":"2"}])", token);
  EXPECT_EQ(batch.status, 422);
  EXPECT_NE(batch.body.find("deploys[1].service"), std::string::npos) << batch.body;
  auto bad_time = server.Post("/api/v1/deploys", R"({"service":"api","id":5,"finished_at":"soon"})", token);
  EXPECT_EQ(bad_time.status, 422);
  EXPECT_NE(bad_time.body.find("finished_at"), std::string::npos);
  EXPECT_EQ(server.Post("/api/v1/deploys", "{", token).status, 400);

  // An open incident on the caller (checkout) and one on an unrelated service.
  auto checkout = json::parse(server.Post("/api/v1/alerts",
      R"({"service":"checkout","error":"upstream api returned 500","error_ratio":0.2})", token).body);
  auto billing = json::parse(server.Post("/api/v1/alerts",
      R"({"service":"billing","error":"invoice job late"})", token).body);

  auto posted = server.Post("/api/v1/deploys",
      R"({"service":"api","version":"2.3.0","commit":"abc123","author":"alice","status":"succeeded"})",
      token);
  ASSERT_EQ(posted.status, 201) << posted.body;
  EXPECT_EQ(json::parse(posted.body).at("deploys").at(0).at("version"), "2.3.0");

  auto list = json::parse(server.Get("/api/v1/deploys?service=api", token).body);
  ASSERT_EQ(list.at("deploys").as_array().size(), 1u);
  EXPECT_EQ(list.at("deploys").at(0).at("author"), "alice");
  EXPECT_TRUE(json::parse(server.Get("/api/v1/deploys?service=web", token).body)
                  .at("deploys").as_array().empty());
  EXPECT_EQ(server.Get("/api/v1/deploys?since=yesterday", token).status, 400);

  auto timeline_kinds = [&](const json::value& result) {
    auto detail = json::parse(server.Get("/api/v1/incidents/" +
                                         std::to_string(result.at("incident_id").as_int64()), token).body);
    std::vector<std::string> notes;
    for (const auto& e : detail.at("timeline").as_array())
      if (e.at("kind") == "deploy") notes.emplace_back(e.at("note").as_string());
    return notes;
  };
  auto notes = timeline_kinds(checkout);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "deploy 2.3.0 of api by alice (abc123), succeeded");
  EXPECT_TRUE(timeline_kinds(billing).empty());

  // The analyst sees the deploy of the dependency.
  const std::string id = std::to_string(checkout.at("incident_id").as_int64());
  auto analysis = json::parse(server.Post("/api/v1/incidents/" + id + "/analyze", "", token).body);
  ASSERT_FALSE(analysis.at("suspects").at("deploys").as_array().empty()) << analysis;
  EXPECT_EQ(analysis.at("suspects").at("deploys").at(0).at("id"), "2.3.0");
}

}  // namespace
}  // namespace quell::testing
