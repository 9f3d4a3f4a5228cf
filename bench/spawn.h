// Starting the servers the benchmarks drive: waiting until one answers, and `quell serve` on a
// fresh data dir with its admin token; reading a metric from its /metrics text. Ports and child
// processes come from the tests' support library (tests/support/process.h), which the
// benchmarks that include this link.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "load_client.h"
#include "support/process.h"

namespace quell::bench {

using testing::FreeLoopbackPort;
using testing::SpawnProcess;

inline bool WaitReady(uint16_t port, const std::string& path) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    LoadClient c(port);
    if (c.Send(LoadClient::Get(path)) == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct QuellProcess {
  pid_t pid = -1;
  uint16_t port = 0;
  std::string dir;   // holds data/ and the log
  std::string auth;  // "Authorization: Bearer <admin token>"
};

// `quell serve` (defaults, log level warn) on a fresh data dir under /tmp, on SQLite there or on
// the PostgreSQL database `db_url`; exits the benchmark with the server's log if it does not
// answer. `auth` is empty when the database held tokens already (a second node on it).
inline QuellProcess StartQuellProcess(const std::string& binary, const std::string& db_url = "") {
  QuellProcess q;
  char tmpl[] = "/tmp/quell_bench_XXXXXX";
  q.dir = ::mkdtemp(tmpl);
  q.port = FreeLoopbackPort();
  std::vector<std::string> args = {
      binary,       "serve",         "--listen", "127.0.0.1:" + std::to_string(q.port),
      "--data-dir", q.dir + "/data", "--set",    "log.level=warn"};
  if (!db_url.empty()) args.insert(args.end(), {"--db", db_url});
  q.pid = SpawnProcess(args, q.dir + "/log");
  if (!WaitReady(q.port, "/healthz")) {
    std::fprintf(stderr, "quell did not start:\n%s\n", ReadFile(q.dir + "/log").c_str());
    std::exit(1);
  }
  std::string token = ReadFile(q.dir + "/data/admin.token");
  token.erase(token.find_last_not_of("\n") + 1);
  if (!token.empty()) q.auth = "Authorization: Bearer " + token;
  return q;
}

// The sum of a metric's samples (all label sets) in a Prometheus text body; -1 when absent.
inline double MetricSum(const std::string& body, const std::string& name) {
  double sum = -1;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, name.size(), name) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != ' ' && next != '{') continue;
    sum = std::max(sum, 0.0) + std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
  }
  return sum;
}

}  // namespace quell::bench
