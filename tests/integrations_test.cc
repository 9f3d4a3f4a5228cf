// The Grafana and Sentry routes over HTTP with the fixtures the adapters' golden tests use.

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

std::string Fixture(const std::string& relative) {
  return ReadTextFile(SourceDir() + "/tests/testdata/" + relative);
}

HttpResult PostWithHeader(const ServerProcess& server, const std::string& path,
                          const std::string& body, const std::string& token,
                          const std::string& header, const std::string& value) {
  auto client = server.NewClient();
  httplib::Headers headers{{"Authorization", "Bearer " + token}};
  if (!header.empty()) headers.emplace(header, value);
  auto res = client->Post(path, headers, body, "application/json");
  if (!res) return {};
  return {res->status, res->body};
}

TEST(Integrations, GrafanaAndSentryOverHttp) {
  ServerProcess server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string token = server.admin_token();

  auto grafana = server.Post("/api/v1/integrations/grafana",
                             Fixture("grafana/01-memory-firing-and-resolved.json"), token);
  ASSERT_EQ(grafana.status, 202) << grafana.body;
  EXPECT_EQ(json::parse(grafana.body).at("accepted").as_int64(), 2);

  auto fired = PostWithHeader(server, "/api/v1/integrations/sentry",
                              Fixture("sentry/01-event_alert-python-chain.json"), token,
                              "Sentry-Hook-Resource", "event_alert");
  ASSERT_EQ(fired.status, 202) << fired.body;
  auto result = json::parse(fired.body).at("results").at(0);
  EXPECT_EQ(result.at("fingerprint"), "sentry-issue-4398211771");
  auto resolved = PostWithHeader(server, "/api/v1/integrations/sentry",
                                 Fixture("sentry/02-issue-resolved.json"), token,
                                 "Sentry-Hook-Resource", "issue");
  ASSERT_EQ(resolved.status, 202) << resolved.body;
  EXPECT_EQ(json::parse(resolved.body).at("results").at(0).at("outcome"), "resolved");
  auto incident = json::parse(server.Get("/api/v1/incidents/" +
                                         std::to_string(result.at("incident_id").as_int64()), token).body);
  EXPECT_EQ(incident.at("status"), "resolved");

  auto unknown = PostWithHeader(server, "/api/v1/integrations/sentry", "{}", token,
                                "Sentry-Hook-Resource", "metric_alert");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("sentry-hook-resource"), std::string::npos) << unknown.body;
  EXPECT_EQ(server.Post("/api/v1/integrations/grafana", R"({"receiver":"x"})", token).status, 400);
}

}  // namespace
}  // namespace quell::testing
