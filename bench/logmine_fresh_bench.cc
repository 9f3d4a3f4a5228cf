// End-to-end speed of `quell logmine FILE --structured OUT.csv` on fresh lines: writes a large
// log file from the templates of the ten Loghub-2k systems with new variable values on every
// line (fresh_log_lines.h; no line repeats), then runs the quell binary on it, pinned to one CPU,
// and reports lines/s (wall clock: read, detect, mine, write), CPU time and peak RSS of the run.
//
//   logmine_fresh_bench [--lines N] [--out FILE] [--runs K] [--quell PATH] [--data DIR]
//                       [--seed S] [--generate-only | --run-only] [--format F]
//
// --run-only times an existing FILE. After generating, the bench runs itself again with
// --run-only before timing: a child forked from the generator would report the generator's
// resident pages as its own peak RSS (Linux keeps ru_maxrss across exec).
// Defaults: 1,000,000 lines, /tmp/logmine_fresh.log, 3 runs, build/release/quell. The lines of
// all ten systems are interleaved at random in one file, so one miner sees every system.
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/hash.h"
#include "fresh_log_lines.h"
#include "loghub_datasets.h"

namespace {

struct Args {
  size_t lines = 1'000'000;
  std::string out = "/tmp/logmine_fresh.log";
  int runs = 3;
  std::string quell = "build/release/quell";
  std::string data = "/work/shared/datasets/loghub-2k";
  std::string format;
  uint64_t seed = 18;
  bool generate_only = false;
  bool run_only = false;
};

// Writes the file; every line is new (a repeat is drawn again, a few times at most).
bool Generate(const Args& args) {
  std::vector<std::string> names;
  for (const auto& d : quell::bench::kLoghubDatasets) names.emplace_back(d.name);
  auto gen = quell::bench::FreshLogLines::Load(args.data, names, args.seed);
  if (!gen) {
    std::fprintf(stderr, "%s\n", gen.error().ToString().c_str());
    return false;
  }
  std::FILE* f = std::fopen(args.out.c_str(), "wb");
  if (f == nullptr) {
    std::perror(args.out.c_str());
    return false;
  }
  const auto start = std::chrono::steady_clock::now();
  std::unordered_set<uint64_t> seen;
  seen.reserve(args.lines);
  size_t repeats = 0, bytes = 0;
  std::string line;
  for (size_t i = 0; i < args.lines; ++i) {
    for (int attempt = 0; attempt < 16; ++attempt) {
      line.clear();
      gen->Next(&line);
      if (seen.insert(quell::Xxh3(line)).second) break;
      repeats += attempt == 15 ? 1 : 0;
    }
    line.push_back('\n');
    bytes += line.size();
    std::fwrite(line.data(), 1, line.size(), f);
  }
  const bool ok = std::fclose(f) == 0;
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("generated %zu lines (%.1f MB) into %s in %.1f s from %zu real lines "
              "(%zu skipped: template does not fit); lines still repeated: %zu\n",
              args.lines, bytes / 1e6, args.out.c_str(), s, gen->source_lines(),
              gen->skipped_lines(), repeats);
  return ok;
}

struct Run {
  double wall_s = 0, cpu_s = 0;
  long max_rss_kb = 0;
  int status = 0;
};

// Runs quell once on one CPU; stdout (the template list) goes to /dev/null.
Run RunQuell(const Args& args) {
  const std::string structured = args.out + ".structured.csv";
  std::vector<std::string> argv_s = {args.quell, "logmine", args.out, "--structured", structured};
  if (!args.format.empty()) {
    argv_s.push_back("--format");
    argv_s.push_back(args.format);
  }
  std::fflush(stdout);  // or the child's copy of the buffer prints again
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof(one), &one);
    std::freopen("/dev/null", "w", stdout);
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::perror("execv");
    _exit(127);
  }
  Run run;
  struct rusage usage {};
  wait4(pid, &run.status, 0, &usage);
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.cpu_s = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
              (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  run.max_rss_kb = usage.ru_maxrss;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--lines")) args.lines = std::strtoull(next(), nullptr, 10);
    else if (!std::strcmp(argv[i], "--out")) args.out = next();
    else if (!std::strcmp(argv[i], "--runs")) args.runs = std::atoi(next());
    else if (!std::strcmp(argv[i], "--quell")) args.quell = next();
    else if (!std::strcmp(argv[i], "--data")) args.data = next();
    else if (!std::strcmp(argv[i], "--format")) args.format = next();
    else if (!std::strcmp(argv[i], "--seed")) args.seed = std::strtoull(next(), nullptr, 10);
    else if (!std::strcmp(argv[i], "--generate-only")) args.generate_only = true;
    else if (!std::strcmp(argv[i], "--run-only")) args.run_only = true;
    else {
      std::fprintf(stderr, "unknown argument %s (see the comment at the top of the source)\n",
                   argv[i]);
      return 2;
    }
  }
  if (!args.run_only) {
    if (!Generate(args)) return 1;
    if (args.generate_only || args.runs <= 0) return 0;
    std::fflush(stdout);
    std::vector<char*> again(argv, argv + argc);
    again.push_back(const_cast<char*>("--run-only"));
    again.push_back(nullptr);
    execv("/proc/self/exe", again.data());
    std::perror("execv /proc/self/exe");
    return 1;
  }
  std::vector<double> rates;
  for (int r = 0; r < args.runs; ++r) {
    Run run = RunQuell(args);
    if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
      std::fprintf(stderr, "quell failed (status %d)\n", run.status);
      return 1;
    }
    rates.push_back(args.lines / run.wall_s);
    std::printf("run %d: %.2f s wall, %.2f s CPU, %.0f lines/s, peak RSS %.1f MB\n", r + 1,
                run.wall_s, run.cpu_s, rates.back(), run.max_rss_kb / 1024.0);
  }
  std::sort(rates.begin(), rates.end());
  std::printf("median: %.0f lines/s end to end (quell logmine FILE --structured OUT.csv, "
              "one CPU)\n", rates[rates.size() / 2]);
  return 0;
}
