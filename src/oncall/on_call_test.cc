#include "oncall/on_call.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/time_format.h"

namespace quell::oncall {
namespace {

using model::OnCall;
using model::Override;
using model::Schedule;
using model::ScheduleLayer;

TimeMs T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

constexpr TimeMs kDay = 24 * kHourMs;

Schedule OneLayer(const char* zone, std::vector<std::string> users, TimeMs rotation,
                  const char* handoff) {
  return Schedule{"primary", zone, {ScheduleLayer{std::move(users), rotation, T(handoff)}}};
}

OnCall At(const Schedule& schedule, TimeMs t, const std::vector<Override>& overrides = {}) {
  auto on_call = WhoIsOnCall(schedule, overrides, t);
  EXPECT_TRUE(on_call.has_value()) << on_call.error().ToString();
  return on_call.value_or(OnCall{});
}

OnCall Is(std::string user, const char* until) { return OnCall{std::move(user), T(until)}; }

TEST(WhoIsOnCall, UsersTakeTurnsFromTheHandoff) {
  const Schedule s =
      OneLayer("Europe/Berlin", {"ana", "bo", "cy"}, kDay, "2026-01-05T09:00:00+01:00");
  EXPECT_EQ(At(s, T("2026-01-05T08:00:00Z")), Is("ana", "2026-01-06T08:00:00Z"));
  EXPECT_EQ(At(s, T("2026-01-06T07:59:59.999Z")), Is("ana", "2026-01-06T08:00:00Z"));
  EXPECT_EQ(At(s, T("2026-01-06T08:00:00Z")), Is("bo", "2026-01-07T08:00:00Z"));
  EXPECT_EQ(At(s, T("2026-01-07T20:00:00Z")), Is("cy", "2026-01-08T08:00:00Z"));
  EXPECT_EQ(At(s, T("2026-01-08T08:00:00Z")), Is("ana", "2026-01-09T08:00:00Z"));
  // A year on: 365 days later is shift 365, 365 % 3 = 2.
  EXPECT_EQ(At(s, T("2027-01-05T08:30:00Z")).user, "cy");
}

TEST(WhoIsOnCall, NobodyBeforeTheFirstHandoff) {
  const Schedule s = OneLayer("UTC", {"ana", "bo"}, 7 * kDay, "2026-02-02T10:00:00Z");
  EXPECT_EQ(At(s, T("2026-02-01T00:00:00Z")), Is("", "2026-02-02T10:00:00Z"));
}

TEST(WhoIsOnCall, DailyHandoffStaysAtNineAcrossBerlinSummerTime) {
  // Summer time starts 2026-03-29 at 02:00 and ends 2026-10-25 at 03:00 in Berlin.
  const Schedule s = OneLayer("Europe/Berlin", {"ana", "bo"}, kDay, "2026-03-27T09:00:00+01:00");
  EXPECT_EQ(At(s, T("2026-03-28T12:00:00Z")), Is("bo", "2026-03-29T07:00:00Z"));  // 23 h shift
  EXPECT_EQ(At(s, T("2026-03-29T07:00:00Z")), Is("ana", "2026-03-30T07:00:00Z"));
  EXPECT_EQ(At(s, T("2026-10-24T12:00:00Z")).until, T("2026-10-25T08:00:00Z"));  // 25 h shift
  EXPECT_EQ(At(s, T("2026-10-25T08:00:00Z")).until, T("2026-10-26T08:00:00Z"));
}

TEST(WhoIsOnCall, WeeklyHandoffStaysAtTenAcrossNewYorkSummerTime) {
  // Summer time starts 2026-03-08 and ends 2026-11-01 in New York.
  const Schedule s =
      OneLayer("America/New_York", {"ana", "bo"}, 168 * kHourMs, "2026-03-02T10:00:00-05:00");
  EXPECT_EQ(At(s, T("2026-03-05T00:00:00Z")), Is("ana", "2026-03-09T14:00:00Z"));
  EXPECT_EQ(At(s, T("2026-03-09T14:00:00Z")), Is("bo", "2026-03-16T14:00:00Z"));
  EXPECT_EQ(At(s, T("2026-10-28T00:00:00Z")).until, T("2026-11-02T15:00:00Z"));
}

TEST(WhoIsOnCall, SubDayRotationsAreExactDurationsAcrossSummerTime) {
  const Schedule s =
      OneLayer("Europe/Berlin", {"ana", "bo"}, 12 * kHourMs, "2026-03-28T21:00:00+01:00");
  // 12 real hours after 21:00 CET is 10:00 CEST, not 09:00.
  EXPECT_EQ(At(s, T("2026-03-28T21:00:00Z")), Is("ana", "2026-03-29T08:00:00Z"));
}

TEST(WhoIsOnCall, HandoffAtATimeSkippedBySummerTimeComesAfterTheGap) {
  // 02:30 does not exist in Berlin on 2026-03-29: that shift starts at 03:30 CEST (01:30Z).
  const Schedule s = OneLayer("Europe/Berlin", {"ana", "bo"}, kDay, "2026-03-28T02:30:00+01:00");
  EXPECT_EQ(At(s, T("2026-03-28T12:00:00Z")), Is("ana", "2026-03-29T01:30:00Z"));
  EXPECT_EQ(At(s, T("2026-03-29T01:30:00Z")), Is("bo", "2026-03-30T00:30:00Z"));
}

TEST(WhoIsOnCall, ALaterLayerWinsWhereItHasSomeone) {
  Schedule s = OneLayer("UTC", {"ana", "bo"}, kDay, "2026-01-01T00:00:00Z");
  // Weekend cover from Saturday 2026-01-03: cy, then nobody until the next Saturday... modelled
  // as a one-person layer starting later.
  s.layers.push_back(ScheduleLayer{{"cy"}, 7 * kDay, T("2026-01-03T00:00:00Z")});
  EXPECT_EQ(At(s, T("2026-01-01T12:00:00Z")), Is("ana", "2026-01-02T00:00:00Z"));
  // bo's shift ends when cy's layer starts, and cy never hands over.
  EXPECT_EQ(At(s, T("2026-01-02T12:00:00Z")), Is("bo", "2026-01-03T00:00:00Z"));
  EXPECT_EQ(At(s, T("2026-01-10T12:00:00Z")), (OnCall{"cy", std::nullopt}));
}

TEST(WhoIsOnCall, EmptyLayersHaveNobody) {
  Schedule s = OneLayer("UTC", {}, kDay, "2026-01-01T00:00:00Z");
  EXPECT_EQ(At(s, T("2026-01-05T00:00:00Z")), (OnCall{"", std::nullopt}));
  // An empty later layer leaves the earlier one in force.
  s.layers.insert(s.layers.begin(), ScheduleLayer{{"ana", "bo"}, kDay, T("2026-01-01T00:00:00Z")});
  EXPECT_EQ(At(s, T("2026-01-05T00:00:00Z")), Is("ana", "2026-01-06T00:00:00Z"));
}

TEST(WhoIsOnCall, OneUserNeverHandsOver) {
  const Schedule s = OneLayer("UTC", {"ana"}, kHourMs, "2026-01-01T00:00:00Z");
  EXPECT_EQ(At(s, T("2026-06-01T00:00:00Z")), (OnCall{"ana", std::nullopt}));
}

class Overrides : public ::testing::Test {
 protected:
  const Schedule s_ = OneLayer("UTC", {"ana", "bo"}, kDay, "2026-01-01T09:00:00Z");
  Override Make(const char* id, const char* user, const char* starts, const char* ends,
                TimeMs created_at = 0) {
    return Override{id, "primary", user, T(starts), T(ends), "test", created_at};
  }
};

TEST_F(Overrides, InsideAShiftWinsForItsWindow) {
  const std::vector<Override> o = {
      Make("o1", "zed", "2026-01-01T12:00:00Z", "2026-01-01T14:00:00Z")};
  EXPECT_EQ(At(s_, T("2026-01-01T11:00:00Z"), o), Is("ana", "2026-01-01T12:00:00Z"));
  EXPECT_EQ(At(s_, T("2026-01-01T12:00:00Z"), o), Is("zed", "2026-01-01T14:00:00Z"));
  EXPECT_EQ(At(s_, T("2026-01-01T14:00:00Z"), o), Is("ana", "2026-01-02T09:00:00Z"));
}

TEST_F(Overrides, SpanningAHandoffHidesIt) {
  const std::vector<Override> o = {
      Make("o1", "zed", "2026-01-02T06:00:00Z", "2026-01-02T12:00:00Z")};
  EXPECT_EQ(At(s_, T("2026-01-02T08:00:00Z"), o), Is("zed", "2026-01-02T12:00:00Z"));
  EXPECT_EQ(At(s_, T("2026-01-02T12:00:00Z"), o), Is("bo", "2026-01-03T09:00:00Z"));
}

TEST_F(Overrides, OverlappingOnesTheLastCreatedWins) {
  const std::vector<Override> o = {
      Make("o2", "yan", "2026-01-01T13:00:00Z", "2026-01-01T15:00:00Z", 2),
      Make("o1", "zed", "2026-01-01T12:00:00Z", "2026-01-01T18:00:00Z", 1)};
  EXPECT_EQ(At(s_, T("2026-01-01T12:30:00Z"), o), Is("zed", "2026-01-01T13:00:00Z"));
  EXPECT_EQ(At(s_, T("2026-01-01T13:00:00Z"), o), Is("yan", "2026-01-01T15:00:00Z"));
  EXPECT_EQ(At(s_, T("2026-01-01T15:00:00Z"), o), Is("zed", "2026-01-01T18:00:00Z"));
}

TEST_F(Overrides, UntilLooksPastBoundariesThatKeepThePerson) {
  // The override names who is on call anyway: nothing changes at its edges.
  const std::vector<Override> o = {
      Make("o1", "ana", "2026-01-01T12:00:00Z", "2026-01-01T14:00:00Z")};
  EXPECT_EQ(At(s_, T("2026-01-01T10:00:00Z"), o), Is("ana", "2026-01-02T09:00:00Z"));
}

TEST_F(Overrides, OfOtherSchedulesAreIgnored) {
  Override other = Make("o1", "zed", "2026-01-01T12:00:00Z", "2026-01-01T14:00:00Z");
  other.schedule = "secondary";
  EXPECT_EQ(At(s_, T("2026-01-01T13:00:00Z"), {other}), Is("ana", "2026-01-02T09:00:00Z"));
}

TEST(WhoIsOnCall, AnUnknownTimeZoneIsAnErrorNamingIt) {
  const Schedule s = OneLayer("Mars/Olympus", {"ana"}, kDay, "2026-01-01T00:00:00Z");
  auto on_call = WhoIsOnCall(s, {}, T("2026-01-02T00:00:00Z"));
  ASSERT_FALSE(on_call.has_value());
  EXPECT_EQ(on_call.error().field(), "time_zone");
  EXPECT_TRUE(CheckTimeZone("Europe/Berlin", "time_zone").ok());
  EXPECT_EQ(CheckTimeZone("Europe/Atlantis", "tz").field(), "tz");
}

}  // namespace
}  // namespace quell::oncall
