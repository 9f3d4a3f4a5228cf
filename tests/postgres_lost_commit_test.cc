// A node whose connection to PostgreSQL breaks at the COMMIT of an ingest (PostgreSQL going
// away, the network failing): the request is answered 2xx when the COMMIT went through and 503
// (Retry-After) when it did not, so a sender that sends again on 503 (as Alertmanager does)
// leaves each alert counted exactly once per 2xx. The cut is made by a proxy between the node
// and the tests' PostgreSQL that reads the protocol and breaks the connection at the COMMIT of
// the transaction carrying the alert (support/pg_cut_proxy.h): the real binary, the real
// server, the very moment that matters.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"
#include "support/pg_cut_proxy.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using Cut = PgCutProxy::Cut;

std::string Alert(const std::string& fingerprint) {
  return json::serialize(json::object{{"service", "svc-" + fingerprint},
                                      {"environment", "prod"},
                                      {"name", "disk full"},
                                      {"error", "it broke"},
                                      {"fingerprint", fingerprint}});
}

class PostgresLostCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = TestPostgres();
    ASSERT_TRUE(server) << server.error().ToString();
    auto url = CreateTestDatabase();
    ASSERT_TRUE(url) << url.error().ToString();
    auto proxy = PgCutProxy::Start((*server)->port());
    ASSERT_TRUE(proxy) << proxy.error().ToString();
    proxy_ = std::move(*proxy);
    ASSERT_TRUE(node_.Start({"--db", proxy_->Url(*url)})) << node_.log();
    token_ = node_.admin_token();
  }

  // Posts `body` as a sender that sends again on 503 after its Retry-After does: the statuses
  // it was answered, in order.
  std::vector<int> SendUntilAccepted(const std::string& body) {
    std::vector<int> statuses;
    auto client = node_.NewClient();
    client->set_read_timeout(30, 0);
    const httplib::Headers headers{{"Authorization", "Bearer " + token_}};
    for (int attempt = 0; attempt < 10; ++attempt) {
      auto answer = client->Post("/api/v1/alerts", headers, body, "application/json");
      statuses.push_back(answer ? answer->status : 0);
      if (!answer || answer->status != 503) break;
      EXPECT_TRUE(answer->has_header("Retry-After")) << answer->body;
      EXPECT_TRUE(json::parse(answer->body).as_object().contains("error")) << answer->body;
      std::this_thread::sleep_for(
          std::chrono::seconds(std::stoi(answer->get_header_value("Retry-After"))));
    }
    return statuses;
  }

  // The incidents of `service` and, in them, the alert rows of `fingerprint` and their counts.
  struct Stored {
    int incidents = 0;
    int rows = 0;
    int64_t count = 0;
  };
  Stored ReadBack(const std::string& fingerprint) {
    Stored stored;
    auto list = node_.Get("/api/v1/incidents?limit=500", token_);
    EXPECT_EQ(list.status, 200) << list.body;
    if (list.status != 200) return stored;
    const json::value incidents = json::parse(list.body);
    for (const auto& listed : incidents.at("incidents").as_array()) {
      auto detail = node_.Get(
          "/api/v1/incidents/" + std::to_string(listed.at("id").as_int64()), token_);
      EXPECT_EQ(detail.status, 200) << detail.body;
      if (detail.status != 200) continue;
      const json::value incident = json::parse(detail.body);
      if (incident.at("services").as_array() != json::array{json::string("svc-" + fingerprint)})
        continue;
      ++stored.incidents;
      for (const auto& alert : incident.at("alerts").as_array()) {
        if (alert.at("fingerprint").as_string() != fingerprint) continue;
        ++stored.rows;
        stored.count += alert.at("count").as_int64();
      }
    }
    return stored;
  }

  std::unique_ptr<PgCutProxy> proxy_;
  ServerProcess node_;
  std::string token_;
};

// The COMMIT reached PostgreSQL, its answer did not reach the node: 2xx, counted once.
TEST_F(PostgresLostCommit, ACommitWhoseAnswerWasLostIsAnswered2xxAndCountedOnce) {
  proxy_->Arm("fp-answer-lost", Cut::kAfterCommitSent);
  const std::vector<int> statuses = SendUntilAccepted(Alert("fp-answer-lost"));
  ASSERT_EQ(proxy_->cuts(), 1) << "the COMMIT was not cut: the test proves nothing";
  EXPECT_EQ(statuses, std::vector<int>{202}) << node_.log();
  // Sent again later (a repeat of the same alert): folded into the same row.
  EXPECT_EQ(SendUntilAccepted(Alert("fp-answer-lost")), std::vector<int>{202});
  const Stored stored = ReadBack("fp-answer-lost");
  EXPECT_EQ(stored.incidents, 1);
  EXPECT_EQ(stored.rows, 1);
  EXPECT_EQ(stored.count, 2) << "each 2xx counted once";
}

// The connection broke before PostgreSQL had the COMMIT: 503, and the sender's repeat is the
// one that counts.
TEST_F(PostgresLostCommit, ACommitThatNeverArrivedIsAnswered503AndTheRepeatCountsOnce) {
  proxy_->Arm("fp-commit-lost", Cut::kBeforeCommitSent);
  const std::vector<int> statuses = SendUntilAccepted(Alert("fp-commit-lost"));
  ASSERT_EQ(proxy_->cuts(), 1);
  EXPECT_EQ(statuses, (std::vector<int>{503, 202})) << node_.log();
  const Stored stored = ReadBack("fp-commit-lost");
  EXPECT_EQ(stored.incidents, 1);
  EXPECT_EQ(stored.rows, 1);
  EXPECT_EQ(stored.count, 1);
}

// Several senders at once, so that the engine may commit their requests in one transaction
// (group commit): the cut COMMIT's outcome is every request's, and each alert is counted once.
TEST_F(PostgresLostCommit, ConcurrentSendersAroundALostCommitAreEachCountedOnce) {
  constexpr int kSenders = 6;
  proxy_->Arm("fp-group-0", Cut::kAfterCommitSent);
  std::vector<std::vector<int>> statuses(kSenders);
  std::vector<std::thread> senders;
  for (int i = 0; i < kSenders; ++i) {
    senders.emplace_back(
        [&, i] { statuses[i] = SendUntilAccepted(Alert("fp-group-" + std::to_string(i))); });
  }
  for (auto& sender : senders) sender.join();
  ASSERT_EQ(proxy_->cuts(), 1);
  for (int i = 0; i < kSenders; ++i) {
    const std::string fingerprint = "fp-group-" + std::to_string(i);
    EXPECT_EQ(statuses[i], std::vector<int>{202}) << fingerprint;
    const Stored stored = ReadBack(fingerprint);
    EXPECT_EQ(stored.rows, 1) << fingerprint;
    EXPECT_EQ(stored.count, 1) << fingerprint;
  }
}

}  // namespace
}  // namespace quell::testing
