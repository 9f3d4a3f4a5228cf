// RetryOnConflict: runs a write transaction again when the store says a concurrent writer
// conflicted with it (StatusCode::kAborted: another node on the same PostgreSQL deadlocked
// with it or opened the same incident first; SQLite, one writer, never says so). Nothing of an
// aborted transaction was kept, so running it again is safe, and the next attempt sees what
// the other writer committed. Used by every Engine path that writes; callers only see a
// conflict that outlasts kMaxConflictAttempts. Internal to the engine.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "common/status.h"

namespace quell::engine {

inline constexpr int kMaxConflictAttempts = 8;

inline bool IsConflict(const Status& status) { return status.code() == StatusCode::kAborted; }
template <typename T>
bool IsConflict(const Result<T>& result) {
  return !result && IsConflict(result.error());
}

// Calls `attempt` (which begins, fills and commits one transaction, returning Status or
// Result<T>) until it does not fail with a conflict, at most kMaxConflictAttempts times. Waits
// a random 1..2^n ms between attempts (at most 64) so that two nodes do not collide again.
template <typename Attempt>
auto RetryOnConflict(Attempt&& attempt) -> decltype(attempt()) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  for (int n = 1;; ++n) {
    auto outcome = attempt();
    if (!IsConflict(outcome) || n == kMaxConflictAttempts) return outcome;
    const int cap = 1 << std::min(n, 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % cap));
  }
}

}  // namespace quell::engine
