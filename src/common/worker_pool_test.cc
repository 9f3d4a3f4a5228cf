#include "common/worker_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace quell {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPool, RunsTasksInOrderOnOneThreadAndRefusesWhenFull) {
  WorkerPool pool({"test", 1, 2, true});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  std::vector<int> order;
  ASSERT_TRUE(pool.TryPost([&] {
    started.set_value();
    gate.wait();
    order.push_back(0);
  }));
  started.get_future().wait();  // the first task holds the only thread
  EXPECT_TRUE(pool.TryPost([&] { order.push_back(1); }));
  EXPECT_TRUE(pool.TryPost([&] { order.push_back(2); }));
  EXPECT_FALSE(pool.TryPost([&] { order.push_back(3); })) << "two queued is the bound";
  EXPECT_EQ(pool.queued(), 2u);
  release.set_value();
  pool.Stop();  // drains
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(pool.TryPost([] {})) << "stopped";
}

TEST(WorkerPool, ATaskThatThrowsDoesNotStopThePool) {
  WorkerPool pool({"test", 1, 8, true});
  std::promise<int> done;
  ASSERT_TRUE(pool.TryPost([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TryPost([&] { done.set_value(7); }));
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get(), 7);
}

TEST(WorkerPool, TimersFireAtTheirDeadlineWhileEveryThreadIsBusy) {
  WorkerPool pool({"test", 1, 8, false});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  ASSERT_TRUE(pool.TryPost([gate] { gate.wait(); }));
  std::promise<void> fired;
  const auto start = std::chrono::steady_clock::now();
  pool.After(50ms, [&] { fired.set_value(); });
  auto f = fired.get_future();
  EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  release.set_value();
}

TEST(WorkerPool, StopFiresPendingTimersAndDropsQueuedTasksWhenAsked) {
  WorkerPool pool({"test", 1, 8, /*drain_on_stop=*/false});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.TryPost([&, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  std::atomic<bool> ran{false}, fired{false};
  ASSERT_TRUE(pool.TryPost([&] { ran = true; }));
  pool.After(1h, [&] { fired = true; });
  std::thread stopper([&] { pool.Stop(); });
  // The timer is answered at Stop, before the running task ends.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!fired && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(fired);
  release.set_value();
  stopper.join();
  EXPECT_FALSE(ran) << "queued, not drained";
  std::atomic<bool> late{false};
  pool.After(1h, [&] { late = true; });
  EXPECT_TRUE(late) << "after Stop, at once";
}

}  // namespace
}  // namespace quell
