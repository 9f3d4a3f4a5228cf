// SingletonLease: which node runs a singleton (the Telegram poller: Telegram allows one
// getUpdates long poll per bot, and two pollers would act twice on one button press). With
// SQLite there is one node, always the holder (AlwaysHeld). On PostgreSQL the holder is the node
// whose dedicated connection holds a session-level advisory lock (NewPgSingletonLease): a node
// that dies loses its connection and with it the lock, and the next node to ask takes it.
// Not thread-safe: one thread asks (the singleton's own).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace quell::store {

class SingletonLease {
 public:
  virtual ~SingletonLease() = default;
  // Whether this node holds the lease now: takes it when it is free, and checks that a lease
  // already held is still held (its connection alive). Never blocks longer than a round trip
  // to the database (or a connection attempt). Call it before each piece of singleton work and
  // about once a second while it answers false.
  virtual bool Held() = 0;
};

// For one node (SQLite): always held.
std::unique_ptr<SingletonLease> AlwaysHeld();

// The advisory lock keys of Quell's singletons (session-level, bigint key space).
inline constexpr int64_t kTelegramPollerLock = 7420190002;

// A lease on PostgreSQL `url`'s advisory lock `key`, on a connection of its own opened on first
// use (and again after it is lost). Destroying it releases the lock.
std::unique_ptr<SingletonLease> NewPgSingletonLease(std::string url, int64_t key);

}  // namespace quell::store
