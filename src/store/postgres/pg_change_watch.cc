// NewPgChangeWatch: LISTEN on a connection held for the watch's life; short waits so that
// destruction never waits long.
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/change_watch.h"
#include "store/postgres/pg_conn.h"

namespace quell::store {
namespace {

constexpr int kWaitMs = 200;         // between checks of `stopping_`
constexpr int kReconnectMs = 1000;  // after a failed connection

class PgChangeWatch final : public ChangeWatch {
 public:
  PgChangeWatch(std::string url, std::vector<std::string> channels, ChangeHandlers handlers)
      : url_(std::move(url)),
        channels_(std::move(channels)),
        handlers_(std::move(handlers)),
        thread_([this] { Run(); }) {}
  ~PgChangeWatch() override {
    stopping_ = true;
    thread_.join();
  }

 private:
  void Run() {
    std::unique_ptr<PgConn> conn;
    std::vector<std::pair<std::string, std::string>> changes;
    while (!stopping_) {
      if (!conn) {
        conn = Listen();
        // Changes may have come meanwhile; a failed read is retried as after a lost connection.
        if (conn && handlers_.on_connected && !handlers_.on_connected()) conn.reset();
        if (!conn) {
          Sleep(kReconnectMs);
          continue;
        }
      }
      auto arrived = conn->AwaitNotifications(kWaitMs);
      if (!arrived) {
        spdlog::warn("change watch: {}; listening again", arrived.error().message());
        conn.reset();
      } else if (!arrived->empty() && handlers_.on_changes) {
        changes.clear();
        for (auto& n : *arrived) changes.emplace_back(std::move(n.channel), std::move(n.payload));
        if (!handlers_.on_changes(changes)) {
          conn.reset();
          Sleep(kReconnectMs);
        }
      }
    }
  }

  std::unique_ptr<PgConn> Listen() {
    auto conn = PgConn::Open(url_);
    if (!conn) return nullptr;  // PostgreSQL away: the poll covers it
    for (const auto& channel : channels_) {
      if (Status listening = (*conn)->Exec("LISTEN " + channel); !listening.ok()) {
        spdlog::warn("change watch: {}", listening.message());
        return nullptr;
      }
    }
    return std::move(*conn);
  }

  void Sleep(int ms) {
    for (int slept = 0; slept < ms && !stopping_; slept += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  const std::string url_;
  const std::vector<std::string> channels_;
  const ChangeHandlers handlers_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // last: starts once the rest is set
};

}  // namespace

std::unique_ptr<ChangeWatch> NewPgChangeWatch(std::string url, std::vector<std::string> channels,
                                              ChangeHandlers handlers) {
  return std::make_unique<PgChangeWatch>(std::move(url), std::move(channels), std::move(handlers));
}

}  // namespace quell::store
