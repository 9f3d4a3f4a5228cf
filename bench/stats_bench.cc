// bench/stats: how long GET /api/v1/stats (what the dashboard polls) takes as alerts pile up.
// Starts a fresh `quell serve`, ingests distinct alerts (batches of 100, a few repeats each) in
// steps up to --alerts, and after each step times the dashboard's query (the last 24 hours by
// hour) and a week by hour: p50 and max of --queries requests on a keep-alive connection. Not a
// test: figures, not assertions.
//
//   build/release/stats_bench [--quell build/release/quell] [--alerts 200000] [--step 50000]
//                             [--queries 15]
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "alert_bodies.h"
#include "load_client.h"
#include "spawn.h"

namespace quell::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Alerts [first, last) in batches of 100 over two connections, each alert sent `sends` times
// (the later ones fold into it as repeats).
bool Ingest(const QuellProcess& q, uint64_t first, uint64_t last, int sends) {
  bool ok = true;
  std::vector<std::thread> threads;
  for (int c = 0; c < 2; ++c) {
    threads.emplace_back([&, c] {
      LoadClient client(q.port);
      for (uint64_t k = first + static_cast<uint64_t>(c) * 100; k < last; k += 200) {
        std::string body = "[";
        for (uint64_t i = k; i < std::min(k + 100, last); ++i) {
          for (int s = 0; s < sends; ++s) {
            if (body.size() > 1) body += ",";
            body += GenericAlertJson(i);
          }
        }
        body += "]";
        if (client.Send(LoadClient::Post("/api/v1/alerts", body, q.auth)) != 202) ok = false;
      }
    });
  }
  for (auto& t : threads) t.join();
  return ok;
}

struct Latency {
  double p50_ms = 0, max_ms = 0;
};

// Times `queries` requests after one untimed request (which commits the group-commit batch).
Latency Time(const QuellProcess& q, const std::string& path, int queries, std::string* body) {
  LoadClient client(q.port);
  const std::string get = LoadClient::Get(path, q.auth);
  if (client.Send(get) != 200) {
    std::fprintf(stderr, "%s failed: %s\n", path.c_str(), client.last_body().c_str());
    std::exit(1);
  }
  std::vector<double> ms;
  for (int i = 0; i < queries; ++i) {
    auto t0 = Clock::now();
    client.Send(get);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  *body = client.last_body();
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

// Seven days ago in RFC 3339 (UTC).
std::string WeekAgo() {
  const std::time_t t = std::time(nullptr) - 7 * 24 * 3600;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace
}  // namespace quell::bench

int main(int argc, char** argv) {
  using namespace quell::bench;
  std::string quell = "build/release/quell";
  uint64_t alerts = 200'000, step = 50'000;
  int queries = 15;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quell" && i + 1 < argc) quell = argv[++i];
    else if (a == "--alerts" && i + 1 < argc) alerts = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--step" && i + 1 < argc) step = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--queries" && i + 1 < argc) queries = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--quell PATH] [--alerts N] [--step N] [--queries N]\n",
                   argv[0]);
      return 2;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  QuellProcess q = StartQuellProcess(quell);
  std::printf("%10s %10s %14s %14s %14s %14s\n", "alerts", "received", "24h p50 ms",
              "24h max ms", "7d p50 ms", "7d max ms");
  for (uint64_t done = 0; done < alerts;) {
    const uint64_t next = std::min(alerts, done + step);
    if (!Ingest(q, done, next, /*sends=*/2)) {
      std::fprintf(stderr, "ingest failed:\n%s\n", ReadFile(q.dir + "/log").c_str());
      return 1;
    }
    done = next;
    std::string body;
    Latency day = Time(q, "/api/v1/stats?bucket=1h", queries, &body);
    const size_t at = body.find("\"alerts_received\":");
    const long received = at == std::string::npos ? -1 : std::atol(body.c_str() + at + 18);
    Latency week = Time(q, "/api/v1/stats?bucket=1h&since=" + WeekAgo(), queries, &body);
    std::printf("%10llu %10ld %14.2f %14.2f %14.2f %14.2f\n",
                static_cast<unsigned long long>(done), received, day.p50_ms, day.max_ms,
                week.p50_ms, week.max_ms);
    std::fflush(stdout);
  }
  ::kill(q.pid, SIGTERM);
  int status;
  ::waitpid(q.pid, &status, 0);
  std::filesystem::remove_all(q.dir);
  return 0;
}
