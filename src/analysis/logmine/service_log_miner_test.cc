#include "analysis/logmine/service_log_miner.h"

#include <gtest/gtest.h>

namespace quell::analysis::logmine {
namespace {

constexpr TimeMs kT0 = 1'700'000'040'000;  // a whole minute

const TemplateReport* Find(const std::vector<TemplateReport>& reports, std::string_view text) {
  for (const auto& r : reports) {
    if (r.text == text) return &r;
  }
  return nullptr;
}

TEST(ServiceLogMinerTest, FlagsNewAndSurgingTemplatesAgainstTheBaseline) {
  ServiceLogMiner miner;
  // Baseline hour: a steady trickle of timeouts, one per minute.
  for (int m = 0; m < 60; ++m) {
    miner.Add("request " + std::to_string(m) + " timed out after 30 ms", kT0 + m * kMinuteMs);
  }
  const TimeMs deploy = kT0 + 60 * kMinuteMs;
  miner.MarkBaseline(deploy);
  // After the deploy: timeouts surge and a new error appears.
  for (int i = 0; i < 50; ++i) {
    miner.Add("request " + std::to_string(i) + " timed out after 31 ms", deploy + i * 1000);
  }
  miner.Add("NullPointerException in CheckoutHandler line 42", deploy + 5000);
  miner.Add("NullPointerException in CheckoutHandler line 43", deploy + 6000);

  auto reports = miner.Report(deploy, deploy + kMinuteMs);
  const TemplateReport* timeouts = Find(reports, "request <*> timed out after <*> ms");
  const TemplateReport* npe = Find(reports, "NullPointerException in CheckoutHandler line <*>");
  ASSERT_NE(timeouts, nullptr);
  ASSERT_NE(npe, nullptr);
  EXPECT_EQ(timeouts->window_count, 50u);
  EXPECT_EQ(timeouts->baseline_count, 60u);
  EXPECT_EQ(timeouts->total_count, 110u);
  EXPECT_TRUE(timeouts->is_surging);
  EXPECT_FALSE(timeouts->is_new);
  EXPECT_TRUE(npe->is_new);
  EXPECT_FALSE(npe->is_surging);
  EXPECT_EQ(npe->first_seen, deploy + 5000);
  EXPECT_EQ(npe->last_seen, deploy + 6000);
  ASSERT_EQ(npe->samples.size(), 2u);
  EXPECT_EQ(npe->samples[0], "NullPointerException in CheckoutHandler line 42");
  EXPECT_EQ(timeouts->samples.size(), 3u);  // samples_per_template
  EXPECT_EQ(reports.front().text, timeouts->text);  // most frequent first
}

TEST(ServiceLogMinerTest, SteadyRateIsNotSurging) {
  ServiceLogMiner miner;
  for (int m = 0; m < 120; ++m) miner.Add("heartbeat ok seq " + std::to_string(m), kT0 + m * kMinuteMs);
  miner.MarkBaseline(kT0 + 60 * kMinuteMs);
  auto reports = miner.Report(kT0 + 60 * kMinuteMs, kT0 + 120 * kMinuteMs);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].is_surging);
  EXPECT_FALSE(reports[0].is_new);
  EXPECT_EQ(reports[0].window_count, 60u);
}

TEST(ServiceLogMinerTest, SurgesAreJudgedBySignificanceNotByRatio) {
  ServiceLogMiner miner;
  // A chatty template (100 lines a minute for an hour) and a rare one (one line in the hour).
  for (int m = 0; m < 60; ++m) {
    for (int i = 0; i < 100; ++i) miner.Add("cache miss for key " + std::to_string(i), kT0 + m * kMinuteMs + i);
  }
  miner.Add("disk latency high on volume 7", kT0 + 30 * kMinuteMs);
  const TimeMs cut = kT0 + 60 * kMinuteMs;
  miner.MarkBaseline(cut);
  // The next minute: the chatty one grows by 60%, the rare one shows three times.
  for (int i = 0; i < 160; ++i) miner.Add("cache miss for key " + std::to_string(i), cut + i);
  for (int i = 0; i < 3; ++i) miner.Add("disk latency high on volume " + std::to_string(i), cut + 1000 * i);
  auto reports = miner.Report(kT0, cut + kMinuteMs);
  const TemplateReport* chatty = Find(reports, "cache miss for key <*>");
  const TemplateReport* rare = Find(reports, "disk latency high on volume <*>");
  ASSERT_NE(chatty, nullptr);
  ASSERT_NE(rare, nullptr);
  EXPECT_EQ(chatty->after_count, 160u);
  EXPECT_EQ(chatty->window_count, 6160u);  // the window reaches back into the baseline
  EXPECT_TRUE(chatty->is_surging);
  EXPECT_TRUE(rare->is_surging);
  // The same rate as before is no surge, however many lines it is.
  ServiceLogMiner steady;
  for (int m = 0; m < 61; ++m)
    for (int i = 0; i < 100; ++i) steady.Add("cache miss for key " + std::to_string(i), kT0 + m * kMinuteMs + i);
  steady.MarkBaseline(cut);
  EXPECT_FALSE(steady.Report(kT0, cut + kMinuteMs).front().is_surging);
}

TEST(ServiceLogMinerTest, MatchOnlyCountsUnknownLinesAsUnmatched) {
  ServiceMinerOptions options;
  options.learn = false;
  ServiceLogMiner miner(options);
  EXPECT_EQ(miner.Add("anything at all", kT0), 0u);
  auto reports = miner.Report(kT0, kT0 + kMinuteMs);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].text, "(unmatched)");
  EXPECT_EQ(miner.miner().cluster_count(), 0u);
}

TEST(ServiceLogMinerTest, StateRoundTrip) {
  ServiceLogMiner miner;
  miner.Add("job 1 done in 5 s", kT0);
  miner.Add("job 2 done in 7 s", kT0 + kMinuteMs);
  miner.MarkBaseline(kT0 + 2 * kMinuteMs);
  auto restored = ServiceLogMiner::LoadState(miner.SaveState(), {});
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  EXPECT_EQ(restored->baseline_end(), kT0 + 2 * kMinuteMs);
  restored->Add("job 3 done in 9 s", kT0 + 3 * kMinuteMs);
  auto reports = restored->Report(kT0, kT0 + 4 * kMinuteMs);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].total_count, 3u);
  EXPECT_EQ(reports[0].baseline_count, 2u);
  EXPECT_FALSE(ServiceLogMiner::LoadState("{}", {}).has_value());
}

// Found by fuzz/logmine_fuzz: a merged template's samples came from its parts in hash-map order,
// so they were not its first lines and changed after a restart.
TEST(ServiceLogMinerTest, MergedTemplateSamplesAreItsFirstLinesBeforeAndAfterARestart) {
  ServiceMinerOptions options;
  options.samples_per_template = 1;
  ServiceLogMiner miner(options);
  for (const char* word : {"alpha", "beta", "gamma", "delta"})
    miner.Add(std::string("removing ") + word, kT0 + miner.miner().cluster_count() * 1000);
  auto reports = miner.Report(kT0, kT0 + kMinuteMs);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].text, "removing <*>");
  EXPECT_EQ(reports[0].samples, std::vector<std::string>{"removing alpha"});
  auto restored = ServiceLogMiner::LoadState(miner.SaveState(), options);
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  auto again = restored->Report(kT0, kT0 + kMinuteMs);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].samples, reports[0].samples);
}

// Found by fuzz/logmine_fuzz: samples and templates are saved byte for byte, so a line that is
// not UTF-8 made the saved state unreadable and the service's templates were lost at restart.
TEST(ServiceLogMinerTest, StateRoundTripKeepsLinesThatAreNotUtf8) {
  ServiceLogMiner miner;
  miner.Add("disk \xff\xfe full", kT0);
  auto restored = ServiceLogMiner::LoadState(miner.SaveState(), {});
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  EXPECT_EQ(restored->SaveState(), miner.SaveState());
}

}  // namespace
}  // namespace quell::analysis::logmine
