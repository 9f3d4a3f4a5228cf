#include "common/worker_pool.h"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

namespace quell {

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(std::move(options)) {
  const int threads = options_.threads > 0 ? options_.threads : 1;
  workers_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() { Stop(); }

bool WorkerPool::TryPost(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queued) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::After(std::chrono::milliseconds delay, std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      if (!timer_.joinable()) timer_ = std::thread([this] { TimerLoop(); });
      timers_.emplace(std::chrono::steady_clock::now() + delay, std::move(callback));
      timer_cv_.notify_one();
      return;
    }
  }
  Run(callback);  // stopped: at once
}

void WorkerPool::Stop() {
  std::thread timer;
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    timer = std::move(timer_);
    workers = std::move(workers_);
  }
  cv_.notify_all();
  timer_cv_.notify_all();
  if (timer.joinable()) timer.join();
  for (auto& w : workers)
    if (w.joinable()) w.join();
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(queue_);
  }
  if (!dropped.empty())
    spdlog::info("{}: {} queued task(s) dropped at shutdown", options_.name, dropped.size());
}

size_t WorkerPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void WorkerPool::Run(const std::function<void()>& task) const {
  try {
    task();
  } catch (const std::exception& e) {
    spdlog::error("{}: a task threw: {}", options_.name, e.what());
  } catch (...) {
    spdlog::error("{}: a task threw", options_.name);
  }
}

void WorkerPool::WorkerLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() || (stopping_ && !options_.drain_on_stop)) return;
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Run(task);
    task = nullptr;  // what it holds (a Responder) goes now, not at the next task
    lock.lock();
  }
}

void WorkerPool::TimerLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    if (stopping_) {
      // Everyone waiting on a deadline is answered now.
      auto pending = std::move(timers_);
      timers_.clear();
      lock.unlock();
      for (auto& [when, callback] : pending) Run(callback);
      return;
    }
    if (timers_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    auto first = timers_.begin();
    if (const auto when = first->first; when > std::chrono::steady_clock::now()) {
      timer_cv_.wait_until(lock, when);
      continue;
    }
    std::function<void()> callback = std::move(first->second);
    timers_.erase(first);
    lock.unlock();
    Run(callback);
    callback = nullptr;
    lock.lock();
  }
}

}  // namespace quell
