#include "store/sqlite/ticker.h"

#include <chrono>
#include <utility>

namespace quell::store {

Ticker::Ticker(TimeMs interval_ms, std::function<void()> tick)
    : thread_([this, interval_ms, tick = std::move(tick)] { Run(interval_ms, tick); }) {}

Ticker::~Ticker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Ticker::Run(TimeMs interval_ms, const std::function<void()>& tick) {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms), [this] { return stopping_; });
    if (stopping_) return;
    lock.unlock();
    tick();
    lock.lock();
  }
}

}  // namespace quell::store
