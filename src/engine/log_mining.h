// LogMining: the logs Quell ingests, stored and mined online per service. Each service has a
// ServiceLogMiner (templates, counts per minute, new/surging flags, samples). It answers the
// analyst's evidence questions: templates of some services in a window, against a baseline cut,
// and recent error lines.
//
// Where the lines to mine come from (LogMiningOptions::from_store):
// - The ingest queue (SQLite, one node). Ingest stores the lines (one transaction) and hands them
//   to the mining worker through a bounded queue (`queue_lines` lines), so a request never waits
//   for the miner. When the queue is full the lines that do not fit are still stored, but not
//   mined: they are counted per service (and per minute, so a window can say its templates are
//   incomplete) and reported through `on_not_mined`. The state is saved per service (settings
//   "logminer:<service>") at shutdown and every few minutes, and restored at start.
// - The store (PostgreSQL, any number of nodes behind a load balancer). Ingest only stores; the
//   worker reads every stored line after its cursor (Store::ReadLogsAfter: in commit order,
//   whichever node stored it, its own lines too) and mines it, so every node's miner sees all
//   the lines. Readers first catch up (at most `catch_up_ms`, waiting for lines held back behind
//   a transaction still running), so a line stored on any node before the request is in the
//   answer. The cursor, the miners, the level per template and the newest error lines are saved
//   together as one unit per node (MinerSnapshot, setting "logminer-node:<node id>"); a node
//   starting loads the saved unit furthest on, whichever node saved it, and reads on from its
//   cursor: nothing lost or counted twice across restarts, and its analyses are those of a node
//   that never stopped. A node behind reads on; "not mined" is what is stored after the cursor
//   (CountLogsAfter) and what was pruned (retention, max_rows) before the node read it: every
//   prune remembers the lines it removes after the lowest cursor of the live nodes (each saves
//   its cursor as "logminer-cursor:<node id>" with its unit, and at start), and a node reading
//   on past them counts them per service and minute (Store::CountPrunedBetween), in its unit too.
// Stored rows carry template_id 0; ClassifyStored() fills it in when listed. Template ids are
// each node's own (every node numbers the templates it learns).
//
// Threads and locks: any number of request threads call Ingest and the readers; one worker
// thread (Start() .. Shutdown()) mines. Three mutexes, taken only in this order:
//   tail_mu_   (store mode) one reader of the store at a time: the worker or a catching-up reader;
//   miners_mu_ owns the mined state: the miners, the level per template and the cursor (held by
//              the worker while it mines a chunk of lines, and by readers, LoadState and
//              SaveState);
//   intake_mu_ owns what the request threads touch: the queue, the not-mined counts and the
//              recent error lines (held only to push, pop or copy, never while mining; never
//              while miners_mu_ is held).
// Start and Shutdown are called by the owner (the App), not concurrently with each other.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "analysis/evidence_pack.h"
#include "analysis/logmine/service_log_miner.h"
#include "common/clock.h"
#include "common/status.h"
#include "model/log_entry.h"
#include "store/store.h"

namespace quell::engine {

struct LogMiningOptions {
  TimeMs retention_ms = 7 * 24 * kHourMs;
  int64_t max_rows = 2'000'000;
  size_t max_templates_per_service = 5000;
  size_t error_lines_per_service = 200;
  // Lines waiting to be mined (config logs.mining_queue). Lines beyond it are stored and
  // counted as not mined; 0 mines nothing.
  size_t queue_lines = 100'000;
  // Called with a service and how many of its lines were not mined: on the ingesting thread
  // (queue mode), on the thread that reads on past lines pruned before it read them (store mode).
  std::function<void(const std::string& service, uint64_t lines)> on_not_mined;
  // Mine every line the store holds, read on from a cursor, instead of the lines this process
  // ingests through the queue (set on PostgreSQL: several nodes). See the header comment.
  bool from_store = false;
  // Store mode: how often the idle worker looks for lines stored by other nodes, and how long a
  // reader (templates, evidence) may spend catching up before it answers.
  TimeMs poll_ms = 250;
  TimeMs catch_up_ms = 2000;
  // Store mode: this node's name for its saved unit, stable across its restarts (app/node_id.h;
  // empty: a random one per start), and whether no other live node uses it, asked at LoadState
  // and before each save (false: this node takes a random name from then on and says so).
  std::string node_id;
  std::function<bool()> node_id_held;
};

// The online miner's options: MinerOptions{} (the defaults of `quell logmine`, one source) with
// the clusters capped per service. Nothing else differs from the CLI.
analysis::logmine::ServiceMinerOptions OnlineMinerOptions(size_t max_templates_per_service);

struct LogMiningStats {
  uint64_t mined_lines = 0;
  uint64_t not_mined_lines = 0;  // stored but not mined (queue full or shut down; queue mode)
  uint64_t queued_lines = 0;     // waiting to be mined (or being mined; queue mode: Backlog())
  uint64_t templates = 0;        // known, all services together
};

class LogMining {
 public:
  LogMining(store::Store& store, const Clock& clock, LogMiningOptions options = {});
  // Shutdown().
  ~LogMining();

  // Starts the mining worker (after LoadState). Until then lines wait in the queue (or store).
  void Start();
  // Mines what is queued (on the worker, or on this thread if it never started), then stops
  // the worker. Lines ingested afterwards are stored and counted as not mined. Idempotent.
  // Store mode: stops the worker; what it has not read stays in the store for the next start.
  void Shutdown();

  // Stores the entries in one transaction (their ids are set), then queues them for mining as
  // far as the queue has room; the rest are counted as not mined. Never waits for the miner.
  // Store mode: stores them and wakes the worker. Prunes by retention every so often
  // (a failed prune is logged: the lines are stored, so Ingest still succeeds).
  Status Ingest(std::vector<model::LogEntry> entries);

  // Waits until every queued line is mined (store mode: every line the store lets this node
  // read), at most `timeout_ms`; false on timeout.
  bool WaitMined(TimeMs timeout_ms);

  // Evidence: templates of `services` with lines in [from, to), "new" = first seen after `cut`.
  std::vector<analysis::LogTemplateEvidence> Templates(const std::vector<std::string>& services,
                                                       TimeMs from, TimeMs cut, TimeMs to);
  // The same, followed by one note (not_mined) per service that had lines in the window stored
  // but not mined: its templates there are incomplete.
  std::vector<analysis::LogTemplateEvidence> TemplatesWithGaps(
      const std::vector<std::string>& services, TimeMs from, TimeMs cut, TimeMs to);
  // Lines of `service` with times in [from, to] that were stored but not mined (store mode: not
  // yet).
  uint64_t NotMined(const std::string& service, TimeMs from, TimeMs to);
  // Recent error-level lines of `services` in [from, to].
  std::vector<analysis::LogLineEvidence> ErrorLines(const std::vector<std::string>& services,
                                                    TimeMs from, TimeMs to);
  // Sets the template id of listed entries stored without one (by matching, without learning).
  void ClassifyStored(std::vector<model::LogEntry>& entries);

  LogMiningStats Stats();
  // Lines waiting to be mined: queue mode, those queued (Stats().queued_lines); store mode, the
  // lines stored after the cursor, whichever node stored them (one count in the store; 0 when it
  // fails, with a warning).
  uint64_t Backlog();

  // Loads saved miner states; SaveState writes them back. Store mode: LoadState takes the
  // saved unit furthest on and removes units left over an hour ago by other nodes.
  Status LoadState();
  Status SaveState();

  // Store mode: this node's name in its saved unit (LogMiningOptions::node_id, or random).
  // Changes only in LoadState and SaveState.
  const std::string& node_id() const { return node_id_; }

 private:
  struct NotMinedCounts {
    uint64_t total = 0;
    std::map<TimeMs, uint64_t> minutes;  // minute start -> lines, the last day
  };

  void Run();                                    // the worker, queue mode
  void RunFromStore();                           // the worker, store mode (log_mining_store.cc)
  void Mine(const std::vector<model::LogEntry>& batch);
  // Mines [begin, end) into the miners and their levels; miners_mu_ held.
  void MineLines(std::vector<model::LogEntry>::const_iterator begin,
                 std::vector<model::LogEntry>::const_iterator end);
  // Keeps the error-level lines among `entries`; intake_mu_ held.
  void KeepErrorLines(const std::vector<model::LogEntry>& entries);
  // Saves the state when the last save is over 5 minutes old (the worker).
  void SaveNowAndThen();
  // Store mode: reads and mines what the store holds after the cursor, for at most `budget_ms`.
  // True when it got to the end of the stored lines. With `wait_held_back`, lines committed but
  // held back behind an older transaction still running (store.h, ReadLogsAfter) are waited
  // for within the budget (a reader: lines stored before its request are in its answer);
  // without, the end of what the store lets it read now is the end.
  Result<bool> CatchUp(TimeMs budget_ms, bool wait_held_back);
  // Store mode: CatchUp before a reader answers (a failure is logged; the reader answers from
  // what is mined).
  void CatchUpForReader();
  // Store mode: the lines of `service` ("" every service) with times in [from, to] stored after
  // the cursor (0 when the count fails, with a warning).
  uint64_t CountBehind(const std::string& service, TimeMs from, TimeMs to);
  // Store mode: logs a failed CatchUp (worker or reader), at most once a minute.
  void WarnCatchUpFailed(const Status& error);
  // Restores one service's miner from its saved state, unless it is unusable; miners_mu_ held.
  void RestoreMiner(const std::string& service, std::string_view state);
  // Store mode: takes a random node id when options_.node_id_held says another live node uses
  // this one (LoadState, SaveState).
  void CheckNodeId();
  Status LoadSnapshot();  // store mode: LoadState
  Status SaveSnapshot();  // store mode: SaveState
  analysis::logmine::ServiceLogMiner& MinerFor(const std::string& service);  // miners_mu_ held
  void CountTemplates();                                                       // miners_mu_ held
  void CountNotMined(std::vector<model::LogEntry>::const_iterator begin,
                     std::vector<model::LogEntry>::const_iterator end);  // intake_mu_ held
  void CountNotMined(const std::string& service, TimeMs minute, uint64_t lines);  // intake_mu_
  // Lines of `service` in [from, to] counted as not mined (queue full; store mode: pruned before
  // they were read).
  uint64_t Counted(const std::string& service, TimeMs from, TimeMs to);
  // PruneLogs by retention and count; store mode: remembering the lines a live node has not read
  // (after PruneFloor).
  Status Prune();
  // Store mode: the lowest cursor of the live nodes (their settings "logminer-cursor:<node id>",
  // saved with their units, and this node's own).
  Result<store::LogCursor> PruneFloor();
  // Store mode: saves this node's cursor for the others' PruneFloor.
  Status PublishCursor(const store::LogCursor& cursor, TimeMs now);

  store::Store& store_;
  const Clock& clock_;
  const LogMiningOptions options_;

  std::mutex intake_mu_;
  std::condition_variable queue_cv_;  // a batch was queued, or stopping
  std::condition_variable idle_cv_;   // a batch was mined
  std::deque<std::vector<model::LogEntry>> queue_;
  size_t queued_lines_ = 0;  // in queue_ plus the batch being mined
  bool stopping_ = false;
  uint64_t mined_lines_ = 0;
  uint64_t not_mined_lines_ = 0;
  std::map<std::string, NotMinedCounts> not_mined_;
  TimeMs last_not_mined_warning_ = std::numeric_limits<TimeMs>::min() / 2;  // at most one a minute
  std::map<std::string, std::vector<analysis::LogLineEvidence>> error_lines_;

  std::mutex tail_mu_;
  bool wake_ = false;  // store mode: lines were stored (intake_mu_)
  TimeMs last_catch_up_warning_ = std::numeric_limits<TimeMs>::min() / 2;  // tail_mu_

  std::mutex miners_mu_;
  std::map<std::string, analysis::logmine::ServiceLogMiner> miners_;
  std::map<std::pair<std::string, uint64_t>, std::string> levels_;  // most severe level seen
  store::LogCursor cursor_;  // store mode: what the miners hold; changed under tail_mu_ too
  std::string node_id_;
  bool node_id_settled_;  // never checked again: random, or nothing to check it with

  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> templates_{0};  // of miners_, for Stats() without miners_mu_
  TimeMs last_save_ = 0;  // worker only
  std::thread worker_;  // Start and Shutdown are called by the owner, one at a time
};

}  // namespace quell::engine
