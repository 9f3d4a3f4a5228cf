// Similar past incidents: which resolved incidents look like this one, and how they were fixed.
// Pure: the caller gathers IncidentFeatures (from the store) and gets ranked matches.
//
// Score in [0, 1] = 0.5 x text similarity (cosine over IDF-weighted word sets of title, alert
// names and error messages with variable words masked) + 0.3 x service overlap (Jaccard)
// + 0.2 x shared stack fingerprints (Jaccard). Matches below min_score are dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace quell::analysis::similar {

struct IncidentFeatures {
  int64_t id = 0;
  std::string title;
  std::vector<std::string> services;
  std::vector<std::string> texts;               // alert names, error messages, log templates
  std::vector<std::string> stack_fingerprints;
  std::string resolution_note;                  // the note of the resolve action, if any
};

struct SimilarMatch {
  int64_t incident_id = 0;
  std::string title;
  double score = 0;
  std::string resolution_note;
  std::vector<std::string> reasons;  // "same services: api, redis", "shared words: pool, timeout"
};

// Ranks `past` by similarity to `target` (best first, at most `limit`). `target` itself is skipped.
std::vector<SimilarMatch> RankSimilar(const IncidentFeatures& target,
                                      const std::vector<IncidentFeatures>& past, size_t limit = 5,
                                      double min_score = 0.2);

// Lower-cased words of 2+ letters; words containing digits are dropped (ids, counts, times).
std::vector<std::string> Words(const std::string& text);

}  // namespace quell::analysis::similar
