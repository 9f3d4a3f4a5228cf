// Single-threaded speed of the template miner: lines/s per Loghub-2k dataset replayed 50 times
// (100k lines, header split with the dataset's format included), then a mixed file (all ten
// datasets interleaved line by line, replayed 50 times, 1M lines) through one miner with header
// detection, and the process's peak resident memory. Per dataset, header detection is timed
// twice: with the header learned from the dataset's lines (what `quell logmine` does without
// --format) and with the per-line heuristic alone (what it does when the lines share no header);
// "split ns" is the header split alone (no mining), learned vs per-line. The data is read at run time from
// /work/shared (research licence: never copied into the repository).
//
//   logmine_speed_bench [--data DIR] [--replay N] [--max-clusters N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/logmine/line_splitter.h"
#include "loghub_datasets.h"
#include "analysis/logmine/template_miner.h"

namespace lm = quell::analysis::logmine;

namespace {

using Dataset = quell::bench::LoghubDataset;
constexpr const auto& kDatasets = quell::bench::kLoghubDatasets;

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// Nanoseconds per line to split `lines` (no mining), best of three passes.
double SplitNs(const std::vector<std::string>& lines, const lm::LineSplitter& splitter) {
  double best = 1e300;
  size_t checksum = 0;
  for (int pass = 0; pass < 3; ++pass) {
    auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < 10; ++r) {
      for (const std::string& line : lines) checksum += splitter.Message(line).size();
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, seconds * 1e9 / (10.0 * static_cast<double>(lines.size())));
  }
  if (checksum == 0) std::printf("(empty)\n");
  return best;
}

// Feeds `lines` `replay` times; returns lines per second.
double Run(const std::vector<std::string>& lines, int replay, const lm::LineSplitter& splitter,
           lm::TemplateMiner* miner) {
  uint64_t checksum = 0;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < replay; ++r) {
    for (const std::string& line : lines) checksum += miner->Add(splitter.Message(line)).cluster_id;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (checksum == 0) std::printf("(empty)\n");
  return static_cast<double>(lines.size()) * replay / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = "/work/shared/datasets/loghub-2k";
  int replay = 50;
  lm::MinerOptions options;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--data") && i + 1 < argc) data_dir = argv[++i];
    else if (!std::strcmp(argv[i], "--replay") && i + 1 < argc) replay = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--max-clusters") && i + 1 < argc)
      options.max_clusters = static_cast<size_t>(std::atol(argv[++i]));
  }
  std::printf("%-12s %10s %12s %12s %12s %9s %14s\n", "dataset", "lines", "lines/s", "learned l/s",
              "per-line l/s", "clusters", "split ns l/p");
  std::vector<std::vector<std::string>> all;
  double min_rate = 1e300;
  double total_lines = 0, total_seconds = 0;
  for (const Dataset& d : kDatasets) {
    std::vector<std::string> lines =
        ReadLines(data_dir + "/" + d.name + "/" + d.name + "_2k.log");
    if (lines.empty()) {
      std::fprintf(stderr, "cannot read %s (set --data)\n", d.name);
      return 1;
    }
    auto splitter = lm::LineSplitter::Create(d.format);
    auto per_line = lm::LineSplitter::Create("");
    if (!splitter || !per_line) return 1;
    std::vector<std::string_view> sample(lines.begin(), lines.end());
    const lm::LineSplitter learned = lm::LineSplitter::Detect(sample);
    lm::TemplateMiner miner(options);
    double rate = Run(lines, replay, *splitter, &miner);
    lm::TemplateMiner miner_learned(options);
    double rate_learned = Run(lines, replay, learned, &miner_learned);
    lm::TemplateMiner miner_per_line(options);
    double rate_per_line = Run(lines, replay, *per_line, &miner_per_line);
    std::printf("%-12s %10zu %12.0f %12.0f %12.0f %9zu %7.0f/%-6.0f\n", d.name,
                lines.size() * replay, rate, rate_learned, rate_per_line, miner.cluster_count(),
                SplitNs(lines, learned), SplitNs(lines, *per_line));
    min_rate = std::min(min_rate, rate);
    total_lines += static_cast<double>(lines.size()) * replay;
    total_seconds += static_cast<double>(lines.size()) * replay / rate;
    all.push_back(std::move(lines));
  }
  std::printf("%-12s %10.0f %12.0f  (aggregate; slowest %.0f)\n", "all", total_lines,
              total_lines / total_seconds, min_rate);

  // The mixed file: ten systems interleaved, one miner, header detection.
  std::vector<std::string> mixed;
  for (size_t i = 0; i < 2000; ++i) {
    for (const auto& lines : all) {
      if (i < lines.size()) mixed.push_back(lines[i]);
    }
  }
  auto detect = lm::LineSplitter::Create("");
  lm::TemplateMiner miner(options);
  double rate = Run(mixed, replay, *detect, &miner);
  std::printf("%-12s %10zu %12.0f %12s %9zu\n", "mixed", mixed.size() * replay, rate, "(detect)",
              miner.cluster_count());
  std::printf("peak RSS: %.1f MB (includes the %zu input lines held in memory)\n",
              PeakRssKb() / 1024.0, mixed.size());
  return 0;
}
