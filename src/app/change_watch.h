// What this node keeps in memory of the state every node can change through the API, kept
// current on PostgreSQL by store::ChangeWatch: the topology set with PUT /api/v1/topology
// (reloaded when its setting changes) and the silences and maintenance windows (the engine's
// copy, reloaded when one changes); the job runner wakes when any node commits a job due now.
// Everything else a node answers with (incidents, users, schedules, escalation policies and
// routes, settings) is read from the database on each use; tokens and sessions are re-checked
// every half second (http/auth.h).
#pragma once

#include <memory>
#include <string>

#include "store/change_watch.h"

namespace quell::engine {
class Engine;
}  // namespace quell::engine
namespace quell::jobs {
class JobRunner;
}  // namespace quell::jobs
namespace quell::model {
class Topology;
}  // namespace quell::model
namespace quell::store {
class Store;
}  // namespace quell::store

namespace quell::app {

// Watches PostgreSQL `url`. `jobs` may be null (a node without workers). Everything passed must
// outlive the watch.
std::unique_ptr<store::ChangeWatch> WatchChanges(const std::string& url, engine::Engine& engine,
                                                 store::Store& store,
                                                 const model::Topology& configured_topology,
                                                 jobs::JobRunner* jobs);

}  // namespace quell::app
