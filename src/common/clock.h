// Clock: the only source of "now" for domain logic, injectable so that grouping windows,
// escalation timers and retention are tested without sleeping.
//
// Times are milliseconds since the Unix epoch (UTC) in an int64: simple to store, compare and
// serialise. SystemClock is thread-safe; ManualClock is thread-safe too (atomic).
#pragma once

#include <atomic>
#include <cstdint>

namespace quell {

using TimeMs = int64_t;  // milliseconds since 1970-01-01T00:00:00Z

constexpr TimeMs kSecondMs = 1000;
constexpr TimeMs kMinuteMs = 60 * kSecondMs;
constexpr TimeMs kHourMs = 60 * kMinuteMs;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs Now() const = 0;
};

// Wall-clock time from the operating system.
class SystemClock final : public Clock {
 public:
  TimeMs Now() const override;
};

// A clock that moves only when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start = 1'700'000'000'000) : now_(start) {}
  TimeMs Now() const override { return now_.load(); }
  void Set(TimeMs t) { now_.store(t); }
  void Advance(TimeMs delta) { now_.fetch_add(delta); }

 private:
  std::atomic<TimeMs> now_;
};

}  // namespace quell
