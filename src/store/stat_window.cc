#include "store/stat_window.h"

#include "common/clock.h"

namespace quell::store {
namespace {

// The first minute (since 1970) that starts at or after `t`.
int64_t MinuteAtOrAfter(TimeMs t) {
  const int64_t below = t / kMinuteMs;  // rounds toward zero
  return below * kMinuteMs >= t ? below : below + 1;
}

}  // namespace

Result<StatWindow> StatWindow::For(const StatsQuery& q) {
  if (q.bucket_ms <= 0 || q.until <= q.since)
    return Error(InvalidArgument("stats need since < until and a positive bucket"));
  return StatWindow(q, MinuteAtOrAfter(q.since), MinuteAtOrAfter(q.until));
}

StatWindow::StatWindow(const StatsQuery& q, int64_t since_minute, int64_t until_minute)
    : query_(q), since_minute_(since_minute), until_minute_(until_minute) {
  const int64_t n = (q.until - q.since + q.bucket_ms - 1) / q.bucket_ms;
  stats_.buckets.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    stats_.buckets[static_cast<size_t>(i)].start = q.since + i * q.bucket_ms;
}

void StatWindow::Add(const StatMinute& row) {
  if (row.minute < since_minute_) return;
  // Alerts seen in the window are those last seen at `since` or later, less those first seen
  // at `until` or later (an alert is never last seen before it was first seen): two sums over
  // the minutes from `since` on, with no row for each alert.
  stats_.distinct_alerts += row.alerts_last;
  stats_.alerts_received += row.received_last;
  if (row.minute >= until_minute_) {
    stats_.distinct_alerts -= row.alerts_first;
    stats_.alerts_received -= row.received_first;
    return;
  }
  stats_.incidents_opened += row.incidents;
  stats_.notifications_sent += row.notified;
  // The minute starts in [since, until): a bucket in range.
  StatsBucket& bucket = stats_.buckets[static_cast<size_t>(
      (row.minute * kMinuteMs - query_.since) / query_.bucket_ms)];
  bucket.alerts += row.received_first;
  bucket.incidents += row.incidents;
}

}  // namespace quell::store
