// A thread that runs a function at a fixed interval until it is destroyed. Internal to the
// SQLite store (the batch's commits, the WAL's checkpoints).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/clock.h"

namespace quell::store {

class Ticker {
 public:
  // Starts the thread: `tick` runs every `interval_ms` (after each wait, never at once).
  Ticker(TimeMs interval_ms, std::function<void()> tick);
  // Stops the thread, after the tick in progress if any.
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  void Run(TimeMs interval_ms, const std::function<void()>& tick);

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace quell::store
