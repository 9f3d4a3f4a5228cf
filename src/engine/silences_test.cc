#include "engine/silences.h"

#include <gtest/gtest.h>

#include "../tests/test_store.h"
#include "common/time_format.h"
#include "engine/silence_window.h"

namespace quell::engine {
namespace {

using model::MatchOp;
using model::SilenceState;

class SilencesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = testing::OpenTestStore(dir_);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    clock_.Set(1'000'000'000'000);
    silences_ = std::make_unique<Silences>(*store_, clock_, 5 * kSecondMs);
  }

  model::Silence CheckSilence(TimeMs from, TimeMs to) {
    model::Silence silence;
    silence.matchers = {{"service", MatchOp::kRegex, "check.*"}};
    silence.starts_at = from;
    silence.ends_at = to;
    silence.created_by = "ana";
    return silence;
  }

  static model::NormalizedAlert AlertFor(const std::string& service) {
    model::NormalizedAlert alert;
    alert.service = service;
    return alert;
  }

  testing::TestDir dir_{"silences_test"};
  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  std::unique_ptr<Silences> silences_;
};

TEST_F(SilencesTest, CreatedSilenceMutesMatchingAlertsWhileActive) {
  const TimeMs now = clock_.Now();
  auto created = silences_->Create(CheckSilence(now, now + kHourMs));
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_FALSE(created->id.empty());
  EXPECT_EQ(created->created_at, now);
  EXPECT_EQ(silences_->SilencedBy(AlertFor("checkout"), now),
            std::vector<std::string>{created->id});
  EXPECT_TRUE(silences_->SilencedBy(AlertFor("xcheck"), now).empty());
  EXPECT_TRUE(silences_->SilencedBy(AlertFor("checkout"), now + kHourMs).empty());
}

TEST_F(SilencesTest, PendingSilenceStartsWithoutReload) {
  const TimeMs now = clock_.Now();
  auto created = silences_->Create(CheckSilence(now + kMinuteMs, now + kHourMs));
  ASSERT_TRUE(created);
  EXPECT_TRUE(silences_->SilencedBy(AlertFor("checkout"), now).empty());
  EXPECT_EQ(silences_->SilencedBy(AlertFor("checkout"), now + kMinuteMs).size(), 1u);
}

TEST_F(SilencesTest, ExpireEndsItNowAndListShowsIt) {
  const TimeMs now = clock_.Now();
  auto created = silences_->Create(CheckSilence(now, now + kHourMs));
  ASSERT_TRUE(created);
  clock_.Advance(kMinuteMs);
  auto expired = silences_->Expire(created->id);
  ASSERT_TRUE(expired) << expired.error().ToString();
  EXPECT_EQ(expired->ends_at, clock_.Now());
  EXPECT_TRUE(silences_->SilencedBy(AlertFor("checkout"), clock_.Now()).empty());
  auto listed = silences_->List();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(ActivityAt(listed->front(), clock_.Now())->state, SilenceState::kExpired);
  EXPECT_EQ(silences_->Expire("nope").error().code(), StatusCode::kNotFound);
}

TEST_F(SilencesTest, InvalidRegexIsRejectedAndNotStored) {
  auto silence = CheckSilence(clock_.Now(), clock_.Now() + kHourMs);
  silence.matchers[0].value = "(";
  auto created = silences_->Create(silence);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().field(), "matchers[0].value");
  EXPECT_TRUE(silences_->List()->empty());
}

TEST_F(SilencesTest, SilencesWrittenByAnotherNodeAreSeenAfterRefreshInterval) {
  Silences other_node(*store_, clock_);
  ASSERT_TRUE(silences_->Refresh().ok());
  auto created = other_node.Create(CheckSilence(clock_.Now(), clock_.Now() + kHourMs));
  ASSERT_TRUE(created);
  ASSERT_TRUE(silences_->RefreshIfStale().ok());
  EXPECT_TRUE(silences_->SilencedBy(AlertFor("checkout"), clock_.Now()).empty());
  clock_.Advance(5 * kSecondMs);
  ASSERT_TRUE(silences_->RefreshIfStale().ok());
  EXPECT_EQ(silences_->SilencedBy(AlertFor("checkout"), clock_.Now()).size(), 1u);
}

// A config-defined maintenance window: stored under its own id, rewritten only when it changed
// (its created_at kept), removed altogether by Delete.
TEST_F(SilencesTest, DefineReplacesByIdAndDeleteRemoves) {
  model::Silence window = CheckSilence(0, kMaxTimeMs);
  window.id = "weekly-db";
  window.schedule = model::SilenceSchedule{"UTC", {{6, 120, 2 * kHourMs}}};
  auto defined = silences_->Define(window);
  ASSERT_TRUE(defined) << defined.error().ToString();
  EXPECT_TRUE(*defined);
  const TimeMs created_at = silences_->List()->front().created_at;
  clock_.Advance(kHourMs);
  EXPECT_FALSE(*silences_->Define(window)) << "unchanged: nothing written";
  window.comment = "patching";
  EXPECT_TRUE(*silences_->Define(window));
  auto listed = silences_->List();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, "weekly-db");
  EXPECT_EQ(listed->front().comment, "patching");
  EXPECT_EQ(listed->front().created_at, created_at);
  window.schedule->time_zone = "Mars/Olympus";
  EXPECT_EQ(silences_->Define(window).error().field(), "schedule.time_zone");

  // Sunday 2001-09-09 02:30 UTC (the fixture's clock is 2001-09-09T01:46:40Z, a Sunday).
  clock_.Set(*ParseRfc3339("2001-09-09T02:30:00Z"));
  EXPECT_EQ(silences_->SilencedBy(AlertFor("checkout"), clock_.Now()),
            std::vector<std::string>{"weekly-db"});
  EXPECT_EQ(silences_->NextChange(clock_.Now()), *ParseRfc3339("2001-09-09T04:00:00Z"));
  ASSERT_TRUE(silences_->Delete("weekly-db").ok());
  EXPECT_TRUE(silences_->SilencedBy(AlertFor("checkout"), clock_.Now()).empty());
  EXPECT_TRUE(silences_->List()->empty());
  EXPECT_EQ(silences_->Delete("weekly-db").code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace quell::engine
