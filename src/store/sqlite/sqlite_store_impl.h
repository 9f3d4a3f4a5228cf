// The SQLite store (OpenSqliteStore): one writer connection, whose write transactions go
// through the batch (batch.h, redo_log.h) when this process holds the redo log, a pool of
// reader connections (reader_pool.h), and two background threads: one commits the batch every
// batch interval, one checkpoints the WAL (wal_checkpointer.h). Its methods are defined by job:
// sqlite_store.cc (opening, the write lock, the batch's commits), sqlite_store_reads.cc (reads
// of what write transactions change), sqlite_store_settings.cc, sqlite_store_logs.cc,
// sqlite_store_auth.cc (tokens, sessions, sign-in codes) and sqlite_store_jobs.cc (the job
// queue). Internal to the SQLite store.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/sqlite/batch.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace quell::store {

class SqliteDb;
class SqliteTx;
class Ticker;
class WalCheckpointer;

class SqliteStore final : public Store {
 public:
  SqliteStore();
  ~SqliteStore() override;
  Status Open(const SqliteOptions& options);
  Result<std::unique_ptr<StoreTx>> Begin() override;

  Result<std::optional<model::Incident>> GetIncident(int64_t id) override;
  Result<std::vector<model::Incident>> ListIncidents(const IncidentQuery& q) override;
  Result<std::vector<model::Alert>> ListAlerts(int64_t incident_id, size_t limit,
                                               int64_t after_id) override;
  Result<std::vector<model::Event>> ListEvents(int64_t incident_id) override;
  Result<int64_t> CountIncidents(std::optional<model::IncidentStatus> status, bool latest) override;
  Status Ping() override;
  Result<int64_t> CountAlerts() override;
  Result<NoiseStats> GetStats(const StatsQuery& q) override;
  Result<std::vector<model::Deploy>> ListDeploys(const DeployQuery& q) override;

  Result<std::optional<std::string>> GetSetting(const std::string& key) override;
  Status PutSetting(const std::string& key, const std::string& value) override;
  Result<bool> DeleteSetting(const std::string& key) override;
  Result<bool> SwapSetting(const std::string& key, const std::optional<std::string>& expected,
                           const std::optional<std::string>& desired) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListSettings(
      const std::string& prefix) override;

  Status AppendLogs(std::vector<model::LogEntry>& entries) override;
  Result<std::vector<model::LogEntry>> ListLogs(const LogQuery& q) override;
  Status PruneLogs(TimeMs older_than, int64_t max_rows,
                   const std::optional<LogCursor>& remember_after) override;
  Result<std::vector<PrunedLines>> CountPrunedBetween(const LogCursor& after, const LogCursor& upto,
                                                      const std::vector<int64_t>& read) override;
  Result<LogPage> ReadLogsAfter(const LogCursor& after, int limit) override;
  Result<int64_t> CountLogsAfter(const LogCursor& after, const std::string& service, TimeMs since,
                                 TimeMs until) override;

  // Tokens, sessions and sign-in codes: store/sqlite/auth_tables.cc. Changes are direct
  // writes (rare: sign-ins, revocations, a token's last use once a minute).
  Result<int64_t> InsertToken(const Token& token) override;
  Result<std::optional<Token>> FindTokenByHash(const std::string& hash) override;
  Result<std::vector<Token>> ListTokens() override;
  Result<int64_t> DeleteTokens(const std::string& name) override;
  Status TouchToken(int64_t id, TimeMs at) override;
  Status InsertSession(const Session& session) override;
  Result<std::optional<SignedIn>> FindSession(const std::string& id_hash) override;
  Status DeleteSession(const std::string& id_hash) override;
  Status InsertLoginCode(const std::string& code_hash, int64_t token_id, TimeMs created_at,
                         TimeMs expires_at) override;
  Result<std::optional<Token>> TakeLoginCode(const std::string& code_hash, TimeMs now) override;

  Result<std::optional<model::Job>> ClaimJob(TimeMs now, TimeMs lease_ms) override;
  Status CompleteJob(int64_t job_id) override;
  Status RetryJob(int64_t job_id, TimeMs run_at, const std::string& error,
                  bool count_attempt) override;
  Result<std::vector<model::Job>> ListJobs() override;
  Result<int64_t> CountDueJobs(TimeMs now) override;

 private:
  // What a read must see. Reads of what write transactions change (incidents, alerts,
  // timeline, jobs, deploys) see every committed transaction, so the batch is committed to
  // SQLite first if it holds any; other reads need not wait for that.
  enum class Sees { kBatch, kCommitted };

  // The reader connections, once the batch is committed when the read must see it. Used as
  // `ReaderPool::Lease r(Readers(Sees::...))` for one read method.
  ReaderPool& Readers(Sees sees);
  // The write lock for a change outside the batch (settings, tokens, logs): the batch
  // is committed first, so the change runs in a transaction of its own.
  Result<std::unique_lock<std::mutex>> LockDirect();
  Result<std::unique_ptr<SqliteTx>> BeginDirect();
  // A write transaction: in the batch when this process holds the log, else direct. With
  // `open_batch` false the batch's SQLite transaction starts at the first write: the job
  // runner's polls, which mostly find nothing due, must not hold SQLite's write lock (a CLI
  // beside the server needs it now and then).
  Result<std::unique_ptr<SqliteTx>> BeginWrite(bool open_batch = true);
  // Commits the batch to SQLite, with the last record it holds. Called with write_mu_ held.
  Status Flush();
  // Brings SQLite up to the redo log (Batch::Replay). Called with write_mu_ held.
  Status Recover();

  std::mutex write_mu_;
  std::unique_ptr<SqliteDb> writer_;
  Batch batch_;                         // guarded by write_mu_ (but `pending`)
  std::atomic<std::thread::id> owner_;  // the thread in a write transaction, if any
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<Ticker> flusher_;
  ReaderPool readers_;
};

}  // namespace quell::store
