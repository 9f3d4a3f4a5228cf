// What PostgreSQL adds to the conformance suite (store_conformance_test.cc runs every case on
// it): migrations applied once when several processes start together, one open incident per
// group key and one alert row per fingerprint and incident, rows read in one node's transaction
// locked until it ends, LockKeys, the counters by minute summed over writers, and jobs claimed
// once by several stores (nodes) at a time; the singleton lease moving to another holder; what
// the change watch hears (jobs due, settings changed) and the announcer's coalescing. The log
// cursor: pg_log_cursor_test.cc.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "store/postgres/pg_conn.h"
#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_store.h"
#include "store/change_watch.h"
#include "store/postgres/pg_announcer.h"
#include "store/singleton_lease.h"
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

// Inserts an incident of `group_key` and `alert` (fingerprint "fp") in it; the alert's id.
Result<int64_t> InsertAlertInNewIncident(StoreTx& tx, const std::string& group_key,
                                         model::Alert alert) {
  model::Incident incident;
  incident.group_key = group_key;
  incident.opened_at = alert.first_seen;
  QUELL_ASSIGN_OR_RETURN(alert.incident_id, tx.InsertIncident(incident));
  alert.data.fingerprint = "fp";
  return tx.InsertAlert(alert);
}

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
  // Aborted: what two nodes opening the same incident get; the engine runs the loser again.
  EXPECT_EQ(twin.error().code(), StatusCode::kAborted);
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

TEST_F(PgStoreTest, OneAlertRowPerFingerprintAndIncident) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto tx = store->Begin();
  ASSERT_TRUE(tx);
  ASSERT_TRUE(InsertAlertInNewIncident(**tx, "k", {}));
  auto found = (*tx)->FindLatestAlert("fp");
  ASSERT_TRUE(found && *found);
  auto twin = (*tx)->InsertAlert(**found);  // the same fingerprint in the same incident
  ASSERT_FALSE(twin);
  EXPECT_EQ(twin.error().code(), StatusCode::kAborted);
}

// Two nodes each fold a repeat of one alert (read, count + 1, write back): the second node's
// read waits for the first node's commit and sees its count, so no update is lost. On one
// connection each, as two processes would.
TEST_F(PgStoreTest, ARowReadInATransactionIsLockedUntilItEnds) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  int64_t alert_id = 0;
  {
    auto tx = first->Begin();
    ASSERT_TRUE(tx);
    model::Alert alert;
    alert.count = 1;
    alert_id = *InsertAlertInNewIncident(**tx, "k", alert);
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto a = first->Begin();
  ASSERT_TRUE(a);
  auto seen_by_a = (*a)->FindLatestAlert("fp");
  ASSERT_TRUE(seen_by_a && *seen_by_a);
  std::atomic<bool> b_read{false};
  std::thread node_b([&] {
    auto b = second->Begin();
    ASSERT_TRUE(b);
    auto seen_by_b = (*b)->FindLatestAlert("fp");  // waits for A
    b_read = true;
    ASSERT_TRUE(seen_by_b && *seen_by_b);
    EXPECT_EQ((*seen_by_b)->count, 2) << "B read the row before A's commit";
    (*seen_by_b)->count += 1;
    ASSERT_TRUE((*b)->UpdateAlert(**seen_by_b).ok());
    ASSERT_TRUE((*b)->Commit().ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // give B time to (wrongly) read
  EXPECT_FALSE(b_read) << "B read a row A holds";
  (*seen_by_a)->count += 1;
  ASSERT_TRUE((*a)->UpdateAlert(**seen_by_a).ok());
  ASSERT_TRUE((*a)->Commit().ok());
  node_b.join();
  auto alerts = first->ListAlerts((*seen_by_a)->incident_id, 0, 0);
  ASSERT_TRUE(alerts && alerts->size() == 1u);
  EXPECT_EQ((*alerts)[0].id, alert_id);
  EXPECT_EQ((*alerts)[0].count, 3);
}

// LockKeys: a transaction naming a key another node's open transaction holds waits for it; one
// naming other keys does not.
TEST_F(PgStoreTest, LockKeysWaitsOnlyForTheSameKeys) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  auto a = first->Begin();
  ASSERT_TRUE(a);
  ASSERT_TRUE((*a)->LockKeys({"service=api", "service=db"}).ok());
  {
    // Not on either of A's stripes (256 of them).
    auto b = second->Begin();
    ASSERT_TRUE(b);
    ASSERT_TRUE((*b)->LockKeys({"service=web"}).ok()) << "a key A does not hold";
  }
  std::atomic<bool> b_locked{false};
  std::thread node_b([&] {
    auto b = second->Begin();
    ASSERT_TRUE(b);
    ASSERT_TRUE((*b)->LockKeys({"service=db"}).ok());
    b_locked = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(b_locked) << "B took a key A holds";
  ASSERT_TRUE((*a)->Commit().ok());
  node_b.join();
  EXPECT_TRUE(b_locked);
}

// Every writing connection bumps counters of its own (no two transactions wait for one row);
// GetStats sums them.
TEST_F(PgStoreTest, CountersByMinuteAreSummedOverWriters) {
  auto first = Open();
  auto second = Open();
  ASSERT_TRUE(first && second);
  for (Store* store : {first.get(), second.get()}) {
    auto tx = store->Begin();
    ASSERT_TRUE(tx);
    model::Alert alert;
    alert.first_seen = alert.last_seen = 60000;
    alert.count = 3;
    ASSERT_TRUE(InsertAlertInNewIncident(**tx, store == first.get() ? "a" : "b", alert));
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto conn = PgConn::Open(url_);
  ASSERT_TRUE(conn);
  auto rows = (*conn)->Query("SELECT count(*) FROM stat_minutes WHERE minute = 1");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->Int(0, 0), 2) << "one row per writing connection";
  auto stats = first->GetStats({0, 120000, 60000});
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->incidents_opened, 2);
  EXPECT_EQ(stats->alerts_received, 6);
  EXPECT_EQ(stats->distinct_alerts, 2);
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

// Two nodes (stores), four threads each, race to take one claim (absent -> theirs), to move it
// on from one value (-> theirs), and to drop it: each step is taken by exactly one of them.
TEST_F(PgStoreTest, SwapSettingIsTakenByOneNodeOnly) {
  auto a = Open(), b = Open();
  ASSERT_TRUE(a && b);
  auto race = [&](const std::string& key, std::optional<std::string> expected, bool drop) {
    std::atomic<int> won{0};
    std::vector<std::thread> racers;
    for (int i = 0; i < 8; ++i) {
      racers.emplace_back([&, i] {
        Store& store = i % 2 ? *a : *b;
        std::optional<std::string> mine;
        if (!drop) mine = "racer " + std::to_string(i);
        auto swapped = store.SwapSetting(key, expected, mine);
        ASSERT_TRUE(swapped) << swapped.error().ToString();
        won += *swapped;
      });
    }
    for (auto& t : racers) t.join();
    return won.load();
  };
  for (int round = 0; round < 10; ++round) {
    const std::string key = "claim:" + std::to_string(round);
    EXPECT_EQ(race(key, std::nullopt, false), 1);
    ASSERT_TRUE(a->PutSetting(key, "base").ok());
    EXPECT_EQ(race(key, "base", false), 1);
    auto value = b->GetSetting(key);
    ASSERT_TRUE(value && *value);
    EXPECT_EQ(race(key, **value, true), 1);
    EXPECT_FALSE(*a->GetSetting(key));
  }
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

// A loopback listener that never accepts (the kernel completes the handshake): a server that
// takes the TCP connection and never answers. Its port, or 0.
uint16_t ListenWithoutAccepting(int& listener) {
  listener = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 8) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    return 0;
  return ntohs(address.sin_port);
}

// A server that takes the TCP connection and never answers (a hung host): connecting gives up
// after the default connect_timeout (5 s) instead of waiting for ever; a URL's own timeout wins.
TEST(PgConnTest, AServerThatNeverAnswersTimesOut) {
  int listener = -1;
  const uint16_t port = ListenWithoutAccepting(listener);
  ASSERT_NE(port, 0);
  const std::string base =
      "postgres://quell:s3cret-pw@127.0.0.1:" + std::to_string(port) + "/quell";
  for (const auto& [url, at_least, at_most] :
       {std::tuple{base, 4, 15}, std::tuple{base + "?connect_timeout=2", 1, 4}}) {
    const auto start = std::chrono::steady_clock::now();
    auto conn = PgConn::Open(url);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(conn) << url;
    EXPECT_EQ(conn.error().code(), StatusCode::kUnavailable);
    EXPECT_EQ(conn.error().ToString().find("s3cret-pw"), std::string::npos);
    EXPECT_GE(took, std::chrono::seconds(at_least)) << url;
    EXPECT_LE(took, std::chrono::seconds(at_most)) << url;
  }
  ::close(listener);
}

// libpq's PGCONNECT_TIMEOUT, when set, is the default in place of the 5 s.
TEST(PgConnTest, PgConnectTimeoutIsTheDefaultWhenSet) {
  int listener = -1;
  const uint16_t port = ListenWithoutAccepting(listener);
  ASSERT_NE(port, 0);
  ASSERT_EQ(::setenv("PGCONNECT_TIMEOUT", "2", 1), 0);
  const auto start = std::chrono::steady_clock::now();
  auto conn = PgConn::Open("postgres://quell@127.0.0.1:" + std::to_string(port) + "/quell");
  const auto took = std::chrono::steady_clock::now() - start;
  ::unsetenv("PGCONNECT_TIMEOUT");
  ::close(listener);
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code(), StatusCode::kUnavailable);
  EXPECT_GE(took, std::chrono::seconds(1));
  EXPECT_LT(took, std::chrono::seconds(4)) << "the 5 s default was used";
}

// Singleton leases (NewPgSingletonLease): of two holders one holds the lease; when its holder
// closes it, or its connection is killed (as when its node dies), the other takes it within a
// couple of seconds of asking once a second.
constexpr int64_t kLeaseKey = 42;

// Asks `lease` once a second, as the Telegram poller does, until it is held; how long that
// took, or nullopt after `limit`.
std::optional<std::chrono::milliseconds> TimeToHold(SingletonLease& lease,
                                                    std::chrono::seconds limit) {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < limit) {
    if (lease.Held())
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return std::nullopt;
}

TEST_F(PgStoreTest, SingletonLeaseOneOfTwoHoldsAndKeepsIt) {
  auto a = NewPgSingletonLease(url_, kLeaseKey);
  auto b = NewPgSingletonLease(url_, kLeaseKey);
  EXPECT_TRUE(a->Held());
  EXPECT_FALSE(b->Held());
  EXPECT_TRUE(a->Held());  // asking again keeps it
  EXPECT_FALSE(b->Held());
  auto other_key = NewPgSingletonLease(url_, kLeaseKey + 1);
  EXPECT_TRUE(other_key->Held());
}

TEST_F(PgStoreTest, SingletonLeaseClosedHolderLetsTheOtherTakeIt) {
  auto a = NewPgSingletonLease(url_, kLeaseKey);
  auto b = NewPgSingletonLease(url_, kLeaseKey);
  ASSERT_TRUE(a->Held());
  ASSERT_FALSE(b->Held());
  a.reset();
  auto took = TimeToHold(*b, std::chrono::seconds(5));
  ASSERT_TRUE(took);
  EXPECT_LE(took->count(), 2000);
}

TEST_F(PgStoreTest, SingletonLeaseKilledHolderConnectionLetsTheOtherTakeIt) {
  auto a = NewPgSingletonLease(url_, kLeaseKey);
  auto b = NewPgSingletonLease(url_, kLeaseKey);
  ASSERT_TRUE(a->Held());
  ASSERT_FALSE(b->Held());
  // As when a's node dies: the server ends the session that holds the advisory lock.
  auto admin = PgConn::Open(url_);
  ASSERT_TRUE(admin) << admin.error().ToString();
  auto killed = (*admin)->Query(
      "SELECT count(pg_terminate_backend(pid))::int FROM pg_locks WHERE locktype = 'advisory' "
      "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = "
      "current_database())");
  ASSERT_TRUE(killed) << killed.error().ToString();
  ASSERT_EQ(killed->Int(0, 0), 1);
  auto took = TimeToHold(*b, std::chrono::seconds(5));
  ASSERT_TRUE(took);
  EXPECT_LE(took->count(), 2000);
  // The old holder finds its connection gone and does not think itself the holder.
  EXPECT_FALSE(a->Held());
  EXPECT_TRUE(b->Held());
}

// What a change watch heard: job wake-ups, setting keys, (re)connections.
struct Heard {
  std::mutex mu;
  std::condition_variable cv;
  int jobs = 0;
  int connections = 0;
  std::vector<std::string> keys;
  int fail_connections = 0;   // the first ones say the node could not read what it keeps
  bool fail_changes = false;  // every on_changes says so
  ChangeHandlers Handlers() {
    return {[this](const std::vector<std::pair<std::string, std::string>>& changes) {
              std::lock_guard lock(mu);
              for (const auto& [channel, payload] : changes) {
                if (channel == kPgJobsChannel) ++jobs;
                if (channel == kPgSettingsChannel) keys.push_back(payload);
              }
              cv.notify_all();
              return !fail_changes;
            },
            [this] {
              std::lock_guard lock(mu);
              ++connections;
              cv.notify_all();
              return connections > fail_connections;
            }};
  }
  // Waits until `done` holds (under the lock), at most `limit`.
  template <typename Done>
  bool Until(Done done, std::chrono::milliseconds limit) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return done(); });
  }
  int Jobs() {
    std::lock_guard lock(mu);
    return jobs;
  }
};

Status EnqueueOne(StoreTx& tx, TimeMs run_at = 1) {
  model::Job job;
  job.kind = "notify";
  job.run_at = run_at;
  return tx.EnqueueJob(job);
}

// A job due now committed by any node is announced after COMMIT (not before, not for a
// rollback, not for a job due later), and a watch whose connection is killed listens again by
// itself and says so.
TEST_F(PgStoreTest, ChangeWatchHearsDueJobsOnceCommittedOnAnyNode) {
  auto a = Open(), b = Open();
  ASSERT_TRUE(a && b);
  Heard heard;
  auto watch = NewPgChangeWatch(url_, {kPgJobsChannel, kPgSettingsChannel}, heard.Handlers());
  ASSERT_TRUE(heard.Until([&] { return heard.connections == 1; }, std::chrono::seconds(5)))
      << "not listening";
  int seen = heard.Jobs();
  {
    auto tx = b->Begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(EnqueueOne(**tx).ok());
    ASSERT_TRUE(EnqueueOne(**tx).ok());
    EXPECT_FALSE(heard.Until([&] { return heard.jobs > seen; }, std::chrono::milliseconds(300)))
        << "woken before COMMIT";
    const auto committed = std::chrono::steady_clock::now();
    ASSERT_TRUE((*tx)->Commit().ok());
    ASSERT_TRUE(heard.Until([&] { return heard.jobs > seen; }, std::chrono::seconds(2)));
    std::printf("job announced to the watch %lld us after COMMIT\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - committed)
                                           .count()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  seen = heard.Jobs();
  {
    auto tx = a->Begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(EnqueueOne(**tx).ok());
  }  // rolled back
  EXPECT_FALSE(heard.Until([&] { return heard.jobs > seen; }, std::chrono::milliseconds(300)))
      << "woken by a rollback";
  {
    auto tx = a->Begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(EnqueueOne(**tx, SystemClock().Now() + kHourMs).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_FALSE(heard.Until([&] { return heard.jobs > seen; }, std::chrono::milliseconds(300)))
      << "woken by a job due in an hour";

  auto admin = PgConn::Open(url_);
  ASSERT_TRUE(admin);
  auto killed = (*admin)->Query(
      "SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE query LIKE "
      "'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_TRUE(killed) << killed.error().ToString();
  ASSERT_EQ(killed->Int(0, 0), 1);
  ASSERT_TRUE(heard.Until([&] { return heard.connections == 2; }, std::chrono::seconds(5)))
      << "not listening again";
  seen = heard.Jobs();
  {
    auto tx = a->Begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(EnqueueOne(**tx).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_TRUE(heard.Until([&] { return heard.jobs > seen; }, std::chrono::seconds(2)));
}

// Every committed change of a setting, by any node, is heard with its key; a write that
// changes nothing (a compare-and-set that lost) is not.
TEST_F(PgStoreTest, ChangeWatchHearsEverySettingChangeWithItsKey) {
  auto a = Open(), b = Open();
  ASSERT_TRUE(a && b);
  Heard heard;
  auto watch = NewPgChangeWatch(url_, {kPgSettingsChannel}, heard.Handlers());
  ASSERT_TRUE(heard.Until([&] { return heard.connections == 1; }, std::chrono::seconds(5)));
  ASSERT_TRUE(a->PutSetting("topology", "{}").ok());
  auto swapped = b->SwapSetting("claim/1", std::nullopt, "node-b");
  ASSERT_TRUE(swapped && *swapped);
  auto lost = a->SwapSetting("claim/1", std::nullopt, "node-a");  // taken: nothing changes
  ASSERT_TRUE(lost && !*lost);
  swapped = b->SwapSetting("claim/1", "node-b", "node-b2");
  ASSERT_TRUE(swapped && *swapped);
  auto deleted = b->DeleteSetting("silence/x");  // none: nothing changes
  ASSERT_TRUE(deleted && !*deleted);
  ASSERT_TRUE(a->PutSetting("silence/x", "{}").ok());
  deleted = b->DeleteSetting("silence/x");
  ASSERT_TRUE(deleted && *deleted);
  swapped = a->SwapSetting("claim/1", "node-b2", std::nullopt);
  ASSERT_TRUE(swapped && *swapped);
  const std::vector<std::string> expected{"topology", "claim/1",   "claim/1",
                                          "silence/x", "silence/x", "claim/1"};
  ASSERT_TRUE(heard.Until([&] { return heard.keys.size() >= expected.size(); },
                          std::chrono::seconds(2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // nothing more comes
  std::lock_guard lock(heard.mu);
  EXPECT_EQ(heard.keys, expected);
}

// A node that could not read again what it keeps (on connecting or on a change) is called again
// by itself, as after a lost connection, instead of keeping stale state until the next change.
TEST_F(PgStoreTest, ChangeWatchRetriesAFailedRead) {
  auto a = Open();
  ASSERT_TRUE(a);
  Heard heard;
  heard.fail_connections = 1;
  auto watch = NewPgChangeWatch(url_, {kPgSettingsChannel}, heard.Handlers());
  ASSERT_TRUE(heard.Until([&] { return heard.connections == 2; }, std::chrono::seconds(5)))
      << "a failed read on connecting was not retried";
  {
    std::lock_guard lock(heard.mu);
    heard.fail_changes = true;
  }
  ASSERT_TRUE(a->PutSetting("topology", "{}").ok());
  ASSERT_TRUE(heard.Until([&] { return heard.connections == 3; }, std::chrono::seconds(5)))
      << "a failed read on a change was not retried";
  {
    std::lock_guard lock(heard.mu);
    heard.fail_changes = false;
  }
  ASSERT_TRUE(a->PutSetting("topology", "{\"services\":{}}").ok());
  ASSERT_TRUE(heard.Until([&] { return heard.keys.size() == 2; }, std::chrono::seconds(2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // and no more reconnections
  std::lock_guard lock(heard.mu);
  EXPECT_EQ(heard.connections, 3);
}

// Rings that come while a NOTIFY is on its way are answered by one more, not one each; one
// ring after a quiet moment is one NOTIFY.
TEST_F(PgStoreTest, AnnouncerCoalescesRings) {
  Heard heard;
  auto watch = NewPgChangeWatch(url_, {kPgJobsChannel}, heard.Handlers());
  ASSERT_TRUE(heard.Until([&] { return heard.connections == 1; }, std::chrono::seconds(5)));
  PgAnnouncer announcer(url_, kPgJobsChannel);
  constexpr int kRings = 2000;
  for (int i = 0; i < kRings; ++i) announcer.Ring();
  ASSERT_TRUE(heard.Until([&] { return heard.jobs >= 1; }, std::chrono::seconds(2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const uint64_t burst = announcer.sent();
  std::printf("%d rings in a burst: %llu NOTIFY\n", kRings, static_cast<unsigned long long>(burst));
  EXPECT_GE(burst, 1u);
  EXPECT_LT(burst, 50u);
  EXPECT_EQ(heard.Jobs(), static_cast<int>(burst));
  announcer.Ring();
  ASSERT_TRUE(heard.Until([&] { return heard.jobs > static_cast<int>(burst); },
                          std::chrono::seconds(2)));
  // The listener can hear the NOTIFY before the announcer's thread has counted it as sent.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(announcer.sent(), burst + 1);
  EXPECT_EQ(heard.Jobs(), static_cast<int>(burst + 1));
}

}  // namespace
}  // namespace quell::store
