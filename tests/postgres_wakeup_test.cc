// A job committed on one node is run by another, idle node as soon as it is committed: the
// enqueueing node NOTIFYs after its COMMIT and the idle node's job runner LISTENs
// (store/change_watch.h).
// Node A runs no jobs (store.job_workers=0) and takes the alerts; node B runs the notify jobs
// they queue, which POST to a webhook here. The test prints the pickup latency (A's 202 to the
// webhook's arrival; the poll alone would take up to 250 ms) and asserts that B ran every job.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server_process.h"
#include "support/private_postgres.h"

namespace quell::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// Records when each incident's first webhook arrived.
class WebhookSink {
 public:
  WebhookSink() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      boost::system::error_code ec;
      auto body = json::parse(req.body, ec);
      if (!ec && body.is_object()) {
        const int64_t id = body.at("incident").at("id").as_int64();
        std::lock_guard lock(mu_);
        arrived_.try_emplace(id, Clock::now());
        cv_.notify_all();
      }
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~WebhookSink() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::optional<Clock::time_point> WaitFor(int64_t incident, std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, limit, [&] { return arrived_.count(incident) > 0; }))
      return std::nullopt;
    return arrived_.at(incident);
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, Clock::time_point> arrived_;
};

TEST(PostgresWakeup, AJobCommittedOnOneNodeIsRunAtOnceByAnIdleOther) {
  auto database = CreateTestDatabase();
  ASSERT_TRUE(database) << database.error().ToString();
  WebhookSink sink;
  const std::vector<std::string> common{"--db", *database, "--set", "analysis.delay=1h",
                                        "--set", "webhook.url=" + sink.url()};
  std::vector<std::string> takes_alerts = common;
  takes_alerts.insert(takes_alerts.end(), {"--set", "store.job_workers=0"});
  ServerProcess a, b;
  ASSERT_TRUE(a.Start(takes_alerts)) << a.log();
  const std::string token = a.admin_token();
  ASSERT_TRUE(b.Start(common)) << b.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // B's start-up jobs are done

  constexpr int kJobs = 15;
  std::vector<double> latencies_ms;
  for (int i = 0; i < kJobs; ++i) {
    // Spread the sends over B's poll interval (250 ms), as real traffic falls.
    std::this_thread::sleep_for(std::chrono::milliseconds(97 + 31 * i % 250));
    json::object alert{{"service", "svc" + std::to_string(i)},
                       {"environment", "prod"},
                       {"name", "errors"},
                       {"error", "it broke"},
                       {"fingerprint", "fp-wakeup-" + std::to_string(i)}};
    auto posted = a.Post("/api/v1/alerts", json::serialize(alert), token);
    const auto answered = Clock::now();
    ASSERT_EQ(posted.status, 202) << posted.body;
    const int64_t id = json::parse(posted.body).at("incident_id").as_int64();
    auto arrived = sink.WaitFor(id, std::chrono::seconds(10));
    ASSERT_TRUE(arrived) << "B never ran incident " << id << "'s notify job\n" << b.log();
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(*arrived - answered).count());
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("job committed on A -> run on idle B (notify, fan-out, webhook), %d jobs: median "
              "%.1f ms, max %.1f ms (poll interval 250 ms)\n",
              kJobs, latencies_ms[kJobs / 2], latencies_ms.back());
}

}  // namespace
}  // namespace quell::testing
