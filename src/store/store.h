// Store: everything durable goes through this interface. SQLite (store/sqlite) is the default;
// PostgreSQL will be a second implementation, so no backend-specific SQL leaks out of here.
//
// Writes happen inside a StoreTx obtained from Store::Begin(): the caller makes any number of
// reads and writes and then calls Commit(). Destroying an uncommitted StoreTx rolls it back.
// Only one write transaction is open at a time per Store in a process (Begin blocks until the
// previous one ends). Read methods on Store are thread-safe and see committed data only.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "model/alert.h"
#include "model/deploy.h"
#include "model/incident.h"
#include "model/log_entry.h"

namespace quell::store {

// An API token. The secret itself is never stored, only its SHA-256.
struct Token {
  int64_t id = 0;
  std::string name;
  std::string scope;  // ingest | read | admin
  std::string hash;   // Sha256Hex(secret)
  TimeMs created_at = 0;
  TimeMs expires_at = 0;    // 0: never
  TimeMs last_used_at = 0;  // 0: never; kept to the minute (auth.cc)
};

// A dashboard session: the cookie holds a random id, the store only its SHA-256.
struct Session {
  std::string id_hash;  // Sha256Hex(cookie value)
  int64_t token_id = 0;  // whose rights it has; revoking the token ends it
  std::string csrf;     // the value cookie-authenticated writes must echo in X-CSRF-Token
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

// A live session with its token, as one read finds them.
struct SignedIn {
  Session session;
  Token token;
};

struct IncidentQuery {
  std::optional<model::IncidentStatus> status;
  std::string service;      // empty: any
  int limit = 50;
  int64_t before_id = 0;    // cursor: only incidents with id < before_id (0: from the newest)
};

struct LogQuery {
  std::string service;  // required
  TimeMs since = 0;
  TimeMs until = 0;     // 0: no bound
  int limit = 1000;
};

// Where a log miner stands in the stored lines: every row at or before it has been read. Rows are
// read in (tx, id) order: `tx` is the PostgreSQL transaction (xid8) that inserted the row, 0 on
// SQLite (one writer: ids commit in order). See ReadLogsAfter.
struct LogCursor {
  int64_t tx = 0;
  int64_t id = 0;
  friend bool operator==(const LogCursor&, const LogCursor&) = default;
  friend auto operator<=>(const LogCursor&, const LogCursor&) = default;
};

struct LogPage {
  std::vector<model::LogEntry> entries;  // in cursor order
  LogCursor next;                        // after the last entry (`after` when there is none)
  // A short page only: committed lines after `next` wait for an older log append still running
  // (PostgreSQL); reading again soon returns them.
  bool held_back = false;
};

// Lines pruned before some node's log miner read them (PruneLogs with `remember_after`), counted
// by service and minute.
struct PrunedLines {
  std::string service;
  TimeMs minute = 0;  // start of the minute of their ts
  int64_t lines = 0;
};

struct DeployQuery {
  std::vector<std::string> services;  // empty: any
  TimeMs since = 0;                   // effective time >= since (0: no bound)
  TimeMs until = 0;                   // effective time <= until (0: no bound)
  int limit = 100;
};

// The dashboard's noise figures over [since, until) and volumes per bucket of `bucket_ms`.
// Times are counted by the minute (UTC) they fall in: a backend keeps counters per minute, so
// the cost does not grow with the alerts. The figures are exactly those of counting the rows
// with every time rounded down to its minute (and an alert's last_seen never before its
// first_seen); with since, until and bucket_ms on whole minutes, nothing is rounded.
struct StatsQuery {
  TimeMs since = 0;
  TimeMs until = 0;
  TimeMs bucket_ms = 0;  // > 0; (until - since) / bucket_ms buckets, rounded up
};

struct StatsBucket {
  TimeMs start = 0;
  int64_t alerts = 0;     // alerts first seen in the bucket, with their repeats (sum of counts)
  int64_t incidents = 0;  // incidents opened in the bucket
};

struct NoiseStats {
  // Alerts seen in the window (last_seen >= since, first_seen < until): the sum of their
  // counts (every repeat received) and how many distinct alert rows that is.
  int64_t alerts_received = 0;
  int64_t distinct_alerts = 0;
  int64_t incidents_opened = 0;    // opened_at in the window
  int64_t notifications_sent = 0;  // "notified" timeline events in the window (with repeats)
  std::vector<StatsBucket> buckets;  // every bucket from `since`, empty ones included
};

class StoreTx {
 public:
  virtual ~StoreTx() = default;

  // Takes this transaction's turn at `keys` (the group keys of the alerts it is about to fold),
  // before it reads any row for them. Writers in other processes on the same database (several
  // nodes on PostgreSQL) that name a key in common wait for each other, taking keys in one
  // fixed order so that they never deadlock, and the second finds what the first wrote instead
  // of inserting its own incident or alert. Held until the transaction ends. A backend with one
  // writer per database (SQLite) has nothing to do.
  virtual Status LockKeys(const std::vector<std::string>& keys) = 0;

  // The most recent alert row with this fingerprint (any incident), if any.
  virtual Result<std::optional<model::Alert>> FindLatestAlert(const std::string& fingerprint) = 0;
  // Inserts a new alert row and returns its id.
  virtual Result<int64_t> InsertAlert(const model::Alert& alert) = 0;
  // Overwrites the mutable fields of alert row `alert.id` (data, last_seen, count, flips...).
  virtual Status UpdateAlert(const model::Alert& alert) = 0;
  // Number of alerts of an incident that are firing.
  virtual Result<int64_t> CountFiringAlerts(int64_t incident_id) = 0;

  // Incidents read through a transaction carry no analysis (analysis_json is empty): ingest
  // reads an incident for every alert and never needs it. Store::GetIncident has it.
  virtual Result<std::optional<model::Incident>> FindIncident(int64_t id) = 0;
  // The most recently opened incident with this group key, whatever its status.
  virtual Result<std::optional<model::Incident>> FindLatestIncidentByGroup(
      const std::string& group_key) = 0;
  // The most recently opened incident whose services include `service`, whatever its status.
  virtual Result<std::optional<model::Incident>> FindLatestIncidentWithService(
      const std::string& service) = 0;
  // InsertIncident and UpdateIncident (which overwrites incident `incident.id`) write every
  // field but the analysis, which only SetAnalysis writes: ingest rewrites an incident with
  // every alert, and the analysis is the one large field it never changes.
  virtual Result<int64_t> InsertIncident(const model::Incident& incident) = 0;
  virtual Status UpdateIncident(const model::Incident& incident) = 0;
  // Stores an incident's analysis (Incident::analysis_json) and its updated_at.
  virtual Status SetAnalysis(int64_t incident_id, const std::string& analysis_json,
                             TimeMs updated_at) = 0;
  // An incident's analysis alone, as this transaction sees it (none if never analysed). Unlike
  // Store::GetIncident it does not make the store commit what it has batched.
  virtual Result<std::optional<std::string>> FindAnalysis(int64_t incident_id) = 0;

  // Open (triggered or acknowledged) incidents whose services include `service`.
  virtual Result<std::vector<model::Incident>> FindOpenIncidentsWithService(
      const std::string& service) = 0;

  virtual Result<int64_t> InsertDeploy(const model::Deploy& deploy) = 0;

  virtual Result<int64_t> AppendEvent(const model::Event& event) = 0;
  // Collapses `times` repeats into the newest event of (incident, kind, fingerprint):
  // count += times and last_at = at. Returns false when there is no such event (the caller
  // appends one).
  virtual Result<bool> BumpEvent(int64_t incident_id, model::EventKind kind,
                                 const std::string& fingerprint, TimeMs at, int64_t times) = 0;
  // Counts `times` more occurrences on the newest (incident, kind) event, whatever its
  // fingerprint, if its last_at >= since: count += times, last_at = at. Returns false when
  // there is no such event or the newest one is older (the caller appends one).
  virtual Result<bool> BumpRecentEvent(int64_t incident_id, model::EventKind kind, TimeMs since,
                                       TimeMs at, int64_t times) = 0;

  // Enqueues a job. If a pending job with the same non-empty dedup_key exists, it is kept and
  // its run_at moved to min(existing, job.run_at): pending work coalesces.
  virtual Status EnqueueJob(const model::Job& job) = 0;

  // Makes all changes durable. After a successful Commit the transaction is finished.
  // Any call may fail with StatusCode::kAborted: a concurrent writer on the same database
  // conflicted with this transaction (a deadlock, two nodes opening the same incident); nothing
  // of it was kept and running the whole transaction again may succeed.
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Starts the write transaction (blocks while another one is open in this process).
  virtual Result<std::unique_ptr<StoreTx>> Begin() = 0;

  // Reads (committed data).
  virtual Result<std::optional<model::Incident>> GetIncident(int64_t id) = 0;
  // Newest first (by id).
  virtual Result<std::vector<model::Incident>> ListIncidents(const IncidentQuery& query) = 0;
  // Oldest first, those with id > after_id; at most `limit` alerts (0: all of them). Analysis
  // reads the first alerts of a large incident, not all of its thousands; the API pages.
  virtual Result<std::vector<model::Alert>> ListAlerts(int64_t incident_id, size_t limit,
                                                       int64_t after_id) = 0;
  // Oldest first.
  virtual Result<std::vector<model::Event>> ListEvents(int64_t incident_id) = 0;
  // Incidents with this status (all when nullopt). With `latest` false the count may leave out
  // the writes still in the group-commit batch (up to its interval old) and never forces the
  // batch out: for gauges that anybody may poll.
  virtual Result<int64_t> CountIncidents(std::optional<model::IncidentStatus> status,
                                         bool latest = true) = 0;
  // Whether the database answers a trivial read, without forcing pending writes out: for health
  // checks, which must not defeat group commit.
  virtual Status Ping() = 0;
  virtual Result<int64_t> CountAlerts() = 0;

  // Noise figures and volumes over time for the dashboard.
  virtual Result<NoiseStats> GetStats(const StatsQuery& query) = 0;

  // Deploys, newest (by effective time) first.
  virtual Result<std::vector<model::Deploy>> ListDeploys(const DeployQuery& query) = 0;

  // Small named settings (e.g. the topology set through the API), as text.
  virtual Result<std::optional<std::string>> GetSetting(const std::string& key) = 0;
  virtual Status PutSetting(const std::string& key, const std::string& value) = 0;
  // Removes the setting; whether there was one.
  virtual Result<bool> DeleteSetting(const std::string& key) = 0;
  // Compare-and-set, atomic against every writer of the database (other nodes on PostgreSQL
  // too): sets `key` to `desired` (nullopt: removes it) only if its value is `expected` now
  // (nullopt: absent), and says whether it did. Claims that two nodes must never both take are
  // made with it: the Telegram card's send in progress, the first admin token.
  virtual Result<bool> SwapSetting(const std::string& key,
                                   const std::optional<std::string>& expected,
                                   const std::optional<std::string>& desired) = 0;
  // Settings whose key starts with `prefix`, as (key, value).
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListSettings(
      const std::string& prefix) = 0;

  // Logs: appended in one transaction (ids are set), listed oldest first, pruned by age and
  // then by count (oldest first). With `remember_after` (the lowest cursor of the live log
  // miners), the place, service and time of every pruned line that sorts after it is kept
  // (`log_pruned`), so a miner that had not read it can count it as not mined
  // (CountPrunedBetween); those kept at or before it are forgotten (every miner is past them).
  virtual Status AppendLogs(std::vector<model::LogEntry>& entries) = 0;
  virtual Result<std::vector<model::LogEntry>> ListLogs(const LogQuery& query) = 0;
  virtual Status PruneLogs(TimeMs older_than, int64_t max_rows,
                           const std::optional<LogCursor>& remember_after) = 0;
  // The lines PruneLogs remembered that sort in (after, upto], but for those whose id is in
  // `read` (a reader that got them just before they were pruned), by service and minute.
  virtual Result<std::vector<PrunedLines>> CountPrunedBetween(const LogCursor& after,
                                                              const LogCursor& upto,
                                                              const std::vector<int64_t>& read) = 0;
  // Up to `limit` stored lines after `after`, oldest cursor first, such that no line committed
  // later can sort before the returned cursor: reading on from `next` misses nothing and reads
  // nothing twice, whichever node stored the lines. On PostgreSQL a BIGSERIAL id is taken at
  // INSERT but seen at COMMIT, so ids commit out of order; rows are ordered by their
  // transaction id instead, and only those of transactions older than every log append still
  // running are returned (an append in flight holds back the lines after it until it ends;
  // store/postgres/pg_log_cursor.h).
  virtual Result<LogPage> ReadLogsAfter(const LogCursor& after, int limit) = 0;
  // How many stored lines of `service` (empty: of every service) with ts in [since, until] sort
  // after `after` (committed lines not read yet, including those ReadLogsAfter still holds back).
  virtual Result<int64_t> CountLogsAfter(const LogCursor& after, const std::string& service,
                                         TimeMs since, TimeMs until) = 0;

  // Tokens.
  virtual Result<int64_t> InsertToken(const Token& token) = 0;
  virtual Result<std::optional<Token>> FindTokenByHash(const std::string& hash) = 0;
  virtual Result<std::vector<Token>> ListTokens() = 0;
  // Revokes every token named `name`, with its sessions and sign-in codes. Returns how many
  // tokens there were.
  virtual Result<int64_t> DeleteTokens(const std::string& name) = 0;
  // Records that token `id` was used at `at`.
  virtual Status TouchToken(int64_t id, TimeMs at) = 0;

  // Dashboard sessions and one-time sign-in codes (stored by hash). Inserting either one drops
  // those that expired before its created_at. A lookup does not check expiry: the caller does.
  virtual Status InsertSession(const Session& session) = 0;
  // The session and its token (none when either is gone).
  virtual Result<std::optional<SignedIn>> FindSession(const std::string& id_hash) = 0;
  virtual Status DeleteSession(const std::string& id_hash) = 0;
  virtual Status InsertLoginCode(const std::string& code_hash, int64_t token_id,
                                 TimeMs created_at, TimeMs expires_at) = 0;
  // Takes the code (it works once, whichever process or node asks first) and returns its
  // token when the code existed, had not expired at `now` and its token still exists.
  virtual Result<std::optional<Token>> TakeLoginCode(const std::string& code_hash,
                                                     TimeMs now) = 0;

  // Job queue. Claim takes the oldest due job (run_at <= now) that is not leased, leases it
  // until now + lease_ms and increments attempts. Complete deletes it; Retry releases it to
  // run again at run_at and records the error; unless count_attempt, the claim's increment is
  // undone (a deferral, e.g. for a rate limit, is not a failed attempt).
  virtual Result<std::optional<model::Job>> ClaimJob(TimeMs now, TimeMs lease_ms) = 0;
  virtual Status CompleteJob(int64_t job_id) = 0;
  virtual Status RetryJob(int64_t job_id, TimeMs run_at, const std::string& error,
                          bool count_attempt = true) = 0;
  virtual Result<std::vector<model::Job>> ListJobs() = 0;
  // Jobs due (run_at <= now) that no worker holds: the queue's backlog. What SQLite holds (up to
  // one group-commit interval behind); never forces the batch out, for gauges anybody may poll.
  virtual Result<int64_t> CountDueJobs(TimeMs now) = 0;
};

}  // namespace quell::store
