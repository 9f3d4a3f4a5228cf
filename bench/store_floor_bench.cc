// bench/store_floor: how fast can alerts be stored at all on this machine, before HTTP, JSON or
// grouping? Two figures, one thread, nothing else running in the process:
//
//  - sqlite-minimal: SQLite alone inserting the least a stored alert can be (its incident, its
//    fingerprint key and its raw payload, indexed by fingerprint and by incident), 50,000 rows
//    a transaction (--tx-rows), WAL, synchronous=NORMAL, no checkpoints, one prepared statement. No design that keeps every
//    alert as a SQLite row can ingest faster than this.
//  - quell-store: the real SqliteStore (every column, redo log record per transaction, batched
//    SQLite commits) taking 100 alerts a transaction through StoreTx::InsertAlert. Every 100,000
//    alerts it prints the size of the database, its WAL and the redo log: now and the largest
//    seen since the previous line (sampled after every transaction), then the same after 2 s
//    idle (issue 20, item 7: the disk stays bounded under sustained load).
//
//   build/release/store_floor_bench [--rows 1000000] [--tx-rows 50000] [--wal-limit-mb 64]
//                                   [--only-store]
//
// Compare with bench/ingest's Alertmanager figures of the same machine: 10x Alertmanager's
// batched rate needs this floor to be higher than that.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "alert_bodies.h"
#include "common/hash.h"
#include "model/alert.h"
#include "model/incident.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace quell::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void Check(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.message().c_str());
  std::exit(1);
}

double SqliteMinimal(const std::string& dir, uint64_t rows, uint64_t tx_rows) {
  auto db = store::SqliteDb::Open(dir + "/minimal.db", true, false);
  if (!db) Check(db.error(), "open");
  Check((*db)->Exec("CREATE TABLE alerts (id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL, "
                    "fp_key INTEGER NOT NULL, raw TEXT NOT NULL) STRICT;"
                    "CREATE INDEX alerts_by_fp_key ON alerts(fp_key);"
                    "CREATE INDEX alerts_by_incident ON alerts(incident_id, id);"
                    // Checkpoints wait for the disk; leave them out of the floor.
                    "PRAGMA wal_autocheckpoint=0;"),
        "schema");
  const auto start = Clock::now();
  for (uint64_t k = 0; k < rows;) {
    Check((*db)->Exec("BEGIN"), "begin");
    for (uint64_t end = std::min(rows, k + tx_rows); k < end; ++k) {
      auto stmt = (*db)->Prepare("INSERT INTO alerts (incident_id, fp_key, raw) VALUES (?1, ?2, ?3)");
      if (!stmt) Check(stmt.error(), "prepare");
      const std::string raw = GenericAlertJson(k);
      (*stmt)->Bind(1, static_cast<int64_t>(k % 50 + 1))
          .Bind(2, static_cast<int64_t>(Xxh3(raw)))
          .BindUncopied(3, raw);
      Check((*stmt)->Run(), "insert");
    }
    Check((*db)->Exec("COMMIT"), "commit");
  }
  return static_cast<double>(rows) / Seconds(start);
}

double MiB(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// The store's files: now, and the largest seen since the last Print (a thread samples them
// every millisecond, so a WAL that a commit fills and a checkpoint empties at once is seen).
class DiskSizes {
 public:
  explicit DiskSizes(std::string path) : path_(std::move(path)), sampler_([this] { Run(); }) {}
  ~DiskSizes() {
    stop_ = true;
    sampler_.join();
  }
  void Print(const char* when) {
    std::lock_guard lock(mu_);
    Sample();
    std::printf("  %-14s db %7.1f MiB   wal %6.1f MiB (peak %6.1f)   redo %7.1f KiB (peak %7.1f)\n",
                when, MiB(db_), MiB(wal_), MiB(peak_wal_), static_cast<double>(redo_) / 1024,
                static_cast<double>(peak_redo_) / 1024);
    std::fflush(stdout);
    peak_wal_ = peak_redo_ = 0;
  }

 private:
  void Sample() {
    db_ = FileBytes(path_);
    wal_ = FileBytes(path_ + "-wal");
    redo_ = FileBytes(path_ + "-redo");
    peak_wal_ = std::max(peak_wal_, wal_);
    peak_redo_ = std::max(peak_redo_, redo_);
  }
  void Run() {
    while (!stop_) {
      {
        std::lock_guard lock(mu_);
        Sample();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  std::string path_;
  std::mutex mu_;
  uint64_t db_ = 0, wal_ = 0, redo_ = 0, peak_wal_ = 0, peak_redo_ = 0;
  std::atomic<bool> stop_{false};
  std::thread sampler_;
};

double QuellStore(const std::string& dir, uint64_t rows, int64_t wal_limit_mb) {
  store::SqliteOptions options;
  options.path = dir + "/quell.db";
  options.wal_limit_bytes = wal_limit_mb << 20;
  DiskSizes sizes(options.path);
  auto store = store::OpenSqliteStore(options);
  if (!store) Check(store.error(), "open store");
  {  // the 50 incidents the alerts belong to
    auto tx = (*store)->Begin();
    if (!tx) Check(tx.error(), "begin");
    for (int i = 0; i < 50; ++i) {
      model::Incident incident;
      incident.group_key = "service=svc-" + std::to_string(i);
      incident.title = "svc-" + std::to_string(i);
      auto id = (*tx)->InsertIncident(incident);
      if (!id) Check(id.error(), "insert incident");
    }
    Check((*tx)->Commit(), "commit");
  }
  const auto start = Clock::now();
  for (uint64_t k = 0; k < rows;) {
    auto tx = (*store)->Begin();
    if (!tx) Check(tx.error(), "begin");
    for (uint64_t end = std::min(rows, k + 100); k < end; ++k) {
      model::Alert alert;
      alert.incident_id = static_cast<int64_t>(k % 50 + 1);
      alert.data.raw_json = GenericAlertJson(k);
      alert.data.fingerprint = Hex16(Xxh3(alert.data.raw_json));
      alert.data.service = "svc-" + std::to_string(k % 50);
      alert.data.environment = "prod";
      alert.data.name = "Alert" + std::to_string(k % 20);
      alert.data.labels = {{"instance", "host-" + std::to_string(k)}, {"job", "api"}};
      alert.first_seen = alert.last_seen = static_cast<TimeMs>(k);
      alert.count = 1;
      auto id = (*tx)->InsertAlert(alert);
      if (!id) Check(id.error(), "insert");
    }
    Check((*tx)->Commit(), "commit");
    if (k % 100000 == 0 || k == rows) {
      char when[32];
      std::snprintf(when, sizeof when, "%llu alerts", static_cast<unsigned long long>(k));
      sizes.Print(when);
    }
  }
  const double rate = static_cast<double>(rows) / Seconds(start);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  sizes.Print("2 s idle");
  store->reset();  // the last batch reaches SQLite on close
  sizes.Print("closed");
  return rate;
}

}  // namespace
}  // namespace quell::bench

int main(int argc, char** argv) {
  uint64_t rows = 1000000;
  uint64_t tx_rows = 50000;
  int64_t wal_limit_mb = 64;
  bool only_store = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc) {
      rows = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--tx-rows" && i + 1 < argc) {
      tx_rows = std::max<uint64_t>(1, std::strtoull(argv[++i], nullptr, 10));
    } else if (a == "--wal-limit-mb" && i + 1 < argc) {
      wal_limit_mb = std::strtoll(argv[++i], nullptr, 10);
    } else if (a == "--only-store") {
      only_store = true;
    } else {
      std::fprintf(stderr, "usage: %s [--rows N] [--tx-rows N] [--wal-limit-mb N] [--only-store]\n",
                   argv[0]);
      return 2;
    }
  }
  char tmpl[] = "/tmp/quell_store_floor_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  if (!only_store) {
    const double minimal = quell::bench::SqliteMinimal(dir, rows, tx_rows);
    std::printf("%-16s %12.0f alerts/s (%llu rows)\n", "sqlite-minimal", minimal,
                static_cast<unsigned long long>(rows));
    std::fflush(stdout);
  }
  std::printf("quell-store (WAL limit %lld MiB):\n", static_cast<long long>(wal_limit_mb));
  const double full = quell::bench::QuellStore(dir, rows, wal_limit_mb);
  std::printf("%-16s %12.0f alerts/s (%llu rows)\n", "quell-store", full,
              static_cast<unsigned long long>(rows));
  std::filesystem::remove_all(dir);
  return 0;
}
