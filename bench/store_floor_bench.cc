// bench/store_floor: how fast can alerts be stored at all on this machine, before HTTP, JSON or
// grouping? Two figures, one thread, nothing else running in the process:
//
//  - sqlite-minimal: SQLite alone inserting the least a stored alert can be (its incident, its
//    fingerprint key and its raw payload, indexed by fingerprint and by incident), 50,000 rows
//    a transaction (--tx-rows), WAL, synchronous=NORMAL, no checkpoints, one prepared statement. No design that keeps every
//    alert as a SQLite row can ingest faster than this.
//  - quell-store: the real SqliteStore (every column, redo log record per transaction, batched
//    SQLite commits) taking 100 alerts a transaction through StoreTx::InsertAlert.
//
//   build/release/store_floor_bench [--rows 1000000] [--tx-rows 50000]
//
// Compare with bench/ingest's Alertmanager figures of the same machine: 10x Alertmanager's
// batched rate needs this floor to be higher than that.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

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

double QuellStore(const std::string& dir, uint64_t rows) {
  store::SqliteOptions options;
  options.path = dir + "/quell.db";
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
  }
  store->reset();  // the last batch reaches SQLite on close
  return static_cast<double>(rows) / Seconds(start);
}

}  // namespace
}  // namespace quell::bench

int main(int argc, char** argv) {
  uint64_t rows = 1000000;
  uint64_t tx_rows = 50000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc) {
      rows = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--tx-rows" && i + 1 < argc) {
      tx_rows = std::max<uint64_t>(1, std::strtoull(argv[++i], nullptr, 10));
    } else {
      std::fprintf(stderr, "usage: %s [--rows N] [--tx-rows N]\n", argv[0]);
      return 2;
    }
  }
  char tmpl[] = "/tmp/quell_store_floor_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const double minimal = quell::bench::SqliteMinimal(dir, rows, tx_rows);
  std::printf("%-16s %12.0f alerts/s (%llu rows)\n", "sqlite-minimal", minimal,
              static_cast<unsigned long long>(rows));
  std::fflush(stdout);
  const double full = quell::bench::QuellStore(dir, rows);
  std::printf("%-16s %12.0f alerts/s (%llu rows)\n", "quell-store", full,
              static_cast<unsigned long long>(rows));
  std::filesystem::remove_all(dir);
  return 0;
}
