#include "analysis/logmine/evaluator.h"

#include <string_view>
#include <unordered_map>

namespace quell::analysis::logmine {
namespace {

double F1(double precision, double recall) {
  return precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
}

}  // namespace

Result<AccuracyScores> Evaluate(const std::vector<std::string>& truth,
                                const std::vector<std::string>& predicted) {
  if (truth.size() != predicted.size()) {
    return Error(InvalidArgument("ground truth has " + std::to_string(truth.size()) +
                                 " lines but the prediction has " +
                                 std::to_string(predicted.size())));
  }
  // Lines with an empty ground-truth template are not scored.
  std::vector<size_t> kept;
  kept.reserve(truth.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    if (!truth[i].empty()) kept.push_back(i);
  }
  AccuracyScores s;
  s.lines = kept.size();
  if (kept.empty()) return s;

  std::unordered_map<std::string_view, size_t> truth_size, predicted_size;
  for (size_t i : kept) {
    ++truth_size[truth[i]];
    ++predicted_size[predicted[i]];
  }
  s.truth_templates = truth_size.size();
  s.predicted_templates = predicted_size.size();

  // Per ground-truth group: the one predicted template of its lines, or "" when they disagree.
  struct GroupState {
    std::string_view predicted;
    bool consistent = true;
  };
  std::unordered_map<std::string_view, GroupState> groups;
  // Per predicted template: does every line labelled with it have exactly that ground truth?
  std::unordered_map<std::string_view, bool> template_correct;
  size_t exact_lines = 0;
  for (size_t i : kept) {
    auto [it, inserted] = groups.try_emplace(truth[i], GroupState{predicted[i], true});
    if (!inserted && it->second.predicted != predicted[i]) it->second.consistent = false;
    if (predicted[i] == truth[i]) ++exact_lines;
    auto t = template_correct.try_emplace(predicted[i], true).first;
    if (truth[i] != predicted[i]) t->second = false;
  }

  size_t grouped_lines = 0;
  size_t grouped_clusters = 0;
  for (const auto& [gt, state] : groups) {
    size_t size = truth_size[gt];
    if (state.consistent && predicted_size[state.predicted] == size) {
      grouped_lines += size;
      ++grouped_clusters;
    }
  }
  size_t correct_templates = 0;
  for (const auto& [tpl, ok] : template_correct) correct_templates += ok ? 1 : 0;

  const double n = static_cast<double>(s.lines);
  s.grouping_accuracy = static_cast<double>(grouped_lines) / n;
  s.parsing_accuracy = static_cast<double>(exact_lines) / n;
  s.f1_grouping_accuracy =
      F1(static_cast<double>(grouped_clusters) / static_cast<double>(s.predicted_templates),
         static_cast<double>(grouped_clusters) / static_cast<double>(s.truth_templates));
  s.f1_template_accuracy =
      F1(static_cast<double>(correct_templates) / static_cast<double>(s.predicted_templates),
         static_cast<double>(correct_templates) / static_cast<double>(s.truth_templates));
  return s;
}

}  // namespace quell::analysis::logmine
