// bench/analyst: the built-in analyst on a suite of realistic incident scenarios with expected
// answers (bench/scenarios/*.json), and its latency on a large incident.
//
//   build/release/analyst_bench [--scenarios bench/scenarios] [--runs 20]
//
// Reports top-1 / top-3 accuracy for the root-cause service and the guilty deploy (a scenario
// whose deploys are innocent counts as right when no deploy is a prime suspect, score >= kPrimeDeployScore),
// severity accuracy, the diagnosis (the knowledge-base rule used, generic or not) and p50/p99
// analysis latency with 100 alerts and 100k log lines.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "analysis/builtin_analyst.h"
#include "app/analyst_scenario.h"
#include "app/incident_bundle.h"
#include "common/time_format.h"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Rank(const std::vector<quell::model::Suspect>& suspects, const std::string& want, bool deploy) {
  for (size_t i = 0; i < suspects.size(); ++i)
    if ((deploy ? suspects[i].id : suspects[i].service) == want) return static_cast<int>(i) + 1;
  return 0;
}

// A large incident: 100 alerts over 10 services, 100k log lines.
std::string LargeBundle() {
  json::array alerts, logs;
  const quell::TimeMs t0 = 1795500000000;
  for (int i = 0; i < 100; ++i)
    alerts.push_back(json::object{{"service", "svc-" + std::to_string(i % 10)},
                                  {"error", "Redis timeout after " + std::to_string(1000 + i) + "ms on shard " + std::to_string(i)},
                                  {"latency", 1500 + i},
                                  {"labels", json::object{{"instance", "host-" + std::to_string(i)}}},
                                  {"timestamp", quell::FormatRfc3339(t0 + i * 1000)}});
  const char* messages[] = {"GET /api/items/%d 200 in %dms", "user %d logged in from 10.0.%d.1",
                            "Redis timeout reading key session:%d after %dms",
                            "cache miss for key item:%d (%d)", "ERROR pool exhausted after %d ms (%d waiting)"};
  for (int i = 0; i < 100000; ++i) {
    char line[160];
    std::snprintf(line, sizeof line, messages[i % 5], i, i % 977);
    logs.push_back(json::object{{"service", "svc-" + std::to_string(i % 10)},
                                {"ts", quell::FormatRfc3339(t0 - 3600000 + i * 40)},
                                {"level", i % 5 >= 2 ? "ERROR" : "INFO"},
                                {"message", line}});
  }
  json::object topology;
  for (int i = 0; i < 10; ++i)
    topology["svc-" + std::to_string(i)] = json::array{"redis", "postgres"};
  return json::serialize(json::object{{"alerts", alerts}, {"logs", logs}, {"topology", topology}});
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "bench/scenarios";
  int runs = 20;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--scenarios" && i + 1 < argc) dir = argv[++i];
    else if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
  }
  const std::vector<std::filesystem::path> files = quell::app::ScenarioFiles(dir);
  if (files.empty()) {
    std::fprintf(stderr, "no scenarios in %s\n", dir.c_str());
    return 2;
  }
  quell::analysis::BuiltinAnalyst analyst;
  std::vector<std::string> known_misses;
  int service1 = 0, service3 = 0, deploy1 = 0, deploy3 = 0, severity_ok = 0, rule_ok = 0, n = 0;
  std::printf("%-42s %-14s %-14s %-16s %-16s %-9s %-9s %-28s %-28s %5s\n", "scenario",
              "root (want)", "root (got)", "deploy (want)", "deploy (got)", "sev want", "sev got",
              "rule (want)", "rule (got)", "conf");
  for (const auto& f : files) {
    auto run = quell::app::RunScenario(Read(f), analyst);
    if (!run) {
      std::printf("%s: %s\n", f.filename().c_str(), run.error().ToString().c_str());
      continue;
    }
    const auto& want = run->want;
    const auto& got = run->got;
    const auto& result = run->analysis;
    ++n;
    for (const auto& [field, why] : run->known_misses)
      known_misses.push_back(f.stem().string() + " " + field + ": " + why);
    int sr = Rank(result.service_suspects, want.root_service, false);
    service1 += sr == 1;
    service3 += sr >= 1 && sr <= 3;
    if (want.deploy.empty()) {
      deploy1 += got.deploy.empty();
      deploy3 += got.deploy.empty();
    } else {
      int dr = Rank(result.deploy_suspects, want.deploy, true);
      deploy1 += dr == 1 && got.deploy == want.deploy;
      deploy3 += dr >= 1 && dr <= 3;
    }
    severity_ok += got.severity == want.severity;
    // A generic diagnosis is right only when it is the expected rule and says it is generic.
    const bool rule_right = got.rule == want.rule && got.generic == want.generic;
    rule_ok += rule_right;
    auto rule = [](const quell::app::ScenarioAnswer& a) {
      return a.rule + (a.generic ? " (generic)" : "");
    };
    std::printf("%-42s %-14s %-14s %-16s %-16s %-9s %-9s %-28s %-28s %5.2f\n", f.stem().c_str(),
                want.root_service.c_str(), got.root_service.empty() ? "-" : got.root_service.c_str(),
                want.deploy.empty() ? "(none)" : want.deploy.c_str(),
                got.deploy.empty() ? "(none)" : got.deploy.c_str(), want.severity.c_str(),
                got.severity.c_str(), rule(want).c_str(), rule(got).c_str(), result.confidence);
  }
  if (n == 0) return 1;
  std::printf("\nscenarios %d | root service top-1 %.2f top-3 %.2f | guilty deploy top-1 %.2f "
              "top-3 %.2f | severity %.2f | rule %.2f\n",
              n, 1.0 * service1 / n, 1.0 * service3 / n, 1.0 * deploy1 / n, 1.0 * deploy3 / n,
              1.0 * severity_ok / n, 1.0 * rule_ok / n);
  for (const auto& miss : known_misses) std::printf("known miss: %s\n", miss.c_str());

  // Latency on a large incident.
  const std::string big = LargeBundle();
  std::vector<double> load_ms, analyze_ms;
  quell::analysis::EvidencePack pack;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    auto loaded = quell::app::LoadIncidentBundle(big, 1795500000000 + 3600000);
    auto t1 = Clock::now();
    if (!loaded) {
      std::fprintf(stderr, "large bundle: %s\n", loaded.error().ToString().c_str());
      return 1;
    }
    pack = std::move(*loaded);
    auto result = analyst.Analyze(pack);
    auto t2 = Clock::now();
    load_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    analyze_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  std::printf("large incident (100 alerts, 100k log lines, %zu templates): analysis p50 %.2f ms "
              "p99 %.2f ms; bundle parse + log mining p50 %.1f ms p99 %.1f ms (%d runs)\n",
              pack.log_templates.size(), Percentile(analyze_ms, 0.5), Percentile(analyze_ms, 0.99),
              Percentile(load_ms, 0.5), Percentile(load_ms, 0.99), runs);
  return 0;
}
