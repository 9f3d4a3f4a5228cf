#include "common/time_format.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

// Calendar arithmetic is C++20's <chrono> (year_month_day, sys_days, hh_mm_ss: Howard Hinnant's
// date library, standardised); only the text is read and written here.
namespace quell {
namespace {

namespace chrono = std::chrono;

bool ReadDigits(std::string_view s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += count;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::string FormatRfc3339(TimeMs t) {
  const chrono::sys_time<chrono::milliseconds> time{chrono::milliseconds(t)};
  const chrono::sys_days day = chrono::floor<chrono::days>(time);
  const chrono::year_month_day date{day};
  const chrono::hh_mm_ss clock{time - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z",
                     static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()), clock.hours().count(),
                     clock.minutes().count(), clock.seconds().count(),
                     clock.subseconds().count());
}

Result<TimeMs> ParseRfc3339(std::string_view s) {
  auto bad = [&] { return Error(InvalidArgument(std::string(kNotRfc3339))); };
  auto impossible = [&](const std::string& why) {
    return Error(InvalidArgument("not a real date and time: " + why));
  };
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, pos, 4, year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, day))
    return bad();
  if (!(Expect(s, pos, 'T') || Expect(s, pos, 't') || Expect(s, pos, ' '))) return bad();
  if (!ReadDigits(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, minute) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, second))
    return bad();
  const chrono::year_month_day date{chrono::year(year), chrono::month(static_cast<unsigned>(month)),
                                    chrono::day(static_cast<unsigned>(day))};
  if (!date.month().ok()) return impossible(fmt::format("there is no month {:02d}", month));
  if (!date.ok())
    return impossible(fmt::format("{:04d}-{:02d} has no day {:02d}", year, month, day));
  if (hour > 23) return impossible(fmt::format("there is no hour {:02d}", hour));
  if (minute > 59) return impossible(fmt::format("there is no minute {:02d}", minute));
  // 60 is a leap second (RFC 3339 allows it; it counts as the next minute's first).
  if (second > 60) return impossible(fmt::format("there is no second {:02d}", second));
  int64_t millis = 0;
  if (Expect(s, pos, '.')) {
    int digits = 0;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) return bad();
  }
  int64_t offset_min = 0;
  if (Expect(s, pos, 'Z') || Expect(s, pos, 'z')) {
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om))
      return bad();
    if (oh > 23 || om > 59)
      return impossible(fmt::format("there is no offset {}{:02d}:{:02d}", sign < 0 ? '-' : '+',
                                    oh, om));
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  const int64_t days = chrono::sys_days(date).time_since_epoch().count();
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  const TimeMs t = secs * 1000 + millis;
  // 0000-01-01T00:30:00+01:00 is the year before.
  if (t < kMinTimeMs || t > kMaxTimeMs) return impossible("outside the years 0000 to 9999");
  return t;
}

Result<TimeMs> EpochNumberToMs(double value) {
  // Every comparison below is false for NaN: test finiteness first. Converting a double outside
  // int64's range to an integer is undefined behaviour, so the range is checked on the double.
  if (!std::isfinite(value)) return Error(InvalidArgument("not a finite number"));
  const bool in_ms = std::fabs(value) > 1e11;
  const double ms = in_ms ? std::trunc(value) : std::round(value * 1000.0);
  if (!(ms >= static_cast<double>(kMinTimeMs) && ms <= static_cast<double>(kMaxTimeMs)))
    return Error(InvalidArgument(fmt::format(
        "{} is outside the years 0000 to 9999 (epoch seconds, or milliseconds above 1e11)",
        value)));
  return static_cast<TimeMs>(ms);
}

Result<TimeMs> ParseDuration(std::string_view text) {
  const auto bad = [&](const char* hint) {
    return Error(InvalidArgument("'" + std::string(text) + "' is not a duration" + hint));
  };
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  int64_t n = 0;
  if (digits == 0 || digits > 12 ||
      std::from_chars(text.data(), text.data() + digits, n).ec != std::errc())
    return bad("");
  std::string_view unit = text.substr(digits);
  const TimeMs scale = unit.empty() || unit == "s" ? kSecondMs
                       : unit == "ms"              ? 1
                       : unit == "m"               ? kMinuteMs
                       : unit == "h"               ? kHourMs
                       : unit == "d"               ? 24 * kHourMs
                                                   : 0;
  if (scale == 0) return bad(" (use ms, s, m, h or d)");
  // Durations come from HTTP requests too: "999999999999d" must be an error, not an overflow.
  if (n > kMaxDurationMs / scale) return bad(" (at most 100 years)");
  return n * scale;
}

std::string FormatDuration(TimeMs d) {
  constexpr TimeMs kDayMs = 24 * kHourMs;
  if (d >= 2 * kDayMs && d % kDayMs == 0) return std::to_string(d / kDayMs) + "d";
  if (d == 0) return "0s";
  for (auto [scale, unit] : {std::pair{kHourMs, "h"}, {kMinuteMs, "m"}, {kSecondMs, "s"}})
    if (d % scale == 0) return std::to_string(d / scale) + unit;
  return std::to_string(d) + "ms";
}

}  // namespace quell
