// Time values from the outside: RFC 3339 dates that do not exist and epoch numbers out of range
// are errors, never undefined behaviour (the sanitizer build checks float-to-integer casts).
#include "common/time_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace quell {
namespace {

TEST(ParseRfc3339Test, ValidTimestamps) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("2026-11-24T05:12:02.793Z"), 1795497122793);
  EXPECT_EQ(*ParseRfc3339("2026-11-24T07:12:02.793+02:00"), 1795497122793);
  EXPECT_EQ(*ParseRfc3339("2024-02-29T12:00:00Z"), 1709208000000);  // a leap year
  EXPECT_EQ(*ParseRfc3339("2000-02-29T00:00:00Z"), 951782400000);   // divisible by 400
  EXPECT_EQ(*ParseRfc3339("2026-12-31T23:59:60Z"), *ParseRfc3339("2027-01-01T00:00:00Z"));
  EXPECT_EQ(*ParseRfc3339("0000-01-01T00:00:00Z"), kMinTimeMs);
  EXPECT_EQ(*ParseRfc3339("9999-12-31T23:59:59.999Z"), kMaxTimeMs);
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-03-01T00:00:00-23:59")), "2026-03-01T23:59:00.000Z");
}

TEST(FormatRfc3339Test, MillisecondsInUtcAcrossTheWholeRange) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795497122793), "2026-11-24T05:12:02.793Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");  // before the epoch: floor, not trunc
  EXPECT_EQ(FormatRfc3339(951782400000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(kMinTimeMs), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(kMaxTimeMs), "9999-12-31T23:59:59.999Z");
}

TEST(ParseRfc3339Test, ImpossibleDatesAndTimesSayWhy) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c : {
           Case{"2026-02-31T00:00:00Z", "2026-02 has no day 31"},
           Case{"2026-02-29T00:00:00Z", "2026-02 has no day 29"},
           Case{"1900-02-29T00:00:00Z", "1900-02 has no day 29"},
           Case{"2026-04-31T00:00:00Z", "2026-04 has no day 31"},
           Case{"2026-01-00T00:00:00Z", "2026-01 has no day 00"},
           Case{"2026-13-01T00:00:00Z", "there is no month 13"},
           Case{"2026-00-01T00:00:00Z", "there is no month 00"},
           Case{"2026-01-01T24:00:00Z", "there is no hour 24"},
           Case{"2026-01-01T23:61:00Z", "there is no minute 61"},
           Case{"2026-01-01T23:59:61Z", "there is no second 61"},
           Case{"2026-01-01T00:00:00+24:00", "there is no offset +24:00"},
           Case{"2026-01-01T00:00:00-05:60", "there is no offset -05:60"},
           Case{"0000-01-01T00:00:00+00:01", "outside the years 0000 to 9999"},
       }) {
    auto parsed = ParseRfc3339(c.text);
    ASSERT_FALSE(parsed) << c.text;
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message().find(c.why), std::string::npos)
        << c.text << ": " << parsed.error().message();
  }
}

TEST(ParseRfc3339Test, SyntaxErrorsAreNotRfc3339) {
  for (const char* text : {"", "2026-01-01", "2026-01-01T00:00:00", "2026-1-01T00:00:00Z",
                           "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk", "24:61",
                           "2026-01-01T00:00:00+0100", "-001-01-01T00:00:00Z"}) {
    auto parsed = ParseRfc3339(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message(), kNotRfc3339) << text;
  }
}

TEST(EpochNumberToMsTest, SecondsAndMilliseconds) {
  EXPECT_EQ(*EpochNumberToMs(0), 0);
  EXPECT_EQ(*EpochNumberToMs(1795583522), 1795583522000);
  EXPECT_EQ(*EpochNumberToMs(1795583522.7935), 1795583522794);  // rounded to the millisecond
  EXPECT_EQ(*EpochNumberToMs(1795497122793), 1795497122793);    // above 1e11: milliseconds
  EXPECT_EQ(*EpochNumberToMs(1795497122793.9), 1795497122793);
  EXPECT_EQ(*EpochNumberToMs(-86400), -86400000);
  EXPECT_EQ(*EpochNumberToMs(1e11), 100000000000000);  // seconds: the year 5138
  EXPECT_EQ(*EpochNumberToMs(static_cast<double>(kMaxTimeMs)), kMaxTimeMs);
  EXPECT_EQ(*EpochNumberToMs(static_cast<double>(kMinTimeMs)), kMinTimeMs);
}

TEST(EpochNumberToMsTest, OutOfRangeAndNonFiniteAreErrors) {
  const double inf = std::numeric_limits<double>::infinity();
  for (double value : {-1e19, 1e19, 1e300, -1e300, 9.3e18, -9.3e18, 2.6e14, -1e11,
                       static_cast<double>(kMaxTimeMs) + 1, static_cast<double>(kMinTimeMs) - 1,
                       std::nan(""), inf, -inf, std::numeric_limits<double>::max(),
                       std::numeric_limits<double>::lowest()}) {
    auto ms = EpochNumberToMs(value);
    ASSERT_FALSE(ms) << value;
    EXPECT_EQ(ms.error().code(), StatusCode::kInvalidArgument);
    const std::string& why = ms.error().message();
    EXPECT_TRUE(why.find("outside the years 0000 to 9999") != std::string::npos ||
                why == "not a finite number")
        << value << ": " << why;
  }
}

TEST(ParseDurationTest, HugeDurationsAreErrors) {
  EXPECT_EQ(*ParseDuration("90s"), 90000);
  EXPECT_FALSE(ParseDuration("999999999999d"));
  EXPECT_FALSE(ParseDuration("-5s"));
}

TEST(FormatDurationTest, ReadsBackAsTheSameDuration) {
  EXPECT_EQ(FormatDuration(30 * kMinuteMs), "30m");
  EXPECT_EQ(FormatDuration(24 * kHourMs), "24h");
  EXPECT_EQ(FormatDuration(7 * 24 * kHourMs), "7d");
  EXPECT_EQ(FormatDuration(90 * kSecondMs), "90s");
  EXPECT_EQ(FormatDuration(1500), "1500ms");
  EXPECT_EQ(FormatDuration(0), "0s");
  for (TimeMs d : {TimeMs{0}, TimeMs{1}, TimeMs{999}, kSecondMs, 61 * kSecondMs, 25 * kHourMs,
                   48 * kHourMs, 49 * kHourMs, kMaxDurationMs})
    EXPECT_EQ(*ParseDuration(FormatDuration(d)), d) << d;
}

}  // namespace
}  // namespace quell
