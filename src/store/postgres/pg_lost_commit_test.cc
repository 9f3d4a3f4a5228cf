// A COMMIT whose answer is lost (pg_lost_commit.h): the decision after each look, and the real
// thing, with a proxy between the store and the tests' PostgreSQL that cuts the connection at
// the COMMIT (tests/support/pg_cut_proxy.h). A proxy rather than a hook in the store: the store
// runs as it does in production, and the server sees the same broken connection it would see.
#include "store/postgres/pg_lost_commit.h"

#include <gtest/gtest.h>

#include <chrono>

#include "store/postgres/pg_store.h"
#include "support/pg_cut_proxy.h"
#include "support/private_postgres.h"

namespace quell::store {
namespace {

using std::chrono::milliseconds;
using Cut = quell::testing::PgCutProxy::Cut;

TEST(LostCommitDecision, AFinalAnswerDecidesWhateverTheTime) {
  const milliseconds wait(10000);
  for (milliseconds waited : {milliseconds(0), milliseconds(20000)}) {
    EXPECT_EQ(DecideLostCommit(std::string("committed"), waited, wait),
              LostCommitStep::kCommitted);
    EXPECT_EQ(DecideLostCommit(std::string("aborted"), waited, wait), LostCommitStep::kRolledBack);
  }
}

TEST(LostCommitDecision, InProgressWaitsForTheGraceThenEndsTheOldBackend) {
  const milliseconds wait(10000);
  EXPECT_EQ(DecideLostCommit(std::string("in progress"), milliseconds(0), wait),
            LostCommitStep::kLookAgain);
  EXPECT_EQ(DecideLostCommit(std::string("in progress"), kLostCommitGrace, wait),
            LostCommitStep::kEndOldBackend);
  EXPECT_EQ(DecideLostCommit(std::string("in progress"), wait, wait), LostCommitStep::kUnknown);
}

TEST(LostCommitDecision, AnUnreachableServerIsAskedAgainUntilTheWaitEnds) {
  const milliseconds wait(10000);
  const Result<std::string> away = Error(Unavailable("connection refused"));
  EXPECT_EQ(DecideLostCommit(away, milliseconds(0), wait), LostCommitStep::kLookAgain);
  EXPECT_EQ(DecideLostCommit(away, milliseconds(9999), wait), LostCommitStep::kLookAgain);
  EXPECT_EQ(DecideLostCommit(away, wait, wait), LostCommitStep::kUnknown);
}

TEST(LostCommitDecision, AnAnswerThatCannotChangeIsUnknownAtOnce) {
  const milliseconds wait(10000);
  // NULL: the transaction is too old for the server to know.
  EXPECT_EQ(DecideLostCommit(std::string(), milliseconds(0), wait), LostCommitStep::kUnknown);
  EXPECT_EQ(DecideLostCommit(Error(Internal("permission denied")), milliseconds(0), wait),
            LostCommitStep::kUnknown);
}

class PgLostCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = quell::testing::TestPostgres();
    ASSERT_TRUE(server) << server.error().ToString();
    auto url = quell::testing::CreateTestDatabase();
    ASSERT_TRUE(url) << url.error().ToString();
    auto proxy = quell::testing::PgCutProxy::Start((*server)->port());
    ASSERT_TRUE(proxy) << proxy.error().ToString();
    proxy_ = std::move(*proxy);
    PgOptions options{proxy_->Url(*url), 2};
    options.commit_outcome_wait_ms = 2000;
    auto store = OpenPgStore(options);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  // Opens an incident of `group_key` (also the needle the proxy looks for) and commits.
  Status OpenIncident(const std::string& group_key) {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_->Begin());
    model::Incident incident;
    incident.group_key = group_key;
    incident.title = "t";
    if (auto id = tx->InsertIncident(incident); !id) return id.error();
    return tx->Commit();
  }

  int64_t Incidents() {
    auto n = store_->CountIncidents(std::nullopt);
    EXPECT_TRUE(n) << n.error().ToString();
    return n ? *n : -1;
  }

  std::unique_ptr<quell::testing::PgCutProxy> proxy_;
  std::unique_ptr<Store> store_;
};

TEST_F(PgLostCommitTest, ACommitThatWentThroughUnansweredSucceeds) {
  proxy_->Arm("lost-answer", Cut::kAfterCommitSent);
  const Status committed = OpenIncident("lost-answer");
  EXPECT_EQ(proxy_->cuts(), 1) << "the COMMIT was not cut: the test proves nothing";
  EXPECT_TRUE(committed.ok()) << committed.ToString();
  EXPECT_EQ(Incidents(), 1);
  // The store goes on: the next transaction commits on a fresh connection.
  EXPECT_TRUE(OpenIncident("after").ok());
  EXPECT_EQ(Incidents(), 2);
}

TEST_F(PgLostCommitTest, ACommitThatNeverReachedTheServerIsUnavailable) {
  proxy_->Arm("lost-commit", Cut::kBeforeCommitSent);
  const Status committed = OpenIncident("lost-commit");
  EXPECT_EQ(proxy_->cuts(), 1);
  EXPECT_EQ(committed.code(), StatusCode::kUnavailable) << committed.ToString();
  EXPECT_NE(committed.message().find("rolled back"), std::string::npos) << committed.ToString();
  EXPECT_EQ(Incidents(), 0);
  EXPECT_TRUE(OpenIncident("after").ok());
  EXPECT_EQ(Incidents(), 1);
}

// The server cannot be reached for the whole wait: the outcome is unknown, said as such, after
// the wait and not long after.
TEST_F(PgLostCommitTest, AnOutcomeNotLearnedInTheWaitIsUnavailable) {
  proxy_->Arm("unknown", Cut::kBeforeCommitSent);
  proxy_->Refuse(true);
  const auto start = std::chrono::steady_clock::now();
  const Status committed = OpenIncident("unknown");
  const auto took = std::chrono::steady_clock::now() - start;
  proxy_->Refuse(false);
  EXPECT_EQ(committed.code(), StatusCode::kUnavailable) << committed.ToString();
  EXPECT_NE(committed.message().find("unknown"), std::string::npos) << committed.ToString();
  EXPECT_GE(took, milliseconds(2000));
  EXPECT_LT(took, milliseconds(4000));
  EXPECT_EQ(Incidents(), 0);
}

}  // namespace
}  // namespace quell::store
