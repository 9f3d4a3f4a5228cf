#include "store/sqlite/stat_minutes.h"

#include "common/clock.h"

namespace quell::store {
namespace {

// The first minute (since 1970) that starts at or after `t`.
int64_t MinuteAtOrAfter(TimeMs t) {
  const int64_t below = t / kMinuteMs;  // rounds toward zero
  return below * kMinuteMs >= t ? below : below + 1;
}

}  // namespace

Result<NoiseStats> QueryStatMinutes(SqliteDb& db, const StatsQuery& q) {
  if (q.bucket_ms <= 0 || q.until <= q.since)
    return Error(InvalidArgument("stats need since < until and a positive bucket"));
  const int64_t since = MinuteAtOrAfter(q.since);  // the first minute in the window
  const int64_t until = MinuteAtOrAfter(q.until);  // the first minute after it
  NoiseStats out;
  const int64_t n = (q.until - q.since + q.bucket_ms - 1) / q.bucket_ms;
  out.buckets.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.buckets[static_cast<size_t>(i)].start = q.since + i * q.bucket_ms;

  // Alerts seen in the window are those last seen at `since` or later, less those first seen
  // at `until` or later (an alert is never last seen before it was first seen): two sums over
  // the minutes from `since` on, with no row for each alert.
  QUELL_ASSIGN_OR_RETURN(auto* s, db.Prepare("SELECT minute, alerts_first, received_first, "
                                             "alerts_last, received_last, incidents, notified "
                                             "FROM stat_minutes WHERE minute >= ?1 ORDER BY minute"));
  s->Bind(1, since);
  for (;;) {
    QUELL_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    const int64_t minute = s->Int(0);
    out.distinct_alerts += s->Int(3);
    out.alerts_received += s->Int(4);
    if (minute >= until) {
      out.distinct_alerts -= s->Int(1);
      out.alerts_received -= s->Int(2);
      continue;
    }
    out.incidents_opened += s->Int(5);
    out.notifications_sent += s->Int(6);
    // The minute starts in [q.since, q.until): a bucket in range.
    StatsBucket& bucket =
        out.buckets[static_cast<size_t>((minute * kMinuteMs - q.since) / q.bucket_ms)];
    bucket.alerts += s->Int(2);
    bucket.incidents += s->Int(5);
  }
  return out;
}

}  // namespace quell::store
