// WorkerPool: a few threads that run posted tasks, for work that must not run on an HTTP I/O
// thread (a model call, an answer to Telegram). The queue is bounded: TryPost refuses when it
// is full, so the caller can answer 503 at once instead of piling up work. With one thread the
// tasks run in the order they were posted.
//
// After(delay, callback) runs a short callback at a deadline on the pool's timer thread
// (started on first use), e.g. to answer a request whose task has not finished in time; it
// never waits behind the pool's tasks.
//
// Thread-safe. A task that throws is logged and forgotten.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace quell {

struct WorkerPoolOptions {
  std::string name = "workers";  // in log lines
  int threads = 1;
  size_t max_queued = 64;  // tasks waiting for a thread (running ones not counted)
  // Stop runs the tasks still queued (true) or drops them unrun (false).
  bool drain_on_stop = true;
};

class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options);
  ~WorkerPool();  // Stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and `task` is dropped unrun) when the queue is full or the pool stopped.
  bool TryPost(std::function<void()> task);
  // Runs `callback` once `delay` has passed (or at once on Stop). Keep it short.
  void After(std::chrono::milliseconds delay, std::function<void()> callback);
  // Stops taking tasks; runs the pending timer callbacks at once, then the queued tasks (or drops
  // them, see drain_on_stop), and joins the threads once the running tasks are done. Idempotent.
  void Stop();

  size_t queued() const;

 private:
  void WorkerLoop();
  void TimerLoop();
  void Run(const std::function<void()>& task) const;

  const WorkerPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;        // workers: a task or Stop
  std::condition_variable timer_cv_;  // timer thread: an earlier deadline or Stop
  std::deque<std::function<void()>> queue_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> timers_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::thread timer_;
};

}  // namespace quell
