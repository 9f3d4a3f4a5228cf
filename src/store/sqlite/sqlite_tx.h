// The SQLite store's write transaction (StoreTx). In the batch (the process holds the redo
// log), each write runs as a RedoOp inside the batch's open SQLite transaction and is appended
// to the transaction's redo record; Commit appends the record to the log: durable from then on.
// Without the log (another process holds it), a plain BEGIN IMMEDIATE ... COMMIT. Reads go
// through the rows the batch keeps (HotRows) while they can be trusted. Internal to the SQLite
// store, made by SqliteStore (sqlite_store.cc).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/sqlite/write_statements.h"
#include "store/store.h"

namespace quell::store {

struct Batch;
struct HotRows;
class RedoOp;
class SqliteDb;

class SqliteTx final : public StoreTx {
 public:
  // `batch` is null when the store writes directly (another process holds the redo log).
  SqliteTx(SqliteDb& db, std::unique_lock<std::mutex> lock, Batch* batch,
           std::atomic<std::thread::id>& owner);
  ~SqliteTx() override;

  // One writer per database (the redo log's lock): nobody to wait for.
  Status LockKeys(const std::vector<std::string>&) override;
  Result<std::optional<model::Alert>> FindLatestAlert(const std::string& fingerprint) override;
  Result<int64_t> InsertAlert(const model::Alert& alert) override;
  Status UpdateAlert(const model::Alert& alert) override;
  Result<int64_t> CountFiringAlerts(int64_t incident_id) override;
  Result<std::optional<model::Incident>> FindIncident(int64_t id) override;
  Result<std::optional<model::Incident>> FindLatestIncidentByGroup(
      const std::string& group_key) override;
  Result<std::optional<model::Incident>> FindLatestIncidentWithService(
      const std::string& service) override;
  Result<int64_t> InsertIncident(const model::Incident& incident) override;
  Status UpdateIncident(const model::Incident& incident) override;
  Status SetAnalysis(int64_t incident_id, const std::string& analysis_json,
                     TimeMs updated_at) override;
  Result<std::optional<std::string>> FindAnalysis(int64_t incident_id) override;
  Result<std::vector<model::Incident>> FindOpenIncidentsWithService(
      const std::string& service) override;
  Result<int64_t> InsertDeploy(const model::Deploy& d) override;
  Result<int64_t> AppendEvent(const model::Event& event) override;
  Result<bool> BumpEvent(int64_t incident_id, model::EventKind kind, const std::string& fingerprint,
                         TimeMs at, int64_t times) override;
  Result<bool> BumpRecentEvent(int64_t incident_id, model::EventKind kind, TimeMs since, TimeMs at,
                               int64_t times) override;
  Status EnqueueJob(const model::Job& job) override;

  // The outbox's own writes (SqliteStore's job methods), recorded in the log like the rest, so
  // a replay changes the jobs table exactly as the original run did.
  Result<std::optional<model::Job>> LeaseDueJob(TimeMs now, TimeMs lease_ms);
  Status DeleteJob(int64_t job_id);
  Status ReleaseJob(int64_t job_id, TimeMs run_at, const std::string& error, bool count_attempt);
  Status Commit() override;

 private:
  // The rows kept across transactions, when they can be trusted: inside the batch's open
  // SQLite transaction (HotRows).
  HotRows* Hot();
  Result<int64_t> Write(RedoOp& op, int id_param);
  // The bump statements: ?3 picks the entry (its fingerprint, or the time it must be newer
  // than). True when an entry was bumped.
  template <typename Match>
  Result<bool> Bump(WriteStatement statement, int64_t incident_id, model::EventKind kind,
                    Match match, TimeMs at, int64_t times);
  // A write whose row count does not matter.
  Status Apply(RedoOp& op);

  SqliteDb& db_;
  std::unique_lock<std::mutex> lock_;
  Batch* batch_;
  std::atomic<std::thread::id>& owner_;
  std::unordered_map<std::string, TimeMs> enqueued_;  // Batch::pending_jobs, once committed
  bool wrote_ = false;
  bool done_ = false;
};

}  // namespace quell::store
