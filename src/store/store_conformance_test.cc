// One conformance suite for every Store backend: each backend adds its factory lines at the end.
// PostgreSQL runs on the tests' private server (tests/support/private_postgres.h), a fresh
// database per test.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "store/write_back_tx.h"
#include "support/private_postgres.h"

namespace quell::store {
namespace {

using model::EventKind;
using model::IncidentStatus;

struct Backend {
  std::string name;
  // A fresh, empty place for one test's store (`dir` is a fresh directory the test removes):
  // what `open` takes.
  std::function<Result<std::string>(const std::string& dir)> create;
  // Opens the store at `where`; called again on the same place to test durability.
  std::function<Result<std::unique_ptr<Store>>(const std::string& where)> open;
  // Transactions go through WriteBackTx (the engine's group commits do): it must behave
  // exactly like the backend's own transaction.
  bool write_back = false;
};

// ctest lists each case with its parameter: the backend's name, not its bytes.
void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    // A parameterised test's name is "Test/param": one directory level, not two, so that
    // TearDown removes all of it.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = (std::filesystem::temp_directory_path() /
            ("quell_store_" + std::to_string(::getpid()) + "_" + name))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto where = GetParam().create(dir_);
    ASSERT_TRUE(where) << where.error().ToString();
    where_ = *where;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto opened = GetParam().open(where_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  std::unique_ptr<StoreTx> Begin() {
    auto tx = store_->Begin();
    EXPECT_TRUE(tx) << tx.error().ToString();
    if (GetParam().write_back) return std::make_unique<WriteBackTx>(std::move(*tx));
    return std::move(*tx);
  }

  static model::Incident SampleIncident(const std::string& key, std::vector<std::string> services) {
    model::Incident i;
    i.group_key = key;
    i.title = "api: Redis timeout — “quoted” ünïcode";
    i.severity = model::Severity::kHigh;
    i.services = std::move(services);
    i.environment = "prod";
    i.opened_at = 1000;
    i.updated_at = 2000;
    i.last_alert_at = 2000;
    i.alert_count = 1;
    i.firing_count = 1;
    return i;
  }

  int64_t InsertIncident(const std::string& key, std::vector<std::string> services) {
    auto tx = Begin();
    auto id = tx->InsertIncident(SampleIncident(key, std::move(services)));
    EXPECT_TRUE(id);
    EXPECT_TRUE(tx->Commit().ok());
    return *id;
  }

  void Resolve(int64_t id) {
    auto tx = Begin();
    auto incident = tx->FindIncident(id);
    ASSERT_TRUE(incident && *incident);
    (*incident)->status = IncidentStatus::kResolved;
    ASSERT_TRUE(tx->UpdateIncident(**incident).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  std::string dir_;
  std::string where_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformance, IncidentAndAlertRoundTripEveryField) {
  auto tx = Begin();
  auto incident = SampleIncident("service=api", {"api", "redis"});
  incident.alert_severity = model::Severity::kMedium;
  incident.flapping = true;
  incident.acked_by = "alice";
  incident.acked_at = 3000;
  auto id = tx->InsertIncident(incident);
  ASSERT_TRUE(id);
  incident.analysis_json = R"({"root_cause":"x"})";
  ASSERT_TRUE(tx->SetAnalysis(*id, incident.analysis_json, incident.updated_at).ok());
  model::Alert alert;
  alert.incident_id = *id;
  alert.data.fingerprint = "fp1";
  alert.data.source = "generic";
  alert.data.status = model::AlertStatus::kResolved;
  alert.data.service = "api";
  alert.data.environment = "prod";
  alert.data.name = "RedisTimeout";
  alert.data.message = "timeout after 4200ms \"quoted\"\nnewline";
  alert.data.severity = model::Severity::kCritical;
  alert.data.labels = {{"team", "payments"}, {"ünï", "cödé"}};
  alert.data.annotations = {{"summary", "s"}};
  alert.data.metrics = {{"latency", 4200.5}};
  alert.data.deploy = "441";
  alert.data.starts_at = 10;
  alert.data.ends_at = 20;
  alert.data.raw_json = R"({"service":"api","x":[1,2]})";
  alert.first_seen = 11;
  alert.last_seen = 12;
  alert.count = 3;
  alert.flips = 2;
  alert.flip_window_start = 9;
  auto alert_id = tx->InsertAlert(alert);
  ASSERT_TRUE(alert_id);
  ASSERT_TRUE(tx->Commit().ok());

  auto got = store_->GetIncident(*id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->title, incident.title);
  EXPECT_EQ((*got)->services, incident.services);
  EXPECT_EQ((*got)->severity, model::Severity::kHigh);
  EXPECT_EQ((*got)->alert_severity, model::Severity::kMedium);
  EXPECT_TRUE((*got)->flapping);
  EXPECT_EQ((*got)->acked_by, "alice");
  EXPECT_EQ((*got)->analysis_json, incident.analysis_json);
  auto alerts = store_->ListAlerts(*id, 0, 0);
  ASSERT_TRUE(alerts);
  ASSERT_EQ(alerts->size(), 1u);
  const auto& a = (*alerts)[0];
  EXPECT_EQ(a.id, *alert_id);
  EXPECT_EQ(a.data.message, alert.data.message);
  EXPECT_EQ(a.data.labels, alert.data.labels);
  EXPECT_EQ(a.data.metrics, alert.data.metrics);
  EXPECT_EQ(a.data.raw_json, alert.data.raw_json);
  EXPECT_EQ(a.data.status, model::AlertStatus::kResolved);
  EXPECT_EQ(a.data.severity, model::Severity::kCritical);
  EXPECT_EQ(a.data.ends_at, 20);
  EXPECT_EQ(a.count, 3);
  EXPECT_EQ(a.flips, 2);
  EXPECT_EQ(a.flip_window_start, 9);
}

TEST_P(StoreConformance, UncommittedTransactionRollsBack) {
  {
    auto tx = Begin();
    ASSERT_TRUE(tx->InsertIncident(SampleIncident("k", {"api"})));
  }  // destroyed without Commit
  auto count = store_->CountIncidents(std::nullopt);
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 0);
  InsertIncident("k", {"api"});  // the writer is usable again
  EXPECT_EQ(*store_->CountIncidents(std::nullopt), 1);
}

TEST_P(StoreConformance, LatestAlertAndIncidentLookups) {
  int64_t first = InsertIncident("service=api", {"api"});
  Resolve(first);  // one open incident per group key
  int64_t second = InsertIncident("service=api", {"api", "redis"});
  auto tx = Begin();
  for (int64_t incident : {first, second}) {
    model::Alert alert;
    alert.incident_id = incident;
    alert.data.fingerprint = "same";
    ASSERT_TRUE(tx->InsertAlert(alert));
  }
  auto latest = tx->FindLatestAlert("same");
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->incident_id, second);
  EXPECT_FALSE(*tx->FindLatestAlert("other"));
  auto by_group = tx->FindLatestIncidentByGroup("service=api");
  ASSERT_TRUE(by_group && *by_group);
  EXPECT_EQ((*by_group)->id, second);
  auto by_service = tx->FindLatestIncidentWithService("redis");
  ASSERT_TRUE(by_service && *by_service);
  EXPECT_EQ((*by_service)->id, second);
  EXPECT_FALSE(*tx->FindLatestIncidentWithService("nothing"));
  EXPECT_EQ(*tx->CountFiringAlerts(second), 1);
  ASSERT_TRUE(tx->Commit().ok());
}

TEST_P(StoreConformance, BumpEventCollapsesRepeats) {
  int64_t id = InsertIncident("k", {"api"});
  auto tx = Begin();
  EXPECT_FALSE(*tx->BumpEvent(id, EventKind::kAlertRepeated, "fp", 5, 1));
  model::Event e;
  e.incident_id = id;
  e.kind = EventKind::kAlertRepeated;
  e.fingerprint = "fp";
  e.at = e.last_at = 5;
  ASSERT_TRUE(tx->AppendEvent(e));
  EXPECT_TRUE(*tx->BumpEvent(id, EventKind::kAlertRepeated, "fp", 7, 1));
  EXPECT_TRUE(*tx->BumpEvent(id, EventKind::kAlertRepeated, "fp", 9, 1));
  EXPECT_FALSE(*tx->BumpEvent(id, EventKind::kAlertRepeated, "other", 9, 1));
  ASSERT_TRUE(tx->Commit().ok());
  auto events = store_->ListEvents(id);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].count, 3);
  EXPECT_EQ((*events)[0].at, 5);
  EXPECT_EQ((*events)[0].last_at, 9);
}

// Bursts of new alerts count on the newest entry of their kind while it is recent, whatever
// its fingerprint; an entry appended in between takes the later counts.
TEST_P(StoreConformance, BumpRecentEventCountsOnTheNewestEntryWhileItIsRecent) {
  int64_t id = InsertIncident("k", {"api"});
  auto tx = Begin();
  EXPECT_FALSE(*tx->BumpRecentEvent(id, EventKind::kAlertFired, 0, 5, 1));
  model::Event e;
  e.incident_id = id;
  e.kind = EventKind::kAlertFired;
  e.fingerprint = "first";
  e.at = e.last_at = 10;
  ASSERT_TRUE(tx->AppendEvent(e));
  EXPECT_FALSE(*tx->BumpRecentEvent(id, EventKind::kAlertFired, 11, 12, 1));  // too old
  EXPECT_FALSE(*tx->BumpRecentEvent(id, EventKind::kAlertRepeated, 0, 12, 1));  // other kind
  EXPECT_TRUE(*tx->BumpRecentEvent(id, EventKind::kAlertFired, 10, 12, 1));
  EXPECT_TRUE(*tx->BumpRecentEvent(id, EventKind::kAlertFired, 12, 13, 2));
  e.fingerprint = "second";
  e.at = e.last_at = 20;
  ASSERT_TRUE(tx->AppendEvent(e));
  EXPECT_TRUE(*tx->BumpRecentEvent(id, EventKind::kAlertFired, 15, 21, 1));
  ASSERT_TRUE(tx->Commit().ok());

  tx = Begin();  // the recent check holds across transactions too
  EXPECT_FALSE(*tx->BumpRecentEvent(id, EventKind::kAlertFired, 22, 30, 1));
  EXPECT_TRUE(*tx->BumpRecentEvent(id, EventKind::kAlertFired, 21, 30, 1));
  ASSERT_TRUE(tx->Commit().ok());

  auto events = store_->ListEvents(id);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].fingerprint, "first");
  EXPECT_EQ((*events)[0].count, 4);
  EXPECT_EQ((*events)[0].at, 10);
  EXPECT_EQ((*events)[0].last_at, 13);
  EXPECT_EQ((*events)[1].fingerprint, "second");
  EXPECT_EQ((*events)[1].count, 3);
  EXPECT_EQ((*events)[1].last_at, 30);
}

TEST_P(StoreConformance, AnalysisIsWrittenOnlyBySetAnalysis) {
  auto tx = Begin();
  auto id = tx->InsertIncident(SampleIncident("k", {"api"}));
  ASSERT_TRUE(id);
  auto none = tx->FindAnalysis(*id);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(tx->SetAnalysis(*id, R"({"root_cause":"redis"})", 77).ok());
  auto set = tx->FindAnalysis(*id);
  ASSERT_TRUE(set && *set);
  EXPECT_EQ(**set, R"({"root_cause":"redis"})");
  // Reads inside a transaction carry no analysis (store.h); the rest is current.
  model::Incident incident = **tx->FindIncident(*id);
  EXPECT_EQ(incident.analysis_json, "");
  EXPECT_EQ(incident.updated_at, 77);
  auto by_group = tx->FindLatestIncidentByGroup("k");
  ASSERT_TRUE(by_group && *by_group);
  EXPECT_EQ((*by_group)->analysis_json, "");
  // An update made from a copy with another analysis changes everything but the analysis.
  incident.analysis_json = R"({"root_cause":"stale"})";
  incident.alert_count = 9;
  ASSERT_TRUE(tx->UpdateIncident(incident).ok());
  EXPECT_EQ((*tx->FindIncident(*id))->alert_count, 9);
  EXPECT_FALSE(tx->SetAnalysis(*id + 100, "{}", 1).ok());
  ASSERT_TRUE(tx->Commit().ok());

  auto got = store_->GetIncident(*id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->analysis_json, R"({"root_cause":"redis"})");
  EXPECT_EQ((*got)->alert_count, 9);
  auto next = Begin();
  auto stored = next->FindAnalysis(*id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ(**stored, R"({"root_cause":"redis"})");
}

TEST_P(StoreConformance, TransactionReadsItsOwnWrites) {
  auto tx = Begin();
  auto id = tx->InsertIncident(SampleIncident("k", {"api"}));
  ASSERT_TRUE(id);
  model::Incident incident = **tx->FindIncident(*id);
  incident.services = {"api", "db"};
  incident.alert_count = 7;
  ASSERT_TRUE(tx->UpdateIncident(incident).ok());
  EXPECT_EQ((*tx->FindIncident(*id))->alert_count, 7);
  EXPECT_EQ((*tx->FindLatestIncidentByGroup("k"))->alert_count, 7);
  auto by_service = tx->FindLatestIncidentWithService("db");
  ASSERT_TRUE(by_service && *by_service);
  EXPECT_EQ((*by_service)->id, *id);
  EXPECT_EQ(tx->FindOpenIncidentsWithService("db")->size(), 1u);

  model::Alert alert;
  alert.incident_id = *id;
  alert.data.fingerprint = "fp";
  alert.data.service = "api";
  alert.count = 1;
  auto alert_id = tx->InsertAlert(alert);
  ASSERT_TRUE(alert_id);
  EXPECT_EQ(*tx->CountFiringAlerts(*id), 1);
  model::Alert latest = **tx->FindLatestAlert("fp");
  EXPECT_EQ(latest.id, *alert_id);
  latest.count = 2;
  latest.data.status = model::AlertStatus::kResolved;
  ASSERT_TRUE(tx->UpdateAlert(latest).ok());
  EXPECT_EQ((*tx->FindLatestAlert("fp"))->count, 2);
  EXPECT_EQ(*tx->CountFiringAlerts(*id), 0);
  EXPECT_FALSE(*tx->FindLatestAlert("other"));
  EXPECT_FALSE(*tx->FindLatestIncidentByGroup("other"));

  // Bumps go to the newest entry of their key, also across an append in between.
  model::Event e;
  e.incident_id = *id;
  e.kind = EventKind::kAlertRepeated;
  e.fingerprint = "fp";
  e.at = e.last_at = 5;
  ASSERT_TRUE(tx->AppendEvent(e));
  EXPECT_TRUE(*tx->BumpEvent(*id, EventKind::kAlertRepeated, "fp", 6, 1));
  EXPECT_TRUE(*tx->BumpEvent(*id, EventKind::kAlertRepeated, "fp", 7, 2));
  e.at = e.last_at = 8;
  ASSERT_TRUE(tx->AppendEvent(e));
  EXPECT_TRUE(*tx->BumpEvent(*id, EventKind::kAlertRepeated, "fp", 9, 1));
  ASSERT_TRUE(tx->Commit().ok());

  EXPECT_EQ((*store_->GetIncident(*id))->services, (std::vector<std::string>{"api", "db"}));
  auto alerts = store_->ListAlerts(*id, 0, 0);
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].count, 2);
  auto events = store_->ListEvents(*id);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].count, 4);
  EXPECT_EQ((*events)[0].last_at, 7);
  EXPECT_EQ((*events)[1].count, 2);
  EXPECT_EQ((*events)[1].last_at, 9);
}

TEST_P(StoreConformance, ListAlertsPagesOldestFirst) {
  int64_t id = InsertIncident("k", {"api"});
  auto tx = Begin();
  for (int i = 0; i < 5; ++i) {
    model::Alert alert;
    alert.incident_id = id;
    alert.data.fingerprint = "fp" + std::to_string(i);
    ASSERT_TRUE(tx->InsertAlert(alert));
  }
  ASSERT_TRUE(tx->Commit().ok());
  auto first = store_->ListAlerts(id, 2, 0);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].data.fingerprint, "fp0");
  EXPECT_EQ((*first)[1].data.fingerprint, "fp1");
  EXPECT_EQ(store_->ListAlerts(id, 0, 0)->size(), 5u);
  auto next = store_->ListAlerts(id, 2, (*first)[1].id);  // the page after the first
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].data.fingerprint, "fp2");
  EXPECT_EQ((*next)[1].data.fingerprint, "fp3");
  auto rest = store_->ListAlerts(id, 0, (*next)[1].id);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].data.fingerprint, "fp4");
}

TEST_P(StoreConformance, StatsCountAlertsIncidentsAndNotificationsInTheWindow) {
  // Stats count by the minute: times here are in thousandths of a minute (M(1500) is 1m30s).
  // Window [M(1000), M(4000)) in buckets of a minute. Incident a opens inside it, b before it.
  auto M = [](TimeMs thousandths) { return thousandths * kMinuteMs / 1000; };
  model::Incident a = SampleIncident("a", {"api"});
  a.opened_at = M(1500);
  model::Incident b = SampleIncident("b", {"db"});
  b.opened_at = M(500);
  auto tx = Begin();
  int64_t a_id = *tx->InsertIncident(a);
  int64_t b_id = *tx->InsertIncident(b);
  auto add_alert = [&](int64_t incident, const std::string& fp, TimeMs first, TimeMs last,
                       int64_t count) {
    model::Alert alert;
    alert.incident_id = incident;
    alert.data.fingerprint = fp;
    alert.data.service = "api";
    alert.first_seen = first;
    alert.last_seen = last;
    alert.count = count;
    ASSERT_TRUE(tx->InsertAlert(alert));
  };
  add_alert(a_id, "f1", M(1500), M(3500), 5);  // in the window, 4 repeats
  add_alert(a_id, "f2", M(2500), M(2500), 1);
  add_alert(b_id, "f3", M(100), M(1200), 3);   // first seen before, still repeating in the window
  add_alert(b_id, "f4", M(100), M(900), 7);    // over before the window
  add_alert(b_id, "f5", M(4000), M(4100), 2);  // after it
  auto notified = [&](int64_t incident, TimeMs at) {
    model::Event e;
    e.incident_id = incident;
    e.kind = EventKind::kNotified;
    e.at = e.last_at = at;
    ASSERT_TRUE(tx->AppendEvent(e));
  };
  notified(a_id, M(1600));
  notified(a_id, M(3999));
  notified(b_id, M(600));  // before the window
  model::Event acked;
  acked.incident_id = a_id;
  acked.kind = EventKind::kAcked;
  acked.at = acked.last_at = M(2000);
  ASSERT_TRUE(tx->AppendEvent(acked));
  ASSERT_TRUE(tx->Commit().ok());

  auto stats = store_->GetStats({M(1000), M(4000), M(1000)});
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->alerts_received, 5 + 1 + 3);
  EXPECT_EQ(stats->distinct_alerts, 3);
  EXPECT_EQ(stats->incidents_opened, 1);
  EXPECT_EQ(stats->notifications_sent, 2);
  ASSERT_EQ(stats->buckets.size(), 3u);
  EXPECT_EQ(stats->buckets[0].start, M(1000));
  EXPECT_EQ(stats->buckets[0].alerts, 5);
  EXPECT_EQ(stats->buckets[0].incidents, 1);
  EXPECT_EQ(stats->buckets[1].alerts, 1);
  EXPECT_EQ(stats->buckets[1].incidents, 0);
  EXPECT_EQ(stats->buckets[2].start, M(3000));
  EXPECT_EQ(stats->buckets[2].alerts, 0);

  // A partial last bucket still counts; bad windows are errors, not crashes.
  auto partial = store_->GetStats({M(1000), M(2600), M(1000)});
  ASSERT_TRUE(partial);
  ASSERT_EQ(partial->buckets.size(), 2u);
  EXPECT_EQ(partial->buckets[1].alerts, 1);
  // Edges that cut a minute: the minute goes where its first millisecond falls. From M(1500)
  // the window starts with the minute at M(2000), so f1 (first seen at M(1500)) and incident a
  // are before it; f2 and the notification at M(3999) (in the minute at M(3000)) are in it.
  auto cut = store_->GetStats({M(1500), M(4000), M(1000)});
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->alerts_received, 5 + 1);  // f1 still counts: last seen in the window
  EXPECT_EQ(cut->distinct_alerts, 2);
  EXPECT_EQ(cut->incidents_opened, 0);
  EXPECT_EQ(cut->notifications_sent, 1);
  ASSERT_EQ(cut->buckets.size(), 3u);
  EXPECT_EQ(cut->buckets[0].start, M(1500));
  EXPECT_EQ(cut->buckets[0].alerts, 1);  // f2, in the minute at M(2000)
  EXPECT_EQ(cut->buckets[1].alerts, 0);
  EXPECT_FALSE(store_->GetStats({M(1000), M(1000), M(1000)}));
  EXPECT_FALSE(store_->GetStats({M(1000), M(2000), 0}));
}

TEST_P(StoreConformance, ListIncidentsFiltersAndPages) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(InsertIncident("k" + std::to_string(i), {i % 2 ? "odd" : "even"}));
  {
    auto tx = Begin();
    auto incident = *tx->FindIncident(ids[1]);
    incident->status = IncidentStatus::kResolved;
    ASSERT_TRUE(tx->UpdateIncident(*incident).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  IncidentQuery q;
  q.limit = 2;
  auto page1 = store_->ListIncidents(q);
  ASSERT_TRUE(page1);
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0].id, ids[4]);
  q.before_id = page1->back().id;
  auto page2 = store_->ListIncidents(q);
  ASSERT_TRUE(page2);
  EXPECT_EQ((*page2)[0].id, ids[2]);

  IncidentQuery odd;
  odd.service = "odd";
  auto odds = store_->ListIncidents(odd);
  ASSERT_TRUE(odds);
  EXPECT_EQ(odds->size(), 2u);
  odd.status = IncidentStatus::kResolved;
  odds = store_->ListIncidents(odd);
  ASSERT_EQ(odds->size(), 1u);
  EXPECT_EQ((*odds)[0].id, ids[1]);
  EXPECT_EQ(*store_->CountIncidents(IncidentStatus::kTriggered), 4);
}

TEST_P(StoreConformance, JobsCoalesceLeaseRetryAndComplete) {
  auto enqueue = [&](const std::string& key, TimeMs run_at) {
    auto tx = Begin();
    model::Job job;
    job.kind = "notify";
    job.incident_id = 7;
    job.dedup_key = key;
    job.run_at = run_at;
    ASSERT_TRUE(tx->EnqueueJob(job).ok());
    ASSERT_TRUE(tx->Commit().ok());
  };
  enqueue("notify:7", 100);
  enqueue("notify:7", 50);   // coalesces, earlier run_at wins
  enqueue("notify:7", 300);  // coalesces, keeps 50
  enqueue("", 10);           // no key: never coalesced
  enqueue("", 10);
  auto jobs = store_->ListJobs();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 3u);
  // The backlog gauge reads what SQLite holds: ListJobs committed the batch.
  EXPECT_EQ(*store_->CountDueJobs(5), 0);
  EXPECT_EQ(*store_->CountDueJobs(60), 3);

  EXPECT_FALSE(*store_->ClaimJob(5, 1000));  // nothing due yet
  auto first = store_->ClaimJob(60, 1000);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->run_at, 10);
  EXPECT_EQ((*first)->attempts, 1);
  ASSERT_TRUE(store_->CompleteJob((*first)->id).ok());

  auto keyed = store_->ClaimJob(60, 1000);
  auto other = store_->ClaimJob(60, 1000);
  ASSERT_TRUE(keyed && *keyed && other && *other);
  auto keyed_job = (*keyed)->dedup_key.empty() ? **other : **keyed;
  EXPECT_EQ(keyed_job.run_at, 50);
  EXPECT_FALSE(*store_->ClaimJob(60, 1000));  // both leased
  EXPECT_EQ(store_->ListJobs()->size(), 2u);
  EXPECT_EQ(*store_->CountDueJobs(60), 0) << "leased jobs are not waiting";

  // While leased, new work for the same key is a separate pending job...
  enqueue("notify:7", 70);
  EXPECT_EQ(store_->ListJobs()->size(), 3u);
  // ...and a failed attempt merges into it instead of duplicating it.
  ASSERT_TRUE(store_->RetryJob(keyed_job.id, 500, "telegram 502").ok());
  EXPECT_EQ(store_->ListJobs()->size(), 2u);

  // An expired lease makes a job claimable again.
  auto again = store_->ClaimJob(60 + 1001, 1000);
  ASSERT_TRUE(again && *again);
}

TEST_P(StoreConformance, RetryWithoutPendingTwinReleasesTheJob) {
  auto tx = Begin();
  model::Job job;
  job.kind = "analyze";
  job.dedup_key = "analyze:1";
  job.run_at = 1;
  ASSERT_TRUE(tx->EnqueueJob(job).ok());
  ASSERT_TRUE(tx->Commit().ok());
  auto claimed = store_->ClaimJob(1, 1000);
  ASSERT_TRUE(claimed && *claimed);
  ASSERT_TRUE(store_->RetryJob((*claimed)->id, 50, "boom").ok());
  EXPECT_FALSE(*store_->ClaimJob(49, 1000));
  auto again = store_->ClaimJob(50, 1000);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->attempts, 2);
}

TEST_P(StoreConformance, ARolledBackEnqueueLeavesNoPendingJob) {
  model::Job job;
  job.kind = "analyze";
  job.dedup_key = "analyze:1";
  job.run_at = 5;
  {
    auto tx = Begin();
    ASSERT_TRUE(tx->EnqueueJob(job).ok());
  }  // rolled back
  EXPECT_TRUE(store_->ListJobs()->empty());
  auto tx = Begin();
  ASSERT_TRUE(tx->EnqueueJob(job).ok());
  ASSERT_TRUE(tx->Commit().ok());
  ASSERT_EQ(store_->ListJobs()->size(), 1u);
  // Claimed, the key has no pending job: the same enqueue makes one again.
  ASSERT_TRUE(*store_->ClaimJob(5, 1000));
  auto again = Begin();
  ASSERT_TRUE(again->EnqueueJob(job).ok());
  ASSERT_TRUE(again->Commit().ok());
  EXPECT_EQ(store_->ListJobs()->size(), 2u);
  EXPECT_TRUE(*store_->ClaimJob(5, 1000));
}

TEST_P(StoreConformance, Tokens) {
  Token t;
  t.name = "ci";
  t.scope = "ingest";
  t.hash = "abc123";
  t.created_at = 5;
  t.expires_at = 900;
  auto id = store_->InsertToken(t);
  ASSERT_TRUE(id);
  auto found = store_->FindTokenByHash("abc123");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "ci");
  EXPECT_EQ((*found)->scope, "ingest");
  EXPECT_EQ((*found)->expires_at, 900);
  EXPECT_EQ((*found)->last_used_at, 0);
  EXPECT_FALSE(*store_->FindTokenByHash("nope"));
  EXPECT_FALSE(store_->InsertToken(t));  // the hash is unique
  EXPECT_EQ(store_->ListTokens()->size(), 1u);

  ASSERT_TRUE(store_->TouchToken(*id, 70).ok());
  ASSERT_TRUE(store_->TouchToken(*id, 60).ok());  // never goes back
  EXPECT_EQ((*store_->FindTokenByHash("abc123"))->last_used_at, 70);
  Reopen();
  EXPECT_EQ((*store_->FindTokenByHash("abc123"))->last_used_at, 70);

  EXPECT_EQ(*store_->DeleteTokens("other"), 0);
  EXPECT_EQ(*store_->DeleteTokens("ci"), 1);
  EXPECT_FALSE(*store_->FindTokenByHash("abc123"));
  EXPECT_TRUE(store_->ListTokens()->empty());
}

TEST_P(StoreConformance, SessionsEndWithTheirTokenAndCodesWorkOnce) {
  Token t;
  t.name = "alice";
  t.scope = "admin";
  t.hash = "h1";
  auto token_id = store_->InsertToken(t);
  ASSERT_TRUE(token_id);
  Session s{"sess1", *token_id, "csrf1", 100, 1000};
  ASSERT_TRUE(store_->InsertSession(s).ok());
  auto found = store_->FindSession("sess1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->token.name, "alice");
  EXPECT_EQ((*found)->session.csrf, "csrf1");
  EXPECT_EQ((*found)->session.expires_at, 1000);
  EXPECT_FALSE(*store_->FindSession("sess2"));
  // A later session drops the ones that expired before it began.
  ASSERT_TRUE(store_->InsertSession(Session{"sess2", *token_id, "c2", 1000, 5000}).ok());
  EXPECT_FALSE(*store_->FindSession("sess1"));
  ASSERT_TRUE(store_->DeleteSession("sess2").ok());
  EXPECT_FALSE(*store_->FindSession("sess2"));

  ASSERT_TRUE(store_->InsertLoginCode("code1", *token_id, 100, 700).ok());
  ASSERT_TRUE(store_->InsertLoginCode("late", *token_id, 100, 700).ok());
  auto taken = store_->TakeLoginCode("code1", 200);
  ASSERT_TRUE(taken && *taken);
  EXPECT_EQ((*taken)->name, "alice");
  EXPECT_FALSE(*store_->TakeLoginCode("code1", 200));  // once
  EXPECT_FALSE(*store_->TakeLoginCode("late", 700));   // expired
  EXPECT_FALSE(*store_->TakeLoginCode("late", 200));   // and gone

  // Revoking the token ends its sessions and codes.
  ASSERT_TRUE(store_->InsertSession(Session{"sess3", *token_id, "c3", 1000, 5000}).ok());
  ASSERT_TRUE(store_->InsertLoginCode("code2", *token_id, 1000, 2000).ok());
  EXPECT_EQ(*store_->DeleteTokens("alice"), 1);
  EXPECT_FALSE(*store_->FindSession("sess3"));
  ASSERT_TRUE(store_->InsertToken(Token{0, "bob", "admin", "h2", 0, 0, 0}));
  EXPECT_FALSE(*store_->TakeLoginCode("code2", 1500));
}

TEST_P(StoreConformance, CommittedDataSurvivesReopenAndMigrationsAreIdempotent) {
  int64_t id = InsertIncident("k", {"api"});
  {
    // The analysis raises the severity above the senders' (engine, Analyze): both persist.
    auto tx = Begin();
    auto incident = *tx->FindIncident(id);
    ASSERT_TRUE(incident);
    incident->severity = model::Severity::kCritical;
    incident->alert_severity = model::Severity::kLow;
    ASSERT_TRUE(tx->UpdateIncident(*incident).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  Reopen();
  auto got = store_->GetIncident(id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->group_key, "k");
  EXPECT_EQ((*got)->severity, model::Severity::kCritical);
  EXPECT_EQ((*got)->alert_severity, model::Severity::kLow);
}

TEST_P(StoreConformance, ReadersWorkWhileAWriteTransactionIsOpen) {
  InsertIncident("k", {"api"});
  EXPECT_EQ(*store_->CountIncidents(std::nullopt), 1);
  auto tx = Begin();
  ASSERT_TRUE(tx->InsertIncident(SampleIncident("k2", {"api"})));
  // Readers see committed data only (on the writer's own thread too).
  EXPECT_EQ(*store_->CountIncidents(std::nullopt), 1);
  std::atomic<bool> begun{false};
  std::thread second([&] {
    auto other = store_->Begin();  // blocks until the first transaction ends
    begun = true;
    ASSERT_TRUE(other);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(begun.load());
  ASSERT_TRUE(tx->Commit().ok());
  second.join();
  EXPECT_TRUE(begun.load());
  EXPECT_EQ(*store_->CountIncidents(std::nullopt), 2);
}

TEST_P(StoreConformance, DeploysSettingsAndOpenIncidentsByService) {
  int64_t open = InsertIncident("k1", {"api", "redis"});
  int64_t closed = InsertIncident("k2", {"api"});
  {
    auto tx = Begin();
    auto incident = *tx->FindIncident(closed);
    incident->status = IncidentStatus::kResolved;
    ASSERT_TRUE(tx->UpdateIncident(*incident).ok());
    auto found = tx->FindOpenIncidentsWithService("api");
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].id, open);
    model::Deploy d;
    d.service = "api";
    d.version = "441";
    d.author = "alice";
    d.finished_at = 5000;
    d.received_at = 6000;
    ASSERT_TRUE(tx->InsertDeploy(d));
    d.version = "442";
    d.finished_at = 0;
    d.started_at = 7000;
    ASSERT_TRUE(tx->InsertDeploy(d));
    d.service = "web";
    d.version = "9";
    d.started_at = 8000;
    ASSERT_TRUE(tx->InsertDeploy(d));
    ASSERT_TRUE(tx->Commit().ok());
  }
  DeployQuery q;
  auto all = store_->ListDeploys(q);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].version, "9");  // newest first
  q.services = {"api"};
  q.since = 6000;
  auto api = store_->ListDeploys(q);
  ASSERT_TRUE(api);
  ASSERT_EQ(api->size(), 1u);
  EXPECT_EQ((*api)[0].version, "442");
  EXPECT_EQ((*api)[0].author, "alice");

  EXPECT_FALSE(*store_->GetSetting("topology"));
  ASSERT_TRUE(store_->PutSetting("topology", "{}").ok());
  ASSERT_TRUE(store_->PutSetting("topology", "{\"a\":[\"b\"]}").ok());
  EXPECT_EQ(**store_->GetSetting("topology"), "{\"a\":[\"b\"]}");
  ASSERT_TRUE(store_->PutSetting("topologyx", "{}").ok());
  EXPECT_EQ(store_->DeleteSetting("topology"), true);
  EXPECT_EQ(store_->DeleteSetting("topology"), false);
  EXPECT_FALSE(*store_->GetSetting("topology"));
  EXPECT_TRUE(*store_->GetSetting("topologyx"));
}

TEST_P(StoreConformance, LogsAreReadOnFromACursorOnceEach) {
  auto line = [](const std::string& service, TimeMs ts, const std::string& message) {
    model::LogEntry e;
    e.service = service;
    e.ts = ts;
    e.level = "info";
    e.message = message;
    return e;
  };
  std::vector<model::LogEntry> first{line("api", 1000, "a1"), line("web", 2000, "w1"),
                                     line("api", 3000, "a2")};
  ASSERT_TRUE(store_->AppendLogs(first).ok());
  auto page = store_->ReadLogsAfter({}, 2);
  ASSERT_TRUE(page) << page.error().ToString();
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].message, "a1");
  EXPECT_EQ(page->entries[1].message, "w1");
  EXPECT_EQ(page->entries[1].service, "web");
  EXPECT_EQ(page->entries[1].ts, 2000);
  EXPECT_EQ(page->entries[1].id, first[1].id);
  const LogCursor after_two = page->next;
  EXPECT_GT(after_two, LogCursor{});
  auto api_left = store_->CountLogsAfter(after_two, "api", 0, 10'000);
  ASSERT_TRUE(api_left) << api_left.error().ToString();
  EXPECT_EQ(*api_left, 1);
  EXPECT_EQ(*store_->CountLogsAfter({}, "api", 0, 10'000), 2);
  EXPECT_EQ(*store_->CountLogsAfter({}, "api", 0, 2000), 1) << "outside the window";
  EXPECT_EQ(*store_->CountLogsAfter(after_two, "", 0, 10'000), 1) << "every service";
  EXPECT_EQ(*store_->CountLogsAfter({}, "", 0, 10'000), 3) << "every service";

  std::vector<model::LogEntry> second{line("api", 500, "a3")};
  ASSERT_TRUE(store_->AppendLogs(second).ok());
  page = store_->ReadLogsAfter(after_two, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].message, "a2");
  EXPECT_EQ(page->entries[1].message, "a3") << "stored later, read later, whatever its time";
  auto end = store_->ReadLogsAfter(page->next, 10);
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->entries.empty());
  EXPECT_EQ(end->next, page->next) << "an empty page stays where it was";
  EXPECT_FALSE(end->held_back);
  EXPECT_EQ(*store_->CountLogsAfter(page->next, "api", 0, 10'000), 0);
}

// Pruning for miners that read the stored lines: what is pruned after the lowest miner's cursor is
// remembered, so a miner behind counts it as not mined instead of never knowing of it.
TEST_P(StoreConformance, LinesPrunedBeforeAMinerReadThemAreCounted) {
  std::vector<model::LogEntry> lines;
  for (int i = 1; i <= 6; ++i) {
    model::LogEntry e;
    e.service = i == 4 ? "web" : "api";
    e.ts = i == 5 ? 70'000 : i * 1000;  // one in the second minute
    e.level = "info";
    e.message = "line " + std::to_string(i);
    lines.push_back(e);
  }
  ASSERT_TRUE(store_->AppendLogs(lines).ok());
  auto two = store_->ReadLogsAfter({}, 2);
  ASSERT_TRUE(two) << two.error().ToString();
  auto all = store_->ReadLogsAfter({}, 10);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->entries.size(), 6u);
  const LogCursor end = all->next;

  // The 5 oldest go; of them, lines 3, 4 and 5 are after the lowest miner's cursor.
  ASSERT_TRUE(store_->PruneLogs(0, 1, two->next).ok());
  auto left = store_->ReadLogsAfter({}, 10);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->entries.size(), 1u);
  EXPECT_EQ(left->entries[0].message, "line 6");
  auto pruned = store_->CountPrunedBetween({}, end, {});
  ASSERT_TRUE(pruned) << pruned.error().ToString();
  ASSERT_EQ(pruned->size(), 3u);
  EXPECT_EQ((*pruned)[0].service, "api");
  EXPECT_EQ((*pruned)[0].minute, 0);
  EXPECT_EQ((*pruned)[0].lines, 1) << "line 3";
  EXPECT_EQ((*pruned)[1].service, "api");
  EXPECT_EQ((*pruned)[1].minute, 60'000);
  EXPECT_EQ((*pruned)[1].lines, 1) << "line 5";
  EXPECT_EQ((*pruned)[2].service, "web");
  EXPECT_EQ((*pruned)[2].lines, 1) << "line 4";
  // A reader that got line 3 before it was pruned does not count it; nor what is outside.
  pruned = store_->CountPrunedBetween(two->next, end, {lines[2].id});
  ASSERT_TRUE(pruned);
  int64_t total = 0;
  for (const auto& p : *pruned) total += p.lines;
  EXPECT_EQ(total, 2);
  pruned = store_->CountPrunedBetween(end, end, {});
  ASSERT_TRUE(pruned);
  EXPECT_TRUE(pruned->empty());

  // Once every miner is past them they are forgotten; without a cursor nothing is remembered.
  ASSERT_TRUE(store_->PruneLogs(0, 1, end).ok());
  pruned = store_->CountPrunedBetween({}, end, {});
  ASSERT_TRUE(pruned);
  EXPECT_TRUE(pruned->empty());
  std::vector<model::LogEntry> more(lines.begin(), lines.begin() + 2);
  ASSERT_TRUE(store_->AppendLogs(more).ok());
  ASSERT_TRUE(store_->PruneLogs(0, 0, std::nullopt).ok());
  auto after = store_->ReadLogsAfter({}, 10);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->entries.empty());
  pruned = store_->CountPrunedBetween({}, LogCursor{INT64_MAX, INT64_MAX}, {});
  ASSERT_TRUE(pruned);
  EXPECT_TRUE(pruned->empty());
}

TEST_P(StoreConformance, SwapSettingSetsOnlyWhatItExpects) {
  const std::optional<std::string> absent;
  EXPECT_EQ(store_->SwapSetting("claim", absent, absent), true);  // absent, as expected
  EXPECT_EQ(store_->SwapSetting("claim", std::string("x"), std::string("a")), false);
  EXPECT_FALSE(*store_->GetSetting("claim"));
  EXPECT_EQ(store_->SwapSetting("claim", absent, std::string("a")), true);
  EXPECT_EQ(store_->SwapSetting("claim", absent, std::string("b")), false);  // taken
  EXPECT_EQ(store_->SwapSetting("claim", absent, absent), false);
  EXPECT_EQ(**store_->GetSetting("claim"), "a");
  EXPECT_EQ(store_->SwapSetting("claim", std::string("b"), std::string("c")), false);
  EXPECT_EQ(store_->SwapSetting("claim", std::string("a"), std::string("c")), true);
  EXPECT_EQ(**store_->GetSetting("claim"), "c");
  EXPECT_EQ(store_->SwapSetting("claim", std::string("a"), absent), false);
  EXPECT_EQ(**store_->GetSetting("claim"), "c");
  EXPECT_EQ(store_->SwapSetting("claim", std::string("c"), absent), true);
  EXPECT_FALSE(*store_->GetSetting("claim"));
  Reopen();
  EXPECT_EQ(store_->SwapSetting("claim", absent, std::string("d")), true);
  Reopen();
  EXPECT_EQ(**store_->GetSetting("claim"), "d");  // durable
}

Result<std::string> SqliteIn(const std::string& dir) { return dir + "/quell.db"; }

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path) {
  SqliteOptions options;
  options.path = path;
  return OpenSqliteStore(options);
}

Result<std::string> FreshPgDatabase(const std::string&) {
  return quell::testing::CreateTestDatabase();
}

Result<std::unique_ptr<Store>> OpenPg(const std::string& url) {
  PgOptions options;
  options.url = url;
  return OpenPgStore(options);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, StoreConformance,
    ::testing::Values(Backend{"sqlite", SqliteIn, OpenSqlite},
                      Backend{"sqlite_write_back", SqliteIn, OpenSqlite, true},
                      Backend{"postgres", FreshPgDatabase, OpenPg},
                      Backend{"postgres_write_back", FreshPgDatabase, OpenPg, true}),
    [](const ::testing::TestParamInfo<Backend>& param) { return param.param.name; });

}  // namespace
}  // namespace quell::store
