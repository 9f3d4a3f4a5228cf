// ConcurrencyLimit: at most N model calls at once (llm.concurrency), however many analyze jobs
// and API requests want one: a local model server runs one or two generations at a time and
// queues the rest, so waiting here (with a deadline) beats piling requests into its queue.
// Thread-safe. A mutex and a condition variable rather than std::counting_semaphore on purpose:
// libstdc++'s semaphore (GCC 12, Debian 12) can miss a wake-up under contention (GCC bug 98033),
// which here would turn a slot freed in time into a spurious "model busy" at the deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace quell::analysis::llm {

class ConcurrencyLimit {
 public:
  // `slots` >= 1.
  explicit ConcurrencyLimit(int slots) : free_(slots < 1 ? 1 : slots) {}

  // A held slot; released when it goes out of scope. False when none came free in time.
  class Slot {
   public:
    Slot(Slot&& other) noexcept : limit_(other.limit_) { other.limit_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (limit_) limit_->Release();
    }
    explicit operator bool() const { return limit_ != nullptr; }

   private:
    friend class ConcurrencyLimit;
    explicit Slot(ConcurrencyLimit* limit) : limit_(limit) {}
    ConcurrencyLimit* limit_;
  };

  // Waits up to `wait` for a free slot.
  Slot Acquire(std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    if (!freed_.wait_for(lock, wait, [this] { return free_ > 0; })) return Slot(nullptr);
    --free_;
    return Slot(this);
  }

 private:
  void Release() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    freed_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable freed_;
  int free_;
};

}  // namespace quell::analysis::llm
