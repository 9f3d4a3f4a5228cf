// bench/soak: drives one `quell serve` for a long time at a steady mixed load — alerts (over 50
// services, with repeats that fold and some resolves), NDJSON log batches, deploys, reads (the
// incident list, one incident, /api/v1/stats, /metrics) and actions (ack, resolve) — while its
// Telegram (FakeTelegram) and its model server (FakeOllama) fail now and then. It prints the
// server's RSS and the latency p50/p99 per minute and a summary, then drains the server and
// checks:
//   1. every alert answered 2xx is stored, with at least as many repeats as were answered;
//   2. every incident got exactly one card (one successful sendMessage to the chat; edits and
//      escalation replies aside, a send the fake failed and Quell retried counts once);
//   3. the server never answered 5xx (but 503 with Retry-After), never crashed, and exits 0 on
//      SIGTERM.
// Exits 1 when a check fails. Not a test (not run by ctest): figures plus end-to-end checks.
//
//   build/release/soak_bench [--quell build/release/quell] [--minutes 30] [--rate 200]
//                            [--threads 8] [--fingerprints 2000] [--drain-seconds 180]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "alert_bodies.h"
#include "api_pages.h"
#include "fake_ollama.h"
#include "fake_telegram.h"
#include "load_client.h"
#include "spawn.h"

namespace quell::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using notify::testing::FakeReply;
using notify::testing::FakeTelegram;
using testing::FakeOllama;
using testing::OllamaReply;
using testing::Scripted;

constexpr int64_t kChatId = 4242;

struct Options {
  std::string quell = "build/release/quell";
  double minutes = 30;
  double rate = 200;  // requests/s, all kinds together
  int threads = 8;
  int fingerprints = 2000;
  int drain_seconds = 180;
};

enum Kind { kAlert, kAlertBatch, kResolve, kLogs, kDeploy, kList, kIncident, kStats, kMetrics,
            kAction, kKinds };
const char* const kKindNames[kKinds] = {"alert",    "alert_batch", "resolve", "logs",
                                        "deploy",   "list",        "incident", "stats",
                                        "metrics",  "action"};
// Per 1000 requests.
const int kWeights[kKinds] = {560, 40, 50, 40, 2, 80, 128, 40, 40, 20};

// Resident memory: all of it, and the part that is anonymous (heap, SQLite's page cache) as
// opposed to file pages (the binary, SQLite's mmap of the database, which grows with it).
struct Rss {
  long kib = 0, anon_kib = 0;
};
Rss RssOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  Rss rss;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss.kib = std::atol(line.c_str() + 6);
    if (line.rfind("RssAnon:", 0) == 0) rss.anon_kib = std::atol(line.c_str() + 8);
  }
  return rss;
}

// User plus system CPU seconds of the process so far.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  long ticks = 0;
  for (int i = 3; fields >> f && i <= 15; ++i)
    if (i >= 14) ticks += std::atol(f.c_str());
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Everything the load threads share.
struct Shared {
  std::mutex mu;
  std::vector<double> window[kKinds];  // latencies (ms) of 2xx-4xx answers since the last sample
  std::map<std::string, uint64_t> acked_firing;  // fingerprint -> firing alerts answered 2xx
  std::vector<int64_t> incident_ids;             // seen in answers
  std::set<int64_t> incident_set;
  std::map<int, uint64_t> statuses;                // status -> count (0: no answer)
  std::vector<std::string> bad_answers;            // first few 5xx without leave
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> deploys{0};
  std::atomic<bool> stop{false};
};

void NoteIncident(Shared& s, int64_t id) {
  if (id <= 0 || s.incident_set.count(id)) return;
  s.incident_set.insert(id);
  s.incident_ids.push_back(id);
}

// Records the fingerprints (and incidents) of an accepted alert answer: one result or a batch.
void NoteAlerts(Shared& s, const std::string& body, bool firing) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return;
  std::vector<json::object> results;
  if (auto* arr = v.as_object().if_contains("results"); arr && arr->is_array()) {
    for (const auto& r : arr->as_array())
      if (r.is_object()) results.push_back(r.as_object());
  } else {
    results.push_back(v.as_object());
  }
  std::lock_guard lock(s.mu);
  for (const auto& r : results) {
    if (auto* id = r.if_contains("incident_id"); id && id->is_int64()) NoteIncident(s, id->as_int64());
    auto* fp = r.if_contains("fingerprint");
    if (!fp || !fp->is_string() || !firing) continue;
    ++s.acked_firing[std::string(fp->as_string())];
  }
}

std::string Resolved(std::string alert) {
  alert.insert(alert.size() - 1, R"(,"status":"resolved")");
  return alert;
}

std::string LogsBody(std::mt19937_64& rng, int lines) {
  static const char* const kMessages[] = {
      "request served in {}ms by worker {}", "cache miss for key user:{} after {}ms",
      "connection to db-{} reset after {} retries", "GET /api/v1/items/{} returned 200 in {}ms",
      "timeout after {}ms calling payments (attempt {})"};
  std::string body;
  for (int i = 0; i < lines; ++i) {
    uint64_t r = rng();
    std::string msg = kMessages[r % 5];
    for (int a = 0; a < 2; ++a) {
      size_t at = msg.find("{}");
      msg.replace(at, 2, std::to_string((r >> (8 + 16 * a)) % 5000));
    }
    body += R"({"service":"svc-)" + std::to_string((r >> 40) % 50) + R"(","level":")" +
            ((r >> 50) % 9 == 0 ? "error" : "info") + R"(","message":")" + msg + "\"}\n";
  }
  return body;
}

// One load thread: requests paced at `rate` per second, kinds drawn by weight.
void LoadThread(int index, const Options& o, uint16_t port, const std::string& auth, Shared& s,
                Clock::time_point start, Clock::time_point end) {
  LoadClient client(port);
  std::mt19937_64 rng(1234 + static_cast<uint64_t>(index));
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o.threads / o.rate));
  auto next = Clock::now();
  while (!s.stop && Clock::now() < end) {
    std::this_thread::sleep_until(next);
    next += interval;
    int pick = static_cast<int>(rng() % 1000);
    int kind = 0;
    while (pick >= kWeights[kind]) pick -= kWeights[kind++];
    // Firing alerts skewed toward a hot third of the identities, so repeats fold often.
    auto fingerprint = [&] {
      uint64_t n = static_cast<uint64_t>(o.fingerprints);
      return rng() % 2 ? rng() % (n / 3 + 1) : rng() % n;
    };
    int64_t incident = 0;
    {
      std::lock_guard lock(s.mu);
      if (!s.incident_ids.empty()) incident = s.incident_ids[rng() % s.incident_ids.size()];
    }
    if ((kind == kIncident || kind == kAction) && incident == 0) kind = kList;
    std::string request;
    switch (kind) {
      case kAlert: {
        std::string alert = GenericAlertJson(fingerprint());
        // 1 in 100 goes to a service new every 20 s: incidents (and cards) keep opening all
        // through the run, while Telegram fails now and then, not only in the first minute.
        if (rng() % 100 == 0) {
          const auto fresh = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count() / 20;
          const size_t at = alert.find("svc-");
          alert.replace(at, alert.find('"', at) - at, "fresh-" + std::to_string(fresh));
        }
        request = LoadClient::Post("/api/v1/alerts", alert, auth);
        break;
      }
      case kAlertBatch: {
        std::string body = "[";
        for (int i = 0; i < 10; ++i) body += (i ? "," : "") + GenericAlertJson(fingerprint());
        request = LoadClient::Post("/api/v1/alerts", body + "]", auth);
        break;
      }
      case kResolve:
        request = LoadClient::Post("/api/v1/alerts", Resolved(GenericAlertJson(fingerprint())), auth);
        break;
      case kLogs:
        request = LoadClient::Post("/api/v1/logs", LogsBody(rng, 50), auth, "application/x-ndjson");
        break;
      case kDeploy: {
        uint64_t n = ++s.deploys;
        request = LoadClient::Post(
            "/api/v1/deploys",
            R"({"service":"svc-)" + std::to_string(rng() % 50) + R"(","version":"v)" +
                std::to_string(n) + R"(","commit":"c)" + std::to_string(n) +
                R"(","author":"soak","status":"succeeded"})",
            auth);
        break;
      }
      case kList:
        request = LoadClient::Get(
            rng() % 2 ? "/api/v1/incidents?limit=50" : "/api/v1/incidents?status=triggered", auth);
        break;
      case kIncident:
        request = LoadClient::Get(
            "/api/v1/incidents/" + std::to_string(incident) + "?alerts_limit=50", auth);
        break;
      case kStats:
        request = LoadClient::Get("/api/v1/stats?bucket=1h", auth);
        break;
      case kMetrics:
        request = LoadClient::Get("/metrics", "");
        break;
      case kAction:
        request = LoadClient::Post("/api/v1/incidents/" + std::to_string(incident) +
                                       (rng() % 5 < 3 ? "/ack" : "/resolve"),
                                   R"({"actor":"soak"})", auth);
        break;
    }
    auto t0 = Clock::now();
    int status = client.Send(request);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    ++s.requests;
    if (status / 100 == 2 && (kind == kAlert || kind == kAlertBatch || kind == kResolve))
      NoteAlerts(s, client.last_body(), kind != kResolve);
    std::lock_guard lock(s.mu);
    ++s.statuses[status];
    if (status >= 200 && status < 500) s.window[kind].push_back(ms);
    if (status >= 500) {
      const bool leave = status == 503 && client.last_headers().find("Retry-After") != std::string::npos;
      if (!leave && s.bad_answers.size() < 10)
        s.bad_answers.push_back(std::string(kKindNames[kind]) + ": " + std::to_string(status) +
                                " " + client.last_body().substr(0, 200));
    }
  }
}

// Every 10-20 s one Telegram failure: a 502 or a 429 for sendMessage or editMessageText, or a
// slow (3 s) answer. A sendMessage failure is scripted only when the last one was taken, since
// new cards are rare and queued failures would stack up into a long backoff.
void TelegramChaos(FakeTelegram& tg, Shared& s, std::vector<std::string>& log) {
  std::mt19937_64 rng(99);
  auto next = Clock::now() + std::chrono::seconds(10);
  while (!s.stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (Clock::now() < next) continue;
    next = Clock::now() + std::chrono::seconds(10 + static_cast<int>(rng() % 11));
    int what = static_cast<int>(rng() % 5);
    const std::string method = what % 2 ? "sendMessage" : "editMessageText";
    if (method == "sendMessage" && tg.PendingScript(method) > 0) continue;
    if (what == 4) {
      tg.Script("editMessageText", {200, R"({"ok":true,"result":{"message_id":1}})", 3000});
      log.push_back("editMessageText slow");
    } else if (what < 2) {
      tg.Script(method, {502, R"({"ok":false,"error_code":502,"description":"Bad Gateway"})", 0});
      log.push_back(method + " 502");
    } else {
      tg.Script(method, {429,
                         R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 2","parameters":{"retry_after":2}})",
                         0});
      log.push_back(method + " 429");
    }
  }
}

// Keeps the fake model's script topped up: mostly a valid analysis, now and then a 500, an
// answer that is not JSON, an envelope that is not Ollama's, or a slow (4 s) answer.
void ModelFeeder(FakeOllama& llm, Shared& s, std::map<std::string, int>& counts) {
  const std::string valid = OllamaReply(
      R"({"root_cause":"Latency high on the service's requests","severity":"high",)"
      R"("impact":"Requests are slow","recommended_actions":["Check the slowest requests"],)"
      R"("confidence":0.6,"summary":"Latency alerts firing","suspects":{"deploys":[],"services":[]}})");
  uint64_t i = 0;
  while (!s.stop) {
    while (llm.pending() < 8) {
      ++i;
      if (i % 25 == 7) {
        llm.Push({500, R"({"error":"model crashed"})", "application/json", 0});
        ++counts["500"];
      } else if (i % 25 == 13) {
        llm.Push({200, OllamaReply("I think the service is slow."), "application/json", 0});
        ++counts["not json"];
      } else if (i % 25 == 17) {
        llm.Push({200, "{\"model\":\"gemma4:e4b\",\"mess", "application/json", 0});
        ++counts["garbled envelope"];
      } else if (i % 25 == 21) {
        llm.Push({200, valid, "application/json", 4000});
        ++counts["slow"];
      } else {
        llm.Push({200, valid, "application/json", 0});
        ++counts["valid"];
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

struct Sample {
  double t_s;
  long rss_kib, anon_kib;
  uint64_t requests;
  double p50, p99;
};

// Every incident's id, through the API (all statuses, newest first).
std::vector<int64_t> ListAllIncidents(LoadClient& c, const std::string& auth, bool* ok) {
  std::vector<json::object> incidents;
  *ok = ReadAllPages(c, "/api/v1/incidents?limit=500", "incidents", auth, &incidents);
  std::vector<int64_t> ids;
  for (const auto& i : incidents) ids.push_back(i.at("id").as_int64());
  return ids;
}

// incident id -> successful cards (sendMessage without reply_parameters) in the chat; replies
// (escalation pings) counted apart.
std::map<int64_t, int> CardsSent(FakeTelegram& tg, int* replies, int* failed_sends, int* unknown) {
  static const std::regex kLink("#/incidents/([0-9]+)");
  std::map<int64_t, int> cards;
  *replies = *failed_sends = *unknown = 0;
  for (const auto& call : tg.Calls("sendMessage")) {
    if (call.status != 200) {
      ++*failed_sends;
      continue;
    }
    if (call.body.contains("reply_parameters")) {
      ++*replies;
      continue;
    }
    const auto* text = call.body.if_contains("text");
    std::smatch m;
    std::string s = text && text->is_string() ? std::string(text->as_string()) : "";
    if (!std::regex_search(s, m, kLink)) {
      ++*unknown;
      continue;
    }
    ++cards[std::stoll(m[1])];
  }
  return cards;
}

int Run(const Options& o) {
  FakeTelegram tg;
  FakeOllama llm;
  ::setenv("QUELL_TELEGRAM_BOT_TOKEN", FakeTelegram::kToken, 1);
  ::setenv("QUELL_TELEGRAM_CHAT_IDS", std::to_string(kChatId).c_str(), 1);
  ::setenv("QUELL_TELEGRAM_API_URL", tg.url().c_str(), 1);
  ::setenv("QUELL_LLM_PROVIDER", "ollama", 1);
  ::setenv("QUELL_LLM_URL", llm.url().c_str(), 1);
  ::setenv("QUELL_LLM_MODEL", "gemma4:e4b", 1);
  // The first cards meet a 502 and a 429 (retried: each still counts as one card).
  tg.Script("sendMessage", {502, R"({"ok":false,"error_code":502,"description":"Bad Gateway"})", 0});
  tg.Script("sendMessage",
            {429,
             R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 2","parameters":{"retry_after":2}})",
             0});
  QuellProcess q = StartQuellProcess(o.quell);
  std::printf("soak: quell pid %d on port %u, data %s; %.1f min at %.0f requests/s on %d "
              "connections, %d alert identities\n",
              q.pid, q.port, q.dir.c_str(), o.minutes, o.rate, o.threads, o.fingerprints);
  std::fflush(stdout);

  Shared s;
  std::vector<std::string> chaos_log;
  std::map<std::string, int> model_script;
  std::thread chaos([&] { TelegramChaos(tg, s, chaos_log); });
  std::thread feeder([&] { ModelFeeder(llm, s, model_script); });
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(o.minutes * 60));
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i)
    threads.emplace_back([&, i] { LoadThread(i, o, q.port, q.auth, s, start, end); });

  std::vector<Sample> samples;
  std::vector<double> minute[kKinds];
  uint64_t last_requests = 0, minute_start_requests = 0;
  bool crashed = false;
  int crash_status = 0;
  std::printf("%6s %9s %8s %6s %8s %8s %8s | p99 ms: %7s %7s %7s %7s %7s\n", "min", "rss MiB",
              "anon MiB", "cpu", "req/s", "p50 ms", "p99 ms", "alert", "logs", "read", "action", "deploy");
  double minute_cpu = CpuSeconds(q.pid);
  auto next_sample = start + std::chrono::seconds(10);
  while (Clock::now() < end) {
    std::this_thread::sleep_until(std::min(next_sample, end));
    if (int st; ::waitpid(q.pid, &st, WNOHANG) == q.pid) {
      crashed = true;
      crash_status = st;
      s.stop = true;
      break;
    }
    if (Clock::now() < next_sample) break;
    next_sample += std::chrono::seconds(10);
    std::vector<double> window[kKinds];
    {
      std::lock_guard lock(s.mu);
      for (int k = 0; k < kKinds; ++k) window[k].swap(s.window[k]);
    }
    std::vector<double> all;
    for (int k = 0; k < kKinds; ++k) {
      all.insert(all.end(), window[k].begin(), window[k].end());
      minute[k].insert(minute[k].end(), window[k].begin(), window[k].end());
    }
    uint64_t requests = s.requests;
    const Rss rss = RssOf(q.pid);
    Sample sample{std::chrono::duration<double>(Clock::now() - start).count(), rss.kib,
                  rss.anon_kib, requests - last_requests, 0, 0};
    last_requests = requests;
    sample.p50 = Percentile(all, 0.5);
    sample.p99 = Percentile(all, 0.99);
    samples.push_back(sample);
    if (samples.size() % 6 == 0) {
      std::vector<double> every, alerts, reads, actions;
      for (int k = 0; k < kKinds; ++k) every.insert(every.end(), minute[k].begin(), minute[k].end());
      for (int k : {kAlert, kAlertBatch, kResolve}) alerts.insert(alerts.end(), minute[k].begin(), minute[k].end());
      for (int k : {kList, kIncident, kStats, kMetrics}) reads.insert(reads.end(), minute[k].begin(), minute[k].end());
      const double cpu = CpuSeconds(q.pid);
      std::printf("%6.0f %9.1f %8.1f %5.0f%% %8.1f %8.2f %8.2f | p99 ms: %7.2f %7.2f %7.2f %7.2f "
                  "%7.2f\n",
                  sample.t_s / 60, sample.rss_kib / 1024.0, sample.anon_kib / 1024.0, (cpu - minute_cpu) / 60.0 * 100,
                  static_cast<double>(requests - minute_start_requests) / 60.0,
                  Percentile(every, 0.5), Percentile(every, 0.99), Percentile(alerts, 0.99),
                  Percentile(minute[kLogs], 0.99), Percentile(reads, 0.99),
                  Percentile(minute[kAction], 0.99), Percentile(minute[kDeploy], 0.99));
      std::fflush(stdout);
      minute_start_requests = requests;
      minute_cpu = cpu;
      for (auto& m : minute) m.clear();
    }
  }
  s.stop = true;
  for (auto& t : threads) t.join();
  chaos.join();
  feeder.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  // Summary: first and last quarter of the 10 s samples.
  if (samples.size() >= 4) {
    size_t quarter = samples.size() / 4;
    auto mean = [&](size_t from, size_t to, auto field) {
      double sum = 0;
      for (size_t i = from; i < to; ++i) sum += field(samples[i]);
      return sum / static_cast<double>(to - from);
    };
    auto rss = [](const Sample& x) { return x.rss_kib / 1024.0; };
    auto anon = [](const Sample& x) { return x.anon_kib / 1024.0; };
    auto p99 = [](const Sample& x) { return x.p99; };
    auto p50 = [](const Sample& x) { return x.p50; };
    long max_rss = 0, max_anon = 0;
    double max_p99 = 0;
    for (const auto& x : samples) {
      max_rss = std::max(max_rss, x.rss_kib);
      max_anon = std::max(max_anon, x.anon_kib);
      max_p99 = std::max(max_p99, x.p99);
    }
    const size_t n = samples.size();
    std::printf("summary (%zu samples of 10 s): RSS first quarter %.1f MiB, last quarter %.1f MiB, "
                "max %.1f MiB (anonymous %.1f, %.1f, max %.1f MiB); p50 %.2f -> %.2f ms; p99 (mean "
                "of 10 s windows) first quarter %.2f ms, last quarter %.2f ms, max window %.2f ms\n",
                n, mean(0, quarter, rss), mean(n - quarter, n, rss), max_rss / 1024.0,
                mean(0, quarter, anon), mean(n - quarter, n, anon), max_anon / 1024.0,
                mean(0, quarter, p50), mean(n - quarter, n, p50), mean(0, quarter, p99),
                mean(n - quarter, n, p99), max_p99);
  }
  std::printf("load: %llu requests in %.0f s (%.1f/s), %zu alert identities answered, %zu incidents "
              "seen, %llu deploys\n",
              static_cast<unsigned long long>(s.requests.load()), elapsed,
              static_cast<double>(s.requests) / elapsed, s.acked_firing.size(),
              s.incident_ids.size(), static_cast<unsigned long long>(s.deploys.load()));
  std::printf("answers:");
  for (const auto& [status, count] : s.statuses)
    std::printf(" %d x%llu", status, static_cast<unsigned long long>(count));
  std::printf("\nfaults: telegram %zu scripted (", chaos_log.size());
  std::map<std::string, int> chaos_counts;
  for (const auto& c : chaos_log) ++chaos_counts[c];
  for (const auto& [what, count] : chaos_counts) std::printf(" %s x%d", what.c_str(), count);
  std::printf(" ); model script:");
  for (const auto& [what, count] : model_script) std::printf(" %s x%d", what.c_str(), count);
  std::printf("; model chats %zu\n", llm.recorded().size());
  std::fflush(stdout);

  bool failed = false;
  // 3a: crash.
  if (crashed) {
    std::printf("CHECK FAILED: quell exited during the load (status %d); its log:\n%s\n",
                crash_status, ReadFile(q.dir + "/log").c_str());
    return 1;
  }

  // Drain: the job queue and the mining queue empty, and every incident carded, at most
  // drain_seconds.
  LoadClient c(q.port);
  const auto drain_start = Clock::now();
  std::vector<int64_t> incidents;
  std::map<int64_t, int> cards;
  int replies = 0, failed_sends = 0, unknown = 0;
  std::string metrics;
  for (;;) {
    bool ok = c.Send(LoadClient::Get("/metrics", "")) == 200;
    metrics = c.last_body();
    const double due = MetricSum(metrics, "quell_jobs_due");
    const double running = MetricSum(metrics, "quell_jobs_running");
    const double mining = MetricSum(metrics, "quell_log_mining_queue_lines");
    incidents = ListAllIncidents(c, q.auth, &ok);
    cards = CardsSent(tg, &replies, &failed_sends, &unknown);
    size_t carded = 0;
    for (int64_t id : incidents) carded += cards.count(id);
    const double waited = std::chrono::duration<double>(Clock::now() - drain_start).count();
    if (ok && due <= 0 && running <= 0 && mining <= 0 && carded == incidents.size()) {
      std::printf("drained in %.1f s\n", waited);
      break;
    }
    if (waited > o.drain_seconds) {
      std::printf("not drained after %.0f s: jobs due %.0f, running %.0f, mining queue %.0f, "
                  "incidents carded %zu of %zu\n",
                  waited, due, running, mining, carded, incidents.size());
      break;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  for (const char* m : {"quell_jobs_completed_total", "quell_jobs_failed_attempts_total",
                        "quell_jobs_exceptions_total", "quell_jobs_parked_total",
                        "quell_llm_requests_total", "quell_llm_request_failures_total",
                        "quell_llm_invalid_answers_total", "quell_llm_analyses_total",
                        "quell_llm_fallbacks_total", "quell_log_lines_mined_total",
                        "quell_log_lines_not_mined_total", "quell_alerts_duplicates_total",
                        "quell_http_connections_refused_total"}) {
    // A labelled series appears with its first sample: absent means none happened.
    std::printf("  %s %.0f\n", m, std::max(0.0, MetricSum(metrics, m)));
  }
  {
    std::istringstream lines(metrics);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("quell_notifications_total{", 0) == 0) std::printf("  %s\n", line.c_str());
  }

  // 1: every acknowledged alert stored, with at least its acknowledged count.
  std::map<std::string, uint64_t> stored;
  bool read_ok = true;
  for (int64_t id : incidents) {
    std::vector<json::object> alerts;
    read_ok = ReadAllPages(c, "/api/v1/incidents/" + std::to_string(id) + "/alerts?limit=1000",
                           "alerts", q.auth, &alerts) &&
              read_ok;
    for (const auto& a : alerts)
      stored[std::string(a.at("fingerprint").as_string())] +=
          static_cast<uint64_t>(a.at("count").to_number<int64_t>());
  }
  size_t missing = 0, short_count = 0;
  uint64_t acked_total = 0, stored_total = 0;
  for (const auto& [fp, n] : s.acked_firing) {
    acked_total += n;
    auto it = stored.find(fp);
    if (it == stored.end()) {
      if (missing++ < 5) std::printf("  missing alert %s (acknowledged %llu times)\n", fp.c_str(),
                                     static_cast<unsigned long long>(n));
    } else {
      stored_total += it->second;
      if (it->second < n && short_count++ < 5)
        std::printf("  alert %s stored with count %llu < acknowledged %llu\n", fp.c_str(),
                    static_cast<unsigned long long>(it->second), static_cast<unsigned long long>(n));
    }
  }
  const bool check1 = read_ok && missing == 0 && short_count == 0;
  std::printf("check 1 %s: %zu acknowledged alert identities (%llu firing alerts answered 2xx), "
              "%zu missing, %zu with a smaller count; stored counts sum %llu over %zu incidents\n",
              check1 ? "ok" : "FAILED", s.acked_firing.size(),
              static_cast<unsigned long long>(acked_total), missing, short_count,
              static_cast<unsigned long long>(stored_total), incidents.size());
  failed |= !check1;

  // 2: one card per incident.
  size_t no_card = 0, double_card = 0, stray = 0;
  std::set<int64_t> known(incidents.begin(), incidents.end());
  for (int64_t id : incidents) {
    auto it = cards.find(id);
    if (it == cards.end()) {
      if (no_card++ < 5) std::printf("  incident %lld has no card\n", static_cast<long long>(id));
    } else if (it->second != 1) {
      if (double_card++ < 5)
        std::printf("  incident %lld has %d cards\n", static_cast<long long>(id), it->second);
    }
  }
  for (const auto& [id, n] : cards) stray += !known.count(id);
  const size_t edits = tg.Calls("editMessageText").size();
  const bool check2 = no_card == 0 && double_card == 0 && stray == 0 && unknown == 0;
  std::printf("check 2 %s: %zu incidents, %zu cards; %zu without a card, %zu with more than one, "
              "%zu cards of unknown incidents, %d sends the fake failed, %d escalation replies, "
              "%zu edits\n",
              check2 ? "ok" : "FAILED", incidents.size(), cards.size(), no_card, double_card, stray,
              failed_sends, replies, edits);
  failed |= !check2;

  // 3: no 5xx but 503 with Retry-After; a clean exit on SIGTERM.
  ::kill(q.pid, SIGTERM);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 600 && !exited; ++i) {
    if (::waitpid(q.pid, &status, WNOHANG) == q.pid) exited = true;
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!exited) {
    ::kill(q.pid, SIGKILL);
    ::waitpid(q.pid, &status, 0);
  }
  const bool clean = exited && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const bool check3 = s.bad_answers.empty() && clean;
  std::printf("check 3 %s: %zu 5xx answers without Retry-After, exit on SIGTERM: %s\n",
              check3 ? "ok" : "FAILED", s.bad_answers.size(),
              !exited ? "hung (killed)" : clean ? "clean (0)" : "NOT clean");
  for (const auto& b : s.bad_answers) std::printf("  %s\n", b.c_str());
  failed |= !check3;

  // The server's own complaints (log level warn), by kind.
  std::istringstream log(ReadFile(q.dir + "/log"));
  std::map<std::string, int> complaints;
  for (std::string line; std::getline(log, line);) {
    // "<time> <level> <message>"
    size_t a = line.find(' ');
    size_t b = a == std::string::npos ? a : line.find(' ', a + 1);
    if (b == std::string::npos) continue;
    ++complaints[line.substr(a + 1, b - a - 1) + ": " + line.substr(b + 1, 60)];
  }
  std::printf("server log (warn and above), by first 60 characters:\n");
  for (const auto& [what, n] : complaints) std::printf("  %5d  %s\n", n, what.c_str());
  if (!failed) std::filesystem::remove_all(q.dir);
  else std::printf("data dir kept: %s\n", q.dir.c_str());
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace quell::bench

int main(int argc, char** argv) {
  quell::bench::Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quell" && i + 1 < argc) o.quell = argv[++i];
    else if (a == "--minutes" && i + 1 < argc) o.minutes = std::atof(argv[++i]);
    else if (a == "--rate" && i + 1 < argc) o.rate = std::atof(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) o.threads = std::atoi(argv[++i]);
    else if (a == "--fingerprints" && i + 1 < argc) o.fingerprints = std::atoi(argv[++i]);
    else if (a == "--drain-seconds" && i + 1 < argc) o.drain_seconds = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr,
                   "usage: %s [--quell PATH] [--minutes 30] [--rate 200] [--threads 8] "
                   "[--fingerprints 2000] [--drain-seconds 180]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.rate <= 0 || o.threads <= 0 || o.fingerprints < 3 || o.minutes <= 0) {
    std::fprintf(stderr, "rate, threads, minutes must be positive; fingerprints at least 3\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  return quell::bench::Run(o);
}
