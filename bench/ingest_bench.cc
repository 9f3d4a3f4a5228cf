// bench/ingest: drives `quell serve` and Debian's Prometheus Alertmanager with the same load over
// keep-alive loopback connections and prints alerts/s, p50/p99 latency, peak RSS and the ratio
// Quell/Alertmanager. Not a test: figures, not assertions.
//
//   build/release/ingest_bench [--quell build/release/quell] [--seconds 5] [--no-alertmanager]
//                              [--postgres]
//
// Every scenario runs on a freshly started server with an empty data dir. Quell runs with its
// defaults (durability on: every 202 is durable in the redo log first; SQLite commits the batch
// within 500 ms, see docs/operations.md, Durability). With --postgres the run starts one private
// PostgreSQL server (the tests' PrivatePostgres: fsync and synchronous_commit off) and adds, for
// some scenarios, rows with one and two Quell nodes on a fresh database of it; after the
// scenarios sending the same alerts more than once it reads the incidents back and says whether
// a group got two incidents or an alert lost counts.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "alert_bodies.h"
#include "api_pages.h"
#include "load_client.h"
#include "spawn.h"
#include "support/private_postgres.h"

namespace quell::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Node {
  pid_t pid = -1;
  uint16_t port = 0;
  std::string dir;
};

struct Target {
  std::string name;
  std::vector<Node> nodes;  // connection c sends to nodes[c % nodes.size()]
  pid_t database_pid = -1;  // PostgreSQL's postmaster: its and its backends' CPU count too
  std::string auth;  // header line
  std::string path;
  bool quell_body = false;  // sent Quell's generic format (else Alertmanager's API v2)
  bool quell = false;       // Quell's API can read the stored state back
};

long PeakRssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

// Fields of /proc/PID/stat after the command: [0] is field 3 (state).
std::vector<std::string> StatFields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream in_fields(text.substr(close + 2));
  for (std::string f; in_fields >> f;) fields.push_back(f);
  return fields;
}

// CPU time of the process and its live children (nginx answers in worker processes).
double CpuSeconds(pid_t pid) {
  auto cpu = [](const std::vector<std::string>& f) {  // utime + stime
    return f.size() > 12 ? std::atol(f[11].c_str()) + std::atol(f[12].c_str()) : 0L;
  };
  long ticks = cpu(StatFields(pid));
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto f = StatFields(std::atoi(name.c_str()));
    if (f.size() > 1 && std::atoi(f[1].c_str()) == pid) ticks += cpu(f);
  }
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Server CPU seconds: every node (with its children) and the database server.
double CpuSeconds(const Target& t) {
  double cpu = t.database_pid > 0 ? CpuSeconds(t.database_pid) : 0;
  for (const auto& n : t.nodes) cpu += CpuSeconds(n.pid);
  return cpu;
}

// `nodes` Quell servers on SQLite (db_url empty: one) or on one PostgreSQL database.
Target StartQuell(const std::string& binary, const std::string& name,
                  const std::string& db_url = "", int nodes = 1) {
  Target t;
  t.name = name;
  for (int i = 0; i < nodes; ++i) {
    QuellProcess q = StartQuellProcess(binary, db_url);
    t.nodes.push_back({q.pid, q.port, q.dir});
    if (i == 0) t.auth = q.auth;  // later nodes find the first's token in the database
  }
  t.path = "/api/v1/alerts";
  t.quell_body = true;
  t.quell = true;
  return t;
}

// Quell nodes on a fresh database of `postgres`; exits the benchmark when it cannot create one.
Target StartQuellOnPostgres(const std::string& binary, const testing::PrivatePostgres& postgres,
                            int nodes) {
  auto url = postgres.CreateDatabase();
  if (!url) {
    std::fprintf(stderr, "postgres: %s\n", url.error().ToString().c_str());
    std::exit(1);
  }
  Target t = StartQuell(binary, "postgres x" + std::to_string(nodes), *url, nodes);
  t.database_pid = postgres.pid();
  return t;
}

Target StartAlertmanager() {
  Target t;
  t.name = "alertmanager";
  char tmpl[] = "/tmp/am_bench_XXXXXX";
  Node n;
  n.dir = ::mkdtemp(tmpl);
  std::ofstream(n.dir + "/am.yml")
      << "route:\n  receiver: 'null'\n  group_by: [alertname, service]\n"
         "  group_wait: 30s\nreceivers:\n  - name: 'null'\n";
  n.port = FreeLoopbackPort();
  n.pid = SpawnProcess(
      {"prometheus-alertmanager", "--config.file=" + n.dir + "/am.yml", "--storage.path=" + n.dir,
       "--web.listen-address=127.0.0.1:" + std::to_string(n.port), "--cluster.listen-address="},
      n.dir + "/log");
  if (!WaitReady(n.port, "/-/ready")) {
    std::fprintf(stderr, "alertmanager did not start:\n%s\n", ReadFile(n.dir + "/log").c_str());
    std::exit(1);
  }
  t.nodes.push_back(n);
  t.path = "/api/v2/alerts";
  return t;
}

// nginx answering every request with a fixed 202 and doing nothing else: no parsing, no
// storage. What it reaches is the ceiling of any HTTP server on this machine under this load
// generator, which shares the same two cores.
Target StartNullServer() {
  Target t;
  t.name = "nginx-null";
  char tmpl[] = "/tmp/nginx_bench_XXXXXX";
  Node n;
  n.dir = ::mkdtemp(tmpl);
  n.port = FreeLoopbackPort();
  std::ofstream(n.dir + "/nginx.conf")
      << "daemon off;\nworker_processes 2;\npid " << n.dir << "/nginx.pid;\n"
      << "error_log " << n.dir << "/error.log;\nevents { worker_connections 1024; }\n"
      << "http {\n  access_log off;\n  client_max_body_size 2m;\n"
      << "  client_body_buffer_size 2m;\n  client_body_temp_path " << n.dir << "/body;\n"
      << "  proxy_temp_path " << n.dir << "/proxy;\n  fastcgi_temp_path " << n.dir << "/fastcgi;\n"
      << "  keepalive_requests 100000000;\n"
      << "  server {\n    listen 127.0.0.1:" << n.port << ";\n"
      << "    location = /ready { return 200 'ok'; }\n"
      << "    location / { default_type application/json; return 202 '{\"accepted\":true}'; }\n"
      << "  }\n}\n";
  n.pid = SpawnProcess({"nginx", "-p", n.dir, "-c", n.dir + "/nginx.conf", "-e", n.dir + "/error.log"},
                n.dir + "/log");
  if (!WaitReady(n.port, "/ready")) {
    std::fprintf(stderr, "nginx did not start:\n%s\n", ReadFile(n.dir + "/error.log").c_str());
    std::exit(1);
  }
  t.nodes.push_back(n);
  t.path = "/api/v1/alerts";
  t.quell_body = true;
  return t;
}

void StopTarget(Target& t) {
  for (const auto& n : t.nodes) {
    ::kill(n.pid, SIGTERM);
    int status;
    ::waitpid(n.pid, &status, 0);
    std::filesystem::remove_all(n.dir);
  }
}

// Alert number k as one JSON item in the target's format. Distinct k -> distinct identity.
std::string AlertJson(const Target& t, uint64_t k) {
  return t.quell_body ? GenericAlertJson(k) : AlertmanagerAlertJson(k);
}

std::string Body(const Target& t, uint64_t first, int batch, bool duplicates) {
  // Alertmanager's API takes arrays only; Quell's single alerts are sent as one object.
  if (batch == 1 && t.quell_body) return AlertJson(t, duplicates ? first % 100 : first);
  std::string body = "[";
  for (int i = 0; i < batch; ++i) {
    if (i) body += ",";
    body += AlertJson(t, duplicates ? (first + i) % 100 : first + i);
  }
  return body + "]";
}

enum class Path { kAlerts, kAlertmanagerWebhook, kLogs };

struct Scenario {
  std::string label;
  int batch;
  int connections;
  bool duplicates;
  double rate;  // alerts/s to pace at, 0 = as fast as possible
  Path path = Path::kAlerts;  // webhook and logs run against Quell only
  bool postgres = false;      // also on PostgreSQL (--postgres), with one and two nodes
  // Connections 2i and 2i+1 send the same alerts, as an Alertmanager HA pair does: with two
  // nodes, each node gets every alert.
  bool paired = false;
};

// An Alertmanager webhook notification (version 4) carrying `batch` alerts.
std::string WebhookBody(uint64_t first, int batch, bool duplicates) {
  std::string alerts;
  for (int i = 0; i < batch; ++i) {
    uint64_t k = duplicates ? (first + i) % 100 : first + i;
    if (i) alerts += ",";
    alerts += R"({"status":"firing","labels":{"alertname":"Alert)" + std::to_string(k % 20) +
              R"(","service":"svc-)" + std::to_string(k % 50) + R"(","instance":"host-)" +
              std::to_string(k) + R"(","severity":"warning"},"annotations":{"summary":"Latency high"},)"
              R"("startsAt":"2026-11-24T05:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":""})";
  }
  return R"({"version":"4","groupKey":"{}:{alertname=\"x\"}","status":"firing","receiver":"quell","alerts":[)" +
         alerts + "]}";
}

// `batch` NDJSON log lines of a few services.
std::string LogsBody(uint64_t first, int batch) {
  std::string body;
  for (int i = 0; i < batch; ++i) {
    uint64_t k = first + i;
    body += R"({"service":"svc-)" + std::to_string(k % 10) + R"(","level":")" +
            (k % 7 == 0 ? "error" : "info") + R"(","message":"request )" + std::to_string(k) +
            " served in " + std::to_string(k % 300) + "ms by worker " + std::to_string(k % 16) +
            "\"}\n";
  }
  return body;
}


// After a logs scenario: waits (at most 60 s) until each node has mined or counted as not mined
// `lines` lines (on SQLite: its queue is empty; on PostgreSQL every node mines every stored line)
// and prints, per node, how many lines were mined, how many were stored but not mined, and how
// long mining ran on after the load stopped (a second node gets 5 s more).
std::string ReportMining(const Target& t, uint64_t lines) {
  std::string out;
  for (size_t n = 0; n < t.nodes.size(); ++n) {
    LoadClient client(t.nodes[n].port);
    const std::string get = LoadClient::Get("/metrics");
    const auto start = Clock::now();
    double queued = -1, mined = 0, not_mined = 0;
    do {
      if (client.Send(get) != 200) break;
      queued = MetricSum(client.last_body(), "quell_log_mining_queue_lines");
      mined = MetricSum(client.last_body(), "quell_log_lines_mined_total");
      not_mined = std::max(0.0, MetricSum(client.last_body(), "quell_log_lines_not_mined_total"));
      if (queued <= 0 && mined + not_mined >= static_cast<double>(lines)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (Clock::now() - start < std::chrono::seconds(n == 0 ? 60 : 5));
    if (queued < 0) return "";  // a Quell without online-mining metrics
    char line[256];
    std::snprintf(line, sizeof line,
                  "%-24s mining%s: %.0f lines mined, %.0f stored but not mined, done %.2f s "
                  "after the load%s\n",
                  "", t.nodes.size() > 1 ? (" node " + std::to_string(n + 1)).c_str() : "", mined,
                  not_mined, std::chrono::duration<double>(Clock::now() - start).count(),
                  queued > 0 || mined + not_mined < static_cast<double>(lines)
                      ? " (NOT: still behind)"
                      : "");
    out += line;
  }
  return out;
}

// After a scenario sending the same alerts more than once (to one node or two): reads every
// incident and its alerts back through the first node and says whether a group key got more than
// one incident, an alert more than one row, or the alerts' counts add up to other than the items
// answered 2xx (lost updates when fewer).
std::string ReportConsistency(const Target& t, uint64_t items_answered) {
  LoadClient client(t.nodes[0].port);
  std::vector<boost::json::object> incidents;
  bool read = ReadAllPages(client, "/api/v1/incidents?limit=500", "incidents", t.auth, &incidents);
  std::map<std::string, int> incidents_per_group;
  std::map<std::string, std::vector<int64_t>> incidents_of_fingerprint;  // one per alert row
  uint64_t counted = 0;
  for (const auto& incident : incidents) {
    ++incidents_per_group[std::string(incident.at("group_key").as_string())];
    std::vector<boost::json::object> alerts;
    read = ReadAllPages(client,
                        "/api/v1/incidents/" + std::to_string(incident.at("id").as_int64()) +
                            "/alerts?limit=1000",
                        "alerts", t.auth, &alerts) &&
           read;
    for (const auto& a : alerts) {
      incidents_of_fingerprint[std::string(a.at("fingerprint").as_string())].push_back(
          incident.at("id").as_int64());
      counted += a.at("count").to_number<uint64_t>();
    }
  }
  size_t extra_incidents = 0, extra_rows = 0;
  for (const auto& [group, n] : incidents_per_group) extra_incidents += n - 1;
  std::string example;  // the first duplicated alert, for a look in the database
  for (const auto& [fingerprint, ids] : incidents_of_fingerprint) {
    extra_rows += ids.size() - 1;
    if (ids.size() > 1 && example.empty()) {
      example = " (e.g. " + fingerprint + " in incidents";
      for (int64_t id : ids) example += " " + std::to_string(id);
      example += ")";
    }
  }
  const long long diff = static_cast<long long>(counted) - static_cast<long long>(items_answered);
  const std::string verdict = diff == 0  ? "exact"
                              : diff < 0 ? "LOST " + std::to_string(-diff)
                                         : std::to_string(diff) + " more than answered";
  char line[512];
  std::snprintf(line, sizeof line,
                "%-24s read back: %zu incidents for %zu group keys (%zu duplicate incidents); "
                "%zu alerts (%zu duplicate rows%s); counts sum %llu, answered 2xx %llu: %s%s\n",
                "", incidents.size(), incidents_per_group.size(), extra_incidents,
                incidents_of_fingerprint.size(), extra_rows, example.c_str(),
                static_cast<unsigned long long>(counted),
                static_cast<unsigned long long>(items_answered), verdict.c_str(),
                read ? "" : " (READ FAILED: incomplete)");
  return line;
}

struct Figures {
  double alerts_per_s = 0, p50_ms = 0, p99_ms = 0, cpu = 0;
  long rss_kib = 0;    // summed over the nodes
  uint64_t items = 0;  // answered 2xx
  uint64_t errors = 0;
  std::map<int, uint64_t> errors_by_status;  // 0: no answer (connection failed or closed)
};

Figures Run(Target& t, const Scenario& s, double seconds) {
  std::atomic<uint64_t> alerts{0}, errors{0};
  std::mutex errors_mu;
  std::map<int, uint64_t> errors_by_status;  // guarded by errors_mu
  std::vector<std::vector<double>> latencies(s.connections);
  const double cpu_before = CpuSeconds(t);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < s.connections; ++c) {
    threads.emplace_back([&, c] {
      LoadClient client(t.nodes[c % t.nodes.size()].port);
      uint64_t k = static_cast<uint64_t>(s.paired ? c / 2 : c) << 40;
      const double per_conn_interval =
          s.rate > 0 ? s.batch * s.connections / s.rate : 0;  // seconds between requests
      auto next = Clock::now();
      while (Clock::now() < end) {
        if (per_conn_interval > 0) {
          std::this_thread::sleep_until(next);
          next += std::chrono::duration_cast<Clock::duration>(
              std::chrono::duration<double>(per_conn_interval));
        }
        std::string request =
            s.path == Path::kAlertmanagerWebhook
                ? LoadClient::Post("/api/v1/integrations/alertmanager",
                                   WebhookBody(k, s.batch, s.duplicates), t.auth)
            : s.path == Path::kLogs
                ? LoadClient::Post("/api/v1/logs", LogsBody(k, s.batch), t.auth,
                                   "application/x-ndjson")
                : LoadClient::Post(t.path, Body(t, k, s.batch, s.duplicates), t.auth);
        k += s.batch;
        auto t0 = Clock::now();
        int status = client.Send(request);
        auto t1 = Clock::now();
        if (status / 100 == 2) {
          alerts += s.batch;
          latencies[c].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        } else {
          ++errors;
          std::lock_guard lock(errors_mu);
          if (++errors_by_status[status] == 1 && std::getenv("QUELL_BENCH_DEBUG"))
            std::fprintf(stderr, "first failure with status %d: %s\n", status,
                         client.last_body().substr(0, 300).c_str());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Figures f;
  f.alerts_per_s = static_cast<double>(alerts) / elapsed;
  if (!all.empty()) {
    f.p50_ms = all[all.size() / 2];
    f.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  f.cpu = (CpuSeconds(t) - cpu_before) / elapsed;
  for (const auto& n : t.nodes) f.rss_kib += PeakRssKiB(n.pid);
  f.items = alerts;
  f.errors = errors;
  f.errors_by_status = errors_by_status;
  return f;
}

}  // namespace
}  // namespace quell::bench

int main(int argc, char** argv) {
  using namespace quell::bench;
  std::string quell = "build/release/quell";
  double seconds = 5;
  bool with_am = true;
  bool with_ceiling = true;
  bool with_postgres = false;
  std::string only;  // run only scenarios whose label contains this
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quell" && i + 1 < argc) quell = argv[++i];
    else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (a == "--no-alertmanager") with_am = false;
    else if (a == "--no-ceiling") with_ceiling = false;
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--postgres") with_postgres = true;
    else {
      std::fprintf(stderr,
                   "usage: %s [--quell PATH] [--seconds N] [--no-alertmanager] [--no-ceiling] "
                   "[--only LABEL-PART] [--postgres]\n"
                   "  --postgres: also on one private PostgreSQL server (postgresql-15), with one "
                   "and two Quell nodes\n",
                   argv[0]);
      return 2;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  // Asked for and not possible is an error, never a table without its PostgreSQL rows.
  std::unique_ptr<quell::testing::PrivatePostgres> postgres;
  if (with_postgres) {
    char tmpl[] = "/tmp/pg_bench_XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    auto started = quell::testing::PrivatePostgres::Start(dir);
    if (!started) {
      std::filesystem::remove_all(dir);
      std::fprintf(stderr, "--postgres: PostgreSQL did not start, nothing run: %s\n",
                   started.error().ToString().c_str());
      return 1;
    }
    postgres = std::move(*started);
    std::printf(
        "PostgreSQL on 127.0.0.1:%u (pid %d; fsync off, synchronous_commit off), a fresh "
        "database per row\n",
        postgres->port(), static_cast<int>(postgres->pid()));
  }
  const std::vector<Scenario> scenarios = {
      {"single x1 distinct", 1, 1, false, 0},
      {"single x16 distinct", 1, 16, false, 0, Path::kAlerts, /*postgres=*/true},
      {"single x16 duplicate", 1, 16, true, 0},
      {"batch100 x1 distinct", 100, 1, false, 0},
      {"batch100 x8 distinct", 100, 8, false, 0, Path::kAlerts, /*postgres=*/true},
      {"batch100 x8 duplicate", 100, 8, true, 0, Path::kAlerts, /*postgres=*/true},
      {"batch100 x8 HA pair", 100, 8, false, 0, Path::kAlerts, /*postgres=*/true,
       /*paired=*/true},
      {"single x4 paced 5k/s", 1, 4, false, 5000},
      {"am-webhook 100 x4", 100, 4, false, 0, Path::kAlertmanagerWebhook},
      {"am-webhook 100 x4 dup", 100, 4, true, 0, Path::kAlertmanagerWebhook},
      {"logs ndjson 1000 x2", 1000, 2, false, 0, Path::kLogs, /*postgres=*/true},
  };
  std::printf("%-24s %-13s %12s %9s %9s %6s %9s %7s\n", "scenario", "target", "items/s", "p50 ms",
              "p99 ms", "cpu", "rss MiB", "errors");
  for (const auto& s : scenarios) {
    if (!only.empty() && s.label.find(only) == std::string::npos) continue;
    // Quell, then (alert scenarios) Alertmanager and the null server, then Quell on PostgreSQL
    // with one and two nodes, in the same run.
    const bool compare = s.path == Path::kAlerts && !s.paired;
    std::vector<std::function<Target()>> targets = {[&] { return StartQuell(quell, "quell"); }};
    if (compare && with_am) targets.push_back(StartAlertmanager);
    if (compare && with_ceiling) targets.push_back(StartNullServer);
    if (postgres && s.postgres)
      for (int nodes : {1, 2})
        targets.push_back([&, nodes] { return StartQuellOnPostgres(quell, *postgres, nodes); });
    const char* const rated[3] = {"quell", "alertmanager", "nginx-null"};
    double rates[3] = {0, 0, 0};
    for (const auto& start : targets) {
      Target t = start();
      Figures f = Run(t, s, seconds);
      const std::string mining =
          s.path == Path::kLogs && t.quell ? ReportMining(t, f.items) : "";
      const std::string consistency =
          t.quell && (s.duplicates || s.paired) ? ReportConsistency(t, f.items) : "";
      StopTarget(t);
      for (int i = 0; i < 3; ++i)
        if (t.name == rated[i]) rates[i] = f.alerts_per_s;
      std::printf("%-24s %-13s %12.0f %9.2f %9.2f %6.2f %9.1f %7llu\n", s.label.c_str(),
                  t.name.c_str(), f.alerts_per_s, f.p50_ms, f.p99_ms, f.cpu, f.rss_kib / 1024.0,
                  static_cast<unsigned long long>(f.errors));
      if (!f.errors_by_status.empty()) {
        std::printf("%-24s errors by status:", "");
        for (const auto& [status, n] : f.errors_by_status)
          std::printf(" %d x%llu", status, static_cast<unsigned long long>(n));
        std::printf("%s\n", f.errors_by_status.count(0) ? " (0: no answer)" : "");
      }
      if (!mining.empty()) std::printf("%s", mining.c_str());
      if (!consistency.empty()) std::printf("%s", consistency.c_str());
      std::fflush(stdout);
    }
    if (s.rate == 0 && rates[1] > 0) {
      std::printf("%-24s ratio quell/alertmanager = %.2fx", s.label.c_str(), rates[0] / rates[1]);
      if (rates[2] > 0)
        std::printf("; ceiling nginx-null/alertmanager = %.2fx", rates[2] / rates[1]);
      std::printf("\n");
    }
  }
  return 0;
}
