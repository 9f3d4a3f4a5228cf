// End to end with the real client: Debian's Prometheus Alertmanager (installed by
// scripts/deps.sh --test) on loopback, clustering off, routing to Quell's webhook with a bearer
// token. Alerts posted to Alertmanager become a Quell incident, and later its resolution; the
// same alerts posted straight to Quell's /api/v2/alerts land in the same incident.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "server_process.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Alerts(const std::string& starts_at, const std::string& ends_at) {
  std::string out = "[";
  for (int i = 1; i <= 2; ++i) {
    if (i > 1) out += ",";
    out += R"({"labels":{"alertname":"HighErrorRate","service":"checkout","env":"prod",)"
           R"("severity":"critical","instance":"checkout-)" +
           std::to_string(i) + R"(:8080"},"annotations":{"summary":"High 5xx rate on checkout-)" +
           std::to_string(i) + R"("},"startsAt":")" + starts_at + "\"" +
           (ends_at.empty() ? "" : R"(,"endsAt":")" + ends_at + "\"") + "}";
  }
  return out + "]";
}

// Polls Quell until `done(incidents)` holds or 30 s pass; returns the last incidents array.
json::array WaitForIncidents(const ServerProcess& quell, const std::string& token,
                             const std::function<bool(const json::array&)>& done) {
  json::array last;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    auto r = quell.Get("/api/v1/incidents?service=checkout", token);
    if (r.status == 200) {
      last = json::parse(r.body).at("incidents").as_array();
      if (done(last)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

TEST(AlertmanagerEndToEnd, AlertsAndResolutionFlowThroughTheRealAlertmanager) {
  const std::string am_binary = "/usr/bin/prometheus-alertmanager";
  ASSERT_TRUE(std::filesystem::exists(am_binary))
      << "prometheus-alertmanager is not installed: run scripts/deps.sh --test";

  ServerProcess quell;
  ASSERT_TRUE(quell.Start()) << quell.log();
  const std::string token = quell.admin_token();

  const std::string dir = quell.data_dir() + "/am";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/am.yml") << "route:\n"
                                    "  receiver: quell\n"
                                    "  group_by: [alertname, service]\n"
                                    "  group_wait: 1s\n"
                                    "  group_interval: 1s\n"
                                    "  repeat_interval: 1h\n"
                                    "receivers:\n"
                                    "  - name: quell\n"
                                    "    webhook_configs:\n"
                                    "      - url: http://127.0.0.1:" +
                                        std::to_string(quell.port()) +
                                        "/api/v1/integrations/alertmanager\n"
                                        "        send_resolved: true\n"
                                        "        http_config:\n"
                                        "          authorization:\n"
                                        "            type: Bearer\n"
                                        "            credentials: " +
                                        token + "\n";
  const uint16_t am_port = FreeLoopbackPort();
  pid_t am = SpawnProcess({am_binary, "--config.file=" + dir + "/am.yml", "--storage.path=" + dir,
                           "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
                           "--cluster.listen-address="},
                          dir + "/am.log");
  struct Guard {
    pid_t pid;
    ~Guard() { StopProcess(pid); }
  } guard{am};

  httplib::Client client("127.0.0.1", am_port);
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    auto ready = client.Get("/-/ready");
    if (ready && ready->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // Fire: startsAt a minute ago, so Alertmanager flushes the new group at once.
  const auto now = std::chrono::system_clock::now();
  const std::string starts = Rfc3339(now - std::chrono::minutes(1));
  auto posted = client.Post("/api/v2/alerts", Alerts(starts, ""), "application/json");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200) << posted->body;

  auto incidents = WaitForIncidents(quell, token, [](const json::array& list) {
    return !list.empty() && list[0].at("alert_count").as_int64() == 2;
  });
  ASSERT_EQ(incidents.size(), 1u) << "Alertmanager's webhook did not reach Quell";
  const int64_t id = incidents[0].at("id").as_int64();
  EXPECT_EQ(incidents[0].at("status"), "triggered");
  EXPECT_EQ(incidents[0].at("severity"), "critical");
  auto detail = json::parse(quell.Get("/api/v1/incidents/" + std::to_string(id), token).body);
  for (const auto& alert : detail.at("alerts").as_array()) {
    EXPECT_EQ(alert.at("source"), "alertmanager");
    EXPECT_EQ(alert.at("fingerprint").as_string().size(), 16u);
    EXPECT_NE(alert.at("raw").at("groupKey").as_string().find("HighErrorRate"), std::string::npos);
  }

  // The same alerts straight to Quell's Alertmanager-compatible API: same alerts, same incident.
  auto direct = quell.Post("/api/v2/alerts", Alerts(starts, ""), token);
  ASSERT_EQ(direct.status, 200) << direct.body;
  incidents = WaitForIncidents(quell, token, [](const json::array&) { return true; });
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].at("id").as_int64(), id);
  EXPECT_EQ(incidents[0].at("alert_count").as_int64(), 2);

  // Resolve in Alertmanager: it sends the resolved notification, Quell resolves the incident.
  auto resolved = client.Post("/api/v2/alerts",
                              Alerts(starts, Rfc3339(std::chrono::system_clock::now() -
                                                     std::chrono::seconds(1))),
                              "application/json");
  ASSERT_TRUE(resolved);
  ASSERT_EQ(resolved->status, 200) << resolved->body;
  incidents = WaitForIncidents(quell, token, [](const json::array& list) {
    return !list.empty() && list[0].at("status") == "resolved";
  });
  ASSERT_FALSE(incidents.empty());
  EXPECT_EQ(incidents[0].at("status"), "resolved");
  EXPECT_EQ(incidents[0].at("id").as_int64(), id);
}

}  // namespace
}  // namespace quell::testing
