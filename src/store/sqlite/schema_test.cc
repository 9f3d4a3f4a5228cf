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

}  // namespace
}  // namespace quell::store
