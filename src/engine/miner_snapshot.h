// MinerSnapshot: what one node's log miner saves as one unit when it mines every stored line
// (LogMiningOptions::from_store): the cursor in the stored lines and the state of every service's
// miner as of that cursor, so a node that loads it reads on from exactly there (no line lost,
// none counted twice). Saved per node as the setting "logminer-node:<node id>"; JSON (Boost.JSON
// stays in the .cc).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace quell::engine {

struct MinerSnapshot {
  store::LogCursor cursor;
  TimeMs saved_at = 0;
  std::map<std::string, std::string> services;  // service -> ServiceLogMiner::SaveState()
};

std::string EncodeMinerSnapshot(const MinerSnapshot& snapshot);
Result<MinerSnapshot> DecodeMinerSnapshot(std::string_view text);

}  // namespace quell::engine
