#include "analysis/anomaly/alert_anomaly.h"

#include <cmath>

#include <gtest/gtest.h>

#include "analysis/anomaly/rate_increase.h"

namespace quell::analysis::anomaly {
namespace {

model::Alert MakeAlert(std::string service, std::string name, model::Severity severity,
                       model::Metrics metrics = {}) {
  model::Alert a;
  a.data.service = std::move(service);
  a.data.name = std::move(name);
  a.data.severity = severity;
  a.data.metrics = std::move(metrics);
  a.data.starts_at = 1000;
  a.count = 1;
  return a;
}

TEST(AlertAnomaly, DeviationFromTheSendersBaselineScalesTheStrength) {
  const AnalystOptions options;
  auto plain = ScoreAlert(MakeAlert("api", "HighLatency", model::Severity::kHigh), options);
  EXPECT_DOUBLE_EQ(plain.strength, 0.8);
  EXPECT_TRUE(plain.metric.empty());
  // 8x the baseline: 0.5 + 0.25 * 3 = 1.25.
  auto far = ScoreAlert(MakeAlert("api", "HighLatency", model::Severity::kHigh,
                                  {{"latency_ms", 800}, {"baseline_latency_ms", 100}}),
                        options);
  EXPECT_EQ(far.metric, "latency_ms");
  EXPECT_DOUBLE_EQ(far.ratio, 8);
  EXPECT_DOUBLE_EQ(far.strength, 0.8 * 1.25);
  // Barely above its baseline: the floor of 0.5 (a service that is always a little slow).
  auto near = ScoreAlert(MakeAlert("api", "HighLatency", model::Severity::kHigh,
                                   {{"latency_ms", 110}, {"latency_ms_baseline", 100}}),
                         options);
  EXPECT_NEAR(near.strength, 0.8 * (0.5 + 0.25 * std::log2(1.1)), 1e-12);
  EXPECT_LT(near.strength, far.strength);
}

TEST(AlertAnomaly, BlipsAndResolvedAlertsWeighLess) {
  AnalystOptions options;
  options.blip_weight = 0.5;
  options.resolved_weight = 0.25;
  auto blip = ScoreAlert(MakeAlert("api", "Errors", model::Severity::kCritical, {{"firing_samples", 1}}),
                         options);
  EXPECT_TRUE(blip.blip);
  EXPECT_DOUBLE_EQ(blip.strength, 0.5);
  auto held = ScoreAlert(MakeAlert("api", "Errors", model::Severity::kCritical, {{"firing_samples", 4}}),
                         options);
  EXPECT_FALSE(held.blip);
  EXPECT_DOUBLE_EQ(held.strength, 1.0);
  auto resolved = MakeAlert("api", "Errors", model::Severity::kCritical);
  resolved.data.status = model::AlertStatus::kResolved;
  EXPECT_DOUBLE_EQ(ScoreAlert(resolved, options).strength, 0.25);
}

TEST(AlertAnomaly, ResourceSaturationIsIntrinsic) {
  EXPECT_TRUE(ScoreAlert(MakeAlert("db", "HighCPUUsage", model::Severity::kHigh), {}).intrinsic);
  EXPECT_TRUE(ScoreAlert(MakeAlert("db", "ContainerOOMKilled", model::Severity::kHigh), {}).intrinsic);
  EXPECT_FALSE(ScoreAlert(MakeAlert("db", "HighErrorRate", model::Severity::kHigh), {}).intrinsic);
}

TEST(AlertAnomaly, IncidentSumsPerServiceAndResolvedCountFullyWhenNothingFires) {
  std::vector<model::Alert> alerts = {MakeAlert("api", "Errors", model::Severity::kCritical),
                                      MakeAlert("api", "HighCPU", model::Severity::kHigh),
                                      MakeAlert("db", "Slow", model::Severity::kLow)};
  alerts[2].data.starts_at = 500;
  auto scored = ScoreIncident(alerts, AnalystOptions{});
  ASSERT_EQ(scored.services.size(), 2u);
  EXPECT_DOUBLE_EQ(scored.services["api"].strength, 1.8);
  EXPECT_DOUBLE_EQ(scored.services["api"].intrinsic, 0.8);
  EXPECT_EQ(scored.services["api"].top.front()->alert->data.name, "Errors");
  EXPECT_EQ(scored.services["db"].first_at, 500);

  for (auto& a : alerts) a.data.status = model::AlertStatus::kResolved;
  auto resolved = ScoreIncident(alerts, AnalystOptions{});
  EXPECT_DOUBLE_EQ(resolved.services["api"].strength, 1.8);
}

TEST(RateIncrease, PoissonTailMatchesTheClosedForm) {
  EXPECT_DOUBLE_EQ(PoissonUpperTail(0, 3.0), 1.0);
  // P(X >= 1) = 1 - e^-2; P(X >= 2) = 1 - e^-2 (1 + 2).
  EXPECT_NEAR(PoissonUpperTail(1, 2.0), 1 - std::exp(-2.0), 1e-12);
  EXPECT_NEAR(PoissonUpperTail(2, 2.0), 1 - 3 * std::exp(-2.0), 1e-12);
  EXPECT_LT(PoissonUpperTail(5000, 100.0), 1e-100);
}

TEST(RateIncrease, ErrorsThatAServiceAlwaysWritesAreNotASurge) {
  // 600 lines in 60 minutes of baseline, 55 in the 5-minute window: the usual rate.
  EXPECT_FALSE(SignificantIncrease(55, 5, 600, 60));
  // 200 in the window is far above it.
  EXPECT_TRUE(SignificantIncrease(200, 5, 600, 60));
  // A template never seen in a long baseline is significant after a few lines, not after one.
  EXPECT_FALSE(SignificantIncrease(1, 5, 0, 60));
  EXPECT_TRUE(SignificantIncrease(6, 5, 0, 60));
  // No baseline at all: nothing to compare against.
  EXPECT_FALSE(SignificantIncrease(100, 5, 0, 0));
}

}  // namespace
}  // namespace quell::analysis::anomaly
