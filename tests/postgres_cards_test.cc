// Two live `quell serve` nodes on one PostgreSQL, one Telegram chat: while one node's
// sendMessage of an incident's first card is in flight, the incident changes and a second card
// job runs beside the leased one, on whichever node claims it. It must not send a second card:
// it finds the first send's claim (CardLedger), waits, and edits the card once its message id
// is stored.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fake_telegram.h"
#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using notify::testing::FakeTelegram;

// quell_notifications_total{channel="telegram",outcome="deferred"} on `node`.
double TelegramDeferrals(const ServerProcess& node) {
  auto metrics = node.Get("/metrics", "");
  const std::string series = R"(quell_notifications_total{channel="telegram",outcome="deferred"} )";
  const size_t at = metrics.body.find(series);
  return at == std::string::npos ? 0 : std::stod(metrics.body.substr(at + series.size()));
}

TEST(PostgresCards, ACardJobBesideTheLeasedOneNeverSendsASecondCard) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  FakeTelegram telegram;
  std::vector<std::string> args{"--db", *database, "--set", "analysis.delay=1h"};
  for (auto& flag : telegram.ServeFlags(-1009001)) args.push_back(flag);
  telegram.HoldSends(7, -1009001);

  ServerProcess a, b;
  ASSERT_TRUE(a.Start(args)) << a.log();
  const std::string token = a.admin_token();
  ASSERT_TRUE(b.Start(args)) << b.log();
  auto posted = a.Post("/api/v1/alerts", R"({"service":"checkout","environment":"prod",
      "name":"errors","error":"it broke","fingerprint":"fp-cards"})",
                       token);
  ASSERT_EQ(posted.status, 202) << posted.body;
  const int64_t id = json::parse(posted.body).at("incident_id").as_int64();
  ASSERT_TRUE(telegram.WaitForCalls("sendMessage", 1)) << a.log() << b.log();

  // The first send hangs in Telegram; an ack on B queues a card job beside the leased one.
  auto acked = b.Post("/api/v1/incidents/" + std::to_string(id) + "/ack", "{}", token);
  ASSERT_EQ(acked.status, 200) << acked.body;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (TelegramDeferrals(a) + TelegramDeferrals(b) < 1 &&
         telegram.Calls("sendMessage").size() < 2) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the second card job never ran";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(telegram.Calls("sendMessage").size(), 1u) << "a second card was sent";

  // The first send is answered: message 7 is the card, and the waiting job edits it.
  telegram.ReleaseHeld();
  ASSERT_TRUE(telegram.WaitForCalls("editMessageText", 1)) << a.log() << b.log();
  auto edits = telegram.Calls("editMessageText");
  EXPECT_EQ(edits.back().body.at("message_id").as_int64(), 7);
  EXPECT_NE(std::string(edits.back().body.at("text").as_string()).find("Acknowledged"),
            std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // any straggler would send now
  EXPECT_EQ(telegram.Calls("sendMessage").size(), 1u);
  for (const auto& edit : telegram.Calls("editMessageText"))
    EXPECT_EQ(edit.body.at("message_id").as_int64(), 7);

  auto detail = a.Get("/api/v1/incidents/" + std::to_string(id), token);
  ASSERT_EQ(detail.status, 200) << detail.body;
  int notified = 0, unknown = 0;
  const json::value incident = json::parse(detail.body);
  for (const auto& event : incident.at("timeline").as_array()) {
    notified += event.at("kind") == "notified";
    unknown += event.at("kind") == "notify_outcome_unknown";
  }
  EXPECT_EQ(notified, 1) << detail.body;
  EXPECT_EQ(unknown, 0) << detail.body;
}

}  // namespace
}  // namespace quell::testing
