#include "oncall/weekly_windows.h"

#include <algorithm>
#include <vector>

namespace quell::oncall {
namespace {

// 1970-01-01 (local day 0) was a Thursday; Monday is 0.
int WeekdayOfDay(int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

// Windows start up to 7 days before they end: look that far back, and a week ahead so that
// every weekday comes once more.
constexpr int64_t kDaysBack = 8;
constexpr int64_t kDaysAhead = 8;

}  // namespace

std::optional<Interval> WeeklyWindowAt(std::span<const model::WeeklyWindow> weekly,
                                       const TimeZone& zone, TimeMs t) {
  const int64_t today = FloorDiv(zone.ToLocal(t), kDayMs);
  std::vector<Interval> windows;
  for (int64_t day = today - kDaysBack; day <= today + kDaysAhead; ++day) {
    for (const model::WeeklyWindow& w : weekly) {
      if (w.weekday != WeekdayOfDay(day)) continue;
      const TimeMs start = zone.FromLocal(day * kDayMs + w.start_minute * kMinuteMs);
      windows.push_back({start, start + w.duration_ms});
    }
  }
  std::sort(windows.begin(), windows.end(),
            [](const Interval& a, const Interval& b) { return a.starts_at < b.starts_at; });
  std::optional<Interval> merged;
  for (const Interval& w : windows) {
    if (merged && w.starts_at <= merged->ends_at) {
      merged->ends_at = std::max(merged->ends_at, w.ends_at);
      continue;
    }
    if (merged && merged->ends_at > t) return merged;
    merged = w;
  }
  if (merged && merged->ends_at > t) return merged;
  return std::nullopt;
}

}  // namespace quell::oncall
