// PgAnnouncer: sends `NOTIFY channel` for a committed transaction, outside it and coalesced.
//
// A transaction that NOTIFYs takes a database-wide lock for the notification queue at COMMIT,
// held until its commit is done, so every enqueueing commit of every node waited for the one
// before it (single-alert ingest on two nodes was measured 20-25% slower with it). Instead the
// commit rings this announcer, whose thread sends the NOTIFY on a connection of its own
// (synchronous_commit off: nothing it commits needs to outlive a crash, so it does not wait for
// a WAL flush; a notification lost anyhow costs the listeners a poll interval): the
// writers never wait for the lock, and rings that come while a NOTIFY is on its way are
// answered by the next one. Listeners learn of the commit one round trip later. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace quell::store {

class PgConn;

class PgAnnouncer {
 public:
  PgAnnouncer(std::string url, std::string channel);
  ~PgAnnouncer();  // sends what was rung, then stops
  PgAnnouncer(const PgAnnouncer&) = delete;
  PgAnnouncer& operator=(const PgAnnouncer&) = delete;

  // Asks for one NOTIFY after now. Never waits for PostgreSQL.
  void Ring();
  // NOTIFYs sent so far (for tests).
  uint64_t sent() const;

 private:
  void Run();
  // Opens the connection (none when PostgreSQL cannot be reached).
  void Connect(std::unique_ptr<PgConn>& conn);
  // One NOTIFY, connecting first if needed. A failure drops the connection (the next ring
  // reconnects) and this notification: the listeners' poll covers it.
  void Send(std::unique_ptr<PgConn>& conn);

  const std::string url_;
  const std::string sql_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool rung_ = false;
  bool stopping_ = false;
  uint64_t sent_ = 0;
  std::thread thread_;  // last: starts once the rest is set
};

}  // namespace quell::store
