#include "ingest/grafana.h"

#include <gtest/gtest.h>

#include "../tests/golden_files.h"

namespace quell::ingest {
namespace {

TEST(GrafanaWebhook, GoldenFiles) {
  EXPECT_EQ(CompareGoldenDir("grafana", ParseGrafanaWebhook), 1);
}

TEST(GrafanaWebhook, ValuesBecomeMetricsAndLinksAnnotations) {
  auto parsed = ParseGrafanaWebhook(ReadTestData("grafana/01-memory-firing-and-resolved.json"));
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(parsed->item_errors.empty());
  const auto& a = parsed->alerts[0];
  EXPECT_EQ(a.source, "grafana");
  EXPECT_EQ(a.service, "cart");
  EXPECT_EQ(a.severity, model::Severity::kMedium);
  EXPECT_EQ(a.metrics.at("B"), 93.4);
  EXPECT_EQ(a.fingerprint, "c6eadffa33fcdf37");
  EXPECT_EQ(a.annotations.at("panelURL"), "http://grafana.example.com/d/cart?orgId=1&viewPanel=4");
  EXPECT_EQ(a.starts_at, 1795506663157);  // 07:51:03.157Z: the +01:00 offset applied
  EXPECT_EQ(parsed->alerts[1].status, model::AlertStatus::kResolved);
  EXPECT_TRUE(parsed->alerts[1].metrics.empty());
}

TEST(GrafanaWebhook, RejectsNamingTheField) {
  auto parsed = ParseGrafanaWebhook(
      R"({"alerts":[{"status":"firing","labels":{"a":"b"},"values":{"B":"high"}}]})");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->item_errors.size(), 1u);
  EXPECT_EQ(parsed->item_errors[0].field(), "alerts[0].values.B");
  auto missing = ParseGrafanaWebhook(R"({"receiver":"x"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field(), "alerts");
}

}  // namespace
}  // namespace quell::ingest
