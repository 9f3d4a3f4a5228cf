// When a silence silences: plain windows, and maintenance schedules cut to their bounds.
#include "engine/silence_window.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace quell::engine {
namespace {

using model::SilenceActivity;
using model::SilenceState;

TimeMs T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

model::Silence Plain(TimeMs from, TimeMs to) {
  model::Silence silence;
  silence.matchers = {{"service", model::MatchOp::kEqual, "db"}};
  silence.starts_at = from;
  silence.ends_at = to;
  return silence;
}

// Sundays 02:00-04:00 in Berlin, within [from, to).
model::Silence SundayNights(TimeMs from = 0, TimeMs to = kMaxTimeMs) {
  model::Silence silence = Plain(from, to);
  silence.schedule = model::SilenceSchedule{"Europe/Berlin", {{6, 120, 2 * kHourMs}}};
  return silence;
}

TEST(SilenceWindow, APlainSilenceIsPendingActiveThenExpired) {
  const model::Silence silence = Plain(1000, 2000);
  EXPECT_EQ(*ActivityAt(silence, 999), (SilenceActivity{SilenceState::kPending, 1000, 2000}));
  EXPECT_EQ(*ActivityAt(silence, 1000), (SilenceActivity{SilenceState::kActive, 1000, 2000}));
  EXPECT_EQ(*ActivityAt(silence, 1999), (SilenceActivity{SilenceState::kActive, 1000, 2000}));
  EXPECT_EQ(*ActivityAt(silence, 2000), SilenceActivity{});
}

TEST(SilenceWindow, AScheduleIsActiveInsideItsWindowsAndPendingBetween) {
  const model::Silence silence = SundayNights();
  EXPECT_EQ(*ActivityAt(silence, T("2026-12-06T01:30:00Z")),
            (SilenceActivity{SilenceState::kActive, T("2026-12-06T01:00:00Z"),
                             T("2026-12-06T03:00:00Z")}));
  EXPECT_EQ(*ActivityAt(silence, T("2026-12-07T12:00:00Z")),
            (SilenceActivity{SilenceState::kPending, T("2026-12-13T01:00:00Z"),
                             T("2026-12-13T03:00:00Z")}));
}

TEST(SilenceWindow, TheBoundsCutTheWindows) {
  // Starting in the middle of a window: active from its start.
  const model::Silence late = SundayNights(T("2026-12-06T02:00:00Z"));
  EXPECT_EQ(*ActivityAt(late, T("2026-12-06T01:30:00Z")),
            (SilenceActivity{SilenceState::kPending, T("2026-12-06T02:00:00Z"),
                             T("2026-12-06T03:00:00Z")}));
  // Ending in the middle of one: that window is cut, none follows.
  const model::Silence cut = SundayNights(0, T("2026-12-06T02:00:00Z"));
  EXPECT_EQ(*ActivityAt(cut, T("2026-12-06T01:30:00Z")),
            (SilenceActivity{SilenceState::kActive, T("2026-12-06T01:00:00Z"),
                             T("2026-12-06T02:00:00Z")}));
  EXPECT_EQ(*ActivityAt(cut, T("2026-12-06T02:00:00Z")), SilenceActivity{});
  // Ending before the next window: expired between windows.
  const model::Silence done = SundayNights(0, T("2026-12-10T00:00:00Z"));
  EXPECT_EQ(*ActivityAt(done, T("2026-12-07T00:00:00Z")), SilenceActivity{});
}

TEST(SilenceWindow, AnUnknownZoneNamesTheField) {
  model::Silence silence = SundayNights();
  silence.schedule->time_zone = "Mars/Olympus";
  auto activity = ActivityAt(silence, 0);
  ASSERT_FALSE(activity.has_value());
  EXPECT_EQ(activity.error().field(), "schedule.time_zone");
}

}  // namespace
}  // namespace quell::engine
