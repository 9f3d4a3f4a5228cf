#include "common/time_format.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace quell {
namespace {

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

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
  int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
  int ms = static_cast<int>(t - secs * 1000);
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

Result<TimeMs> ParseRfc3339(std::string_view s) {
  auto bad = [&] { return Error(InvalidArgument("not an RFC 3339 timestamp")); };
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, pos, 4, year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, day))
    return bad();
  if (!(Expect(s, pos, 'T') || Expect(s, pos, 't') || Expect(s, pos, ' '))) return bad();
  if (!ReadDigits(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, minute) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, second))
    return bad();
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return bad();
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
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return secs * 1000 + millis;
}

TimeMs EpochNumberToMs(double value) {
  if (std::fabs(value) > 1e11) return static_cast<TimeMs>(value);
  return static_cast<TimeMs>(std::llround(value * 1000.0));
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

}  // namespace quell
