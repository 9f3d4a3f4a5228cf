#include "analysis/logmine/service_log_miner.h"

#include <algorithm>
#include <tuple>

#include "analysis/anomaly/rate_increase.h"

namespace quell::analysis::logmine {

ServiceLogMiner::ServiceLogMiner(ServiceMinerOptions options)
    : options_(options), miner_(options.miner) {
  if (options_.bucket_width <= 0) options_.bucket_width = kMinuteMs;
  options_.retention_buckets = std::max<size_t>(options_.retention_buckets, 1);
}

TimeMs ServiceLogMiner::BucketOf(TimeMs t) const {
  // Floor division, also for times before the epoch.
  TimeMs q = t / options_.bucket_width;
  if (t % options_.bucket_width < 0) --q;
  return q * options_.bucket_width;
}

uint64_t ServiceLogMiner::Add(std::string_view message, TimeMs time) {
  uint64_t id = 0;
  if (options_.learn) {
    id = miner_.Add(message).cluster_id;
  } else {
    id = miner_.Match(message).value_or(0);
  }
  TemplateStats& s = stats_[id];
  if (s.total == 0 || time < s.first_seen) s.first_seen = time;
  if (s.total == 0 || time > s.last_seen) s.last_seen = time;
  ++s.total;
  ++s.buckets[BucketOf(time)];
  while (s.buckets.size() > options_.retention_buckets) s.buckets.erase(s.buckets.begin());
  if (s.samples.size() < options_.samples_per_template) s.samples.emplace_back(message);

  // Statistics of evicted clusters would otherwise pile up: drop them once they outnumber the
  // live clusters (merged clusters stay, their counts are folded in at report time).
  if (stats_.size() > 2 * miner_.cluster_count() + 1024) {
    for (auto it = stats_.begin(); it != stats_.end();) {
      if (it->first != 0 && miner_.Find(it->first) == nullptr) {
        it = stats_.erase(it);
      } else {
        ++it;
      }
    }
  }
  return id;
}

std::vector<TemplateReport> ServiceLogMiner::Report(TimeMs from, TimeMs to, size_t limit) const {
  // Fold statistics of merged clusters into their survivors.
  std::unordered_map<uint64_t, std::vector<std::pair<uint64_t, const TemplateStats*>>> parts;
  TimeMs service_start = 0;
  bool any = false;
  for (const auto& [id, s] : stats_) {
    const Cluster* c = id == 0 ? nullptr : miner_.Find(id);
    if (id != 0 && c == nullptr) continue;  // evicted
    uint64_t key = c == nullptr ? 0 : c->id;
    parts[key].emplace_back(id, &s);
    if (!any || s.first_seen < service_start) service_start = s.first_seen;
    any = true;
  }
  const TimeMs width = options_.bucket_width;
  auto buckets_in = [&](TimeMs a, TimeMs b) {
    return b <= a ? 1.0 : std::max(1.0, static_cast<double>((BucketOf(b - 1) - BucketOf(a)) / width + 1));
  };
  const double after_buckets = buckets_in(std::max(from, baseline_end_), to);
  const double baseline_buckets = buckets_in(service_start, baseline_end_);

  std::vector<TemplateReport> out;
  for (auto& [key, stats] : parts) {
    // A merged template's parts in the order their lines were first seen (not hash order), so
    // that its samples are its first lines, the same before and after a restart.
    std::sort(stats.begin(), stats.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second->first_seen, a.first) < std::tie(b.second->first_seen, b.first);
    });
    TemplateReport r;
    r.template_id = key;
    r.window_series.assign(TemplateReport::kSeriesSlices, 0);
    const Cluster* c = key == 0 ? nullptr : miner_.Find(key);
    r.text = c == nullptr ? "(unmatched)" : c->Template();
    bool first = true;
    for (const auto& part : stats) {
      const TemplateStats* s = part.second;
      r.total_count += s->total;
      r.first_seen = first ? s->first_seen : std::min(r.first_seen, s->first_seen);
      r.last_seen = first ? s->last_seen : std::max(r.last_seen, s->last_seen);
      first = false;
      for (auto it = s->buckets.lower_bound(BucketOf(from)); it != s->buckets.end() && it->first < to;
           ++it) {
        r.window_count += it->second;
        if (it->first >= baseline_end_) r.after_count += it->second;
        // A bucket starting before `from` (the window begins inside it) goes to the first slice.
        const TimeMs offset = std::max<TimeMs>(0, it->first - from);
        const size_t slice = to > from ? static_cast<size_t>(offset * static_cast<TimeMs>(TemplateReport::kSeriesSlices) /
                                                             (to - from))
                                       : 0;
        r.window_series[std::min(slice, TemplateReport::kSeriesSlices - 1)] += it->second;
      }
      // The baseline holds whole buckets that ended by the cut.
      for (auto it = s->buckets.begin();
           it != s->buckets.end() && it->first + width <= baseline_end_; ++it) {
        r.baseline_count += it->second;
      }
      for (const auto& line : s->samples) {
        if (r.samples.size() < options_.samples_per_template) r.samples.push_back(line);
      }
    }
    if (r.window_count == 0) continue;
    r.is_new = baseline_end_ > 0 && r.first_seen >= baseline_end_;
    r.is_surging = !r.is_new && baseline_end_ > 0 && r.after_count > 0 &&
                   anomaly::SignificantIncrease(r.after_count, after_buckets * width / 60000.0,
                                                r.baseline_count, baseline_buckets * width / 60000.0,
                                                options_.surge_alpha);
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const TemplateReport& a, const TemplateReport& b) {
    if (a.window_count != b.window_count) return a.window_count > b.window_count;
    return a.template_id < b.template_id;
  });
  if (limit > 0 && out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace quell::analysis::logmine
