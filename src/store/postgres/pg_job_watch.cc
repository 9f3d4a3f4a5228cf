// NewPgJobWatch: LISTEN on a connection held for the watch's life; short waits so that
// destruction never waits long.
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/job_watch.h"
#include "store/postgres/pg_conn.h"

namespace quell::store {
namespace {

constexpr int kWaitMs = 200;         // between checks of `stopping_`
constexpr int kReconnectMs = 1000;  // after a failed connection

class PgJobWatch final : public JobWatch {
 public:
  PgJobWatch(std::string url, std::function<void()> on_job)
      : url_(std::move(url)), on_job_(std::move(on_job)), thread_([this] { Run(); }) {}
  ~PgJobWatch() override {
    stopping_ = true;
    thread_.join();
  }

 private:
  void Run() {
    std::unique_ptr<PgConn> conn;
    while (!stopping_) {
      if (!conn) {
        conn = Listen();
        if (!conn) {
          Sleep(kReconnectMs);
          continue;
        }
        on_job_();  // jobs may have come while nobody listened
      }
      auto woken = conn->AwaitNotification(kWaitMs);
      if (!woken) {
        spdlog::warn("job watch: {}; listening again", woken.error().message());
        conn.reset();
      } else if (*woken) {
        on_job_();
      }
    }
  }

  std::unique_ptr<PgConn> Listen() {
    auto conn = PgConn::Open(url_);
    if (!conn) return nullptr;  // PostgreSQL away: the poll covers it
    if (Status listening = (*conn)->Exec(std::string("LISTEN ") + kPgJobsChannel);
        !listening.ok()) {
      spdlog::warn("job watch: {}", listening.message());
      return nullptr;
    }
    return std::move(*conn);
  }

  void Sleep(int ms) {
    for (int slept = 0; slept < ms && !stopping_; slept += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  const std::string url_;
  const std::function<void()> on_job_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // last: starts once the rest is set
};

}  // namespace

std::unique_ptr<JobWatch> NewPgJobWatch(std::string url, std::function<void()> on_job) {
  return std::make_unique<PgJobWatch>(std::move(url), std::move(on_job));
}

}  // namespace quell::store
