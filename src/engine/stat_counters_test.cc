// The dashboard's figures come from counters by minute that the store keeps at ingest
// (store/sqlite/stat_minutes.h). Here they are checked against a full recount of the rows in
// the real SQLite file after mixed ingest through the engine (new alerts, repeats, resolves,
// re-fires, human actions, notifications) across many minutes, a clean restart and a crash
// whose transactions only the redo log holds.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "../tests/test_store.h"
#include "engine/engine.h"
#include "model/fingerprint.h"
#include "store/sqlite/sqlite_db.h"

namespace quell::engine {
namespace {

constexpr TimeMs kStart = 1'700'000'000'000 + 17'345;  // mid-minute

TimeMs FloorMinute(TimeMs t) { return t - ((t % kMinuteMs) + kMinuteMs) % kMinuteMs; }

// What the rows say, read straight from the file.
struct Rows {
  struct Alert {
    TimeMs first_seen, last_seen;
    int64_t count;
  };
  std::vector<Alert> alerts;
  std::vector<TimeMs> opened;                           // incidents' opened_at
  std::vector<std::pair<TimeMs, int64_t>> notified;     // (at, count)
};

Rows ReadRows(const std::string& path) {
  Rows rows;
  auto db = store::SqliteDb::Open(path, false, false);
  EXPECT_TRUE(db) << db.error().ToString();
  if (!db) return rows;
  auto alerts = (*db)->Prepare("SELECT first_seen, last_seen, count FROM alerts");
  while (alerts && *(*alerts)->Step())
    rows.alerts.push_back({(*alerts)->Int(0), (*alerts)->Int(1), (*alerts)->Int(2)});
  auto incidents = (*db)->Prepare("SELECT opened_at FROM incidents");
  while (incidents && *(*incidents)->Step()) rows.opened.push_back((*incidents)->Int(0));
  auto events = (*db)->Prepare("SELECT at, count FROM events WHERE kind = 'notified'");
  while (events && *(*events)->Step())
    rows.notified.emplace_back((*events)->Int(0), (*events)->Int(1));
  return rows;
}

// The figures by counting every row, as GetStats did before the counters (store.h): with
// `by_minute`, every time rounded down to its minute first (what the counters promise).
store::NoiseStats Recount(const Rows& rows, const store::StatsQuery& q, bool by_minute) {
  auto t = [&](TimeMs time) { return by_minute ? FloorMinute(time) : time; };
  store::NoiseStats out;
  const int64_t n = (q.until - q.since + q.bucket_ms - 1) / q.bucket_ms;
  for (int64_t i = 0; i < n; ++i) out.buckets.push_back({q.since + i * q.bucket_ms, 0, 0});
  auto bucket = [&](TimeMs time) -> store::StatsBucket* {
    if (time < q.since || time >= q.until) return nullptr;
    return &out.buckets[static_cast<size_t>((time - q.since) / q.bucket_ms)];
  };
  for (const auto& a : rows.alerts) {
    const TimeMs first = t(a.first_seen), last = t(std::max(a.first_seen, a.last_seen));
    if (last >= q.since && first < q.until) {
      out.alerts_received += a.count;
      ++out.distinct_alerts;
    }
    if (auto* b = bucket(first)) b->alerts += a.count;
  }
  for (TimeMs opened : rows.opened) {
    if (auto* b = bucket(t(opened))) {
      ++out.incidents_opened;
      ++b->incidents;
    }
  }
  for (auto [at, count] : rows.notified)
    if (t(at) >= q.since && t(at) < q.until) out.notifications_sent += count;
  return out;
}

void ExpectSame(const store::NoiseStats& got, const store::NoiseStats& want,
                const std::string& what) {
  EXPECT_EQ(got.alerts_received, want.alerts_received) << what;
  EXPECT_EQ(got.distinct_alerts, want.distinct_alerts) << what;
  EXPECT_EQ(got.incidents_opened, want.incidents_opened) << what;
  EXPECT_EQ(got.notifications_sent, want.notifications_sent) << what;
  ASSERT_EQ(got.buckets.size(), want.buckets.size()) << what;
  for (size_t i = 0; i < got.buckets.size(); ++i) {
    EXPECT_EQ(got.buckets[i].start, want.buckets[i].start) << what << " bucket " << i;
    EXPECT_EQ(got.buckets[i].alerts, want.buckets[i].alerts) << what << " bucket " << i;
    EXPECT_EQ(got.buckets[i].incidents, want.buckets[i].incidents) << what << " bucket " << i;
  }
}

class StatCountersTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open(TimeMs batch_interval_ms = 500) {
    Close();
    store::SqliteOptions options;
    options.path = path_;
    options.batch_interval_ms = batch_interval_ms;
    auto store = store::OpenSqliteStore(options);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    EngineOptions engine_options;
    engine_options.flap_threshold = 4;  // some alerts flap, whose flips notify nobody
    engine_ = std::make_unique<Engine>(*store_, clock_, engine_options);
  }
  void Close() {
    engine_.reset();
    store_.reset();
  }

  // `steps` rounds of mixed traffic, 0 to 40 s apart: 30 alerts that fire, repeat, resolve and
  // fire again in batches; now and then a notification (some bumped, as repeated cards are)
  // and a human acknowledging or resolving an incident.
  void Traffic(std::mt19937& rng, int steps) {
    for (int step = 0; step < steps; ++step) {
      clock_.Advance(std::uniform_int_distribution<TimeMs>(0, 40'000)(rng));
      std::vector<model::NormalizedAlert> batch;
      const int size = std::uniform_int_distribution<int>(1, 4)(rng);
      for (int i = 0; i < size; ++i) {
        const int k = std::uniform_int_distribution<int>(0, 29)(rng);
        model::NormalizedAlert a;
        a.service = "svc-" + std::to_string(k % 7);
        a.environment = "prod";
        a.name = std::string("check_") + static_cast<char>('a' + k);  // numbers are masked
        a.message = "symptom";
        a.status = std::uniform_int_distribution<int>(0, 4)(rng) == 0 ? model::AlertStatus::kResolved
                                                                       : model::AlertStatus::kFiring;
        a.fingerprint = model::GenericFingerprint(a);
        batch.push_back(std::move(a));
      }
      ASSERT_TRUE(engine_->Ingest(std::move(batch)));
      const int roll = std::uniform_int_distribution<int>(0, 9)(rng);
      if (roll < 3) Notify(rng);
      if (roll == 9) HumanAction(rng);
    }
  }

  int64_t AnyIncident(std::mt19937& rng) {
    auto list = store_->ListIncidents({std::nullopt, "", 50, 0});
    if (!list || list->empty()) return 0;
    return (*list)[std::uniform_int_distribution<size_t>(0, list->size() - 1)(rng)].id;
  }

  void Notify(std::mt19937& rng) {
    const int64_t id = AnyIncident(rng);
    if (id == 0) return;
    auto tx = store_->Begin();
    ASSERT_TRUE(tx);
    auto bumped = (*tx)->BumpRecentEvent(id, model::EventKind::kNotified, clock_.Now() - 30'000,
                                         clock_.Now(), 1);
    ASSERT_TRUE(bumped);
    if (!*bumped) {
      model::Event e;
      e.incident_id = id;
      e.kind = model::EventKind::kNotified;
      e.at = e.last_at = clock_.Now();
      e.actor = "telegram";
      ASSERT_TRUE((*tx)->AppendEvent(e));
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  void HumanAction(std::mt19937& rng) {
    const int64_t id = AnyIncident(rng);
    if (id == 0) return;
    const Action action = std::uniform_int_distribution<int>(0, 1)(rng) ? Action::kAck : Action::kResolve;
    (void)engine_->Act(id, action, "alice", "");  // a Conflict (e.g. ack a resolved one) is fine
  }

  // GetStats against the recount for windows on whole minutes (where the figures must be those
  // of the old per-row count), windows that cut minutes, odd buckets, and the dashboard's.
  void ExpectCountersMatchRecount(const std::string& when) {
    const TimeMs now = clock_.Now();
    std::vector<store::StatsQuery> queries = {
        {now + 1 - 24 * kHourMs, now + 1, kHourMs},  // the dashboard's default
        {FloorMinute(kStart), FloorMinute(now) + kMinuteMs, kMinuteMs},
        {FloorMinute(kStart) + 5 * kMinuteMs, FloorMinute(now) - 7 * kMinuteMs, 10 * kMinuteMs},
        {kStart - kHourMs, now + kHourMs, 5 * kMinuteMs},
        {kStart + 95'123, now - 200'321, 90 * kSecondMs},  // cuts minutes and buckets
        {kStart + 30'000, kStart + 50'000, kSecondMs},     // inside one minute
        {now - 3 * kMinuteMs + 1, now + 1, 7 * kSecondMs},
        {FloorMinute(now) + kMinuteMs, FloorMinute(now) + 2 * kMinuteMs, kMinuteMs},  // after
    };
    // Everything the counters were summed from must be in SQLite: GetStats commits the batch.
    std::vector<Result<store::NoiseStats>> got;
    for (const auto& q : queries) got.push_back(store_->GetStats(q));
    const Rows rows = ReadRows(path_);
    ASSERT_GT(rows.alerts.size(), 20u);
    for (size_t i = 0; i < queries.size(); ++i) {
      const auto& q = queries[i];
      const std::string what = when + ", window " + std::to_string(i);
      ASSERT_TRUE(got[i]) << what << ": " << got[i].error().ToString();
      ExpectSame(*got[i], Recount(rows, q, /*by_minute=*/true), what);
      const bool whole_minutes = q.since % kMinuteMs == 0 && q.until % kMinuteMs == 0 &&
                                 q.bucket_ms % kMinuteMs == 0;
      if (whole_minutes) ExpectSame(*got[i], Recount(rows, q, /*by_minute=*/false), what + " (raw)");
    }
  }

  testing::TestDir dir_{"stat_counters"};
  const std::string path_ = (dir_.path() / "quell.db").string();
  ManualClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(StatCountersTest, MatchAFullRecountAcrossMinutesRestartsAndACrash) {
  std::mt19937 rng(20);
  Traffic(rng, 400);
  ExpectCountersMatchRecount("after the first traffic");

  Open();  // a clean restart
  Traffic(rng, 300);
  ExpectCountersMatchRecount("after a restart");

  // A crash: the child's transactions reach the redo log but never SQLite (the batch interval
  // is an hour and it dies without destructors, as under kill -9); the next open replays them.
  Close();
  auto received = [&] {
    int64_t sum = 0;
    for (const auto& a : ReadRows(path_).alerts) sum += a.count;
    return sum;
  };
  const bool failed_before = HasFailure();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Open(/*batch_interval_ms=*/3600 * 1000);
    std::mt19937 child_rng(21);
    Traffic(child_rng, 200);  // its reads commit the batch now and then
    for (int i = 0; i < 5; ++i) {  // no read after these: they are in the log alone
      clock_.Advance(25'000);
      model::NormalizedAlert a;
      a.service = "svc-crash";
      a.message = "last words";
      a.fingerprint = model::GenericFingerprint(a);
      if (!engine_->Ingest({a})) ::_exit(2);
    }
    ::_exit(HasFailure() && !failed_before ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  const int64_t received_in_sqlite = received();
  Open();
  EXPECT_GE(received(), received_in_sqlite + 5) << "the redo log was not replayed";
  // The child's clock moved on in its process only: catch up past anything it can have written.
  clock_.Advance(200 * 40'000 + 5 * 25'000);
  ExpectCountersMatchRecount("after a crash and replay");
  Traffic(rng, 50);
  ExpectCountersMatchRecount("after more traffic");
}

}  // namespace
}  // namespace quell::engine
