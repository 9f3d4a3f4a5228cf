// ServiceLogMiner: online template mining of one service's log lines, for incident evidence.
//
// Each line is mined (TemplateMiner) and counted in a fixed-width time bucket of its template.
// Against a baseline (the buckets before a chosen time, or the state frozen by MarkBaseline) it
// answers which templates are new since the baseline and which are surging (rate in the recent
// window far above the baseline rate). A few sample lines are kept per template.
//
// Pure logic: time comes in as TimeMs arguments, nothing is stored or sent anywhere; a later
// layer feeds it from ingest and persists SaveState() per service. Memory is bounded: clusters
// by MinerOptions::max_clusters, buckets by `retention_buckets`, samples by `samples_per_template`.
// Thread-compatible (one owner, or external locking).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/logmine/template_miner.h"
#include "common/clock.h"
#include "common/status.h"

namespace quell::analysis::logmine {

struct ServiceMinerOptions {
  MinerOptions miner;
  TimeMs bucket_width = kMinuteMs;
  size_t retention_buckets = 24 * 60;  // buckets kept per template (one day of minutes)
  size_t samples_per_template = 3;
  // Surging: the window's lines after the baseline cut are significantly more than the
  // template's rate before the cut predicts (a one-sided Poisson test at this level, see
  // anomaly/rate_increase.h), so a template every service always writes stays quiet and a chatty
  // one that grows by half is seen.
  double surge_alpha = 1e-3;
  // When false the miner only matches known templates (match-only mode); lines that fit no
  // template are counted under id 0 ("unmatched").
  bool learn = true;
};

// One template's view for a window of time.
struct TemplateReport {
  uint64_t template_id = 0;
  std::string text;                  // the template, "<*>" for variables
  uint64_t total_count = 0;          // all lines since the miner started (within retention)
  uint64_t window_count = 0;         // lines in the queried window
  // The window's lines in kSeriesSlices equal slices of [from, to), oldest first (sparklines).
  static constexpr size_t kSeriesSlices = 24;
  std::vector<uint64_t> window_series;
  uint64_t baseline_count = 0;       // lines before the baseline cut
  uint64_t after_count = 0;          // lines of the window at or after the baseline cut
  TimeMs first_seen = 0;
  TimeMs last_seen = 0;
  bool is_new = false;               // never seen before the baseline cut
  bool is_surging = false;
  std::vector<std::string> samples;  // first lines seen, up to samples_per_template
};

class ServiceLogMiner {
 public:
  explicit ServiceLogMiner(ServiceMinerOptions options = {});

  // Mines one message (header already removed) seen at `time`. Returns its template id (0 when
  // unmatched in match-only mode).
  uint64_t Add(std::string_view message, TimeMs time);

  // Freezes "now" as the baseline: templates first seen after it are new.
  void MarkBaseline(TimeMs time) { baseline_end_ = time; }
  TimeMs baseline_end() const { return baseline_end_; }

  // Templates with lines in the buckets overlapping [from, to), the most frequent first; at most
  // `limit` (0 = all). Baseline counts use the whole buckets that ended by baseline_end().
  std::vector<TemplateReport> Report(TimeMs from, TimeMs to, size_t limit = 0) const;

  const TemplateMiner& miner() const { return miner_; }

  // Saves the miner and the per-template statistics as JSON; LoadState restores them.
  std::string SaveState() const;
  static Result<ServiceLogMiner> LoadState(std::string_view data, ServiceMinerOptions options);

 private:
  struct TemplateStats {
    std::map<TimeMs, uint64_t> buckets;  // bucket start -> count
    uint64_t total = 0;
    TimeMs first_seen = 0;
    TimeMs last_seen = 0;
    std::vector<std::string> samples;
  };

  TimeMs BucketOf(TimeMs t) const;

  ServiceMinerOptions options_;
  TemplateMiner miner_;
  std::unordered_map<uint64_t, TemplateStats> stats_;
  TimeMs baseline_end_ = 0;
};

}  // namespace quell::analysis::logmine
