// ChangeWatch: tells this node what other nodes (and itself) committed, as it is committed, so
// that it need not wait for a poll or a restart. On PostgreSQL:
//   - kPgJobsChannel: a job became due (PgStore announces each commit that enqueued one due
//     now, coalesced; store/README.md, "Wake-ups"): the job runner wakes.
//   - kPgSettingsChannel: a setting changed; the payload is its key. PgStore's PutSetting,
//     DeleteSetting and SwapSetting NOTIFY in the statement that writes, so a committed change
//     is always announced. A node drops what it keeps of that setting (the topology, the
//     silences) and reads it again.
// The watch LISTENs on a connection of its own and reconnects by itself. Notifications sent
// while it was not listening are lost: `on_connected` runs after each (re)connection, and the
// node reads again everything it keeps then. SQLite has one node and needs none.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace quell::store {

inline constexpr const char* kPgJobsChannel = "quell_jobs";
inline constexpr const char* kPgSettingsChannel = "quell_settings";

class ChangeWatch {
 public:
  virtual ~ChangeWatch() = default;  // stops watching (joins its thread)
};

// Each returns false when the node could not read again what it keeps (the database answered
// with an error): the watch then listens again after a second and calls `on_connected`, as after
// a lost connection, so a failed read is retried rather than kept until the next change.
struct ChangeHandlers {
  // The notifications that arrived together, in commit order (channel, payload).
  std::function<bool(const std::vector<std::pair<std::string, std::string>>&)> on_changes;
  // After each (re)connection: what was sent meanwhile is lost.
  std::function<bool()> on_connected;
};

// LISTENs on `channels` of PostgreSQL `url` on a thread of its own, calling the handlers from
// that thread.
std::unique_ptr<ChangeWatch> NewPgChangeWatch(std::string url, std::vector<std::string> channels,
                                              ChangeHandlers handlers);

}  // namespace quell::store
