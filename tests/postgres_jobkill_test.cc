// A `quell serve` node on PostgreSQL gets SIGKILL in the middle of a background job: the job's
// lease (store.job_lease, short here) ends and the other node runs it. Node B starts only once
// A is inside the job, so A is the one that claimed it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "fake_ollama.h"
#include "fake_telegram.h"
#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using notify::testing::FakeTelegram;

constexpr const char* kAlert = R"({"service":"checkout","environment":"prod","name":"errors",
  "error":"it broke","fingerprint":"fp-jobkill"})";
constexpr const char* kLease = "store.job_lease=2s";

int64_t Ingest(const ServerProcess& node, const std::string& token) {
  auto posted = node.Post("/api/v1/alerts", kAlert, token);
  EXPECT_EQ(posted.status, 202) << posted.body;
  return posted.status == 202 ? json::parse(posted.body).at("incident_id").as_int64() : 0;
}

long long MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// A is killed while its sendMessage is in flight (the fake holds it: Telegram has the card as
// message 7, A never learns its message id). The Bot API cannot tell B whether that send was
// posted, so when A's claim on the send outlives the lease B records notify_outcome_unknown and
// sends the card again, marked "Sent again". A press on A's orphan copy acts on the incident
// and turns that copy into a stub without buttons; B's card shows the ack; never a third card.
TEST(PostgresJobKill, ACardInFlightWhenItsNodeDiesIsSentAgainMarkedAndItsOrphanReconciled) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  FakeTelegram telegram;
  std::vector<std::string> args{"--db", *database, "--set", kLease,
                                 // No analysis: its end would queue a new card job beside the
                                 // leased one.
                                 "--set", "analysis.delay=1h"};
  for (auto& flag : telegram.ServeFlags(-1009001)) args.push_back(flag);
  telegram.HoldSends(7, -1009001);

  ServerProcess a, b;
  ASSERT_TRUE(a.Start(args)) << a.log();
  const std::string token = a.admin_token();
  const int64_t id = Ingest(a, token);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(telegram.WaitForCalls("sendMessage", 1)) << a.log();
  const auto killed = std::chrono::steady_clock::now();
  a.Kill();
  ASSERT_TRUE(b.Start(args)) << b.log();

  ASSERT_TRUE(telegram.WaitForCalls("sendMessage", 2, 15000)) << "B never ran A's job\n" << b.log();
  std::printf("card sent again by the other node %lld ms after SIGKILL (lease 2 s)\n",
              MsSince(killed));
  auto sends = telegram.Calls("sendMessage");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(sends[1].body.at("chat_id"), sends[0].body.at("chat_id"));
  const std::string tag = "#incident" + std::to_string(id);
  constexpr const char* kSentAgain = "Sent again: an earlier send was not confirmed";
  auto text = [](const auto& call) { return std::string(call.body.at("text").as_string()); };
  for (const auto& send : sends) EXPECT_NE(text(send).find(tag), std::string::npos);
  EXPECT_EQ(text(sends[0]).find(kSentAgain), std::string::npos);
  EXPECT_NE(text(sends[1]).find(kSentAgain), std::string::npos) << text(sends[1]);

  // Once B has stored its card (and noted the send on the timeline), Alice presses Acknowledge
  // on A's copy (message 7); B polls Telegram now.
  const std::string path = "/api/v1/incidents/" + std::to_string(id);
  while (b.Get(path, token).body.find(R"("kind":"notified")") == std::string::npos) {
    ASSERT_LT(MsSince(killed), 20000) << "B never stored its card\n" << b.log();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  telegram.PushCallback(1, 777, -1009001, 7, "ack:" + std::to_string(id));
  ASSERT_TRUE(telegram.WaitForCalls("editMessageText", 2)) << b.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // any straggler would send now
  bool stubbed = false, edited = false;
  for (const auto& edit : telegram.Calls("editMessageText")) {
    const int64_t message = edit.body.at("message_id").as_int64();
    if (message == 7) {
      stubbed = text(edit).find("Superseded") != std::string::npos &&
                edit.body.at("reply_markup").at("inline_keyboard").as_array().empty();
    } else {
      EXPECT_EQ(message, 101) << "B's card (the fake's first unscripted message id)";
      edited = text(edit).find("Acknowledged") != std::string::npos &&
               text(edit).find(kSentAgain) != std::string::npos;
    }
  }
  EXPECT_TRUE(stubbed) << "the orphan was not made a stub";
  EXPECT_TRUE(edited) << "B's card does not show the ack";
  EXPECT_EQ(telegram.Calls("sendMessage").size(), 2u) << "never a third card";

  auto detail = b.Get(path, token);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const json::value incident = json::parse(detail.body);
  EXPECT_EQ(incident.at("status"), "acknowledged");
  int notified = 0, unknown = 0;
  for (const auto& event : incident.at("timeline").as_array()) {
    notified += event.at("kind") == "notified";  // A died before recording its send
    unknown += event.at("kind") == "notify_outcome_unknown";
  }
  EXPECT_EQ(notified, 1) << detail.body;
  EXPECT_EQ(unknown, 1) << detail.body;
  telegram.ReleaseHeld();
}

// A is killed while its analysis job waits for the model (A's fake model answers only after
// the test is over); B, without a model, runs the job when the lease ends and the incident
// gets B's built-in analysis.
TEST(PostgresJobKill, AnAnalysisWhoseNodeDiesIsFinishedByTheOther) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  FakeOllama model;
  model.Push({200, OllamaReply("{}"), "application/json", 6000});
  ServerProcess a, b;
  ASSERT_TRUE(a.Start({"--db", *database, "--set", kLease, "--set", "analysis.delay=100ms", "--set",
                       "llm.provider=ollama", "--set", "llm.url=" + model.url()}))
      << a.log();
  const std::string token = a.admin_token();
  const int64_t id = Ingest(a, token);
  ASSERT_GT(id, 0);
  const std::string path = "/api/v1/incidents/" + std::to_string(id);
  auto analysis_of = [&](const ServerProcess& node) {
    auto detail = node.Get(path, token);
    EXPECT_EQ(detail.status, 200) << detail.body;
    if (detail.status != 200) return json::value();
    const json::value incident = json::parse(detail.body);
    const auto* analysis = incident.as_object().if_contains("analysis");
    return analysis ? *analysis : json::value();
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (model.recorded().empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "A never asked its model\n" << a.log();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(analysis_of(a).is_null()) << "A finished the analysis before it was killed";
  const auto killed = std::chrono::steady_clock::now();
  a.Kill();
  ASSERT_TRUE(b.Start({"--db", *database, "--set", kLease})) << b.log();

  json::value analysis;
  while ((analysis = analysis_of(b)).is_null()) {
    ASSERT_LT(MsSince(killed), 15000) << "B never ran A's analysis job\n" << b.log();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("analysis job re-run by the other node %lld ms after SIGKILL (lease 2 s)\n",
              MsSince(killed));
  EXPECT_EQ(analysis.at("analyzer"), "builtin") << analysis;
}

}  // namespace
}  // namespace quell::testing
