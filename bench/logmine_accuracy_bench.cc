// Accuracy of the template miner on Loghub-2k: GA, PA, FGA, FTA per dataset and on average,
// against the corrected ground truth (*_structured_corrected.csv). One parameter set for all
// datasets (MinerOptions defaults); only the header format differs, as given in the dataset
// README. The data is read at run time and never copied into the repository (research licence).
//
//   logmine_accuracy_bench [--data DIR] [--only NAME] [--errors N] [--detect]
//                          [--st X] [--depth D] [--merge K]
//
// --detect ignores the formats and uses header detection (what `quell logmine` does without
// --format).
//
// --errors N prints, per dataset, up to N ground-truth templates that were not grouped exactly,
// with what the miner produced (for development; no ground truth ever feeds the miner).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/logmine/csv.h"
#include "analysis/logmine/evaluator.h"
#include "analysis/logmine/line_splitter.h"
#include "loghub_datasets.h"
#include "analysis/logmine/template_miner.h"

namespace lm = quell::analysis::logmine;

namespace {

using Dataset = quell::bench::LoghubDataset;
constexpr const auto& kDatasets = quell::bench::kLoghubDatasets;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = "/work/shared/datasets/loghub-2k";
  std::string only;
  int show_errors = 0;
  bool detect = false;  // ignore the formats: header detection only
  lm::MinerOptions options;  // the one parameter set; flags exist to study the defaults
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--data") && i + 1 < argc) data_dir = argv[++i];
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--errors") && i + 1 < argc) show_errors = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--detect")) detect = true;
    else if (!std::strcmp(argv[i], "--st") && i + 1 < argc) options.similarity_threshold = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--depth") && i + 1 < argc) options.depth = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--merge") && i + 1 < argc) options.merge_distinct_values = std::atoi(argv[++i]);
  }
  std::printf("%-12s %6s %6s %6s %6s %6s %6s\n", "dataset", "GA", "PA", "FGA", "FTA", "#gt",
              "#pred");
  double sum[4] = {0, 0, 0, 0};
  int n = 0;
  for (const Dataset& d : kDatasets) {
    if (!only.empty() && only != d.name) continue;
    std::string base = data_dir + "/" + d.name + "/" + d.name + "_2k.log";
    std::string log, gt_csv;
    if (!ReadFile(base, &log) || !ReadFile(base + "_structured_corrected.csv", &gt_csv)) {
      std::fprintf(stderr, "cannot read %s (set --data)\n", base.c_str());
      return 1;
    }
    auto splitter = lm::LineSplitter::Create(detect ? "" : d.format);
    if (!splitter) {
      std::fprintf(stderr, "%s: %s\n", d.name, splitter.error().ToString().c_str());
      return 1;
    }
    lm::TemplateMiner miner(options);
    std::vector<std::string_view> lines = SplitLines(log);
    std::vector<uint64_t> ids;
    ids.reserve(lines.size());
    size_t unfit = 0;
    for (std::string_view line : lines) {
      bool fits = true;
      ids.push_back(miner.Add(splitter->Message(line, &fits)).cluster_id);
      unfit += fits ? 0 : 1;
    }
    std::vector<std::string> predicted;
    predicted.reserve(ids.size());
    for (uint64_t id : ids) predicted.push_back(miner.Find(id)->Template());

    auto rows = lm::ParseCsv(gt_csv);
    if (!rows) {
      std::fprintf(stderr, "%s: %s\n", d.name, rows.error().ToString().c_str());
      return 1;
    }
    auto truth = lm::CsvColumn(*rows, "EventTemplate");
    auto content = lm::CsvColumn(*rows, "Content");
    if (!truth || truth->size() != predicted.size()) {
      std::fprintf(stderr, "%s: ground truth does not line up with the log\n", d.name);
      return 1;
    }
    auto s = lm::Evaluate(*truth, predicted);
    if (!s) return 1;
    std::printf("%-12s %6.3f %6.3f %6.3f %6.3f %6zu %6zu%s\n", d.name, s->grouping_accuracy,
                s->parsing_accuracy, s->f1_grouping_accuracy, s->f1_template_accuracy,
                s->truth_templates, s->predicted_templates, unfit ? " (header mismatches)" : "");
    sum[0] += s->grouping_accuracy;
    sum[1] += s->parsing_accuracy;
    sum[2] += s->f1_grouping_accuracy;
    sum[3] += s->f1_template_accuracy;
    ++n;

    if (show_errors > 0) {
      // Ground-truth groups not predicted exactly, largest first, and template text mismatches.
      std::map<std::string, std::map<std::string, int>> by_truth;
      std::map<std::string, int> pred_size;
      for (size_t i = 0; i < predicted.size(); ++i) {
        ++by_truth[(*truth)[i]][predicted[i]];
        ++pred_size[predicted[i]];
      }
      std::vector<std::pair<int, std::string>> bad;
      for (auto& [gt, preds] : by_truth) {
        int total = 0;
        for (auto& [p, c] : preds) total += c;
        bool exact = preds.size() == 1 && pred_size[preds.begin()->first] == total;
        bool text = preds.size() == 1 && preds.begin()->first == gt;
        if (!exact || !text) bad.emplace_back(total, gt);
      }
      std::sort(bad.rbegin(), bad.rend());
      int shown = 0;
      for (auto& [total, gt] : bad) {
        if (shown++ >= show_errors) break;
        std::printf("  GT %4d  %s\n", total, gt.c_str());
        for (auto& [p, c] : by_truth[gt]) {
          std::printf("     %4d/%-4d %s\n", c, pred_size[p], p.c_str());
        }
        for (size_t i = 0; i < predicted.size(); ++i) {
          if ((*truth)[i] == gt) {
            std::printf("       e.g. %s\n", (*content)[i].c_str());
            break;
          }
        }
      }
    }
  }
  if (n > 0) {
    std::printf("%-12s %6.3f %6.3f %6.3f %6.3f\n", "average", sum[0] / n, sum[1] / n, sum[2] / n,
                sum[3] / n);
  }
  return 0;
}
