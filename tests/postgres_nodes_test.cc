// Two `quell serve --db` nodes on one private PostgreSQL, as behind a load balancer: both
// ingest the same and overlapping alerts at the same time (an Alertmanager HA pair sends every
// notification to both) and the database ends up as one node would have left it; a node
// killed with SIGKILL in the middle loses nothing it acknowledged and the other goes on; a human
// action on one node is what the other shows; a token revoked in the database stops working
// on both. One node at a time polls Telegram, and another takes over when it dies. And one
// node through a PostgreSQL restart: 503s while it is away, then back by itself.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_telegram.h"
#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;

constexpr int kGroups = 4;          // services: one incident each
constexpr int kAlertsPerGroup = 6;  // fingerprints per service
constexpr int kSendersPerNode = 4;  // keep-alive connections to each node
constexpr int kRequestsPerSender = 40;
constexpr int kAlertsPerRequest = 8;

std::string AlertBody(int group, int alert) {
  json::object body{{"service", "svc" + std::to_string(group)},
                    {"environment", "prod"},
                    {"name", "alert" + std::to_string(alert)},
                    {"error", "it broke"},
                    {"fingerprint", "fp-" + std::to_string(group) + "-" + std::to_string(alert)}};
  return json::serialize(body);
}

class PostgresNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    auto database = CreateTestDatabase();
    ASSERT_TRUE(database) << database.error().ToString();
    url_ = *database;
    // The first node creates the admin token in the database; the second one uses it.
    ASSERT_TRUE(a_.Start({"--db", url_})) << a_.log();
    token_ = a_.admin_token();
    ASSERT_FALSE(token_.empty()) << a_.log();
    ASSERT_TRUE(b_.Start({"--db", url_})) << b_.log();
  }

  // The incident ids of every incident, through `node`'s API.
  std::vector<int64_t> IncidentIds(const ServerProcess& node) {
    std::vector<int64_t> ids;
    std::string cursor;
    for (;;) {
      auto page = node.Get(
          "/api/v1/incidents?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor), token_);
      EXPECT_EQ(page.status, 200) << page.body;
      if (page.status != 200) return ids;
      auto body = json::parse(page.body).as_object();
      for (const auto& incident : body.at("incidents").as_array())
        ids.push_back(incident.at("id").as_int64());
      const auto* next = body.if_contains("next_cursor");
      if (!next || !next->is_string()) return ids;
      cursor = std::string(next->as_string());
    }
  }

  // What senders were answered: alerts answered 2xx by fingerprint, requests by HTTP status
  // (0: no answer), and the bodies of the others.
  struct Tally {
    std::mutex mu;
    std::map<std::string, int64_t> answered;
    std::map<int, int> statuses;
    std::vector<std::string> failures;
    int answered_requests = 0;
    std::string Statuses() {
      std::string out;
      for (const auto& [status, n] : statuses)
        out += std::to_string(status) + " x" + std::to_string(n) + " ";
      return out;
    }
  };

  // Posts kRequestsPerSender batches of kAlertsPerRequest alerts drawn from one small set, so
  // that every sender folds the same rows; sender i draws the same batches on every node (an HA
  // pair). Stops at the first request nobody answers (a killed node).
  void Send(const ServerProcess& node, int sender, Tally& tally) {
    std::minstd_rand pick(static_cast<unsigned>(sender) + 1);
    auto client = node.NewClient();
    client->set_read_timeout(60, 0);
    const httplib::Headers headers{{"Authorization", "Bearer " + token_}};
    for (int r = 0; r < kRequestsPerSender; ++r) {
      std::string batch = "[";
      for (int k = 0; k < kAlertsPerRequest; ++k) {
        if (k) batch += ",";
        batch += AlertBody(static_cast<int>(pick() % kGroups),
                           static_cast<int>(pick() % kAlertsPerGroup));
      }
      batch += "]";
      auto answer = client->Post("/api/v1/alerts", headers, batch, "application/json");
      std::lock_guard lock(tally.mu);
      const int status = answer ? answer->status : 0;
      ++tally.statuses[status];
      if (status / 100 != 2) {
        tally.failures.push_back(std::to_string(status) + " " + (answer ? answer->body : ""));
        if (status == 0) return;
        continue;
      }
      ++tally.answered_requests;
      const json::value body = json::parse(answer->body);
      for (const auto& result : body.at("results").as_array())
        ++tally.answered[std::string(result.at("fingerprint").as_string())];
    }
  }

  // What the database holds, read through `node`'s API.
  struct Stored {
    std::map<std::string, int> incidents_per_service;
    std::map<std::string, int> rows_per_fingerprint;
    std::map<std::string, int64_t> counts;  // fingerprint -> sum of its rows' counts
  };
  Stored ReadBack(const ServerProcess& node) {
    Stored stored;
    for (int64_t id : IncidentIds(node)) {
      auto detail =
          node.Get("/api/v1/incidents/" + std::to_string(id) + "?alerts_limit=1000", token_);
      EXPECT_EQ(detail.status, 200) << detail.body;
      if (detail.status != 200) continue;
      auto incident = json::parse(detail.body).as_object();
      for (const auto& service : incident.at("services").as_array())
        ++stored.incidents_per_service[std::string(service.as_string())];
      for (const auto& alert : incident.at("alerts").as_array()) {
        const std::string fingerprint(alert.at("fingerprint").as_string());
        ++stored.rows_per_fingerprint[fingerprint];
        stored.counts[fingerprint] += alert.at("count").as_int64();
      }
    }
    return stored;
  }

  // One incident per service, one alert row per fingerprint.
  static void ExpectNoDuplicates(const Stored& stored) {
    EXPECT_EQ(stored.incidents_per_service.size(), static_cast<size_t>(kGroups));
    for (const auto& [service, n] : stored.incidents_per_service)
      EXPECT_EQ(n, 1) << service << " has " << n << " incidents";
    for (const auto& [fingerprint, n] : stored.rows_per_fingerprint)
      EXPECT_EQ(n, 1) << fingerprint << " is stored in " << n << " rows";
  }

  std::string url_;
  std::string token_;
  ServerProcess a_;
  ServerProcess b_;
};

// Both nodes at once, HA pairs: afterwards, read through either node, one incident per
// service, one alert row per fingerprint, each fingerprint's count equal to the alerts answered
// 2xx, and no answer but 2xx.
TEST_F(PostgresNodes, ConcurrentIngestOnBothNodesIsExact) {
  Tally tally;
  std::vector<std::thread> senders;
  for (int i = 0; i < kSendersPerNode; ++i) {
    senders.emplace_back([&, i] { Send(a_, i, tally); });
    senders.emplace_back([&, i] { Send(b_, i, tally); });
  }
  for (auto& t : senders) t.join();
  EXPECT_TRUE(tally.failures.empty()) << tally.Statuses() << "; first: " << tally.failures.front();
  const Stored stored = ReadBack(b_);
  ExpectNoDuplicates(stored);
  EXPECT_EQ(stored.counts, tally.answered)
      << "the stored counts differ from the alerts answered 2xx";
}

// Node A gets SIGKILL in the middle of ingest: B goes on answering 2xx, and every alert either
// node answered 2xx is stored (a request A took but never answered may or may not be).
TEST_F(PostgresNodes, ANodeKilledDuringIngestLosesNothingAcknowledged) {
  Tally on_a;
  Tally on_b;
  std::vector<std::thread> senders;
  for (int i = 0; i < kSendersPerNode; ++i) {
    senders.emplace_back([&, i] { Send(a_, i, on_a); });
    senders.emplace_back([&, i] { Send(b_, i, on_b); });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    {
      std::lock_guard lock(on_a.mu);
      if (on_a.answered_requests >= kSendersPerNode * kRequestsPerSender / 4) break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "node A answers nothing";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  a_.Kill();
  for (auto& t : senders) t.join();

  EXPECT_TRUE(on_b.failures.empty()) << on_b.Statuses() << "; first: " << on_b.failures.front();
  EXPECT_EQ(on_b.statuses[0], 0) << "B stopped answering";
  const Stored stored = ReadBack(b_);
  ExpectNoDuplicates(stored);
  int64_t unanswered_alerts = 0;  // taken by A, maybe committed, never answered
  for (const auto& [status, n] : on_a.statuses)
    if (status / 100 != 2) unanswered_alerts += int64_t{n} * kAlertsPerRequest;
  int64_t surplus = 0;
  for (const auto& [fingerprint, n] : stored.counts) {
    const int64_t acknowledged = on_a.answered[fingerprint] + on_b.answered[fingerprint];
    EXPECT_GE(n, acknowledged) << fingerprint << ": an alert answered 2xx was lost";
    surplus += n - acknowledged;
  }
  EXPECT_LE(surplus, unanswered_alerts) << "more stored than was ever sent";
  for (const auto& [fingerprint, n] : on_b.answered)
    EXPECT_TRUE(stored.counts.count(fingerprint)) << fingerprint << " answered 2xx, not stored";
}

// An ack sent to one node is what the other node answers, at once (both read the database).
TEST_F(PostgresNodes, AnAckOnOneNodeShowsOnTheOther) {
  auto posted = a_.Post("/api/v1/alerts", AlertBody(0, 0), token_);
  ASSERT_EQ(posted.status, 202) << posted.body;
  const std::string id = std::to_string(json::parse(posted.body).at("incident_id").as_int64());
  auto acked = a_.Post("/api/v1/incidents/" + id + "/ack", R"({"note":"on it"})", token_);
  ASSERT_EQ(acked.status, 200) << acked.body;

  auto seen = b_.Get("/api/v1/incidents/" + id, token_);
  ASSERT_EQ(seen.status, 200) << seen.body;
  auto incident = json::parse(seen.body).as_object();
  EXPECT_EQ(incident.at("status"), "acknowledged");
  bool on_timeline = false;
  for (const auto& event : incident.at("timeline").as_array())
    on_timeline |= event.at("kind") == "acked";
  EXPECT_TRUE(on_timeline) << seen.body;
  // And a repeat of the alert on the other node keeps the ack (no stale copy written back).
  auto repeat = b_.Post("/api/v1/alerts", AlertBody(0, 0), token_);
  ASSERT_EQ(repeat.status, 202) << repeat.body;
  auto again = a_.Get("/api/v1/incidents/" + id, token_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json::parse(again.body).at("status"), "acknowledged") << again.body;
}

// A token revoked in the database (`quell token revoke --db`, as on node A's machine) is refused
// by both nodes within the authenticator's recheck time, though both had just accepted it.
TEST_F(PostgresNodes, ARevokedTokenIsRefusedOnEveryNode) {
  int code = -1;
  const std::string db = " --db " + url_ + " --data-dir " + a_.data_dir() + "/data";
  std::string reader = RunQuell("token create --name dashboard --scope read" + db, &code);
  ASSERT_EQ(code, 0) << reader;
  while (!reader.empty() && reader.back() == '\n') reader.pop_back();
  EXPECT_EQ(a_.Get("/api/v1/incidents", reader).status, 200);
  EXPECT_EQ(b_.Get("/api/v1/incidents", reader).status, 200);

  const std::string revoked = RunQuell("token revoke --name dashboard" + db, &code);
  ASSERT_EQ(code, 0) << revoked;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int on_a = 0, on_b = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    on_a = a_.Get("/api/v1/incidents", reader).status;
    on_b = b_.Get("/api/v1/incidents", reader).status;
    if (on_a == 401 && on_b == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(on_a, 401);
  EXPECT_EQ(on_b, 401);
  EXPECT_EQ(b_.Get("/api/v1/incidents", token_).status, 200);  // the others still work
}

// PostgreSQL stops under load (fast shutdown) and starts again on its port: while it is away
// every request is answered 503 with Retry-After and a JSON error (no hang, no crash); the node
// reconnects by itself; every alert answered 2xx, before or after, is stored.
// Each node talks to a Telegram of its own (the same bot to them), so the test sees which node
// polls: the first one to start; the other not at all; when the poller gets SIGKILL, the other
// takes its advisory lock and polls within a few seconds.
TEST(PostgresSingleton, OneNodePollsTelegramAndAnotherTakesOverWhenItDies) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  notify::testing::FakeTelegram telegram_a, telegram_b;
  auto args = [&](const notify::testing::FakeTelegram& telegram) {
    std::vector<std::string> flags{"--db", *database};
    for (auto& flag : telegram.ServeFlags(-1009001)) flags.push_back(flag);
    return flags;
  };
  ServerProcess a, b;
  ASSERT_TRUE(a.Start(args(telegram_a))) << a.log();
  ASSERT_TRUE(telegram_a.WaitForCalls("getUpdates", 1)) << a.log();
  ASSERT_TRUE(b.Start(args(telegram_b))) << b.log();
  // B asks for the lease once a second: three tries, all refused.
  EXPECT_FALSE(telegram_b.WaitForCalls("getUpdates", 1, 3000)) << b.log();
  EXPECT_TRUE(telegram_b.Calls("deleteWebhook").empty());

  const auto killed = std::chrono::steady_clock::now();
  a.Kill();
  ASSERT_TRUE(telegram_b.WaitForCalls("getUpdates", 1, 10000)) << b.log();
  const auto took = std::chrono::steady_clock::now() - killed;
  EXPECT_LT(took, std::chrono::seconds(3));
  std::printf("takeover after SIGKILL: %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

TEST(PostgresRestart, RequestsAnswer503WhileAwayAndTheNodeReconnects) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("quell_pg_restart_" + std::to_string(::getpid())))
          .string();
  auto postgres = PrivatePostgres::Start(dir);
  ASSERT_TRUE(postgres) << postgres.error().ToString();
  auto url = (*postgres)->CreateDatabase();
  ASSERT_TRUE(url) << url.error().ToString();
  ServerProcess node;
  ASSERT_TRUE(node.Start({"--db", *url})) << node.log();
  const std::string token = node.admin_token();

  std::mutex mu;
  int64_t answered = 0;  // 202s
  int unavailable = 0;   // well-formed 503s
  std::vector<std::string> bad;
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    auto client = node.NewClient();
    // A hang shows as no answer. A request whose COMMIT the stop cut waits for PostgreSQL to
    // learn what became of it, up to store.commit_outcome_wait (10 s): not a hang.
    client->set_read_timeout(20, 0);
    const httplib::Headers headers{{"Authorization", "Bearer " + token}};
    while (!stop) {
      auto answer = client->Post("/api/v1/alerts", headers, AlertBody(0, 0), "application/json");
      std::lock_guard lock(mu);
      if (answer && answer->status == 202) {
        ++answered;
      } else if (answer && answer->status == 503 && answer->has_header("Retry-After") &&
                 json::parse(answer->body).as_object().contains("error")) {
        ++unavailable;
      } else {
        bad.push_back(answer ? std::to_string(answer->status) + " " + answer->body : "no answer");
      }
    }
  });
  auto wait_for = [&](auto done, const char* what) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (done()) return true;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "timed out waiting for " << what;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  bool ok = wait_for([&] { return answered >= 20; }, "alerts before the stop");
  if (ok) {
    ASSERT_TRUE((*postgres)->Pause().ok());
    ok = wait_for([&] { return unavailable >= 5; }, "503s while PostgreSQL is away");
    ASSERT_TRUE((*postgres)->Resume().ok());
  }
  int64_t before = 0;
  {
    std::lock_guard lock(mu);
    before = answered;
  }
  if (ok) wait_for([&] { return answered >= before + 20; }, "alerts after the restart");
  stop = true;
  sender.join();
  EXPECT_TRUE(bad.empty()) << bad.size() << " bad answers; first: " << bad.front();

  auto list = node.Get("/api/v1/incidents", token);
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value incidents = json::parse(list.body);
  ASSERT_EQ(incidents.at("incidents").as_array().size(), 1u) << list.body;
  const int64_t id = incidents.at("incidents").as_array()[0].at("id").as_int64();
  auto detail = node.Get("/api/v1/incidents/" + std::to_string(id), token);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const json::value incident = json::parse(detail.body);
  EXPECT_GE(incident.at("alerts").as_array()[0].at("count").as_int64(), answered)
      << "an alert answered 202 was lost";
  node.Stop();
  (void)(*postgres)->Stop();
}

}  // namespace
}  // namespace quell::testing
