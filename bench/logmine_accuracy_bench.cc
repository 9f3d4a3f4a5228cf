// Accuracy of the template miner on Loghub-2k: GA, PA, FGA, FTA per dataset and on average,
// against the corrected ground truth (*_structured_corrected.csv). One parameter set for all
// datasets (MinerOptions defaults); only the header format differs, as given in the dataset
// README. The data is read at run time and never copied into the repository (research licence).
//
//   logmine_accuracy_bench [--data DIR] [--only NAME] [--errors N] [--detect [--header-errors N]]
//                          [--set NAME=VALUE]...  (NAME: a parameter of the grid below)
//   logmine_accuracy_bench --cv [--detect] [--verbose]
//   logmine_accuracy_bench --mixed [--detect]
//
// --detect ignores the formats and uses header detection (what `quell logmine` does without
// --format).
//
// --cv runs leave-one-system-out parameter selection: every combination of the parameter grid
// below is scored on every dataset; for each dataset the combination with the best mean of GA
// and PA on the *other nine* is chosen and scored on the held-out one. The table shows those
// held-out figures beside the in-sample figures of the combination that is best on all ten (the
// defaults). Only held-out figures say how the miner does on a system it has never seen.
//
// --header-errors N (with --detect) prints the learned header and up to N lines whose detected
// message differs from the ground truth's Content.
//
// --errors N prints, per dataset, up to N ground-truth templates that were not grouped exactly,
// with what the miner produced (for development; no ground truth ever feeds the miner).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/logmine/csv.h"
#include "analysis/logmine/evaluator.h"
#include "analysis/logmine/line_splitter.h"
#include "analysis/logmine/template_miner.h"
#include "loghub_datasets.h"

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

// One dataset in memory: its raw lines and ground truth.
struct Loaded {
  const Dataset* spec = nullptr;
  std::string log;
  std::vector<std::string_view> lines;
  std::vector<std::string> truth;
  std::vector<std::string> content;
};

bool Load(const std::string& data_dir, const Dataset& d, Loaded* out) {
  std::string base = data_dir + "/" + d.name + "/" + d.name + "_2k.log";
  std::string gt_csv;
  if (!ReadFile(base, &out->log) || !ReadFile(base + "_structured_corrected.csv", &gt_csv)) {
    std::fprintf(stderr, "cannot read %s (set --data)\n", base.c_str());
    return false;
  }
  out->spec = &d;
  out->lines = SplitLines(out->log);
  auto rows = lm::ParseCsv(gt_csv);
  if (!rows) {
    std::fprintf(stderr, "%s: %s\n", d.name, rows.error().ToString().c_str());
    return false;
  }
  auto truth = lm::CsvColumn(*rows, "EventTemplate");
  auto content = lm::CsvColumn(*rows, "Content");
  if (!truth || !content || truth->size() != out->lines.size()) {
    std::fprintf(stderr, "%s: ground truth does not line up with the log\n", d.name);
    return false;
  }
  out->truth = std::move(*truth);
  out->content = std::move(*content);
  return true;
}

// Everything the grid can set: the miner's options and, with --detect, the header detector's.
struct Params {
  lm::MinerOptions miner;
  lm::HeaderOptions header;
  bool operator==(const Params&) const = default;
};

// Mines `data` with `params`; fills the predicted template of every line. With `detect` the
// header profile is learned from the file's first lines, as `quell logmine` does.
bool Mine(const Loaded& data, const Params& params, bool detect,
          std::vector<std::string>* predicted, size_t* unfit) {
  auto splitter = detect ? quell::Result<lm::LineSplitter>(
                               lm::LineSplitter::Detect(data.lines, params.header))
                         : lm::LineSplitter::Create(data.spec->format);
  if (!splitter) {
    std::fprintf(stderr, "%s: %s\n", data.spec->name, splitter.error().ToString().c_str());
    return false;
  }
  lm::TemplateMiner miner(params.miner);
  std::vector<uint64_t> ids;
  ids.reserve(data.lines.size());
  *unfit = 0;
  for (std::string_view line : data.lines) {
    bool fits = true;
    ids.push_back(miner.Add(splitter->Message(line, &fits)).cluster_id);
    *unfit += fits ? 0 : 1;
  }
  predicted->clear();
  predicted->reserve(ids.size());
  for (uint64_t id : ids) predicted->push_back(miner.Find(id)->Template());
  return true;
}

// Ground-truth groups not predicted exactly, largest first, and template text mismatches.
void PrintErrors(const Loaded& data, const std::vector<std::string>& predicted, int limit) {
  std::map<std::string, std::map<std::string, int>> by_truth;
  std::map<std::string, int> pred_size;
  for (size_t i = 0; i < predicted.size(); ++i) {
    ++by_truth[data.truth[i]][predicted[i]];
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
    if (shown++ >= limit) break;
    std::printf("  GT %4d  %s\n", total, gt.c_str());
    for (auto& [p, c] : by_truth[gt]) std::printf("     %4d/%-4d %s\n", c, pred_size[p], p.c_str());
    for (size_t i = 0; i < predicted.size(); ++i) {
      if (data.truth[i] == gt) {
        std::printf("       e.g. %s\n", data.content[i].c_str());
        break;
      }
    }
  }
}

// With --detect: the learned header and the lines whose detected message differs from the
// ground truth's Content column (development aid; evaluation only).
void PrintHeaderErrors(const Loaded& data, const Params& params, int limit) {
  const lm::LineSplitter splitter = lm::LineSplitter::Detect(data.lines, params.header);
  std::printf("  header:");
  for (const lm::HeaderColumn& c : splitter.profile().columns()) {
    std::printf(" %s(%.3f)", std::string(lm::HeaderKindName(c.kind)).c_str(), c.share);
  }
  std::printf("  fits %zu/%zu sample lines\n", splitter.profile().sample_fitting(),
              splitter.profile().sample_size());
  int wrong = 0;
  for (size_t i = 0; i < data.lines.size(); ++i) {
    std::string_view message = splitter.Message(data.lines[i]);
    std::string_view truth = data.content[i];
    while (!truth.empty() && truth.back() == ' ') truth.remove_suffix(1);
    while (!message.empty() && message.back() == ' ') message.remove_suffix(1);
    if (message == truth) continue;
    if (wrong++ < limit) {
      std::printf("    line %zu: got  '%.*s'\n              want '%.*s'\n", i + 1,
                  static_cast<int>(std::min<size_t>(message.size(), 100)), message.data(),
                  static_cast<int>(std::min<size_t>(truth.size(), 100)), truth.data());
    }
  }
  std::printf("  %d of %zu messages differ from the ground truth's Content\n", wrong,
              data.lines.size());
}

void PrintRow(const char* name, const lm::AccuracyScores& s) {
  std::printf("%-12s %6.3f %6.3f %6.3f %6.3f", name, s.grouping_accuracy, s.parsing_accuracy,
              s.f1_grouping_accuracy, s.f1_template_accuracy);
}

// --mixed: all datasets interleaved line by line in one file and mined by one miner (several
// programs writing to one log), the header learned from the mixed file's first lines with
// --detect, else each line split with its own dataset's format; scored per dataset on its lines.
int Mixed(const std::vector<Loaded>& data, const Params& params, bool detect) {
  std::vector<std::pair<size_t, size_t>> order;  // (dataset, line)
  for (size_t i = 0;; ++i) {
    bool any = false;
    for (size_t d = 0; d < data.size(); ++d) {
      if (i < data[d].lines.size()) {
        order.emplace_back(d, i);
        any = true;
      }
    }
    if (!any) break;
  }
  std::vector<std::string_view> mixed;
  for (auto [d, i] : order) mixed.push_back(data[d].lines[i]);
  const lm::LineSplitter learned = lm::LineSplitter::Detect(mixed, params.header);
  std::vector<lm::LineSplitter> formats;
  for (const Loaded& d : data) {
    auto f = lm::LineSplitter::Create(d.spec->format);
    if (!f) return 1;
    formats.push_back(std::move(*f));
  }
  lm::TemplateMiner miner(params.miner);
  std::vector<std::vector<uint64_t>> ids(data.size());
  for (auto [d, i] : order) {
    const lm::LineSplitter& splitter = detect ? learned : formats[d];
    ids[d].push_back(miner.Add(splitter.Message(data[d].lines[i])).cluster_id);
  }
  std::printf("%zu lines of %zu datasets interleaved, one miner, %s; header columns learned: %zu\n",
              mixed.size(), data.size(), detect ? "header detection" : "each dataset's format",
              learned.profile().columns().size());
  for (const lm::HeaderLayout& layout : learned.profile().Layouts()) {
    std::printf("  layout (%zu sample lines):", layout.lines);
    for (const lm::HeaderColumn& c : layout.columns) std::printf(" [%s]", c.example.c_str());
    std::printf("\n");
  }
  std::printf("%-12s %6s %6s %6s %6s %8s\n", "dataset", "GA", "PA", "FGA", "FTA", "differ");
  double sum[4] = {0, 0, 0, 0};
  for (size_t d = 0; d < data.size(); ++d) {
    size_t differ = 0;
    for (size_t i = 0; i < data[d].lines.size(); ++i) {
      std::string_view message = (detect ? learned : formats[d]).Message(data[d].lines[i]);
      std::string_view truth = data[d].content[i];
      while (!truth.empty() && truth.back() == ' ') truth.remove_suffix(1);
      while (!message.empty() && message.back() == ' ') message.remove_suffix(1);
      differ += message == truth ? 0 : 1;
    }
    std::vector<std::string> predicted;
    for (uint64_t id : ids[d]) predicted.push_back(miner.Find(id)->Template());
    auto s = lm::Evaluate(data[d].truth, predicted);
    if (!s) return 1;
    PrintRow(data[d].spec->name, *s);
    std::printf(" %8zu\n", differ);
    sum[0] += s->grouping_accuracy;
    sum[1] += s->parsing_accuracy;
    sum[2] += s->f1_grouping_accuracy;
    sum[3] += s->f1_template_accuracy;
  }
  const double n = static_cast<double>(data.size());
  std::printf("%-12s %6.3f %6.3f %6.3f %6.3f\n", "average", sum[0] / n, sum[1] / n, sum[2] / n,
              sum[3] / n);
  return 0;
}

// One axis of the parameter grid: a name, its values and how to set them.
struct Axis {
  const char* name;
  std::vector<double> values;
  std::function<void(Params*, double)> set;
};

// The grid that leave-one-system-out selects from. Every tunable of MinerOptions is here, and
// with --detect every tunable of HeaderOptions.
std::vector<Axis> Grid(bool detect) {
  std::vector<Axis> grid = {
      {"st", {0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95},
       [](Params* p, double v) { p->miner.similarity_threshold = v; }},
      {"depth", {3, 4, 5}, [](Params* p, double v) { p->miner.depth = static_cast<int>(v); }},
      {"merge", {0, 2, 3, 4, 5},
       [](Params* p, double v) { p->miner.merge_distinct_values = static_cast<int>(v); }},
      {"names_with_digits", {0, 1},
       [](Params* p, double v) { p->miner.mask.keep_names_with_digits = v != 0; }},
      {"word_prefix", {0, 1},
       [](Params* p, double v) { p->miner.mask.keep_word_prefix = v != 0; }},
      {"booleans", {0, 1}, [](Params* p, double v) { p->miner.mask.mask_booleans = v != 0; }},
      {"size_units", {0, 1},
       [](Params* p, double v) { p->miner.mask.join_size_units = v != 0; }},
      {"dates", {0, 1}, [](Params* p, double v) { p->miner.mask.mask_spelled_dates = v != 0; }},
      {"named_endpoints", {0, 1},
       [](Params* p, double v) { p->miner.mask.mask_named_endpoints = v != 0; }},
      {"merge_positions", {1, 2, 3, 4},
       [](Params* p, double v) { p->miner.merge_max_positions = static_cast<int>(v); }},
      {"key_plain_words", {0, 1},
       [](Params* p, double v) { p->miner.key_plain_words_only = v != 0; }},
      {"merge_across_tree", {0, 1},
       [](Params* p, double v) { p->miner.merge_across_tree = v != 0; }},
  };
  if (detect) {
    grid.push_back({"hd_share", {0.7, 0.8, 0.85, 0.9, 0.95, 0.98},
                    [](Params* p, double v) { p->header.min_share = v; }});
    grid.push_back({"hd_sample", {100, 300, 1000, 2000}, [](Params* p, double v) {
                      p->header.sample_lines = static_cast<size_t>(v);
                    }});
    grid.push_back({"hd_name_run", {1, 2, 3, 4}, [](Params* p, double v) {
                      p->header.max_name_run = static_cast<int>(v);
                    }});
    grid.push_back({"hd_branch", {0.1, 0.25, 0.4},
                    [](Params* p, double v) { p->header.branch_share = v; }});
    grid.push_back({"hd_min_branch", {0.01, 0.02, 0.05},
                    [](Params* p, double v) { p->header.min_branch_share = v; }});
    grid.push_back({"hd_accept", {0, 0.002, 0.005, 0.01, 0.02, 0.05},
                    [](Params* p, double v) { p->header.accept_share = v; }});
  }
  return grid;
}

// The values of a combination that differ from the current defaults ("defaults" when none do).
std::string Describe(const std::vector<Axis>& grid, const std::vector<size_t>& at) {
  std::string out;
  for (size_t a = 0; a < grid.size(); ++a) {
    Params defaults, changed;
    grid[a].set(&changed, grid[a].values[at[a]]);
    if (changed == defaults) continue;
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s%s=%g", out.empty() ? "" : " ", grid[a].name,
                  grid[a].values[at[a]]);
    out += buf;
  }
  return out.empty() ? "defaults" : out;
}

double Objective(const lm::AccuracyScores& s) {
  return (s.grouping_accuracy + s.parsing_accuracy) / 2;
}


int CrossValidate(const std::vector<Loaded>& data, bool detect, bool verbose) {
  const std::vector<Axis> grid = Grid(detect);
  // Scores of a combination (one value index per axis) on every dataset, computed once.
  std::map<std::vector<size_t>, std::vector<lm::AccuracyScores>> memo;
  bool failed = false;
  auto scores_of = [&](const std::vector<size_t>& combo) -> const std::vector<lm::AccuracyScores>& {
    auto it = memo.find(combo);
    if (it != memo.end()) return it->second;
    Params options;
    for (size_t a = 0; a < grid.size(); ++a) grid[a].set(&options, grid[a].values[combo[a]]);
    std::vector<lm::AccuracyScores> out;
    std::vector<std::string> predicted;
    for (const Loaded& d : data) {
      size_t unfit = 0;
      auto s = Mine(d, options, detect, &predicted, &unfit) ? lm::Evaluate(d.truth, predicted)
                                                            : lm::Evaluate({}, {"x"});
      if (!s) failed = true;
      out.push_back(s ? *s : lm::AccuracyScores{});
    }
    return memo.emplace(combo, std::move(out)).first->second;
  };
  // The defaults as a combination: each axis at the value MinerOptions has by default.
  std::vector<size_t> defaults_combo;
  for (const Axis& axis : grid) {
    size_t at = 0;
    for (size_t v = 0; v < axis.values.size(); ++v) {
      Params defaults, changed;
      axis.set(&changed, axis.values[v]);
      if (changed == defaults) at = v;
    }
    defaults_combo.push_back(at);
  }
  auto mean_without = [&](const std::vector<size_t>& combo, size_t held_out) {
    const auto& s = scores_of(combo);
    double sum = 0;
    for (size_t d = 0; d < data.size(); ++d) {
      if (d != held_out) sum += Objective(s[d]);
    }
    return sum;
  };
  // Coordinate ascent from the defaults on the datasets other than `held_out` (held_out =
  // data.size(): all of them): each axis in turn takes its best value with the others fixed,
  // until a whole sweep changes nothing. Ties keep the current value, so a tie never moves a
  // default. (The full grid is too large to score exhaustively on this machine.)
  auto best_without = [&](size_t held_out) {
    std::vector<size_t> current = defaults_combo;
    double current_value = mean_without(current, held_out);
    for (int sweep = 0; sweep < 5; ++sweep) {
      bool changed = false;
      for (size_t a = 0; a < grid.size(); ++a) {
        for (size_t v = 0; v < grid[a].values.size(); ++v) {
          std::vector<size_t> candidate = current;
          candidate[a] = v;
          double value = mean_without(candidate, held_out);
          if (value > current_value + 1e-9) {
            current = candidate;
            current_value = value;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    return current;
  };
  std::fprintf(stderr, "selecting on %zu datasets...\n", data.size());
  const std::vector<size_t> in_sample = best_without(data.size());
  if (failed) return 1;
  std::printf("In-sample: one combination chosen on all %zu datasets: %s\n", data.size(),
              Describe(grid, in_sample).c_str());
  std::printf("(combinations are written as their differences from MinerOptions' defaults)\n");
  std::printf("Leave-one-system-out: each dataset scored with the combination chosen on the "
              "others%s.\n\n",
              detect ? " (header detection, no formats)" : " (dataset formats)");
  std::printf("%-12s %6s %6s %6s %6s | %6s %6s %6s %6s   %s\n", "dataset", "GA", "PA", "FGA",
              "FTA", "GA", "PA", "FGA", "FTA", "chosen on the other nine");
  std::printf("%-12s %27s | %27s\n", "", "in-sample (best on all)", "held-out (LOSO)");
  double in_sum[4] = {0, 0, 0, 0}, out_sum[4] = {0, 0, 0, 0};
  std::map<std::vector<size_t>, int> wins;
  for (size_t d = 0; d < data.size(); ++d) {
    const std::vector<size_t> chosen = best_without(d);
    ++wins[chosen];
    const lm::AccuracyScores in = scores_of(in_sample)[d];
    const lm::AccuracyScores out = scores_of(chosen)[d];
    PrintRow(data[d].spec->name, in);
    std::printf(" | %6.3f %6.3f %6.3f %6.3f   %s\n", out.grouping_accuracy, out.parsing_accuracy,
                out.f1_grouping_accuracy, out.f1_template_accuracy,
                Describe(grid, chosen).c_str());
    const double in_v[4] = {in.grouping_accuracy, in.parsing_accuracy, in.f1_grouping_accuracy,
                            in.f1_template_accuracy};
    const double out_v[4] = {out.grouping_accuracy, out.parsing_accuracy,
                             out.f1_grouping_accuracy, out.f1_template_accuracy};
    for (int k = 0; k < 4; ++k) {
      in_sum[k] += in_v[k];
      out_sum[k] += out_v[k];
    }
  }
  const double n = static_cast<double>(data.size());
  std::printf("%-12s %6.3f %6.3f %6.3f %6.3f | %6.3f %6.3f %6.3f %6.3f\n", "average",
              in_sum[0] / n, in_sum[1] / n, in_sum[2] / n, in_sum[3] / n, out_sum[0] / n,
              out_sum[1] / n, out_sum[2] / n, out_sum[3] / n);
  std::printf("\nChosen by the folds:\n");
  for (auto& [c, count] : wins) {
    std::printf("  %2d of %zu folds: %s\n", count, data.size(), Describe(grid, c).c_str());
  }
  if (verbose) {
    std::vector<std::pair<double, std::vector<size_t>>> ranked;
    for (const auto& [combo, s] : memo) {
      double sum = 0;
      for (size_t d = 0; d < data.size(); ++d) sum += Objective(s[d]);
      ranked.emplace_back(sum / n, combo);
    }
    std::sort(ranked.rbegin(), ranked.rend());
    std::printf("\nBest combinations scored (of %zu), mean of GA and PA on all:\n", memo.size());
    for (size_t r = 0; r < std::min<size_t>(15, ranked.size()); ++r) {
      std::printf("  %.4f  %s\n", ranked[r].first, Describe(grid, ranked[r].second).c_str());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = "/work/shared/datasets/loghub-2k";
  std::string only;
  int show_errors = 0;
  int header_errors = -1;
  bool detect = false;  // ignore the formats: header detection only
  bool cv = false;
  bool verbose = false;
  bool mixed = false;  // all datasets interleaved in one file
  Params options;  // the one parameter set; flags exist to study the defaults
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--data") && i + 1 < argc) data_dir = argv[++i];
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--errors") && i + 1 < argc) show_errors = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--detect")) detect = true;
    else if (!std::strcmp(argv[i], "--header-errors") && i + 1 < argc) {
      header_errors = std::atoi(argv[++i]);
    }
    else if (!std::strcmp(argv[i], "--cv")) cv = true;
    else if (!std::strcmp(argv[i], "--verbose")) verbose = true;
    else if (!std::strcmp(argv[i], "--mixed")) mixed = true;
    else if (!std::strcmp(argv[i], "--set") && i + 1 < argc) {
      std::string assignment = argv[++i];
      size_t eq = assignment.find('=');
      bool known = false;
      for (const Axis& axis : Grid(true)) {
        if (eq != std::string::npos && assignment.substr(0, eq) == axis.name) {
          axis.set(&options, std::atof(assignment.c_str() + eq + 1));
          known = true;
        }
      }
      if (!known) {
        std::fprintf(stderr, "--set NAME=VALUE, NAME one of:");
        for (const Axis& axis : Grid(true)) std::fprintf(stderr, " %s", axis.name);
        std::fprintf(stderr, "\n");
        return 2;
      }
    }
  }
  std::vector<Loaded> data;
  data.reserve(std::size(kDatasets));
  for (const Dataset& d : kDatasets) {
    if (!only.empty() && only != d.name) continue;
    data.emplace_back();
    if (!Load(data_dir, d, &data.back())) return 1;
  }
  if (cv) return CrossValidate(data, detect, verbose);
  if (mixed) return Mixed(data, options, detect);

  std::printf("%-12s %6s %6s %6s %6s %6s %6s\n", "dataset", "GA", "PA", "FGA", "FTA", "#gt",
              "#pred");
  double sum[4] = {0, 0, 0, 0};
  std::vector<std::string> predicted;
  for (const Loaded& d : data) {
    size_t unfit = 0;
    if (!Mine(d, options, detect, &predicted, &unfit)) return 1;
    auto s = lm::Evaluate(d.truth, predicted);
    if (!s) return 1;
    PrintRow(d.spec->name, *s);
    std::printf(" %6zu %6zu%s\n", s->truth_templates, s->predicted_templates,
                unfit ? " (header mismatches)" : "");
    sum[0] += s->grouping_accuracy;
    sum[1] += s->parsing_accuracy;
    sum[2] += s->f1_grouping_accuracy;
    sum[3] += s->f1_template_accuracy;
    if (show_errors > 0) PrintErrors(d, predicted, show_errors);
    if (header_errors >= 0 && detect) PrintHeaderErrors(d, options, header_errors);
  }
  if (!data.empty()) {
    const double n = static_cast<double>(data.size());
    std::printf("%-12s %6.3f %6.3f %6.3f %6.3f\n", "average", sum[0] / n, sum[1] / n, sum[2] / n,
                sum[3] / n);
  }
  return 0;
}
