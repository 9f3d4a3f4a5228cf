// MinerSnapshot: what one node's log miner saves as one unit when it mines every stored line
// (LogMiningOptions::from_store): the cursor in the stored lines and, as of that cursor, the state
// of every service's miner, the most severe level seen per template and the newest error-level
// lines, so a node that loads it reads on from exactly there (no line lost, none counted twice)
// and answers as a node that never stopped would. Saved per node as the setting
// "logminer-node:<node id>"; JSON (Boost.JSON stays in the .cc).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/evidence_pack.h"
#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace quell::engine {

struct MinerSnapshot {
  store::LogCursor cursor;
  TimeMs saved_at = 0;
  std::map<std::string, std::string> services;  // service -> ServiceLogMiner::SaveState()
  // service -> template id -> the most severe level of its lines (live templates only).
  std::map<std::string, std::map<uint64_t, std::string>> levels;
  // service -> its newest error-level lines, oldest first (LogMining bounds them in size).
  std::map<std::string, std::vector<analysis::LogLineEvidence>> error_lines;
  // service -> minute -> lines pruned before this node read them (counted as not mined).
  std::map<std::string, std::map<TimeMs, uint64_t>> not_mined;
};

std::string EncodeMinerSnapshot(const MinerSnapshot& snapshot);
// A unit saved before levels, error lines and not-mined counts were kept (same version) loads
// without them.
Result<MinerSnapshot> DecodeMinerSnapshot(std::string_view text);

}  // namespace quell::engine
