// Accuracy metrics of a log parser against labelled ground truth (GA, PA, FGA, FTA).
//
// Definitions follow shared/reference/logparsing.md §5 (the Loghub-2.0 conventions): clusters are
// keyed by template *string* on both sides, lines with an empty ground-truth template are
// dropped, and lines are paired by position (the caller aligns them by LineId).
//   GA  = share of lines whose ground-truth group equals their predicted group exactly.
//   PA  = share of lines whose predicted template string equals the ground-truth one.
//   FGA = F1 of PGA = C/#predicted groups and RGA = C/#ground-truth groups, C = groups predicted
//         exactly.
//   FTA = F1 of PTA = T/#predicted templates and RTA = T/#ground-truth templates, where a
//         predicted template t is correct iff every line labelled t has ground-truth template t.
// Pure functions.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace quell::analysis::logmine {

struct AccuracyScores {
  double grouping_accuracy = 0;        // GA
  double parsing_accuracy = 0;         // PA
  double f1_grouping_accuracy = 0;     // FGA
  double f1_template_accuracy = 0;     // FTA
  size_t lines = 0;                    // lines scored (empty ground truth dropped)
  size_t truth_templates = 0;
  size_t predicted_templates = 0;
};

// Scores `predicted[i]` against `truth[i]`. Fails when the sizes differ.
Result<AccuracyScores> Evaluate(const std::vector<std::string>& truth,
                                const std::vector<std::string>& predicted);

}  // namespace quell::analysis::logmine
