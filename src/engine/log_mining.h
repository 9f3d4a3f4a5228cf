// LogMining: the logs Quell ingests, stored and mined online per service. Each service has a
// ServiceLogMiner (templates, counts per minute, new/surging flags, samples) whose state is
// saved in the store (settings "logminer:<service>") at shutdown and every few minutes, and
// restored at start. It answers the analyst's evidence questions: templates of some services in
// a window, against a baseline cut, and recent error lines.
//
// Ingest stores the lines (one transaction) and hands them to a mining worker through a bounded
// queue (`queue_lines` lines), so a request never waits for the miner. When the queue is full
// the lines that do not fit are still stored, but not mined: they are counted per service (and
// per minute, so a window can say its templates are incomplete) and reported through
// `on_not_mined`. Stored rows carry template_id 0; ClassifyStored() fills it in when listed.
//
// Threads and locks: any number of request threads call Ingest and the readers; one worker
// thread (Start() .. Shutdown()) mines. Two mutexes, never held together:
//   intake_mu_ owns what the request threads touch: the queue, the not-mined counts and the
//              recent error lines (held only to push, pop or copy, never while mining);
//   miners_mu_ owns the mined state: the miners and the level per template (held by the worker
//              while it mines a chunk of lines, and by readers, LoadState and SaveState).
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
  // Called on the ingesting thread with a service and how many of its lines were not mined.
  std::function<void(const std::string& service, uint64_t lines)> on_not_mined;
};

// The online miner's options: MinerOptions{} (the defaults of `quell logmine`, one source) with
// the clusters capped per service. Nothing else differs from the CLI.
analysis::logmine::ServiceMinerOptions OnlineMinerOptions(size_t max_templates_per_service);

struct LogMiningStats {
  uint64_t mined_lines = 0;
  uint64_t not_mined_lines = 0;  // stored but not mined (queue full or shut down)
  uint64_t queued_lines = 0;     // waiting to be mined (or being mined)
  uint64_t templates = 0;        // known, all services together
};

class LogMining {
 public:
  LogMining(store::Store& store, const Clock& clock, LogMiningOptions options = {});
  // Shutdown().
  ~LogMining();

  // Starts the mining worker (after LoadState). Until then lines wait in the queue.
  void Start();
  // Mines what is queued (on the worker, or on this thread if it never started), then stops
  // the worker. Lines ingested afterwards are stored and counted as not mined. Idempotent.
  void Shutdown();

  // Stores the entries in one transaction (their ids are set), then queues them for mining as
  // far as the queue has room; the rest are counted as not mined. Never waits for the miner.
  // Prunes by retention every so often.
  Status Ingest(std::vector<model::LogEntry> entries);

  // Waits until every queued line is mined, at most `timeout_ms`; false on timeout.
  bool WaitMined(TimeMs timeout_ms);

  // Evidence: templates of `services` with lines in [from, to), "new" = first seen after `cut`.
  std::vector<analysis::LogTemplateEvidence> Templates(const std::vector<std::string>& services,
                                                       TimeMs from, TimeMs cut, TimeMs to);
  // The same, followed by one note (not_mined) per service that had lines in the window stored
  // but not mined: its templates there are incomplete.
  std::vector<analysis::LogTemplateEvidence> TemplatesWithGaps(
      const std::vector<std::string>& services, TimeMs from, TimeMs cut, TimeMs to);
  // Lines of `service` with times in [from, to] that were stored but not mined.
  uint64_t NotMined(const std::string& service, TimeMs from, TimeMs to);
  // Recent error-level lines of `services` in [from, to].
  std::vector<analysis::LogLineEvidence> ErrorLines(const std::vector<std::string>& services,
                                                    TimeMs from, TimeMs to);
  // Sets the template id of listed entries stored without one (by matching, without learning).
  void ClassifyStored(std::vector<model::LogEntry>& entries);

  LogMiningStats Stats();

  // Loads saved miner states; SaveState writes them back.
  Status LoadState();
  Status SaveState();

 private:
  struct NotMinedCounts {
    uint64_t total = 0;
    std::map<TimeMs, uint64_t> minutes;  // minute start -> lines, the last day
  };

  void Run();                                    // the worker
  void Mine(const std::vector<model::LogEntry>& batch);
  analysis::logmine::ServiceLogMiner& MinerFor(const std::string& service);  // miners_mu_ held
  void CountTemplates();                                                       // miners_mu_ held
  void CountNotMined(std::vector<model::LogEntry>::const_iterator begin,
                     std::vector<model::LogEntry>::const_iterator end);  // intake_mu_ held

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

  std::mutex miners_mu_;
  std::map<std::string, analysis::logmine::ServiceLogMiner> miners_;
  std::map<std::pair<std::string, uint64_t>, std::string> levels_;  // most severe level seen

  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> templates_{0};  // of miners_, for Stats() without miners_mu_
  TimeMs last_save_ = 0;  // worker only
  std::thread worker_;  // Start and Shutdown are called by the owner, one at a time
};

}  // namespace quell::engine
