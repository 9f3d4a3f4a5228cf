// What PostgreSQL adds to the conformance suite (store_conformance_test.cc runs every case on
// it): migrations applied once when several processes start together, one open incident per
// group key, and jobs claimed once by several stores (nodes) at a time.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_store.h"
#include "support/private_postgres.h"

namespace quell::store {
namespace {

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = quell::testing::CreateTestDatabase();
    ASSERT_TRUE(url) << url.error().ToString();
    url_ = *url;
  }
  std::unique_ptr<Store> Open() {
    auto store = OpenPgStore(PgOptions{url_, 4});
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }
  std::string url_;
};

TEST_F(PgStoreTest, MigrationsApplyOnceWhenStoresOpenTogether) {
  std::vector<std::thread> openers;
  std::vector<Status> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    openers.emplace_back([&, i] {
      auto store = OpenPgStore(PgOptions{url_, 2});
      results[i] = store ? Status::Ok() : store.error();
    });
  }
  for (auto& t : openers) t.join();
  for (const auto& status : results) EXPECT_TRUE(status.ok()) << status.ToString();
  auto conn = PgConn::Open(url_);
  ASSERT_TRUE(conn);
  auto applied = (*conn)->Query("SELECT count(*), max(version) FROM schema_migrations");
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(applied->Int(0, 0), static_cast<int64_t>(PgMigrations().size()));
  EXPECT_EQ(applied->Int(0, 1), static_cast<int64_t>(PgMigrations().size()));
}

TEST_F(PgStoreTest, OneOpenIncidentPerGroupKey) {
  auto store = Open();
  ASSERT_TRUE(store);
  model::Incident incident;
  incident.group_key = "service=api";
  incident.title = "t";
  auto tx = store->Begin();
  ASSERT_TRUE(tx);
  auto first = (*tx)->InsertIncident(incident);
  ASSERT_TRUE(first);
  auto twin = (*tx)->InsertIncident(incident);
  ASSERT_FALSE(twin);
  EXPECT_EQ(twin.error().code(), StatusCode::kAlreadyExists);
  EXPECT_FALSE((*tx)->Commit().ok()) << "a failed statement rolls the transaction back";
  tx->reset();
  EXPECT_EQ(*store->CountIncidents(std::nullopt), 0);

  // Once the open one is resolved, the group may open another.
  tx = store->Begin();
  ASSERT_TRUE(tx);
  incident.id = *(*tx)->InsertIncident(incident);
  incident.status = model::IncidentStatus::kResolved;
  ASSERT_TRUE((*tx)->UpdateIncident(incident).ok());
  incident.status = model::IncidentStatus::kTriggered;
  ASSERT_TRUE((*tx)->InsertIncident(incident));
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ(*store->CountIncidents(std::nullopt), 2);
}

TEST_F(PgStoreTest, NodesClaimEachJobOnce) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  constexpr int kJobs = 40;
  {
    auto tx = first->Begin();
    ASSERT_TRUE(tx);
    for (int i = 0; i < kJobs; ++i) {
      model::Job job;
      job.kind = "notify";
      job.run_at = 1;
      ASSERT_TRUE((*tx)->EnqueueJob(job).ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  // Four workers on each node claim until nothing is due: every job exactly once.
  std::mutex mu;
  std::vector<int64_t> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    Store* store = w % 2 ? second.get() : first.get();
    workers.emplace_back([&, store] {
      for (;;) {
        auto job = store->ClaimJob(10, 60000);
        ASSERT_TRUE(job) << job.error().ToString();
        if (!*job) return;
        std::lock_guard lock(mu);
        claimed.push_back((**job).id);
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(),
            static_cast<size_t>(kJobs));
}

// PostgreSQL's TEXT takes neither; SQLite stores them as sent.
TEST_F(PgStoreTest, NulAndInvalidUtf8AreStoredAsReplacementCharacters) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto tx = store->Begin();
  ASSERT_TRUE(tx);
  model::Incident incident;
  incident.group_key = "k";
  auto incident_id = (*tx)->InsertIncident(incident);
  ASSERT_TRUE(incident_id) << incident_id.error().ToString();
  model::Alert alert;
  alert.incident_id = *incident_id;
  alert.data.fingerprint = "fp";
  alert.data.message = std::string("nul\0here", 8);
  alert.data.labels = {{"bad", "\xFF" "byte"}};
  ASSERT_TRUE((*tx)->InsertAlert(alert));
  ASSERT_TRUE((*tx)->Commit().ok());
  auto alerts = store->ListAlerts(*incident_id, 0, 0);
  ASSERT_TRUE(alerts && alerts->size() == 1u);
  EXPECT_EQ((*alerts)[0].data.message, "nul\xEF\xBF\xBDhere");
  EXPECT_EQ((*alerts)[0].data.labels.at("bad"), "\xEF\xBF\xBD" "byte");
}

TEST_F(PgStoreTest, AnUnreachableServerIsUnavailableAndTheUrlStaysSecret) {
  auto store = OpenPgStore(PgOptions{"postgres://quell:s3cret-pw@127.0.0.1:1/quell", 1});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.error().ToString().find("s3cret-pw"), std::string::npos)
      << store.error().ToString();
}

}  // namespace
}  // namespace quell::store
