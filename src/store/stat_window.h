// StatWindow: Store::GetStats's arithmetic over counters by minute, shared by the backends. Each
// backend keeps a stat_minutes table up to date by triggers in the transaction that writes the
// rows counted (alerts by the minute first and last seen, incidents by the minute opened,
// 'notified' events by their minute) and feeds the rows from first_minute() on to Add.
//
// Every time is counted by the minute it falls in (UTC): the figures are what counting the rows
// themselves gives with each time rounded down to its minute. So a minute belongs to the window,
// and to the bucket, its first millisecond falls in; a window or bucket edge that cuts a minute
// takes none of it on the left and all of it on the right. With edges on whole minutes (and
// buckets of whole minutes) nothing is rounded. Not thread-safe (one per query).
#pragma once

#include <cstdint>

#include "common/status.h"
#include "store/store.h"

namespace quell::store {

// One row of stat_minutes.
struct StatMinute {
  int64_t minute = 0;          // minutes since 1970 (UTC)
  int64_t alerts_first = 0;    // alert rows first seen in the minute
  int64_t received_first = 0;  // the sum of their counts
  int64_t alerts_last = 0;     // alert rows last seen in the minute
  int64_t received_last = 0;   // the sum of their counts
  int64_t incidents = 0;       // incidents opened in the minute
  int64_t notified = 0;        // 'notified' events in the minute, with repeats
};

class StatWindow {
 public:
  // InvalidArgument unless since < until and bucket_ms > 0.
  static Result<StatWindow> For(const StatsQuery& query);

  // The rows needed are those with minute >= first_minute(), in any order.
  int64_t first_minute() const { return since_minute_; }
  void Add(const StatMinute& row);
  const NoiseStats& stats() const { return stats_; }

 private:
  StatWindow(const StatsQuery& query, int64_t since_minute, int64_t until_minute);

  StatsQuery query_;
  int64_t since_minute_ = 0;  // the first minute in the window
  int64_t until_minute_ = 0;  // the first minute after it
  NoiseStats stats_;
};

}  // namespace quell::store
