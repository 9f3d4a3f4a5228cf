// TimeZone: an IANA time zone from the system's database (/usr/share/zoneinfo, read by Howard
// Hinnant's date library, the model of C++20's <chrono> zones, which GCC 12's libstdc++ lacks).
// Converts between instants and wall-clock times. Cheap to copy; thread-safe (the database is
// loaded once and never changes while Quell runs).
//
// The system's zone files list transitions up to 2037; from 2038 on a zone keeps the offset it
// has then (the library does not read the files' rule for later years).
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace quell::oncall {

inline constexpr TimeMs kDayMs = 24 * kHourMs;

// Floor division (an instant may be before the origin it is counted from).
inline constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

class TimeZone {
 public:
  // The zone named `name` ("Europe/Berlin", "UTC"); InvalidArgument (no field: the caller names
  // it) for a name the database does not know.
  static Result<TimeZone> Find(std::string_view name);

  // The wall-clock time at `utc`, as milliseconds since 1970-01-01T00:00 on that wall clock.
  TimeMs ToLocal(TimeMs utc) const;
  // The instant the wall clock shows `local`. A time skipped by a change to summer time is
  // taken as if the clock had not changed yet (02:30 on the spring-forward day in Berlin is
  // 03:30 CEST); a time shown twice is its first occurrence.
  TimeMs FromLocal(TimeMs local) const;
  const std::string& name() const;

 private:
  explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}
  const date::time_zone* zone_;  // owned by the library's database, which lives forever
};

}  // namespace quell::oncall
