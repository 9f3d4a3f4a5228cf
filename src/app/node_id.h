// A node's stable name among the nodes on one PostgreSQL: its log miner saves its unit as
// "logminer-node:<node id>" (engine/miner_snapshot.h), so a node that restarts overwrites its own
// unit instead of leaving one behind. Kept in DATA_DIR/node-id, made at the first start on
// PostgreSQL; while a node runs it holds an advisory lock named after it (NodeIdLockKey), and a
// node that finds it held (a data dir copied to another machine) uses a random name instead.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace quell::app {

// The node id in DATA_DIR/node-id, made (random) when the file is missing. Several processes
// starting on one data dir at once read the same id. A file that does not hold 1 to 64 of
// [A-Za-z0-9._-] (with one trailing newline) is an error naming it.
Result<std::string> ReadOrCreateNodeId(const std::string& data_dir);

// The session-level advisory lock (bigint key space, store/singleton_lease.h) a live node with
// this id holds.
int64_t NodeIdLockKey(const std::string& node_id);

}  // namespace quell::app
