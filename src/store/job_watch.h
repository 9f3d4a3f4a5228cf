// JobWatch: wakes this node's job runner as soon as any node commits a new job, instead of at
// its next poll. On PostgreSQL a transaction that enqueues a job also NOTIFYs kPgJobsChannel
// (delivered at COMMIT, dropped with a rollback), and the watch LISTENs on a connection of its
// own, reconnecting by itself. The runner's poll stays the fallback: a notification sent while
// the watch was reconnecting is lost (the watch wakes the runner once when it is back). SQLite
// has one node and needs none.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace quell::store {

inline constexpr const char* kPgJobsChannel = "quell_jobs";

class JobWatch {
 public:
  virtual ~JobWatch() = default;  // stops watching (joins its thread)
};

// Watches PostgreSQL `url` on a thread of its own, calling `on_job` (from that thread) for each
// batch of notifications and once after each (re)connection.
std::unique_ptr<JobWatch> NewPgJobWatch(std::string url, std::function<void()> on_job);

}  // namespace quell::store
