// Migrations over data written by an older schema version.
#include "store/sqlite/schema.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::store {
namespace {

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quell_schema_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// Version 11 indexes alerts by an integer key of their fingerprint: alerts stored before it
// get their key, so their repeats still fold into them.
TEST_F(SchemaTest, AlertsFromBeforeTheFingerprintKeyAreFoundByFingerprint) {
  const std::string path = (dir_ / "quell.db").string();
  {
    auto db = SqliteDb::Open(path, true, false);
    ASSERT_TRUE(db) << db.error().ToString();
    const auto& migrations = SqliteMigrations();
    for (size_t v = 0; v < 10; ++v) ASSERT_TRUE((*db)->Exec(migrations[v]).ok()) << v;
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 10").ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO incidents (group_key, title, status, severity, services, "
                           "environment, opened_at, updated_at, last_alert_at, acked_at, "
                           "acked_by, resolved_at, resolved_by, alert_count, firing_count, "
                           "flapping, analysis) VALUES ('g', 't', 'triggered', 'high', "
                           "'[\"api\"]', 'prod', 1, 1, 1, 0, '', 0, '', 1, 1, 0, '');"
                           "INSERT INTO alerts (incident_id, fingerprint, source, status, "
                           "service, environment, name, message, severity, labels, annotations, "
                           "metrics, deploy, starts_at, ends_at, raw, first_seen, last_seen, "
                           "count, flips, flip_window_start) VALUES (1, 'old-fp', 'generic', "
                           "'firing', 'api', 'prod', '', 'm', 'high', '{}', '{}', '{}', '', 0, "
                           "0, '{}', 1, 1, 3, 0, 0)")
                    .ok());
  }
  SqliteOptions options;
  options.path = path;
  auto store = OpenSqliteStore(options);
  ASSERT_TRUE(store) << store.error().ToString();
  auto tx = (*store)->Begin();
  ASSERT_TRUE(tx);
  auto found = (*tx)->FindLatestAlert("old-fp");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->count, 3);
  EXPECT_FALSE(*(*tx)->FindLatestAlert("other-fp"));
}

// Version 12 keeps the senders' severity apart from the incident's, which an analysis may now
// raise: before it, an incident's severity was its senders' alone.
TEST_F(SchemaTest, IncidentsFromBeforeTheSendersSeverityKeepTheirsAsTheSenders) {
  const std::string path = (dir_ / "quell.db").string();
  {
    auto db = SqliteDb::Open(path, true, false);
    ASSERT_TRUE(db) << db.error().ToString();
    const auto& migrations = SqliteMigrations();
    ASSERT_GE(migrations.size(), 12u);
    for (size_t v = 0; v < 11; ++v) ASSERT_TRUE((*db)->Exec(migrations[v]).ok()) << v;
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 11").ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO incidents (group_key, title, status, severity, services, "
                           "environment, opened_at, updated_at, last_alert_at, acked_at, "
                           "acked_by, resolved_at, resolved_by, alert_count, firing_count, "
                           "flapping, analysis) VALUES ('g', 't', 'triggered', 'high', "
                           "'[\"api\"]', 'prod', 1, 1, 1, 0, '', 0, '', 1, 1, 0, ''), "
                           "('h', 't', 'triggered', 'unknown', '[\"db\"]', 'prod', 1, 1, 1, 0, "
                           "'', 0, '', 1, 1, 0, '')")
                    .ok());
  }
  SqliteOptions options;
  options.path = path;
  auto store = OpenSqliteStore(options);
  ASSERT_TRUE(store) << store.error().ToString();
  auto high = (*store)->GetIncident(1);
  ASSERT_TRUE(high && *high);
  EXPECT_EQ((*high)->severity, model::Severity::kHigh);
  EXPECT_EQ((*high)->alert_severity, model::Severity::kHigh);
  auto unknown = (*store)->GetIncident(2);
  ASSERT_TRUE(unknown && *unknown);
  EXPECT_EQ((*unknown)->alert_severity, model::Severity::kUnknown);
}

// Version 13 counts the dashboard's figures by minute: a database from before it gets its
// counters from the rows it holds, and they are kept from then on.
TEST_F(SchemaTest, StatCountersAreBackfilledFromTheStoredRows) {
  const std::string path = (dir_ / "quell.db").string();
  constexpr int64_t kMin = 60'000;
  {
    auto db = SqliteDb::Open(path, true, false);
    ASSERT_TRUE(db) << db.error().ToString();
    const auto& migrations = SqliteMigrations();
    ASSERT_GE(migrations.size(), 13u);
    for (size_t v = 0; v < 12; ++v) ASSERT_TRUE((*db)->Exec(migrations[v]).ok()) << v;
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 12").ok());
    // Incident 1 opened in minute 1 with two alerts: one seen 3 times until minute 2, one seen
    // once in minute 3; incident 2 opened in minute 5, notified twice (one entry) in minute 5.
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO incidents (group_key, title, status, severity, services, "
                           "environment, opened_at, updated_at, last_alert_at, acked_at, "
                           "acked_by, resolved_at, resolved_by, alert_count, firing_count, "
                           "flapping, analysis) VALUES ('g', 't', 'triggered', 'high', "
                           "'[\"api\"]', 'prod', 61000, 1, 1, 0, '', 0, '', 1, 1, 0, ''), "
                           "('h', 't', 'triggered', 'high', '[\"db\"]', 'prod', 301000, 1, 1, "
                           "0, '', 0, '', 1, 1, 0, '');"
                           "INSERT INTO alerts (incident_id, fingerprint, source, status, "
                           "service, environment, name, message, severity, labels, annotations, "
                           "metrics, deploy, starts_at, ends_at, raw, first_seen, last_seen, "
                           "count, flips, flip_window_start, fp_key) VALUES (1, 'a', "
                           "'generic', 'firing', 'api', 'prod', '', 'm', 'high', '{}', '{}', "
                           "'{}', '', 0, 0, '{}', 61000, 150000, 3, 0, 0, quell_fp_key('a')), "
                           "(1, 'b', 'generic', 'firing', 'api', 'prod', '', 'm', 'high', '{}', "
                           "'{}', '{}', '', 0, 0, '{}', 190000, 190000, 1, 0, 0, "
                           "quell_fp_key('b'));"
                           "INSERT INTO events (incident_id, at, last_at, kind, actor, "
                           "fingerprint, note, count) VALUES (2, 302000, 309000, 'notified', "
                           "'telegram', '', '', 2), (2, 302000, 302000, 'acked', 'x', '', '', "
                           "1)")
                    .ok());
  }
  SqliteOptions options;
  options.path = path;
  auto store = OpenSqliteStore(options);
  ASSERT_TRUE(store) << store.error().ToString();
  auto all = (*store)->GetStats({0, 10 * kMin, kMin});
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(all->alerts_received, 4);
  EXPECT_EQ(all->distinct_alerts, 2);
  EXPECT_EQ(all->incidents_opened, 2);
  EXPECT_EQ(all->notifications_sent, 2);
  ASSERT_EQ(all->buckets.size(), 10u);
  EXPECT_EQ(all->buckets[1].alerts, 3);
  EXPECT_EQ(all->buckets[1].incidents, 1);
  EXPECT_EQ(all->buckets[3].alerts, 1);
  EXPECT_EQ(all->buckets[5].incidents, 1);
  // From minute 2 on: alert a (last seen in minute 2) and b count, incident 1 does not.
  auto later = (*store)->GetStats({2 * kMin, 10 * kMin, kMin});
  ASSERT_TRUE(later);
  EXPECT_EQ(later->alerts_received, 4);
  EXPECT_EQ(later->distinct_alerts, 2);
  EXPECT_EQ(later->incidents_opened, 1);
  // A repeat after the migration moves alert b's last minute and adds to its count.
  {
    auto tx = (*store)->Begin();
    ASSERT_TRUE(tx);
    auto b = (*tx)->FindLatestAlert("b");
    ASSERT_TRUE(b && *b);
    (*b)->last_seen = 7 * kMin + 5;
    (*b)->count = 2;
    ASSERT_TRUE((*tx)->UpdateAlert(**b).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto moved = (*store)->GetStats({4 * kMin, 10 * kMin, kMin});
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->alerts_received, 2);  // b alone: first seen in minute 3, last in minute 7
  EXPECT_EQ(moved->distinct_alerts, 1);
  EXPECT_EQ(moved->buckets[0].alerts, 0);  // b counts where first seen (minute 3)
}

}  // namespace
}  // namespace quell::store
