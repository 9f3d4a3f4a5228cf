#include "oncall/time_zone.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace quell::oncall {
namespace {

TimeMs T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

TEST(TimeZone, ConvertsBothWaysWithTheOffsetInForce) {
  auto berlin = TimeZone::Find("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value()) << berlin.error().ToString();
  EXPECT_EQ(berlin->name(), "Europe/Berlin");
  // Winter: +01:00; summer: +02:00.
  EXPECT_EQ(berlin->ToLocal(T("2026-01-10T08:00:00Z")), T("2026-01-10T09:00:00Z"));
  EXPECT_EQ(berlin->ToLocal(T("2026-07-10T07:00:00Z")), T("2026-07-10T09:00:00Z"));
  EXPECT_EQ(berlin->FromLocal(T("2026-07-10T09:00:00Z")), T("2026-07-10T07:00:00Z"));
}

TEST(TimeZone, SkippedTimesComeAfterTheGapAndRepeatedOnesAtTheirFirstOccurrence) {
  auto ny = TimeZone::Find("America/New_York");
  ASSERT_TRUE(ny.has_value());
  // 2026-03-08 02:30 does not exist (02:00 -> 03:00): taken as 03:30 EDT.
  EXPECT_EQ(ny->FromLocal(T("2026-03-08T02:30:00Z")), T("2026-03-08T07:30:00Z"));
  // 2026-11-01 01:30 happens twice: first at EDT (-04:00).
  EXPECT_EQ(ny->FromLocal(T("2026-11-01T01:30:00Z")), T("2026-11-01T05:30:00Z"));
}

TEST(TimeZone, UnknownNamesAreInvalid) {
  for (const char* name : {"Mars/Olympus", "", "europe/berlin", "../../etc/passwd"}) {
    auto zone = TimeZone::Find(name);
    ASSERT_FALSE(zone.has_value()) << name;
    EXPECT_EQ(zone.error().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace quell::oncall
