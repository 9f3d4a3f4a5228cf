#include "analysis/rules/severity_rules.h"

#include <gtest/gtest.h>

namespace quell::analysis::rules {
namespace {

using model::Severity;

TEST(SeverityRules, SeedExampleIsHighBecauseOfLatency) {
  SeverityInput in;
  in.metrics = {{{"latency", 4200}}};
  auto d = AssessSeverity(in);
  EXPECT_EQ(d.severity, Severity::kHigh);
  ASSERT_FALSE(d.reasons.empty());
  EXPECT_NE(d.reasons.back().find("latency 4200 above 1000"), std::string::npos) << d.reasons.back();
}

TEST(SeverityRules, Thresholds) {
  auto level = [](model::Metrics m) {
    SeverityInput in;
    in.metrics = {std::move(m)};
    return AssessSeverity(in).severity;
  };
  EXPECT_EQ(level({{"p99_latency_ms", 6000}}), Severity::kCritical);
  EXPECT_EQ(level({{"latency_seconds", 2}}), Severity::kHigh);  // 2 s = 2000 ms
  EXPECT_EQ(level({{"error_ratio", 0.3}}), Severity::kCritical);
  EXPECT_EQ(level({{"error_rate", 7}}), Severity::kHigh);  // 7 % read as percent
  EXPECT_EQ(level({{"disk_used_percent", 91}}), Severity::kHigh);
  EXPECT_EQ(level({{"cpu", 50}}), Severity::kMedium);      // below every threshold: default
}

TEST(SeverityRules, SenderSeverityWinsWhenHigher) {
  SeverityInput in;
  in.sent = {Severity::kCritical};
  in.metrics = {{{"latency", 400}}};
  EXPECT_EQ(AssessSeverity(in).severity, Severity::kCritical);
}

TEST(SeverityRules, InfoStaysInfoWhenNothingElse) {
  SeverityInput in;
  in.sent = {Severity::kInfo};
  in.labels = {{{"tier", "1"}}};
  EXPECT_EQ(AssessSeverity(in).severity, Severity::kInfo);
}

TEST(SeverityRules, BlastRadiusTierAndDuration) {
  SeverityInput wide;
  wide.services = 5;
  EXPECT_EQ(AssessSeverity(wide).severity, Severity::kCritical);
  SeverityInput tier;
  tier.sent = {Severity::kMedium};
  tier.labels = {{{"customer_facing", "true"}}};
  EXPECT_EQ(AssessSeverity(tier).severity, Severity::kHigh);
  SeverityInput lasting;
  lasting.sent = {Severity::kMedium};
  lasting.firing_for_ms = 2 * kHourMs;
  EXPECT_EQ(AssessSeverity(lasting).severity, Severity::kHigh);
  SeverityInput pattern;
  pattern.pattern = Severity::kCritical;
  EXPECT_EQ(AssessSeverity(pattern).severity, Severity::kCritical);
}

}  // namespace
}  // namespace quell::analysis::rules
