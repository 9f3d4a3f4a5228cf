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

// A window starts at most this long after its local day's midnight maps to (a day and the
// hour a summer-time change shifts), and lasts at most a week (model/silence_json.cc).
constexpr TimeMs kDayReachMs = kDayMs + 2 * kHourMs;
constexpr TimeMs kLongestWindowMs = 7 * kDayMs;

// The windows that start on local day `day`, in the order they start.
std::vector<Interval> WindowsOfDay(std::span<const model::WeeklyWindow> weekly,
                                   const TimeZone& zone, int64_t day) {
  std::vector<Interval> windows;
  for (const model::WeeklyWindow& w : weekly) {
    if (w.weekday != WeekdayOfDay(day)) continue;
    const TimeMs start = zone.FromLocal(day * kDayMs + w.start_minute * kMinuteMs);
    windows.push_back({start, start + w.duration_ms});
  }
  std::sort(windows.begin(), windows.end(),
            [](const Interval& a, const Interval& b) { return a.starts_at < b.starts_at; });
  return windows;
}

// Follows `window` over the days before `first_day` and after `last_day` while windows touch
// it, up to `reach`.
void FollowChain(std::span<const model::WeeklyWindow> weekly, const TimeZone& zone,
                 int64_t first_day, int64_t last_day, const Interval& reach, Interval& window) {
  for (int64_t day = last_day + 1; window.ends_at < reach.ends_at; ++day) {
    if (zone.FromLocal(day * kDayMs) - 2 * kHourMs > window.ends_at) break;  // all start later
    for (const Interval& w : WindowsOfDay(weekly, zone, day))
      if (w.starts_at <= window.ends_at) window.ends_at = std::max(window.ends_at, w.ends_at);
  }
  for (int64_t day = first_day - 1; window.starts_at > reach.starts_at; --day) {
    if (zone.FromLocal(day * kDayMs) + kDayReachMs + kLongestWindowMs < window.starts_at)
      break;  // all end before it
    std::vector<Interval> windows = WindowsOfDay(weekly, zone, day);
    for (auto w = windows.rbegin(); w != windows.rend(); ++w)
      if (w->ends_at >= window.starts_at)
        window.starts_at = std::min(window.starts_at, w->starts_at);
  }
}

}  // namespace

std::optional<Interval> WeeklyWindowAt(std::span<const model::WeeklyWindow> weekly,
                                       const TimeZone& zone, TimeMs t,
                                       std::optional<Interval> reach) {
  const int64_t today = FloorDiv(zone.ToLocal(t), kDayMs);
  std::vector<Interval> windows;
  for (int64_t day = today - kDaysBack; day <= today + kDaysAhead; ++day) {
    const std::vector<Interval> of_day = WindowsOfDay(weekly, zone, day);
    windows.insert(windows.end(), of_day.begin(), of_day.end());
  }
  std::sort(windows.begin(), windows.end(),
            [](const Interval& a, const Interval& b) { return a.starts_at < b.starts_at; });
  std::optional<Interval> merged;
  for (const Interval& w : windows) {
    if (merged && w.starts_at <= merged->ends_at) {
      merged->ends_at = std::max(merged->ends_at, w.ends_at);
      continue;
    }
    if (merged && merged->ends_at > t) break;
    merged = w;
  }
  if (!merged || merged->ends_at <= t) return std::nullopt;
  if (reach) FollowChain(weekly, zone, today - kDaysBack, today + kDaysAhead, *reach, *merged);
  return merged;
}

}  // namespace quell::oncall
