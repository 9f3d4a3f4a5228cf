// LogMining: the logs Quell ingests, stored and mined online per service. Each service has a
// ServiceLogMiner (templates, counts per minute, new/surging flags, samples) whose state is
// saved in the store (settings "logminer:<service>") at shutdown and every few minutes, and
// restored at start. It answers the analyst's evidence questions: templates of some services in
// a window, against a baseline cut, and recent error lines. Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>
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
};

class LogMining {
 public:
  LogMining(store::Store& store, const Clock& clock, LogMiningOptions options = {});

  // Mines the entries (setting their template ids) and stores them in one transaction.
  // Prunes by retention every so often.
  Status Ingest(std::vector<model::LogEntry>& entries);

  // Evidence: templates of `services` with lines in [from, to), "new" = first seen after `cut`.
  std::vector<analysis::LogTemplateEvidence> Templates(const std::vector<std::string>& services,
                                                       TimeMs from, TimeMs cut, TimeMs to);
  // Recent error-level lines of `services` in [from, to].
  std::vector<analysis::LogLineEvidence> ErrorLines(const std::vector<std::string>& services,
                                                    TimeMs from, TimeMs to);

  // Loads saved miner states; SaveState writes them back.
  Status LoadState();
  Status SaveState();

 private:
  analysis::logmine::ServiceLogMiner& MinerFor(const std::string& service);

  store::Store& store_;
  const Clock& clock_;
  const LogMiningOptions options_;
  std::mutex mu_;
  std::map<std::string, analysis::logmine::ServiceLogMiner> miners_;
  std::map<std::pair<std::string, uint64_t>, std::string> levels_;  // most severe level seen
  std::map<std::string, std::vector<analysis::LogLineEvidence>> error_lines_;
  uint64_t batches_ = 0;
  TimeMs last_save_ = 0;
};

// "ERROR" > "WARN" > "INFO" > "DEBUG"; unknown levels rank lowest.
int LogLevelRank(const std::string& level);

}  // namespace quell::engine
