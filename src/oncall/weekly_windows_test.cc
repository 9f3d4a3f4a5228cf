// Weekly maintenance windows at fixed instants: DST spring and fall in Europe/Berlin and
// America/New_York, windows crossing midnight and the end of the week, merging.
#include "oncall/weekly_windows.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace quell::oncall {
namespace {

TimeMs T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

model::WeeklyWindow W(int weekday, int hour, int minute, TimeMs duration) {
  return {weekday, hour * 60 + minute, duration};
}

constexpr int kMon = 0, kSat = 5, kSun = 6;

class WeeklyWindowsTest : public ::testing::Test {
 protected:
  std::optional<Interval> At(const std::vector<model::WeeklyWindow>& weekly, const char* zone,
                             const char* t) {
    auto tz = TimeZone::Find(zone);
    EXPECT_TRUE(tz.has_value());
    return WeeklyWindowAt(weekly, *tz, T(t));
  }
  static Interval I(const char* from, const char* to) { return {T(from), T(to)}; }
};

TEST_F(WeeklyWindowsTest, BerlinSundayTwoAmInWinterAndSummer) {
  const std::vector weekly = {W(kSun, 2, 0, 2 * kHourMs)};
  // Winter (CET, +01:00): 02:00-04:00 local is 01:00-03:00Z.
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-03-22T01:30:00Z"),
            I("2026-03-22T01:00:00Z", "2026-03-22T03:00:00Z"));
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-03-22T00:59:59Z"),
            I("2026-03-22T01:00:00Z", "2026-03-22T03:00:00Z"))
      << "before it: the next one";
  // Summer (CEST, +02:00): 00:00-02:00Z.
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-04-05T01:59:59Z"),
            I("2026-04-05T00:00:00Z", "2026-04-05T02:00:00Z"));
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-04-05T02:00:00Z"),
            I("2026-04-12T00:00:00Z", "2026-04-12T02:00:00Z"))
      << "at its end: next week's";
}

TEST_F(WeeklyWindowsTest, BerlinSpringForwardSkipsTheStartToAnHourLater) {
  // 2026-03-29: 02:00 CET becomes 03:00 CEST. 02:00 never shows: the window starts at 03:00
  // CEST (01:00Z) and lasts two real hours.
  const std::vector weekly = {W(kSun, 2, 0, 2 * kHourMs)};
  const Interval spring = I("2026-03-29T01:00:00Z", "2026-03-29T03:00:00Z");
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-03-28T12:00:00Z"), spring);
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-03-29T02:59:59Z"), spring);
  // After it, the next Sunday is in summer time.
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-03-29T03:00:00Z"),
            I("2026-04-05T00:00:00Z", "2026-04-05T02:00:00Z"));
}

TEST_F(WeeklyWindowsTest, BerlinFallBackStartsAtTheFirstOccurrence) {
  // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 shows twice, first at 00:30Z.
  const std::vector weekly = {W(kSun, 2, 30, kHourMs)};
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-10-24T22:00:00Z"),
            I("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"));
  // The second 02:30 (01:30Z) is not a window of its own.
  EXPECT_EQ(At(weekly, "Europe/Berlin", "2026-10-25T01:30:00Z"),
            I("2026-11-01T01:30:00Z", "2026-11-01T02:30:00Z"));
}

TEST_F(WeeklyWindowsTest, NewYorkSpringAndFall) {
  // 2026-03-08: 02:00 EST becomes 03:00 EDT; 02:30 is skipped: 03:30 EDT (07:30Z).
  const std::vector spring = {W(kSun, 2, 30, kHourMs)};
  EXPECT_EQ(At(spring, "America/New_York", "2026-03-01T08:00:00Z"),
            I("2026-03-01T07:30:00Z", "2026-03-01T08:30:00Z"))
      << "EST, -05:00";
  EXPECT_EQ(At(spring, "America/New_York", "2026-03-08T00:00:00Z"),
            I("2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"));
  EXPECT_EQ(At(spring, "America/New_York", "2026-03-08T08:30:00Z"),
            I("2026-03-15T06:30:00Z", "2026-03-15T07:30:00Z"))
      << "EDT, -04:00";
  // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 shows twice, first at 05:30Z.
  const std::vector fall = {W(kSun, 1, 30, kHourMs)};
  EXPECT_EQ(At(fall, "America/New_York", "2026-11-01T05:45:00Z"),
            I("2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"));
  EXPECT_EQ(At(fall, "America/New_York", "2026-11-01T06:30:00Z"),
            I("2026-11-08T06:30:00Z", "2026-11-08T07:30:00Z"));
}

TEST_F(WeeklyWindowsTest, AWindowCrossingMidnightIsFoundFromTheNextDay) {
  // Saturday 23:00 for 3h: until Sunday 02:00.
  const std::vector weekly = {W(kSat, 23, 0, 3 * kHourMs)};
  const Interval window = I("2026-12-05T23:00:00Z", "2026-12-06T02:00:00Z");
  EXPECT_EQ(At(weekly, "UTC", "2026-12-06T01:59:00Z"), window);
  EXPECT_EQ(At(weekly, "UTC", "2026-12-05T22:00:00Z"), window);
}

TEST_F(WeeklyWindowsTest, WindowsAcrossTheEndOfTheWeekThatOverlapAreOne) {
  // Sunday 22:00 for 4h and Monday 01:00 for 1h: Sunday 22:00 to Monday 02:00.
  const std::vector weekly = {W(kMon, 1, 0, kHourMs), W(kSun, 22, 0, 4 * kHourMs)};
  const Interval merged = I("2026-12-06T22:00:00Z", "2026-12-07T02:00:00Z");
  EXPECT_EQ(At(weekly, "UTC", "2026-12-07T01:30:00Z"), merged);
  EXPECT_EQ(At(weekly, "UTC", "2026-12-06T12:00:00Z"), merged);
  EXPECT_EQ(At(weekly, "UTC", "2026-12-07T02:00:00Z"),
            I("2026-12-13T22:00:00Z", "2026-12-14T02:00:00Z"));
  // Touching windows join too: Monday 02:00 for 1h extends it to 03:00.
  const std::vector touching = {W(kSun, 22, 0, 4 * kHourMs), W(kMon, 2, 0, kHourMs)};
  EXPECT_EQ(At(touching, "UTC", "2026-12-07T01:30:00Z"),
            I("2026-12-06T22:00:00Z", "2026-12-07T03:00:00Z"));
}

TEST_F(WeeklyWindowsTest, AWeekLongWindowAndNoWindows) {
  // Seven days from Monday 00:00: back to back, one window that never ends (cut a week ahead).
  const std::vector week = {W(kMon, 0, 0, 7 * 24 * kHourMs)};
  auto window = At(week, "UTC", "2026-12-10T00:00:00Z");
  ASSERT_TRUE(window.has_value());
  EXPECT_LE(window->starts_at, T("2026-12-10T00:00:00Z"));
  EXPECT_GT(window->ends_at, T("2026-12-16T00:00:00Z"));
  EXPECT_EQ(At({}, "UTC", "2026-12-10T00:00:00Z"), std::nullopt);
}

// Windows that chain for weeks (a 7-day window each Sunday, with a Saturday window bridging the
// hour the fall-back change opens) are one window up to the reach given, the same seen from any
// instant inside it; found by the maintenance fuzzer, where the window was cut a week after the
// instant it was seen from.
TEST_F(WeeklyWindowsTest, AChainOfWeeksIsFollowedUpToTheReach) {
  const std::vector weekly = {W(kSat, 23, 0, 3 * kHourMs), W(kSun, 1, 30, 7 * kDayMs)};
  auto tz = TimeZone::Find("America/New_York");
  ASSERT_TRUE(tz.has_value());
  const Interval reach = I("2026-10-30T00:00:00Z", "2026-11-20T00:00:00Z");
  for (const char* seen_from : {"2026-10-30T00:00:00Z", "2026-11-01T05:45:00Z",
                                "2026-11-10T12:00:00Z", "2026-11-19T23:59:59Z"}) {
    auto window = WeeklyWindowAt(weekly, *tz, T(seen_from), reach);
    ASSERT_TRUE(window.has_value()) << seen_from;
    EXPECT_LE(window->starts_at, reach.starts_at) << seen_from;
    EXPECT_GE(window->ends_at, reach.ends_at) << seen_from;
  }
  // Without a reach, as before: cut about a week after the instant.
  auto cut = WeeklyWindowAt(weekly, *tz, T("2026-10-30T00:00:00Z"));
  ASSERT_TRUE(cut.has_value());
  EXPECT_LT(cut->ends_at, reach.ends_at);
  // A chain that breaks before the reach ends there, seen from either side of the break.
  const std::vector once = {W(kSun, 1, 30, 2 * kDayMs), W(kMon, 23, 0, 2 * kHourMs)};
  const Interval wide = I("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
  auto early = WeeklyWindowAt(once, *tz, T("2026-11-08T07:00:00Z"), wide);
  auto late = WeeklyWindowAt(once, *tz, T("2026-11-10T05:00:00Z"), wide);
  ASSERT_TRUE(early.has_value() && late.has_value());
  EXPECT_EQ(*early, *late);
  EXPECT_EQ(*early, I("2026-11-08T06:30:00Z", "2026-11-10T06:30:00Z"));
}

}  // namespace
}  // namespace quell::oncall
